/**
 * `<socket-view>`: the main view of one socket — a header with addresses, state, counters and the
 * live bytes/s graph; the server's clients, the UDP peers or a connection's receiver (how it
 * reads: `recv(n)`, read delay, manual presses); the log; the composer. It runs the
 * composer's send jobs on the session and mediates between the tables and the composer.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GatewayInterface } from '../lib/index.js';
import { errorText } from './error-text.js';
import { localDetail } from './gateway-words.js';
import { bytes } from './format.js';
import { localized, msg, str } from './i18n.js';
import type { ComposerSendEvent } from './message-composer.js';
import { MessageComposer } from './message-composer.js';
import { receivedFramingOf } from './model/received-framing.js';
import type { Session } from './model/session.js';
import type { ClientActionEvent } from './server-clients.js';
import { ChangeWatcher } from './session-watcher.js';
import { kindLabel, kindTag, stateLabel } from './state-label.js';
import { controls } from './theme.js';
import type { PeerActionEvent } from './udp-peers.js';
import './message-composer.js';
import './rate-graph.js';
import './server-clients.js';
import './socket-log.js';
import './socket-receiver.js';
import './udp-groups.js';
import './udp-peers.js';
import './tools/socket-tools.js';
import './traffic-tools.js';

/** Asks the workspace to act on a session (remove it from the list, or open it again). */
export class SessionActionEvent extends Event {
  constructor(type: 'session-remove' | 'session-reopen', readonly session: Session) {
    super(type, { bubbles: true, composed: true });
  }
}

/** One socket's view. */
@customElement('socket-view')
@localized()
export class SocketView extends LitElement {
  static override styles = [
    controls,
    css`
      socket-log { contain: strict; }
      /* The log never shrinks below a few lines (issue 12, defect 2), even with its toolbar wrapped to three rows in a narrow view: in a small window the view scrolls instead. */
      :host { display: grid; grid-template-rows: max-content auto minmax(250px, 1fr) auto; gap: 10px; padding: 12px 14px; min-height: 0; height: 100%; box-sizing: border-box; overflow: auto; }
      /* One column no wider than the view: a wide client table scrolls in its panel, the page never does (defect 7, 800×600). */
      :host { grid-template-columns: minmax(0, 1fr); }
      /* Contained and steady in size: counters that tick must not re-layout the log below. */
      header { contain: layout paint; min-height: 60px; display: flex; align-items: center; gap: 14px; flex-wrap: wrap; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 10px 14px; }
      .id { display: grid; gap: 2px; min-width: 0; }
      .title { display: flex; align-items: center; gap: 8px; }
      .title h2 { margin: 0; font: 600 15px/1.3 var(--mono); overflow-wrap: anywhere; }
      .addr { font: 12px var(--mono); color: var(--muted); }
      .pill { font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 10px; background: var(--surface-3); color: var(--muted); }
      .pill.open { background: var(--in-soft); color: var(--in); }
      .pill.half-closed, .pill.opening, .pill.closing { background: var(--event-soft); color: var(--event); }
      .pill.failed { background: var(--error-soft); color: var(--error); }
      .counters { display: grid; grid-template-columns: 78px 70px; gap: 0 10px; font-size: 12px; font-variant-numeric: tabular-nums; color: var(--muted); }
      .counters b { color: var(--text); font-weight: 600; }
      .counters .dropped { grid-column: 1 / -1; }
      .spacer { flex: 1; }
      .actions { display: flex; gap: 6px; flex-wrap: wrap; }
      .panel { contain: layout paint; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); max-height: 190px; min-height: 72px; overflow: auto; }
      .panel h3 { margin: 0; padding: 8px 10px 0; font-size: 12px; font-weight: 600; color: var(--muted); }
      .failure { background: var(--error-soft); color: var(--error); border-radius: var(--radius); padding: 10px 14px; font-size: 13px; }
      .failure .detail { color: var(--muted); font-family: var(--mono); font-size: 12px; margin-top: 2px; }
    `,
  ];

  /** The session shown. */
  @property({ attribute: false }) session: Session | undefined;
  /** Interfaces for the composer's broadcast picker. */
  @property({ attribute: false }) interfaces: readonly GatewayInterface[] = [];
  @query('message-composer') private composer!: MessageComposer;
  @state() private toolsOpen = false;

  #watcher = new ChangeWatcher(this, undefined, 250);

