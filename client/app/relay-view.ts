/**
 * `<relay-view>`: one relay — its listening address and target, state and totals, the table of
 * accepted pairs (client, the gateway's connection to the target, state, bytes and reads each
 * way, reads not shown), and the relay's log (`<socket-log>`): one line per read of either
 * direction, RX for client → target, TX for target → client, so each read's boundary shows.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { errorText } from './error-text.js';
import { bytes } from './format.js';
import { localized, msg, str } from './i18n.js';
import type { RelayPairInfo, RelaySession } from './model/relay-session.js';
import { ChangeWatcher } from './session-watcher.js';
import { stateLabel } from './state-label.js';
import { controls } from './theme.js';
import './socket-log.js';

/** Asks the workspace to remove a relay from the list or open it again. */
export class RelayActionEvent extends Event {
  constructor(type: 'relay-remove' | 'relay-reopen', readonly relay: RelaySession) {
    super(type, { bubbles: true, composed: true });
  }
}

/** One relay's view. */
@customElement('relay-view')
@localized()
export class RelayView extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: grid; grid-template-columns: minmax(0, 1fr); grid-template-rows: max-content auto minmax(214px, 1fr); gap: 10px; padding: 12px 14px; min-height: 0; height: 100%; box-sizing: border-box; overflow: auto; }
      header { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 10px 14px; }
      h2 { margin: 0; font: 600 15px/1.3 var(--mono); overflow-wrap: anywhere; }
      .sub { font-size: 12px; color: var(--muted); }
      .pill { font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 10px; background: var(--surface-3); color: var(--muted); }
      .pill.open { background: var(--in-soft); color: var(--in); }
      .pill.failed { background: var(--error-soft); color: var(--error); }
      .totals { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
      .spacer { flex: 1; }
      .failure { grid-column: 1 / -1; width: 100%; background: var(--error-soft); color: var(--error); border-radius: var(--radius); padding: 8px 12px; font-size: 13px; }
      .panel { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); max-height: 190px; min-height: 60px; overflow: auto; }
      table { width: 100%; border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
      th, td { padding: 4px 10px; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--border); }
      th { color: var(--muted); font-weight: 600; position: sticky; top: 0; background: var(--surface); }
      td.mono { font-family: var(--mono); }
      td.err { color: var(--error); white-space: normal; }
      @media (max-width: 900px) { .via { display: none; } }
      .empty { padding: 12px; color: var(--faint); font-size: 12.5px; }
    `,
  ];

  /** The relay shown. */
  @property({ attribute: false }) relay: RelaySession | undefined;

  #watcher = new ChangeWatcher(this, undefined, 250);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('relay')) this.#watcher.watch(this.relay);
  }

  override render() {
    const r = this.relay;
    if (!r) return nothing;
    const ended = r.state === 'closed' || r.state === 'failed';
    return html`
      <header data-testid="relay-header" data-state=${r.state}>
        <div>
          <h2 data-testid="relay-title">${r.title}</h2>
          <div class="sub">${msg('Each client that connects here is forwarded to the target by the gateway. Log: RX = a read from the client (→ target), TX = a read from the target (→ client).', { id: 'relay.explain' })}</div>
        </div>
        <span class="pill ${r.state}">${stateLabel(r.state)}</span>
        <span class="totals" data-testid="relay-totals">↑ ${bytes(r.bytesUp)} · ↓ ${bytes(r.bytesDown)}</span>
        <span class="spacer"></span>
        ${ended
          ? html`<button data-testid="relay-reopen" @click=${() => this.dispatchEvent(new RelayActionEvent('relay-reopen', r))}>${msg('Open again', { id: 'view.reopen' })}</button>
              <button data-testid="relay-remove" @click=${() => this.dispatchEvent(new RelayActionEvent('relay-remove', r))}>${msg('Remove', { id: 'view.remove' })}</button>`
          : html`<button class="danger" data-testid="relay-close" @click=${() => void r.close()}>${msg('Close relay', { id: 'relay.close' })}</button>`}
        ${r.state === 'failed' && r.error ? html`<div class="failure" role="alert" data-testid="relay-error">${errorText(r.error)}</div>` : nothing}
      </header>
      <div class="panel" data-testid="relay-pairs">
        ${r.pairs.length === 0
          ? html`<div class="empty">${r.state === 'open' ? msg('No client yet: point your client program at the listening address.', { id: 'relay.noPairs' }) : ''}</div>`
          : html`<table>
              <thead><tr><th>#</th><th>${msg('Client', { id: 'relay.client' })}</th><th class="via">${msg('Via', { id: 'relay.via' })}</th><th>${msg('State', { id: 'relay.state' })}</th>
                <th title=${msg('client → target', { id: 'relay.upHint' })}>↑ ${msg('bytes / reads', { id: 'relay.bytesReads' })}</th>
                <th title=${msg('target → client', { id: 'relay.downHint' })}>↓ ${msg('bytes / reads', { id: 'relay.bytesReads' })}</th><th></th></tr></thead>
              <tbody>${r.pairs.map((p) => this.#pair(p))}</tbody>
            </table>`}
      </div>
      <socket-log .store=${r.log} name=${`relay-${r.local || r.id}`}></socket-log>
    `;
  }

  #pair(p: RelayPairInfo) {
    const state = p.state === 'connecting' ? stateLabel('opening') : stateLabel(p.state);
    return html`<tr data-testid="relay-pair" data-pair=${p.n} data-state=${p.state}>
      <td>${p.n}</td><td class="mono">${p.client}</td><td class="mono via">${p.via || '…'}</td><td>${state}</td>
      <td data-testid="pair-up">${bytes(p.up.bytes)} / ${p.up.reads}${p.up.fin ? ' FIN' : ''}</td>
      <td data-testid="pair-down">${bytes(p.down.bytes)} / ${p.down.reads}${p.down.fin ? ' FIN' : ''}</td>
      <td class=${p.error ? 'err' : ''}>${p.error ? errorText({ sockgateCode: p.error.code, rule: p.error.rule, message: p.error.message }) : p.missed ? msg(str`${p.missed} reads not shown`, { id: 'relay.missedShort' }) : ''}</td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'relay-view': RelayView;
  }
  interface HTMLElementEventMap {
    'relay-remove': RelayActionEvent;
    'relay-reopen': RelayActionEvent;
  }
}
