/**
 * `<lab-knobs>`: the lab's controls — sender knobs (Nagle, cork, sleep between writes, framing),
 * receiver knobs (`<receiver-controls>`, shared with the workspace, and the decoding framing) and the free-play messages and
 * connection. Properties flow down from `<sticky-lab>`, which owns the state; every change goes up
 * as a typed event: `knob-change`, `play-change`, and `lab-recv` / `lab-send` / `lab-new-connection`
 * for the buttons.
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { LabServiceInfo } from '../../lib/gateway-api.js';
import { localized, msg } from '../i18n.js';
import type { ReceiverChangeEvent } from '../receiver-controls.js';
import '../receiver-controls.js';
import type { RecvPending } from '../receiver-settings.js';
import { controls } from '../theme.js';
import { FRAMING_LABELS, FRAMING_NAMES } from './framing-labels.js';
import type { Knobs, LabDirection } from './knobs.js';
import { labKnobsStyles } from './lab-knobs.styles.js';
import type { LabFramingName } from './stream-model.js';

/** One knob and its new value. */
export type KnobChange = { [K in keyof Knobs]: { key: K; value: Knobs[K] } }[keyof Knobs];
/** Fired when a knob changes. */
export type KnobChangeEvent = CustomEvent<KnobChange>;

/** What free play connects to: the page's own server, or host:port. */
export type PlayTargetKind = 'pair' | 'remote';
/** The free-play fields that changed. */
export interface PlayChange {
  messagesText?: string;
  target?: PlayTargetKind;
  remoteHost?: string;
  remotePort?: number;
}
/** Fired when a free-play field changes. */
export type PlayChangeEvent = CustomEvent<PlayChange>;
/** Fired by the recv(n), Send and New connection buttons. */
export type LabActionEvent = CustomEvent<void>;

const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;
const checked = (e: Event) => (e.target as HTMLInputElement).checked;

/** The knobs panel. */
@customElement('lab-knobs')
@localized()
export class LabKnobs extends LitElement {
  static override styles = [controls, labKnobsStyles];

  /** What the knobs are set to. */
  @property({ attribute: false }) knobs!: Knobs;
  /** The free-play textarea, one message per line. */
  @property() messagesText = '';
  /** What free play connects to. */
  @property() target: PlayTargetKind = 'pair';
  @property() remoteHost = '';
  @property({ type: Number }) remotePort = 0;
  /** The gateway's TCP lab services, once loaded (chips that fill in host and port). */
  @property({ attribute: false }) services: readonly LabServiceInfo[] | undefined;
  /** A gateway is connected (Send and New connection work). */
  @property({ type: Boolean }) connected = false;
  /** A lab connection is open (recv(n) works in manual mode). */
  @property({ type: Boolean }) open = false;
  /** The manual recv() now waiting, if any: the button shows it and takes no second press. */
  @property({ attribute: false }) recvPending: RecvPending | undefined;