  /** The session whose opening this view saw; the composer takes the focus once it is open. */
  #focusOnOpen: Session | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) {
      this.#watcher.watch(this.session);
      this.#focusOnOpen = this.session?.state === 'opening' ? this.session : undefined;
    }
  }

  override updated(): void {
    const s = this.session;
    if (!s || s !== this.#focusOnOpen || s.state === 'opening') return;
    this.#focusOnOpen = undefined;
    // Keyboard users type next (issue 12, defect 9); never pull focus out of another field.
    if (s.state === 'open' && !isTyping()) void this.composer?.updateComplete.then(() => this.composer.focus());
  }

  #onSend(event: ComposerSendEvent): void {
    void this.session?.send(event.job);
  }

  #onClient(event: ClientActionEvent): void {
    if (event.type === 'client-kick') {
      if (this.session?.kind === 'server') void this.session.kick(event.clientId);
    }
    // Never the composer's content silently: the composer says what goes to whom and asks.
    else if (this.session?.kind === 'server') {
      const client = this.session.clients.find((c) => c.id === event.clientId);
      this.composer.confirmSendTo({ kind: 'client', id: event.clientId }, client?.remote ?? '');
    }
  }

  #onPeer(event: PeerActionEvent): void {
    this.composer.setUdpTarget(event.address, event.port);
    if (event.type === 'peer-reply') this.composer.sendTo({ kind: 'udp', host: event.address, port: event.port });
    else this.composer.focus();
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const c = s.counters;
    const closed = s.state === 'closed' || s.state === 'failed';
    const failedToOpen = s.state === 'failed';
    return html`
      <header data-testid="socket-header" data-state=${s.state}>
        <div class="id">
          <div class="title"><span class="tag">${kindTag(s.kind)}</span><h2 data-testid="socket-title">${s.title}</h2>
            <span class="pill ${s.state}" data-testid="socket-state">${stateLabel(s.state)}</span></div>
          <div class="addr">${kindLabel(s.kind)}${s.kind === 'tcp' || s.kind === 'accepted' ? html` · ${msg('local', { id: 'view.local' })} ${s.local || '—'}` : nothing}${s.kind === 'udp' && s.broadcast ? ' · SO_BROADCAST' : ''}${s.kind === 'udp' && s.groups.length ? ` · ${s.groups.join(', ')}` : ''}</div>
        </div>
        <div class="counters" data-testid="counters">
          <span>↓ <b data-testid="bytes-in">${bytes(c.bytesIn)}</b></span><span>${messages(c.msgsIn)}</span>
          <span>↑ <b data-testid="bytes-out">${bytes(c.bytesOut)}</b></span><span>${messages(c.msgsOut)}</span>
          ${s.kind === 'udp'
            ? html`<span class="dropped" data-testid="dropped" data-dropped=${s.dropped ?? ''}
                title=${msg('Datagrams the gateway dropped because the page had no credit left. The gateway reports the count as it grows.', { id: 'view.droppedHint' })}
                >${msg(str`dropped: ${s.dropped ?? '—'}`, { id: 'view.dropped' })}</span>`
            : nothing}
        </div>
        <rate-graph .meter=${s.rate}></rate-graph>
        <span class="spacer"></span>
        <div class="actions">
          ${(s.kind === 'tcp' || s.kind === 'accepted') && s.state === 'open'
            ? html`<button class="small" data-testid="half-close" title=${msg('shutdown(SHUT_WR): send FIN, keep reading', { id: 'view.halfCloseHint' })} @click=${() => void s.halfClose()}>${msg('Half-close', { id: 'view.halfClose' })}</button>`
            : nothing}
          ${s.kind === 'udp' && s.state === 'open'
            ? html`<label class="check"><input type="checkbox" data-testid="broadcast-toggle" .checked=${s.broadcast} @change=${(e: Event) => void s.setBroadcast((e.target as HTMLInputElement).checked)} />SO_BROADCAST</label>`
            : nothing}
          <button class="small" data-testid="tools-toggle" aria-pressed=${this.toolsOpen} @click=${() => (this.toolsOpen = !this.toolsOpen)}>⚙ ${msg('Tools', { id: 'tools.toggle' })}</button>
          <traffic-tools .session=${s}></traffic-tools>
          <button class="small" data-testid="reset-counters" @click=${() => s.resetCounters()}>${msg('Reset counters', { id: 'view.reset' })}</button>
          ${closed
            ? html`${s.options ? html`<button class="small" data-testid="reopen" @click=${() => this.dispatchEvent(new SessionActionEvent('session-reopen', s))}>${msg('Open again', { id: 'view.reopen' })}</button>` : nothing}
                <button class="small" data-testid="remove" @click=${() => this.dispatchEvent(new SessionActionEvent('session-remove', s))}>${msg('Remove', { id: 'view.remove' })}</button>`
            : html`<button class="small danger" data-testid="close" @click=${() => void (s.kind === 'server' ? s.close() : s.close())}>${s.kind === 'server' ? msg('Stop listening', { id: 'view.stop' }) : msg('Close', { id: 'common.close' })}</button>`}
        </div>
      </header>
      ${failedToOpen && s.error
        ? html`<div class="failure" role="alert" data-testid="socket-error">${errorText(s.error)}<div class="detail" title=${(s.error as Error).message ?? ''}>${localDetail((s.error as Error).message ?? '')}</div></div>`
        : s.kind === 'server'
          ? html`<div class="panel"><h3>${msg(str`Clients (${s.clients.filter((x) => x.canSend).length} connected)`, { id: 'view.clients' })}</h3><server-clients .session=${s} @client-send=${this.#onClient} @client-kick=${this.#onClient}></server-clients></div>`
          : s.kind === 'udp'
            ? html`<div class="panel"><udp-groups .session=${s}></udp-groups><h3>${msg('Peers', { id: 'view.peers' })}</h3><udp-peers .session=${s} @peer-reply=${this.#onPeer} @peer-pick=${this.#onPeer}></udp-peers></div>`
            : html`<socket-receiver .session=${s}></socket-receiver>`}
      <socket-log .store=${s.log} .framed=${receivedFramingOf(s)} .name=${s.title}></socket-log>
      <socket-tools .session=${s} .open=${this.toolsOpen} @tools-close=${() => (this.toolsOpen = false)}></socket-tools>
      <message-composer .session=${s} .interfaces=${this.interfaces} @composer-send=${this.#onSend} @composer-stop=${() => s.stopSending()}></message-composer>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'socket-view': SocketView;
  }
  interface HTMLElementEventMap {
    'session-remove': SessionActionEvent;
    'session-reopen': SessionActionEvent;
  }
}

/** True while the focus is in a text field or select (through shadow roots). */
function isTyping(): boolean {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return !!el && (el.matches('input, textarea, select, [contenteditable]') || el.closest('dialog[open]') !== null);
}

/** "1 msg" / "3 msgs" (Chinese has one form). */
function messages(n: number) {
  return n === 1 ? msg(str`${n} msg`, { id: 'view.msg' }) : msg(str`${n} msgs`, { id: 'view.msgs' });
}
