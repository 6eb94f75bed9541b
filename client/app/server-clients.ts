/**
 * `<server-clients>`: the clients of a TCP server — address, connected since, bytes — with
 * "send" (the composer's message to that one, after it says what and asks) and "kick". Fires `client-send` and `client-kick`.
 */
import { css, html, LitElement, type PropertyValues, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { bytes, clockMs } from './format.js';
import { localized, msg } from './i18n.js';
import type { ServerSession } from './model/server-session.js';
import { stateLabel } from './state-label.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';

/** A client row's action: send the composer's message to it, or kick it. */
export class ClientActionEvent extends Event {
  constructor(type: 'client-send' | 'client-kick', readonly clientId: number) {
    super(type, { bubbles: true, composed: true });
  }
}

/** The server's client table. */
@customElement('server-clients')
@localized()
export class ServerClients extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; }
      table { width: 100%; border-collapse: collapse; font-size: 13px; }
      th { text-align: left; font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--faint); padding: 6px 7px; border-bottom: 1px solid var(--border); }
      td { padding: 4px 7px; border-bottom: 1px solid var(--border); font-variant-numeric: tabular-nums; }
      tr:last-child td { border-bottom: 0; }
      td.addr { font-family: var(--mono); }
      td.act { text-align: right; white-space: nowrap; }
      .gone td { color: var(--faint); }
      .empty { padding: 10px; color: var(--faint); font-size: 13px; }
      .state { font-size: 12px; }
    `,
  ];

  /** The server session. */
  @property({ attribute: false }) session: ServerSession | undefined;
  #watcher = new ChangeWatcher(this, undefined, 150);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) this.#watcher.watch(this.session);
  }

  override render() {
    const clients = this.session?.clients ?? [];
    if (clients.length === 0) {
      return html`<div class="empty">${msg('No clients yet. Connect to the address above (e.g. nc, telnet, a Python client).', { id: 'clients.empty' })}</div>`;
    }
    return html`<table data-testid="clients">
      <thead><tr>
        <th>${msg('Client', { id: 'clients.client' })}</th><th>${msg('Since', { id: 'clients.since' })}</th><th>${msg('State', { id: 'clients.state' })}</th>
        <th>${msg('In', { id: 'clients.in' })}</th><th>${msg('Out', { id: 'clients.out' })}</th><th></th>
      </tr></thead>
      <tbody>
        ${clients.map((c) => {
          const live = c.canSend;
          return html`<tr class=${live ? '' : 'gone'} data-testid="client-row" data-peer=${c.remote}>
            <td class="addr">${c.remote}</td><td>${clockMs(c.since)}</td><td class="state">${stateLabel(c.state)}</td>
            <td>${bytes(c.counters.bytesIn)}</td><td>${bytes(c.counters.bytesOut)}</td>
            <td class="act">
              ${live
                ? html`<button class="small" data-testid="client-send" title=${msg('Send the composer’s message to this client (shows it and asks first)', { id: 'clients.sendHint' })} @click=${() => this.dispatchEvent(new ClientActionEvent('client-send', c.id))}>${msg('Send', { id: 'composer.send' })}</button>
                    <button class="small danger" data-testid="client-kick" @click=${() => this.dispatchEvent(new ClientActionEvent('client-kick', c.id))}>${msg('Kick', { id: 'clients.kick' })}</button>`
                : nothing}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'server-clients': ServerClients;
  }
  interface HTMLElementEventMap {
    'client-send': ClientActionEvent;
    'client-kick': ClientActionEvent;
  }
}
