/**
 * The teacher's view: live pages grouped per grant (or the operator token), their sockets and
 * recent denials, with close-socket, close-page and revoke-grant actions. State arrives as SSE
 * from /admin/api/events; the admin cookie (set when opened with ?admin_token=) authorises it.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls, applyTheme, effectiveTheme } from '../app/theme.js';
import { getLocale, LOCALES, localized, msg, str, switchLocale } from './admin-i18n.js';
import type { AdminGrant, AdminPageView, AdminSocket, AdminState } from './admin-types.js';

const fmtBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);
/** A socket's kind and state in the page's language (the API sends the protocol's words). */
const kindLabel = (kind: string) =>
  kind === 'tcp' ? msg('TCP', { id: 'admin.kindTcp' }) : kind === 'tcp-server' ? msg('TCP listener', { id: 'admin.kindListener' }) : kind === 'udp' ? msg('UDP', { id: 'admin.kindUdp' }) : kind === 'relay' ? msg('TCP relay', { id: 'admin.kindRelay' }) : kind;
const stateLabel = (state: string) =>
  state === 'open' ? msg('open', { id: 'admin.stateOpen' }) : state === 'listening' ? msg('listening', { id: 'admin.stateListening' }) : state === 'bound' ? msg('bound', { id: 'admin.stateBound' }) : state;
const fmtTime = (t: number) => new Date(t).toLocaleTimeString(getLocale(), { hour12: false });

