/**
 * `<socket-list>`: the workspace's sockets — kind, addresses, state, bytes and messages in/out —
 * with a server's accepted clients under it. Redraws at most four times a second however busy
 * the sockets are. Fires `session-select` and `new-socket`.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { bytes } from './format.js';
import { localized, msg, str } from './i18n.js';
import type { RelaySession } from './model/relay-session.js';
import type { Session, SessionKind } from './model/session.js';
import { kindTag, stateLabel } from './state-label.js';
import { controls } from './theme.js';

/** The user picked a session. */
export class SessionSelectEvent extends Event {
  static readonly type = 'session-select';
  constructor(readonly sessionId: number) {
    super(SessionSelectEvent.type, { bubbles: true, composed: true });
  }
}

/** The user wants a new socket of `kind`. */
export class NewSocketEvent extends Event {
  static readonly type = 'new-socket';
  constructor(readonly kind: Exclude<SessionKind, 'accepted'>) {
    super(NewSocketEvent.type, { bubbles: true, composed: true });
  }
}

/** The user wants a new relay (`relayId` 0) or picked relay `relayId`. */
export class RelayPickEvent extends Event {
  static readonly type = 'relay-pick';
  constructor(readonly relayId: number) {
    super(RelayPickEvent.type, { bubbles: true, composed: true });
  }
}

