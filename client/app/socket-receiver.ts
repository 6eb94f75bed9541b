/**
 * `<socket-receiver>`: the course's receiver on a TCP socket of the workspace — one line of
 * `<receiver-controls>` under the header, the loop the socket now reads like in Python, and what
 * the last `recv(n)` returned or raised. Any TCP connection (a client, or one a server accepted)
 * can read n bytes at a time, late, or only on a press, so the course's `recv(1024)` bugs happen
 * against the page as they do against its programs.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from './i18n.js';
import { receiverOf, type TcpReceiver } from './model/tcp-receiver.js';
import type { TcpSession } from './model/tcp-session.js';
import type { ReceiverChangeEvent } from './receiver-controls.js';
import type { ReceiverSettings } from './receiver-settings.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';
import './receiver-controls.js';

/** The Python loop a socket with settings `s` reads like (the course's code shape). */
export function pythonShape(s: ReceiverSettings): string {
  const wait = s.recvMode === 'timeout' ? `sock.settimeout(${s.recvTimeoutMs / 1000}); ` : s.recvMode === 'nonblocking' ? 'sock.setblocking(False); ' : '';
  if (s.manual) return `${wait}data = sock.recv(${s.recvN})`;
  if (s.readDelayMs > 0) return `while True: time.sleep(${s.readDelayMs / 1000}); data = sock.recv(${s.recvN})`;
  return `while True: data = sock.recv(${s.recvN})`;
}

/** The receiver panel of one TCP session. */
@customElement('socket-receiver')
@localized()
export class SocketReceiver extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; contain: layout paint; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 8px 12px; }
      .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
      receiver-controls { margin-top: 6px; }
      h3 { margin: 0; font-size: 12px; font-weight: 600; color: var(--muted); }
      code { font: 12px var(--mono); color: var(--text); overflow-wrap: anywhere; }
      .hint { font-size: 12px; color: var(--faint); }
      .note { margin: 6px 0 0; font-size: 13px; font-family: var(--mono); }
      .note.error, .note.busy { color: var(--error); }
    `,
  ];

  /** The TCP connection whose reads these are. */
  @property({ attribute: false }) session: TcpSession | undefined;
  /** The controls are shown (always while the receiver is off its defaults). */
  @state() private expanded = false;

  #session = new ChangeWatcher(this, undefined, 250);
  #receiver = new ChangeWatcher(this);

  get #r(): TcpReceiver | undefined {
    return this.session ? receiverOf(this.session) : undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) {
      this.expanded = false;
      this.#session.watch(this.session);
      this.#receiver.watch(this.#r);
    }
  }

  override render() {
    const s = this.session;
    const r = this.#r;
    if (!s || !r) return nothing;
    const open = s.state === 'open' || s.state === 'half-closed';
    const note = r.note;
    return html`<div data-testid="socket-receiver" data-active=${r.active} data-pending=${r.pending ? r.pending.n : ''}>
      <div class="head">
        <h3>${msg('Receiver: reads like', { id: 'recv.title' })}</h3>
        <code data-testid="recv-shape">${pythonShape(r.settings)}</code>
        ${r.active ? nothing : html`<span class="hint">${msg('(as it arrives: every read of the gateway is one log line)', { id: 'recv.asArrives' })}</span>`}
        ${r.active || r.note
          ? nothing
          : html`<button class="small" data-testid="recv-expand" aria-expanded=${this.expanded} @click=${() => (this.expanded = !this.expanded)}>
              ${this.expanded ? msg('Hide', { id: 'recv.hide' }) : msg('Read like recv(n)…', { id: 'recv.expand' })}</button>`}
      </div>
      ${r.active || r.note || this.expanded ? this.#controls(r, open) : nothing}
      ${note ? html`<p class="note ${note.kind}" data-testid="recv-result" data-kind=${note.kind} role=${note.kind === 'result' ? 'status' : 'alert'}>${note.text}</p>` : nothing}
    </div>`;
  }

  #controls(r: TcpReceiver, open: boolean) {
    return html`<receiver-controls inline .settings=${r.settings} ?open=${open} .pending=${r.pending}
        @receiver-change=${(e: ReceiverChangeEvent) => void r.change({ [e.detail.key]: e.detail.value })}
        @receiver-recv=${() => void r.recv()}></receiver-controls>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'socket-receiver': SocketReceiver;
  }
}
