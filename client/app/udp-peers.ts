/**
 * `<udp-peers>`: the peers a UDP socket has heard from — address, port, datagrams, bytes, last
 * seen — with "reply" (the composer's message to that peer in one click). Fires `peer-reply` and
 * `peer-pick` (use as the destination).
 */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ago, bytes } from './format.js';
import { localized, msg } from './i18n.js';
import type { UdpSession } from './model/udp-session.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';

/** A peer row's action. */
export class PeerActionEvent extends Event {
  constructor(type: 'peer-reply' | 'peer-pick', readonly address: string, readonly port: number) {
    super(type, { bubbles: true, composed: true });
  }
}

/** The UDP peers table. */
@customElement('udp-peers')
@localized()
export class UdpPeers extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; }
      table { width: 100%; border-collapse: collapse; font-size: 13px; }
      th { text-align: left; font-weight: 600; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--faint); padding: 6px 10px; border-bottom: 1px solid var(--border); }
      td { padding: 4px 10px; border-bottom: 1px solid var(--border); font-variant-numeric: tabular-nums; }
      tr:last-child td { border-bottom: 0; }
      td.addr button { font-family: var(--mono); border: 0; background: none; padding: 0; height: auto; color: var(--accent); }
      td.act { text-align: right; }
      .empty { padding: 10px; color: var(--faint); font-size: 13px; }
    `,
  ];

  /** The UDP session. */
  @property({ attribute: false }) session: UdpSession | undefined;
  #watcher = new ChangeWatcher(this, undefined, 150);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) this.#watcher.watch(this.session);
  }

  override render() {
    const peers = [...(this.session?.peers.values() ?? [])].sort((a, b) => b.lastSeen - a.lastSeen);
    if (peers.length === 0) return html`<div class="empty">${msg('No datagrams yet. Peers that send to this socket appear here.', { id: 'peers.empty' })}</div>`;
    const now = Date.now();
    return html`<table data-testid="peers">
      <thead><tr>
        <th>${msg('Address', { id: 'peers.address' })}</th><th>${msg('Port', { id: 'peers.port' })}</th><th>${msg('Datagrams', { id: 'peers.datagrams' })}</th>
        <th>${msg('Bytes', { id: 'log.col.bytes' })}</th><th>${msg('Last seen', { id: 'peers.lastSeen' })}</th><th></th>
      </tr></thead>
      <tbody>
        ${peers.map((p) => html`<tr data-testid="peer-row" data-peer="${p.address}:${p.port}">
          <td class="addr"><button title=${msg('Use as destination', { id: 'peers.pick' })} @click=${() => this.dispatchEvent(new PeerActionEvent('peer-pick', p.address, p.port))}>${p.address}</button></td>
          <td>${p.port}</td><td>${p.datagrams}</td><td>${bytes(p.bytes)}</td><td>${ago(p.lastSeen, now)}</td>
          <td class="act"><button class="small" data-testid="peer-reply" @click=${() => this.dispatchEvent(new PeerActionEvent('peer-reply', p.address, p.port))}>↩ ${msg('Reply', { id: 'peers.reply' })}</button></td>
        </tr>`)}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'udp-peers': UdpPeers;
  }
  interface HTMLElementEventMap {
    'peer-reply': PeerActionEvent;
    'peer-pick': PeerActionEvent;
  }
}
