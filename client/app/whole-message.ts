/**
 * `<whole-message>`: one received (or decoded) message, whole — where a log line or the lab's
 * picture shows a preview, this opens all of it in a dialog (its text with its own line breaks,
 * or its hex), copies it and saves it as text or as the raw bytes. A 2.5 KB remote-command reply
 * reads as the course's client would print it. Used by the log's details pane and the lab.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { decodeText, formatHex, type TextEncodingName } from '../../shared/encoding/index.js';
import { download, fileName } from './download.js';
import { localized, msg } from './i18n.js';
import { byteCount } from './plural.js';
import { controls } from './theme.js';

/** `bytes` as text to read whole: decoded, its line breaks kept, other control characters as escapes. */
export function wholeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  // eslint-disable-next-line no-control-regex
  return decodeText(bytes, encoding).replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => (c === '\0' ? '\\0' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`));
}

/** Buttons that open, copy and save one message, and the dialog that shows it whole. */
@customElement('whole-message')
@localized()
export class WholeMessage extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: inline-flex; gap: 6px; align-items: center; }
      :host([hidden]) { display: none; }
      dialog { width: min(900px, 92vw); max-height: 86vh; padding: 0; border: 1px solid var(--border); border-radius: var(--radius); background: var(--surface); color: var(--text); }
      dialog::backdrop { background: rgb(0 0 0 / 0.35); }
      .box { display: grid; grid-template-rows: auto auto minmax(0, 1fr); max-height: 86vh; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 10px 14px; border-bottom: 1px solid var(--border); }
      header h2 { margin: 0; font-size: 14px; font-weight: 600; }
      .size { color: var(--muted); font-size: 12px; }
      .bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 8px 14px; }
      .status { font-size: 12px; color: var(--ok, var(--muted)); }
      .seg { display: inline-flex; border: 1px solid var(--border-strong); border-radius: var(--radius-sm); overflow: hidden; }
      .seg button { border: 0; border-radius: 0; }
      .seg button[aria-pressed='true'] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
      pre { margin: 0; padding: 10px 14px 14px; overflow: auto; font: 12.5px/1.5 var(--mono); white-space: pre-wrap; word-break: break-all; }
    `,
  ];

  /** The message's bytes. */
  @property({ attribute: false }) bytes: Uint8Array = new Uint8Array();
  /** How its text is decoded. */
  @property() encoding: TextEncodingName = 'utf-8';
  /** The dialog's title (e.g. `message #3`). */
  @property() label = '';
  /** Names the saved files (the socket's title). */
  @property() name = 'message';
  /** Only the dialog: the host opens it with {@link show} (the lab's picture). */
  @property({ type: Boolean }) bare = false;

  @state() private asHex = false;
  @state() private status = '';
  /** The dialog is open (its text is drawn only then: a long message costs nothing while closed). */
  @state() private opened = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog on `bytes` (and `label`, when given). */
  async show(bytes?: Uint8Array, label?: string): Promise<void> {
    if (bytes) this.bytes = bytes;
    if (label !== undefined) this.label = label;
    this.status = '';
    this.opened = true;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  #text(): string {
    return this.asHex ? formatHex(this.bytes) : wholeText(this.bytes, this.encoding);
  }

  async #copy(): Promise<void> {
    const text = this.#text();
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard permission (an http page off loopback): select it so Ctrl+C copies it.
      const pre = this.renderRoot.querySelector('pre');
      if (pre) getSelection()?.selectAllChildren(pre);
      this.status = msg('Selected: press Ctrl+C to copy.', { id: 'whole.selected' });
      return;
    }
    this.status = msg('Copied.', { id: 'whole.copied' });
  }

  #save(raw: boolean): void {
    if (raw) download([this.bytes as Uint8Array<ArrayBuffer>], 'application/octet-stream', fileName(this.name, 'bin'));
    else download([this.#text()], 'text/plain;charset=utf-8', fileName(this.name, 'txt'));
  }

  override render() {
    const size = byteCount(this.bytes.byteLength);
    return html`
      ${this.bare
        ? nothing
        : html`<button class="small" data-testid="whole-open" @click=${() => void this.show()}>${msg('Open whole', { id: 'whole.open' })}</button>
            <button class="small" data-testid="whole-copy-inline" @click=${() => void this.#copy()}>${msg('Copy', { id: 'whole.copy' })}</button>`}
      <dialog data-testid="whole-dialog" aria-label=${this.label || size} @close=${() => ((this.status = ''), (this.opened = false))}>
        <div class="box">
          <header>
            <h2>${this.label || msg('Message', { id: 'whole.title' })}</h2>
            <span class="size" data-testid="whole-size">${size}</span>
          </header>
          <div class="bar">
            <span class="seg" role="group">
              <button class="small" aria-pressed=${!this.asHex} data-testid="whole-as-text" @click=${() => (this.asHex = false)}>${msg('Text', { id: 'log.col.text' })} (${this.encoding})</button>
              <button class="small" aria-pressed=${this.asHex} data-testid="whole-as-hex" @click=${() => (this.asHex = true)}>${msg('Hex', { id: 'log.col.hex' })}</button>
            </span>
            <button class="small" data-testid="whole-copy" @click=${() => void this.#copy()}>${msg('Copy', { id: 'whole.copy' })}</button>
            <button class="small" data-testid="whole-save-text" @click=${() => this.#save(false)}>${msg('Save .txt', { id: 'log.saveText' })}</button>
            <button class="small" data-testid="whole-save-bin" @click=${() => this.#save(true)}>${msg('Save bytes (.bin)', { id: 'whole.saveBin' })}</button>
            <span class="status" role="status" data-testid="whole-status">${this.status}</span>
            <button class="small" style="margin-left:auto" data-testid="whole-close" @click=${() => this.dialog.close()}>${msg('Close', { id: 'common.close' })}</button>
          </div>
          <pre data-testid="whole-text">${this.opened ? this.#text() : nothing}</pre>
        </div>
      </dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'whole-message': WholeMessage;
  }
}