  #knob<K extends keyof Knobs>(key: K, v: Knobs[K]): void {
    this.dispatchEvent(new CustomEvent('knob-change', { detail: { key, value: v } as KnobChange, bubbles: true, composed: true }));
  }

  #play(detail: PlayChange): void {
    this.dispatchEvent(new CustomEvent('play-change', { detail, bubbles: true, composed: true }));
  }

  #action(type: 'lab-recv' | 'lab-send' | 'lab-new-connection'): void {
    this.dispatchEvent(new CustomEvent<void>(type, { bubbles: true, composed: true }));
  }

  #framingOptions(selected: LabFramingName) {
    return FRAMING_NAMES.map((name) => html`<option value=${name} ?selected=${name === selected}>${FRAMING_LABELS[name].name()}</option>`);
  }

  override render() {
    const k = this.knobs;
    return html`<div class="knobs">
      <fieldset>
        <legend>${msg('Sender', { id: 'lab.sender' })}</legend>
        <label
          ><input type="checkbox" data-testid="knob-nagle" .checked=${!k.noDelay} @change=${(e: Event) => this.#knob('noDelay', !checked(e))} />
          ${msg("Nagle's algorithm on (noDelay off)", { id: 'lab.knob.nagle' })}</label
        >
        <label
          >${msg('cork the next N writes into one', { id: 'lab.knob.cork' })}
          <input type="number" min="0" max="100" data-testid="knob-cork" .value=${String(k.cork)} @change=${(e: Event) => this.#knob('cork', Number(value(e)) || 0)}
        /></label>
        <label
          >${msg('sleep between writes (ms)', { id: 'lab.knob.writeDelay' })}
          <input type="number" min="0" max="10000" step="50" data-testid="knob-write-delay" .value=${String(k.writeDelayMs)} @change=${(e: Event) => this.#knob('writeDelayMs', Number(value(e)) || 0)}
        /></label>
        <label
          >${msg('send with', { id: 'lab.knob.sendFraming' })}
          <select data-testid="knob-send-framing" @change=${(e: Event) => this.#knob('sendFraming', value(e) as LabFramingName)}>
            ${this.#framingOptions(k.sendFraming)}
          </select></label
        >
      </fieldset>
      <fieldset>
        <legend>${msg('Receiver', { id: 'lab.receiver' })}</legend>
        <receiver-controls .settings=${k} ?open=${this.open} .pending=${this.recvPending}
          @receiver-change=${(e: ReceiverChangeEvent) => this.#knob(e.detail.key, e.detail.value)} @receiver-recv=${() => this.#action('lab-recv')}></receiver-controls>
        <label
          >${msg('decode with', { id: 'lab.knob.decodeFraming' })}
          <select data-testid="knob-decode-framing" @change=${(e: Event) => this.#knob('decodeFraming', value(e) as LabFramingName)}>
            ${this.#framingOptions(k.decodeFraming)}
          </select></label
        >
      </fieldset>
      <fieldset>
        <legend>${msg('Messages and connection', { id: 'lab.play' })}</legend>
        <label class="stack"
          >${msg('one message per line', { id: 'lab.play.messages' })}
          <textarea data-testid="play-messages" .value=${this.messagesText} @input=${(e: Event) => this.#play({ messagesText: value(e) })}></textarea>
        </label>
        <label
          >${msg('connect to', { id: 'lab.play.target' })}
          <select data-testid="play-target" @change=${(e: Event) => this.#play({ target: value(e) === 'pair' ? 'pair' : 'remote' })}>
            <option value="pair" ?selected=${this.target === 'pair'}>${msg("the page's own server (both ends visible)", { id: 'lab.play.pair' })}</option>
            <option value="remote" ?selected=${this.target === 'remote'}>${msg('a lab service or your own server', { id: 'lab.play.remote' })}</option>
          </select>
        </label>
        ${this.target === 'remote' ? this.#remote() : this.#direction(k.direction)}
        <div class="row">
          <button class="primary" data-testid="send-button" ?disabled=${!this.connected} @click=${() => this.#action('lab-send')}>${msg('Send', { id: 'lab.play.send' })}</button>
          <button data-testid="new-connection" ?disabled=${!this.connected} @click=${() => this.#action('lab-new-connection')}>${msg('New connection', { id: 'lab.play.new' })}</button>
        </div>
      </fieldset>
    </div>`;
  }

  #remote() {
    return html`<div class="row">
        <input aria-label="host" data-testid="play-host" .value=${this.remoteHost} @input=${(e: Event) => this.#play({ remoteHost: value(e) })} size="14" />
        <input aria-label="port" data-testid="play-port" type="number" min="1" max="65535" .value=${String(this.remotePort)} @input=${(e: Event) => this.#play({ remotePort: Number(value(e)) })} />
      </div>
      ${this.services?.length
        ? html`<div class="chips">
            ${this.services.map(
              (s) => html`<button title=${s.usage} data-testid="service-${s.name}" @click=${() => this.#play({ remoteHost: s.host, remotePort: s.port })}>${s.name} :${s.port}</button>`,
            )}
          </div>`
        : nothing}
      <p class="hint">
        ${msg('One socket: the top row is what the page sent, the middle row what came back. They line up byte for byte when the server echoes.', { id: 'lab.play.remoteHint' })}
      </p>`;
  }

  #direction(direction: LabDirection) {
    return html`<label
      >${msg('direction', { id: 'lab.play.direction' })}
      <select @change=${(e: Event) => this.#knob('direction', value(e) === 'reply' ? 'reply' : 'forward')}>
        <option value="forward" ?selected=${direction === 'forward'}>${msg('client → server', { id: 'lab.play.forward' })}</option>
        <option value="reply" ?selected=${direction === 'reply'}>${msg('server → client (a reply)', { id: 'lab.play.reply' })}</option>
      </select></label
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-knobs': LabKnobs;
  }
  interface HTMLElementEventMap {
    'knob-change': KnobChangeEvent;
    'play-change': PlayChangeEvent;
    'lab-recv': LabActionEvent;
    'lab-send': LabActionEvent;
    'lab-new-connection': LabActionEvent;
  }
}
