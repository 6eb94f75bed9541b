/**
 * The composer's "To" controls — a server's client list (full addresses, never cut: defect 7) or
 * a UDP host:port with broadcast addresses — and the strip that asks before a client row's Send
 * goes out, saying what will be sent where.
 */
import { html, nothing } from 'lit';
import type { GatewayInterface } from '../lib/index.js';
import { bytes as fmtBytes, shownText } from './format.js';
import { msg, str } from './i18n.js';
import type { ComposerState } from './model/composer-state.js';
import { lastTargets } from './model/persist.js';
import type { Session } from './model/session.js';

/** What the target controls need from the composer. */
export interface TargetHost {
  readonly interfaces: readonly GatewayInterface[];
  readonly broadcasts: string[];
  patchTarget(p: Pick<Partial<ComposerState>, 'serverTarget' | 'udpHost' | 'udpPort'>): void;
}

/** The "To" row for `session` (nothing for a TCP connection: it has one peer). */
export function renderTarget(host: TargetHost, session: Session | undefined, st: ComposerState) {
  if (session?.kind === 'server') {
    const clients = session.clients.filter((c) => c.canSend);
    return html`<label class="check target">${msg('To', { id: 'composer.to' })}
      <select class="clients mono" data-testid="server-target" @change=${(e: Event) => host.patchTarget({ serverTarget: (e.target as HTMLSelectElement).value })}>
        <option value="all" ?selected=${st.serverTarget === 'all'}>${msg(str`All clients (${clients.length})`, { id: 'composer.allClients' })}</option>
        ${clients.map((c) => html`<option value=${c.id} ?selected=${st.serverTarget === String(c.id)}>${c.remote}</option>`)}
      </select></label>`;
  }
  if (session?.kind !== 'udp') return nothing;
  const recent = lastTargets().udpSend;
  return html`<div class="row target">
    <label class="check">${msg('To', { id: 'composer.to' })}
      <input class="host mono" data-testid="udp-host" list="udp-hosts" .value=${st.udpHost} aria-label=${msg('Destination address', { id: 'composer.udpHost' })}
        @input=${(e: Event) => host.patchTarget({ udpHost: (e.target as HTMLInputElement).value })} /></label>
    <input class="port mono" type="number" min="1" max="65535" data-testid="udp-port" .value=${String(st.udpPort)} aria-label=${msg('Destination port', { id: 'composer.udpPort' })}
      @input=${(e: Event) => host.patchTarget({ udpPort: Number((e.target as HTMLInputElement).value) })} />
    <datalist id="udp-hosts">
      ${host.broadcasts.map((b) => html`<option value=${b}>${msg('broadcast', { id: 'composer.broadcast' })}</option>`)}
      ${recent.map((r) => html`<option value=${r.host}></option>`)}
    </datalist>
    <select class="small" data-testid="broadcast-pick" aria-label=${msg('Broadcast addresses', { id: 'composer.broadcasts' })} @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; if (v) host.patchTarget({ udpHost: v }); (e.target as HTMLSelectElement).value = ''; }}>
      <option value="">${msg('Broadcast…', { id: 'composer.broadcastMenu' })}</option>
      ${host.interfaces.filter((i) => i.family === 'IPv4' && i.broadcast).map((i) => html`<option value=${i.broadcast!}>${i.broadcast} (${i.name})</option>`)}
      <option value="255.255.255.255">255.255.255.255</option>
    </select>
    ${session.broadcast ? nothing : html`<span class="hint">${msg('SO_BROADCAST is off', { id: 'composer.bcastOff' })}</span>`}
  </div>`;
}

/** "Send 9 B “only you\n” ×3 to 127.0.0.1:40612?" with Send and Cancel (the message as it stands). */
export function renderConfirm(to: string, st: ComposerState, built: { bytes?: Uint8Array; error?: string }, yes: () => void, no: () => void) {
  const preview = built.bytes ? shownText(built.bytes, st.settings.encoding, 80) : '';
  const times = st.forever ? msg(' until stopped', { id: 'composer.confirmForever' }) : st.repeat > 1 ? ` ×${st.repeat}` : '';
  return html`<div class="confirm" data-testid="send-confirm" role="alertdialog" aria-label=${msg('Confirm send', { id: 'composer.confirmLabel' })}
      @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') no(); }}>
    <span>${built.bytes
      ? msg(str`Send ${fmtBytes(built.bytes.byteLength)} “${preview}”${times} to ${to}?`, { id: 'composer.confirmText' })
      : msg(str`Nothing valid to send to ${to} yet: ${built.error ?? ''}`, { id: 'composer.confirmNothing' })}</span>
    <button class="small primary" data-testid="send-confirm-yes" ?disabled=${!built.bytes} @click=${yes}>${msg('Send', { id: 'composer.send' })}</button>
    <button class="small" data-testid="send-confirm-no" @click=${no}>${msg('Cancel', { id: 'common.cancel' })}</button>
  </div>`;
}
