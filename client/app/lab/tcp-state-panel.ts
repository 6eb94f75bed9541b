/**
 * `<tcp-state-panel>`: the kernel's live TCP state of the lab's sockets and of their peers on this
 * host (the gateway reads /proc/net/tcp and /proc/net/tcp6), polled while shown, so closing a
 * connection shows FIN_WAIT2 → TIME_WAIT on the side that closed first and CLOSE_WAIT on the other.
 * Where the gateway's host does not publish them, it says the view is unavailable.
 */
import { localized, msg, str } from '../i18n.js';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { GatewayApi, TcpStateQuery, TcpStateResult } from '../../lib/gateway-api.js';

/** One socket the panel watches. */
export interface WatchedSocket extends TcpStateQuery {
  /** Stable key, sent back with `tcp-close`. */
  key: string;
  /** What the page calls it, e.g. "client (page)". */
  label: string;
  /** Shows a close() button for it. */
  closable?: boolean;
  /** Also shows the other end's state (a server on this host the page does not own). */
  showPeer?: boolean;
}

/** Event asking the lab to close one watched socket (detail: its key). */
export type TcpCloseEvent = CustomEvent<{ key: string }>;

/** The colour each state is drawn in. */
const STATE_COLOURS: Record<string, string> = {
  ESTABLISHED: '#2e9448',
  LISTEN: '#2f6fba',
  FIN_WAIT1: '#e07020',
  FIN_WAIT2: '#e07020',
  CLOSE_WAIT: '#cf3f68',
  LAST_ACK: '#cf3f68',
  TIME_WAIT: '#8456c4',
  CLOSED: '#6b7280',
};

/** Live kernel TCP states of the lab's sockets. */
@customElement('tcp-state-panel')
@localized()
export class TcpStatePanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 14px;
    }
    th,
    td {
      text-align: left;
      padding: 6px 10px;
      border-bottom: 1px solid var(--border, color-mix(in srgb, currentColor 12%, transparent));
      vertical-align: middle;
    }
    th {
      font-weight: 600;
      font-size: 12px;
      opacity: 0.75;
    }
    td.addr {
      font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
      font-size: 13px;
    }
    .state {
      display: inline-block;
      min-width: 96px;
      padding: 2px 10px;
      border-radius: 6px;
      color: #fff;
      font-weight: 700;
      font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
      font-size: 13px;
      text-align: center;
    }
    .timer {
      font-size: 12px;
      opacity: 0.75;
      margin-left: 6px;
    }
    .note {
      font-size: 13px;
      opacity: 0.8;
      margin: 8px 0 0;
    }
    .unavailable {
      padding: 10px 12px;
      border-radius: 8px;
      background: color-mix(in srgb, currentColor 6%, transparent);
    }
    button:disabled {
      opacity: 0.4;
      cursor: default;
    }
    button {
      font: inherit;
      font-size: 13px;
      padding: 3px 10px;
      border-radius: 6px;
      border: 1px solid color-mix(in srgb, currentColor 30%, transparent);
      background: transparent;
      color: inherit;
      cursor: pointer;
    }
  `;

  /** The gateway's HTTP API (`SocketGateway.api`); the panel waits while it is undefined. */
  @property({ attribute: false }) api: GatewayApi | undefined;
  /** The sockets to watch. */
  @property({ attribute: false }) sockets: readonly WatchedSocket[] = [];
  /** Keys of watched sockets the page has already closed (their close() button is disabled). */
  @property({ attribute: false }) closedKeys: readonly string[] = [];
  /** Poll interval, ms. */
  @property({ type: Number }) interval = 400;

  @state() private results: (TcpStateResult | undefined)[] = [];
  @state() private available: boolean | undefined;
  @state() private error = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #generation = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#running = true;
    this.#schedule(0);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#running = false;
    clearTimeout(this.#timer);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('sockets') || changed.has('api')) {
      this.#generation++;
      this.results = [];
      this.#schedule(0);
    }
  }

  /** Polls once now. */
  async refresh(): Promise<void> {
    const sockets = this.sockets;
    const generation = this.#generation;
    const api = this.api;
    if (!api || sockets.length === 0) return;
    try {
      const results = await api.tcpStates(sockets);
      if (generation !== this.#generation) return;
      this.available = results !== undefined;
      this.results = results ?? [];
      this.error = '';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    if (!this.#running) return;
    this.#timer = setTimeout(async () => {
      // Not while the lab view is hidden (display: none) or the tab is in the background.
      if (this.offsetParent !== null && !document.hidden) await this.refresh();
      this.#schedule(this.interval);
    }, ms);
  }

  override render() {
    if (this.available === false) {
      return html`<p class="unavailable" data-testid="tcp-states-unavailable">
        ${msg('Live TCP states are unavailable: the gateway runs on a system without /proc/net/tcp (Linux only).', { id: 'lab.tcp.unavailable' })}
      </p>`;
    }
    if (this.sockets.length === 0) return html`<p class="note">${msg('No lab sockets open.', { id: 'lab.tcp.none' })}</p>`;
    return html`
      <table>
        <thead>
          <tr>
            <th>${msg('socket', { id: 'lab.tcp.col.socket' })}</th>
            <th>${msg('local', { id: 'lab.tcp.col.local' })}</th>
            <th>${msg('remote', { id: 'lab.tcp.col.remote' })}</th>
            <th>${msg('kernel state', { id: 'lab.tcp.col.state' })}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${this.sockets.map((s, i) => this.#row(s, this.results[i]))}
        </tbody>
      </table>
      <p class="note">
        ${msg(
          'Close the client first: it sends FIN and waits in FIN_WAIT2, while the other side sits in CLOSE_WAIT until its program calls close(). Then the client spends 2×MSL in TIME_WAIT.',
          { id: 'lab.tcp.note' },
        )}
      </p>
      ${this.error ? html`<p class="note" role="alert">${this.error}</p>` : nothing}
    `;
  }

  #row(s: WatchedSocket, r: TcpStateResult | undefined) {
    const state = r === undefined ? '…' : (r.state ?? 'CLOSED');
    return html`<tr data-testid="tcp-row-${s.key}" data-state=${state}>
      <td>${s.label}</td>
      <td class="addr">${s.local}</td>
      <td class="addr">${s.remote ?? '*'}</td>
      <td>
        <span class="state" style="background:${STATE_COLOURS[state] ?? '#9ca3af'}">${state}</span>
        ${r?.timerMs && state === 'TIME_WAIT' ? html`<span class="timer">${msg(str`${Math.ceil(r.timerMs / 1000)} s left`, { id: 'lab.tcp.timer' })}</span>` : nothing}
        ${s.showPeer && r?.peer
          ? html`<div class="timer" data-testid="tcp-peer-${s.key}" data-state=${r.peer.state ?? 'CLOSED'}>
              ${msg('peer on this host:', { id: 'lab.tcp.peer' })} <b>${r.peer.state ?? 'CLOSED'}</b>
            </div>`
          : nothing}
      </td>
      <td>
        ${s.closable
          ? html`<button data-testid="tcp-close-${s.key}" ?disabled=${this.closedKeys.includes(s.key)} @click=${() => this.dispatchEvent(new CustomEvent('tcp-close', { detail: { key: s.key }, bubbles: true, composed: true }))}>
              close()
            </button>`
          : nothing}
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-state-panel': TcpStatePanel;
  }
  interface HTMLElementEventMap {
    'tcp-close': TcpCloseEvent;
  }
}