/** The socket list. */
@customElement('socket-list')
@localized()
export class SocketList extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; background: var(--surface); border-right: 1px solid var(--border); }
      .new { display: grid; gap: 6px; padding: 12px; border-bottom: 1px solid var(--border); }
      .new h2 { margin: 0 0 2px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--faint); font-weight: 600; }
      .new button { justify-content: flex-start; }
      .new kbd { margin-left: auto; font: 11px var(--mono); color: var(--faint); }
      ul { list-style: none; margin: 0; padding: 6px; overflow: auto; flex: 1; }
      li button {
        display: grid; grid-template-columns: auto 1fr auto; gap: 2px 8px; width: 100%; height: auto; text-align: left;
        padding: 8px 10px; border: 1px solid transparent; border-radius: var(--radius-sm); background: none; align-items: center;
      }
      li button:hover:not(:disabled) { background: var(--surface-2); }
      li button[aria-current='true'] { background: var(--accent-soft); border-color: color-mix(in srgb, var(--accent) 35%, transparent); }
      li.child button { padding-left: 26px; }
      .t { font: 12.5px var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--faint); justify-self: end; }
      .dot.open { background: var(--ok); }
      .dot.half-closed, .dot.opening, .dot.closing { background: var(--warn); }
      .dot.failed { background: var(--error); }
      .meta { grid-column: 1 / 4; display: flex; gap: 10px; font-size: 11.5px; color: var(--muted); font-variant-numeric: tabular-nums; }
      .meta .st { margin-left: auto; }
      .empty { padding: 16px; color: var(--faint); font-size: 13px; }
      h2.list { margin: 10px 12px 0; font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--faint); font-weight: 600; }
    `,
  ];

  /** Sessions, in order of creation. */
  @property({ attribute: false }) sessions: readonly Session[] = [];
  /** The selected session's id. */
  @property({ type: Number }) selectedId = 0;
  /** Relays, in order of creation. */
  @property({ attribute: false }) relays: readonly RelaySession[] = [];
  /** The selected relay's id (0: none). */
  @property({ type: Number }) selectedRelay = 0;

  #watched = new Set<EventTarget>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onChange = () => {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.requestUpdate();
    }, 250);
  };

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sessions') || changed.has('relays')) this.#rewatch();
  }

  #rewatch(): void {
    const now = new Set<EventTarget>(this.isConnected ? [...this.sessions, ...this.relays] : []);
    for (const s of this.#watched) if (!now.has(s)) s.removeEventListener('change', this.#onChange);
    for (const s of now) if (!this.#watched.has(s)) s.addEventListener('change', this.#onChange);
    this.#watched = now;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#rewatch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#rewatch();
  }

  override render() {
    return html`
      <div class="new">
        <h2>${msg('New socket', { id: 'list.new' })}</h2>
        <button data-testid="new-tcp" @click=${() => this.dispatchEvent(new NewSocketEvent('tcp'))}>＋ ${msg('TCP client', { id: 'kind.tcpLong' })}</button>
        <button data-testid="new-server" @click=${() => this.dispatchEvent(new NewSocketEvent('server'))}>＋ ${msg('TCP server', { id: 'kind.serverLong' })}</button>
        <button data-testid="new-udp" @click=${() => this.dispatchEvent(new NewSocketEvent('udp'))}>＋ ${msg('UDP socket', { id: 'kind.udpLong' })}</button>
        <button data-testid="new-relay" @click=${() => this.dispatchEvent(new RelayPickEvent(0))}>＋ ${msg('TCP relay', { id: 'relay.kindLong' })}</button>
      </div>
      <h2 class="list">${msg('Sockets', { id: 'list.sockets' })}</h2>
      ${this.sessions.length === 0
        ? html`<div class="empty">${msg('No sockets yet.', { id: 'list.empty' })}</div>`
        : html`<ul data-testid="socket-list" aria-label=${msg('Sockets', { id: 'list.sockets' })}>
            ${this.sessions.map((s) => html`${this.#item(s, false)}${s.kind === 'server' ? s.clients.map((c) => this.#item(c, true)) : nothing}`)}
          </ul>`}
      ${this.relays.length ? html`<h2 class="list">${msg('Relays', { id: 'relay.list' })}</h2><ul data-testid="relay-list">${this.relays.map((r) => this.#relay(r))}</ul>` : nothing}
    `;
  }

  #relay(r: RelaySession) {
    return html`<li>
      <button data-testid="relay-item" data-state=${r.state} aria-current=${r.id === this.selectedRelay ? 'true' : 'false'} @click=${() => this.dispatchEvent(new RelayPickEvent(r.id))}>
        <span class="tag">RELAY</span><span class="t" title=${r.title}>${r.title}</span><span class="dot ${r.state}"></span>
        <span class="meta"><span>↑ ${bytes(r.bytesUp)}</span><span>↓ ${bytes(r.bytesDown)}</span><span>${msg('pairs', { id: 'relay.pairs' })}: ${r.pairs.length}</span><span class="st">${stateLabel(r.state)}</span></span>
      </button>
    </li>`;
  }

  #item(s: Session, child: boolean) {
    const c = s.counters;
    return html`<li class=${child ? 'child' : ''}>
      <button data-testid="socket-item" data-kind=${s.kind} data-state=${s.state} data-title=${s.title} aria-current=${s.id === this.selectedId ? 'true' : 'false'}
        @click=${() => this.dispatchEvent(new SessionSelectEvent(s.id))}>
        <span class="tag">${kindTag(s.kind)}</span><span class="t" title=${s.title}>${s.title || '…'}</span><span class="dot ${s.state}"></span>
        <span class="meta">${s.kind === 'tcp' && s.local ? html`<span data-testid="socket-via" title=${s.local}>${msg(str`from :${localPort(s.local)}`, { id: 'list.via' })}</span>` : nothing}<span>↓ ${bytes(c.bytesIn)} · ${c.msgsIn}</span><span>↑ ${bytes(c.bytesOut)} · ${c.msgsOut}</span><span class="st">${stateLabel(s.state)}</span></span>
      </button>
    </li>`;
  }
}

/** The port of `address:port` (or `[v6]:port`). */
const localPort = (local: string) => local.slice(local.lastIndexOf(':') + 1);

declare global {
  interface HTMLElementTagNameMap {
    'socket-list': SocketList;
  }
  interface HTMLElementEventMap {
    'session-select': SessionSelectEvent;
    'new-socket': NewSocketEvent;
    'relay-pick': RelayPickEvent;
  }
}

