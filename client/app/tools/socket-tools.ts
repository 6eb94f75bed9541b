/**
 * `<socket-tools>`: a drawer beside one socket's view with its tools — auto-reply rules, the
 * checksum appended on send and checked on receive, sequences, and lab packs. It floats over the
 * log (fixed to the window's right edge), so the view's own layout does not change when it opens.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CHECKSUMS, type ByteOrder, type ChecksumId } from '../../../shared/tools/checksum.js';
import { localized, msg, str } from '../i18n.js';
import type { Session } from '../model/session.js';
import { ChangeWatcher } from '../session-watcher.js';
import { controls } from '../theme.js';
import { macroHelp } from './macro-help.js';
import { toolsOf } from './session-tools.js';
import { panelStyles } from './tools-styles.js';
import './rules-panel.js';
import './sequence-panel.js';
import './pack-panel.js';

type Tab = 'rules' | 'checksum' | 'sequences' | 'pack';

/** The tools drawer of one socket. */
@customElement('socket-tools')
@localized()
export class SocketTools extends LitElement {
  static override styles = [
    controls,
    panelStyles,
    css`
      :host { display: contents; }
      .drawer { position: fixed; z-index: 20; top: 64px; right: 12px; bottom: 12px; width: min(440px, calc(100vw - 24px)); display: grid; grid-template-rows: auto auto minmax(0, 1fr); background: var(--surface); border: 1px solid var(--border-strong); border-radius: var(--radius); box-shadow: var(--shadow); }
      .top { display: flex; align-items: center; gap: 8px; padding: 8px 10px; border-bottom: 1px solid var(--border); }
      .top b { flex: 1; font-size: 14px; }
      .tabs { display: flex; gap: 2px; padding: 6px 8px 0; border-bottom: 1px solid var(--border); flex-wrap: wrap; }
      .tabs button { border: 0; border-bottom: 2px solid transparent; border-radius: 0; background: transparent; height: 28px; padding: 0 10px; font-size: 12.5px; }
      .tabs button[aria-selected='true'] { border-bottom-color: var(--accent); color: var(--accent); font-weight: 600; }
      .body { overflow: auto; padding: 10px; display: grid; gap: 10px; align-content: start; }
    `,
  ];

  /** The socket whose tools are shown. */
  @property({ attribute: false }) session: Session | undefined;
  /** Whether the drawer is open. */
  @property({ type: Boolean, reflect: true }) open = false;
  @state() private tab: Tab = 'rules';

  #watcher = new ChangeWatcher(this, undefined, 200);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session') || changed.has('open')) this.#watcher.watch(this.open && this.session ? toolsOf(this.session) : undefined);
  }

  #tabButton(tab: Tab, label: string) {
    return html`<button role="tab" data-testid=${`tools-tab-${tab}`} aria-selected=${this.tab === tab} @click=${() => (this.tab = tab)}>${label}</button>`;
  }

  override render() {
    const s = this.session;
    if (!this.open || !s) return nothing;
    return html`<section class="drawer" data-testid="tools-drawer" role="dialog" aria-label=${msg('Socket tools', { id: 'tools.title' })}
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') this.#close(); }}>
      <div class="top"><b>${msg('Socket tools', { id: 'tools.title' })}</b><span class="hint mono">${s.title}</span>
        <button class="small ghost" data-testid="tools-close" aria-label=${msg('Close the tools', { id: 'tools.close' })} @click=${this.#close}>✕</button></div>
      <div class="tabs" role="tablist">
        ${this.#tabButton('rules', msg('Auto-reply', { id: 'tools.tab.rules' }))}
        ${this.#tabButton('checksum', msg('Checksum', { id: 'tools.tab.checksum' }))}
        ${this.#tabButton('sequences', msg('Sequences', { id: 'tools.tab.sequences' }))}
        ${this.#tabButton('pack', msg('Lab pack', { id: 'tools.tab.pack' }))}
      </div>
      <div class="body">
        ${this.tab === 'rules'
          ? html`<rules-panel .session=${s}></rules-panel>`
          : this.tab === 'checksum'
            ? this.#checksum(s)
            : this.tab === 'sequences'
              ? html`<sequence-panel .session=${s}></sequence-panel>`
              : html`<pack-panel .session=${s}></pack-panel>`}
      </div>
    </section>`;
  }

  #close(): void {
    this.open = false;
    this.dispatchEvent(new Event('tools-close', { bubbles: true, composed: true }));
  }

  #checksum(s: Session) {
    const tools = toolsOf(s);
    const set = (id: string, order: string) => {
      tools.checksum = id as ChecksumId | 'none';
      tools.checksumOrder = order === 'default' ? undefined : (order as ByteOrder);
      tools.changed();
    };
    return html`
      <div class="field"><label class="check" for="ck">${msg('Checksum appended on send and checked on receive', { id: 'tools.ck.label' })}</label>
        <select id="ck" data-testid="checksum" @change=${(e: Event) => set((e.target as HTMLSelectElement).value, tools.checksumOrder ?? 'default')}>
          <option value="none" ?selected=${tools.checksum === 'none'}>${msg('none', { id: 'composer.none' })}</option>
          ${CHECKSUMS.map((c) => html`<option value=${c.id} ?selected=${tools.checksum === c.id}>${c.name}</option>`)}
        </select></div>
      <div class="field"><label class="check" for="ckorder">${msg('Byte order of the checksum', { id: 'tools.ck.order' })}</label>
        <select id="ckorder" data-testid="checksum-order" ?disabled=${tools.checksum === 'none'} @change=${(e: Event) => set(tools.checksum, (e.target as HTMLSelectElement).value)}>
          <option value="default" ?selected=${!tools.checksumOrder}>${msg('usual for this checksum (Modbus, KERMIT, CRC-32: low byte first)', { id: 'tools.ck.usual' })}</option>
          <option value="be" ?selected=${tools.checksumOrder === 'be'}>${msg('high byte first (big-endian)', { id: 'tools.ck.be' })}</option>
          <option value="le" ?selected=${tools.checksumOrder === 'le'}>${msg('low byte first (little-endian)', { id: 'tools.ck.le' })}</option>
        </select></div>
      <div data-testid="checksum-verified">${tools.checksum === 'none'
        ? html`<span class="hint">${msg('Pick a checksum to append it to every send (after macros, before framing) and to check each message received.', { id: 'tools.ck.hint' })}</span>`
        : html`<span class="ok">✓ ${msg(str`${tools.verified.ok} matched`, { id: 'tools.ck.ok' })}</span> · <span class="bad" data-testid="checksum-bad">✗ ${msg(str`${tools.verified.bad} did not`, { id: 'tools.ck.bad' })}</span>`}</div>
      <p class="hint">${msg('Each read is checked as it arrived; TCP may join or split messages, so choose a framing when messages come back to back.', { id: 'tools.ck.tcp' })}</p>
      ${macroHelp()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'socket-tools': SocketTools;
  }
}
