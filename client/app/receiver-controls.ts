/**
 * `<receiver-controls>`: the course's receiver for one TCP socket — read delay, manual `recv(n)`,
 * the n of every read, how a manual recv waits (blocking, `settimeout(t)`, `setblocking(False)`),
 * the recv(n) button and the pending line while a recv waits. Used by the sticky-packet lab's
 * knobs and by every TCP socket of the workspace. Properties flow down; every change goes up as
 * `receiver-change` ({key, value}), a press as `receiver-recv` (also while one waits: the host
 * says so in words).
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from './i18n.js';
import type { ReceiverSettings, RecvMode, RecvPending } from './receiver-settings.js';
import { controls } from './theme.js';

/** One setting and its new value. */
export type ReceiverChange = { [K in keyof ReceiverSettings]: { key: K; value: ReceiverSettings[K] } }[keyof ReceiverSettings];
/** Fired when a setting changes. */
export type ReceiverChangeEvent = CustomEvent<ReceiverChange>;

const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
const num = (e: Event, min: number) => Math.max(min, Math.floor(Number(value(e))) || min);

/** The receiver controls. */
@customElement('receiver-controls')
@localized()
export class ReceiverControls extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; gap: 8px; }
      :host([inline]) { flex-direction: row; flex-wrap: wrap; align-items: center; gap: 6px 14px; }
      label, .row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; font-size: 14px; color: var(--text, inherit); }
      :host([inline]) label, :host([inline]) .row { font-size: 13px; gap: 6px; }
      input[type='number'] { width: 7em; }
      :host([inline]) input[type='number'] { width: 5.5em; }
      .pending { display: flex; align-items: center; gap: 8px; margin: 0; font-size: 13px; color: var(--accent); }
      .spinner { width: 12px; height: 12px; border-radius: 50%; border: 2px solid currentColor; border-right-color: transparent; animation: spin 0.9s linear infinite; }
      @keyframes spin { to { transform: rotate(360deg); } }
      @media (prefers-reduced-motion: reduce) { .spinner { animation: none; } }
      button[aria-busy='true'] { opacity: 0.6; }
    `,
  ];

  /** What the receiver is set to. */
  @property({ attribute: false }) settings!: ReceiverSettings;
  /** The socket is open (recv(n) works in manual mode). */
  @property({ type: Boolean }) open = false;
  /** The manual recv() now waiting, if any. */
  @property({ attribute: false }) pending: RecvPending | undefined;
  /** Lay the controls out in one wrapping row (the workspace) instead of a column (the lab). */
  @property({ type: Boolean, reflect: true }) inline = false;

  #change<K extends keyof ReceiverSettings>(key: K, v: ReceiverSettings[K]): void {
    this.dispatchEvent(new CustomEvent('receiver-change', { detail: { key, value: v } as ReceiverChange, bubbles: true, composed: true }));
  }

  override render() {
    const k = this.settings;
    const pending = this.pending;
    return html`
      <label
        >${msg('read only every … ms', { id: 'recv.readDelay' })}
        <input type="number" min="0" max="60000" step="50" data-testid="knob-read-delay" .value=${String(k.readDelayMs)} @change=${(e: Event) => this.#change('readDelayMs', num(e, 0))}
      /></label>
      <label
        ><input type="checkbox" data-testid="knob-manual" .checked=${k.manual} @change=${(e: Event) => this.#change('manual', (e.target as HTMLInputElement).checked)} />
        ${msg('manual: read only when I press recv(n)', { id: 'recv.manual' })}</label
      >
      <div class="row">
        <label title=${msg('The most bytes one read takes, as in recv(n); 65536 is what the gateway reads at once anyway', { id: 'recv.recvNHint' })}
          >${msg('bytes per read, n', { id: 'recv.recvN' })}
          <input type="number" min="1" max="65536" data-testid="knob-recv-n" .value=${String(k.recvN)} @change=${(e: Event) => this.#change('recvN', Math.min(65_536, num(e, 1)))}
        /></label>
        <button data-testid="recv-button" ?disabled=${!this.open || !k.manual} aria-busy=${pending ? 'true' : 'false'}
          @click=${() => this.dispatchEvent(new CustomEvent<void>('receiver-recv', { bubbles: true, composed: true }))}>recv(${k.recvN})</button>
      </div>
      ${k.manual ? this.#recvMode(k) : nothing}
      ${pending
        ? html`<p class="pending" data-testid="recv-pending" data-n=${pending.n} role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            ${pending.mode === 'timeout'
              ? msg(str`recv(${pending.n}) is waiting for data (times out after ${pending.timeoutMs} ms)…`, { id: 'recv.pendingTimeout' })
              : msg(str`recv(${pending.n}) is blocked, waiting for data…`, { id: 'recv.pending' })}
          </p>`
        : nothing}
    `;
  }

  #recvMode(k: ReceiverSettings) {
    const modes: [RecvMode, string][] = [
      ['blocking', msg('blocking (settimeout(None))', { id: 'recv.blocking' })],
      ['timeout', msg('with a timeout (settimeout(t))', { id: 'recv.timeoutMode' })],
      ['nonblocking', msg('non-blocking (setblocking(False))', { id: 'recv.nonBlocking' })],
    ];
    return html`<div class="row">
      <select aria-label=${msg('how recv() waits', { id: 'recv.mode' })} data-testid="knob-recv-mode" @change=${(e: Event) => this.#change('recvMode', value(e) as RecvMode)}>
        ${modes.map(([m, label]) => html`<option value=${m} ?selected=${k.recvMode === m}>${label}</option>`)}
      </select>
      ${k.recvMode === 'timeout'
        ? html`<label>t (ms) <input type="number" min="1" max="60000" step="100" data-testid="knob-recv-timeout" .value=${String(k.recvTimeoutMs)} @change=${(e: Event) => this.#change('recvTimeoutMs', num(e, 1))} /></label>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'receiver-controls': ReceiverControls;
  }
  interface HTMLElementEventMap {
    'receiver-change': ReceiverChangeEvent;
    'receiver-recv': CustomEvent<void>;
  }
}