/** The admin page. */
@customElement('sockgate-admin')
@localized()
export class SockgateAdmin extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; height: 100vh; overflow: auto; background: var(--bg); }
      header { display: flex; align-items: center; gap: 16px; padding: 0 16px; height: 48px; background: var(--surface); border-bottom: 1px solid var(--border); position: sticky; top: 0; z-index: 1; }
      h1 { font-size: 15px; margin: 0; font-weight: 650; }
      .spacer { flex: 1; }
      .live { font-size: 12px; display: inline-flex; align-items: center; gap: 6px; color: var(--muted); }
      .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--faint); }
      .dot.on { background: var(--ok); }
      main { padding: 16px; display: flex; flex-direction: column; gap: 16px; }
      .note { padding: 8px 12px; border-radius: var(--radius-sm); background: var(--event-soft); color: var(--event); font-size: 13px; }
      .error { background: var(--error-soft); color: var(--error); }
      section.group { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); }
      section.group > h2 { display: flex; align-items: center; gap: 10px; margin: 0; padding: 10px 14px; font-size: 14px; border-bottom: 1px solid var(--border); }
      .page { padding: 12px 14px; border-bottom: 1px solid var(--border); display: flex; flex-direction: column; gap: 8px; }
      .page:last-child { border-bottom: 0; }
      .meta { display: flex; gap: 18px; flex-wrap: wrap; align-items: center; font-size: 13px; }
      .meta b { font-weight: 600; color: var(--muted); font-size: 12px; margin-right: 4px; }
      table { width: 100%; border-collapse: collapse; font-size: 13px; }
      th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; padding: 4px 8px; border-bottom: 1px solid var(--border); }
      td { padding: 4px 8px; border-bottom: 1px solid var(--surface-3); }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      .denials { font-size: 12px; color: var(--error); display: flex; flex-direction: column; gap: 2px; }
      .empty { color: var(--muted); padding: 24px; text-align: center; }
    `,
  ];

  @state() private data: AdminState | undefined;
  @state() private live = false;
  @state() private failure = '';
  @state() private theme: 'light' | 'dark' = effectiveTheme();
  #source: EventSource | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#source = new EventSource('/admin/api/events', { withCredentials: true });
    this.#source.addEventListener('state', (e) => {
      this.data = JSON.parse((e as MessageEvent<string>).data) as AdminState;
      this.live = true;
    });
    this.#source.onopen = () => (this.live = true);
    this.#source.onerror = () => (this.live = false);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#source?.close();
  }

  override render() {
    const pages = this.data?.pages ?? [];
    const groups = new Map<string, { title: string; grantId?: string; pages: AdminPageView[] }>();
    for (const p of pages) {
      const key = p.grant ? `g:${p.grant.id}` : 'token';
      const title = p.grant ? msg(str`Grant ${p.grant.name ?? p.grant.id}`, { id: 'admin.grant' }) : msg('Operator token', { id: 'admin.operatorToken' });
      const g = groups.get(key) ?? { title, grantId: p.grant?.id, pages: [] };
      g.pages.push(p);
      groups.set(key, g);
    }
    return html`
      <header>
        <h1>${msg('sockgate — live pages', { id: 'admin.title' })}</h1>
        <span class="live" data-testid="admin-live"><span class="dot ${this.live ? 'on' : ''}"></span>${this.live ? msg('Live', { id: 'admin.live' }) : msg('Not connected', { id: 'admin.offline' })}</span>
        <span class="muted">${msg(str`Pages: ${pages.length}`, { id: 'admin.pageCount' })}</span>
        <span class="spacer"></span>
        <select aria-label=${msg('Language', { id: 'admin.language' })} data-testid="language" @change=${this.#onLocale}>
          ${LOCALES.map((l) => html`<option value=${l.locale} ?selected=${getLocale() === l.locale}>${l.name}</option>`)}
        </select>
        <button class="ghost" data-testid="theme-toggle" @click=${this.#toggleTheme} aria-label=${msg('Switch light / dark theme', { id: 'admin.theme' })}>${this.theme === 'dark' ? '☀' : '☾'}</button>
      </header>
      <main>
        ${this.failure ? html`<div class="note error" role="alert">${this.failure}</div>` : nothing}
        ${this.data && !this.data.grants.enabled ? html`<div class="note" data-testid="admin-no-grants">${msg('No grants file: revoking is unavailable.', { id: 'admin.noGrants' })} <span class="mono">--grants FILE</span></div>` : nothing}
        ${!this.data ? html`<div class="empty">${msg('Waiting for the gateway…', { id: 'admin.waiting' })}</div>` : pages.length === 0 ? html`<div class="empty" data-testid="admin-empty">${msg('No page is connected.', { id: 'admin.none' })}</div>` : nothing}
        ${[...groups.values()].map((g) => this.#group(g))}
        ${this.data?.grants.enabled && this.data.grants.list.length > 0 ? this.#grants(this.data.grants.list) : nothing}
      </main>
    `;
  }

  #group(g: { title: string; grantId?: string; pages: AdminPageView[] }) {
    const grants = this.data?.grants;
    const canRevoke = g.grantId !== undefined && grants?.enabled === true;
    const why = grants && !grants.enabled ? msg('This gateway runs without a grants file (--grants FILE): there is no grant to revoke.', { id: 'admin.noGrantsWhy' }) : g.grantId === undefined ? msg('These pages use the operator token, not a grant: close them instead.', { id: 'admin.tokenWhy' }) : '';
    return html`<section class="group" data-testid="admin-group">
      <h2>${g.title} <span class="tag">${g.pages.length}</span><span class="spacer"></span>
        <button class="small danger" data-testid="admin-revoke" ?disabled=${!canRevoke} title=${why} @click=${() => g.grantId && this.#post(`grants/${encodeURIComponent(g.grantId)}/revoke`)}>${msg('Revoke grant', { id: 'admin.revoke' })}</button>
      </h2>
      ${why ? html`<div class="muted" style="padding: 6px 14px 0; font-size: 12px">${why}</div>` : nothing}
      ${g.pages.map((p) => this.#page(p))}
    </section>`;
  }

  /** Every grant of the file, revoked and expired ones too (so the teacher sees why a page went). */
  #grants(list: AdminGrant[]) {
    return html`<section class="group" data-testid="admin-grants">
      <h2>${msg('Grants', { id: 'admin.grants' })} <span class="tag">${list.length}</span></h2>
      <table>
        <thead><tr><th>${msg('Name', { id: 'admin.grantName' })}</th><th>${msg('Rules', { id: 'admin.rules' })}</th><th>${msg('Expires', { id: 'admin.expires' })}</th><th>${msg('Status', { id: 'admin.status' })}</th><th></th></tr></thead>
        <tbody>${list.map(
          (g) => html`<tr data-testid="admin-grant-row" data-grant=${g.id}>
            <td>${g.name}</td><td class="mono">${g.rules.join(', ') || '—'}</td><td>${g.expires !== undefined ? fmtTime(g.expires) : msg('never', { id: 'admin.never' })}</td>
            <td data-testid="admin-grant-status" data-revoked=${String(g.revoked)}>${g.revoked ? msg('revoked or expired', { id: 'admin.revoked' }) : msg('active', { id: 'admin.active' })}</td>
            <td><button class="small danger" data-testid="admin-revoke-grant" ?disabled=${g.revoked} @click=${() => this.#post(`grants/${encodeURIComponent(g.id)}/revoke`)}>${msg('Revoke grant', { id: 'admin.revoke' })}</button></td>
          </tr>`,
        )}</tbody>
      </table>
    </section>`;
  }

  #page(p: AdminPageView) {
    return html`<div class="page" data-testid="admin-page-row" data-page=${p.id}>
      <div class="meta">
        <span><b>${msg('Client', { id: 'admin.client' })}</b><span class="mono">${p.client}</span></span>
        <span><b>${msg('Origin', { id: 'admin.origin' })}</b><span class="mono">${p.origin ?? '—'}</span></span>
        <span><b>${msg('Since', { id: 'admin.since' })}</b>${fmtTime(p.since)}</span>
        <span><b>${msg('Sockets', { id: 'admin.sockets' })}</b>${p.socketCount}</span>
        <span class="spacer"></span>
        <button class="small danger" data-testid="admin-close-page" @click=${() => this.#post(`pages/${p.id}/close`)}>${msg('Close page', { id: 'admin.closePage' })}</button>
      </div>
      ${p.sockets.length > 0 ? this.#sockets(p) : nothing}
      ${p.socketCount > p.sockets.length ? html`<div class="muted">${msg(str`and ${p.socketCount - p.sockets.length} more sockets`, { id: 'admin.more' })}</div>` : nothing}
      ${p.denials.length > 0
        ? html`<div class="denials" data-testid="admin-denials"><b>${msg(str`Denied (last minutes, ${p.denialsTotal} in all)`, { id: 'admin.denied' })}</b>
            ${p.denials.slice(-5).map((d) => html`<span class="mono">${fmtTime(d.time)} ${d.op} ${d.target} ${d.rule ? `(${d.rule})` : ''}</span>`)}</div>`
        : nothing}
    </div>`;
  }

  #sockets(p: AdminPageView) {
    return html`<table>
      <thead><tr>
        <th>#</th><th>${msg('Kind', { id: 'admin.kind' })}</th><th>${msg('Target', { id: 'admin.target' })}</th><th>${msg('Local', { id: 'admin.local' })}</th>
        <th>${msg('State', { id: 'admin.state' })}</th><th class="num">${msg('In', { id: 'admin.in' })}</th><th class="num">${msg('Out', { id: 'admin.out' })}</th>
        <th class="num">${msg('Rate in', { id: 'admin.rateIn' })}</th><th class="num">${msg('Rate out', { id: 'admin.rateOut' })}</th><th></th>
      </tr></thead>
      <tbody>${p.sockets.map((s) => this.#socket(p, s))}</tbody>
    </table>`;
  }

  #socket(p: AdminPageView, s: AdminSocket) {
    return html`<tr data-testid="admin-socket-row" data-socket=${s.id}>
      <td class="mono">${s.id}</td><td><span class="tag" data-kind=${s.kind}>${kindLabel(s.kind)}</span></td>
      <td class="mono">${s.remote ?? '—'}</td><td class="mono">${s.local}</td><td data-state=${s.state}>${stateLabel(s.state)}</td>
      <td class="num">${fmtBytes(s.bytesIn)}</td><td class="num">${fmtBytes(s.bytesOut)}</td>
      <td class="num">${fmtBytes(s.rateIn)}/s</td><td class="num">${fmtBytes(s.rateOut)}/s</td>
      <td><button class="small" data-testid="admin-close-socket" @click=${() => this.#post(`pages/${p.id}/sockets/${s.id}/close`)}>${msg('Close', { id: 'admin.closeSocket' })}</button></td>
    </tr>`;
  }

  async #post(path: string): Promise<void> {
    this.failure = '';
    try {
      const res = await fetch(`/admin/api/${path}`, { method: 'POST', credentials: 'same-origin' });
      if (!res.ok) this.failure = ((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`;
    } catch (err) {
      this.failure = String(err);
    }
  }

  async #onLocale(event: Event): Promise<void> {
    await switchLocale((event.target as HTMLSelectElement).value as 'en' | 'zh-CN');
  }

  #toggleTheme(): void {
    this.theme = this.theme === 'dark' ? 'light' : 'dark';
    applyTheme(this.theme);
  }
}
