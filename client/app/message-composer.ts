/**
 * `<message-composer>`: writes what to send — text or hex, escapes, line ending, encoding,
 * framing — and how: once or N times with an interval (stoppable), as one write or separate
 * writes, to the socket, one server client or all, or a UDP address (broadcast addresses offered).
 * Ctrl+Enter sends. Each socket keeps its own composer state (model/composer-state.ts); recent
 * sends and named snippets are shared and survive a reload. Input is checked as you type. It fires
 * `composer-send` with a {@link SendJob}; the parent runs it.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GatewayInterface } from '../lib/index.js';
import type { SnippetLoadEvent } from './composer-snippets.js';
import { renderConfirm, renderTarget } from './composer-target.js';
import { errorText } from './error-text.js';
import { bytes as fmtBytes } from './format.js';
import { localized, msg, str } from './i18n.js';
import { framingMenuLabel } from './framing-menu-label.js';
import { buildPayload, DEFAULT_PAYLOAD, FRAMINGS, type PayloadSettings } from './model/composer-payload.js';
import { composerStateOf, defaultComposerState, type ComposerState } from './model/composer-state.js';
import { lastTargets, load, mostRecent, rememberTargets, save, type HistoryItem, type Snippet } from './model/persist.js';
import { receivedFramingOf } from './model/received-framing.js';
import type { SendJob, SendTarget, Session } from './model/session.js';
import { PRESETS } from './presets.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';
import { composeBytes } from './tools/compose.js';
import { existingTools, toolsOf } from './tools/session-tools.js';
import './composer-snippets.js';

/** Asks the parent to run a send job. */
export class ComposerSendEvent extends Event {
  static readonly type = 'composer-send';
  constructor(readonly job: SendJob) {
    super(ComposerSendEvent.type, { bubbles: true, composed: true });
  }
}

/** Asks the parent to stop a repeated send. */
export class ComposerStopEvent extends Event {
  static readonly type = 'composer-stop';
  constructor() {
    super(ComposerStopEvent.type, { bubbles: true, composed: true });
  }
}

const HISTORY_MAX = 30;

/** The composer. */
@customElement('message-composer')
@localized()
export class MessageComposer extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); }
      .opts { display: flex; gap: 8px 10px; align-items: center; flex-wrap: wrap; padding: 8px 10px; border-bottom: 1px solid var(--border); }
      .opts select, .opts input { height: 26px; font-size: 13px; max-width: 150px; }
      .opts select.menu { max-width: 118px; }
      .seg { display: inline-flex; border: 1px solid var(--border-strong); border-radius: var(--radius-sm); overflow: hidden; }
      .seg button { border: 0; border-radius: 0; height: 24px; padding: 0 10px; font-size: 12px; background: var(--surface); }
      .seg button[aria-pressed='true'] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
      .main { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 10px; padding: 10px; }
      textarea { width: 100%; min-height: 64px; }
      .side { display: grid; gap: 8px; align-content: start; min-width: 290px; }
      .side .row { gap: 6px; }
      .side input[type='number'] { width: 72px; }
      .target input.host { width: 150px; }
      .target input.port { width: 76px; }
      .target select { max-width: 130px; }
      /* A client's address is never cut (defect 7): the list is as wide as its longest entry. */
      .target select.clients { max-width: none; min-width: 0; font-size: 12.5px; }
      .offer { gap: 8px; font-size: 12px; color: var(--muted); }
      .confirm { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 0 10px 8px; padding: 6px 10px; border-radius: var(--radius-sm); background: var(--accent-soft); font-size: 13px; }
      .confirm span { flex: 1 1 240px; overflow-wrap: anywhere; }
      .sendrow { display: flex; gap: 8px; align-items: center; justify-content: flex-end; }
      .hint { font-size: 11px; color: var(--faint); }
      .err { padding: 0 10px 8px; }
      .size { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
      .tools { display: inline-flex; gap: 8px; align-items: center; margin-left: auto; }
    `,
  ];

  /** The socket the composer sends on. */
  @property({ attribute: false }) session: Session | undefined;
  /** The gateway's interfaces, for broadcast addresses. */
  @property({ attribute: false }) interfaces: readonly GatewayInterface[] = [];

  /** This socket's own state (defect 3): swapped whole when the socket changes. */
  @state() private st: ComposerState = defaultComposerState();
  @state() private error = '';
  @state() private history: HistoryItem[] = load<HistoryItem[]>('history', []);
  /** A client row's Send waits here for a yes (defect 7): it says what will go where. */
  @state() private confirm: { target: SendTarget; to: string } | undefined;
  @query('textarea') private textarea!: HTMLTextAreaElement;

  #watcher = new ChangeWatcher(this, undefined, 150);

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('session')) return;
    this.#watcher.watch(this.session);
    this.st = this.session ? composerStateOf(this.session) : defaultComposerState();
    this.error = '';
    this.confirm = undefined;
  }

  override updated(): void {
    // A select keeps what the user last picked over a changed `selected` attribute; a preset or a
    // history pick must show in the controls what will be sent (defect 4).
    const s = this.st.settings;
    for (const [id, value] of [['encoding', s.encoding], ['line-ending', s.lineEnding], ['framing', s.framing], ['server-target', this.st.serverTarget]] as const) {
      const el = this.renderRoot.querySelector<HTMLSelectElement>(`select[data-testid=${id}]`);
      if (el && el.value !== value && [...el.options].some((o) => o.value === value)) el.value = value;
    }
  }

  /** Puts the keyboard focus in the message box. */
  override focus(): void {
    this.textarea?.focus();
  }

  /** Sets the UDP destination (a peer clicked in the table). */
  setUdpTarget(host: string, port: number): void {
    this.#patch({ udpHost: host, udpPort: port });
  }

  /** Asks before sending to `target` (a client row's Send): the message, its size and where it goes. */
  confirmSendTo(target: SendTarget, to: string): void {
    this.confirm = { target, to };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('[data-testid=send-confirm-yes]')?.focus());
  }

  #patch(p: Partial<ComposerState>): void {
    Object.assign(this.st, p);
    this.requestUpdate();
  }

  /** The bytes of one message now, or what is wrong with the input (shown as you type). */
  #build(preview = false): { bytes?: Uint8Array; error?: string } {
    const session = this.session;
    const text = this.st.text;
    const tools = session && (text.includes('{{') ? toolsOf(session) : existingTools(session));
    try {
      return { bytes: composeBytes(text, this.st.settings, tools, preview) };
    } catch (error) {
      // Where it went wrong too: "not valid hex" alone does not say which character.
      const at = (error as { position?: unknown }).position;
      return { error: errorText(error) + (typeof at === 'number' ? msg(str` (at character ${at + 1})`, { id: 'composer.atChar' }) : '') };
    }
  }

  /** Builds the message and asks to send it to `target` (the composer's own target when omitted). */
  sendTo(target?: SendTarget): boolean {
    const st = this.st;
    const built = this.#build();
    if (!built.bytes) {
      this.error = built.error ?? '';
      return false;
    }
    if (!st.forever && !(st.repeat >= 1)) return false;
    const chosen = target ?? this.#target();
    if (!chosen) return false;
    this.error = '';
    this.confirm = undefined;
    // Macros and the socket's checksum (tools/): each repeat builds its own bytes.
    const text = st.text;
    const settings = { ...st.settings };
    const tools = this.session && (text.includes('{{') ? toolsOf(this.session) : existingTools(this.session));
    const repeat = st.forever ? Infinity : Math.floor(st.repeat);
    // Until stopped: never a busy loop, at least 10 ms between writes.
    const intervalMs = st.forever ? Math.max(10, st.intervalMs || 0) : Math.max(0, st.intervalMs || 0);
    const next = tools ? () => composeBytes(text, settings, tools) : undefined;
    this.dispatchEvent(new ComposerSendEvent({ payload: built.bytes, repeat, intervalMs, oneWrite: st.oneWrite && repeat > 1 && !st.forever, target: chosen, ...(next ? { next } : {}) }));
    this.#remember(chosen);
    return true;
  }

  #target(): SendTarget | undefined {
    const st = this.st;
    const kind = this.session?.kind;
    if (kind === 'server') return st.serverTarget === 'all' ? { kind: 'all' } : { kind: 'client', id: Number(st.serverTarget) };
    if (kind === 'udp') {
      const host = st.udpHost.trim();
      const port = Number(st.udpPort);
      if (!host || !(port >= 1 && port <= 65535)) {
        this.error = msg('Give a destination address and a port from 1 to 65535.', { id: 'composer.needTarget' });
        return undefined;
      }
      return { kind: 'udp', host, port };
    }
    return { kind: 'self' };
  }

  #remember(target: SendTarget): void {
    const { text, settings } = this.st;
    this.history = mostRecent(this.history, { text, settings: { ...settings }, at: Date.now() }, HISTORY_MAX, (a, b) => a.text === b.text && JSON.stringify(a.settings) === JSON.stringify(b.settings));
    save('history', this.history);
    if (target.kind === 'udp') {
      rememberTargets({ udpSend: mostRecent(lastTargets().udpSend, { host: target.host, port: target.port }, 8, (a, b) => a.host === b.host && a.port === b.port) });
    }
  }

  #setSettings(settings: PayloadSettings): void {
    this.#patch({ settings });
    // The chosen framing also splits what arrives (defect 5).
    if (this.session) receivedFramingOf(this.session).use(settings.framing);
  }

  #set<K extends keyof PayloadSettings>(key: K, value: PayloadSettings[K]): void {
    this.#setSettings({ ...this.st.settings, [key]: value });
  }

  #onKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (this.session?.canSend && !this.session.sending) this.sendTo();
    }
  }

  #applyPreset(id: string): void {
    const preset = PRESETS.find((p) => p.id === id);
    if (!preset) return;
    const remote = this.session?.remote ?? '';
    const port = Number(/:(\d+)$/.exec(remote)?.[1] ?? 0);
    const host = remote.replace(/:\d+$/, '');
    this.#patch({ text: preset.text({ host, port }) });
    this.#setSettings({ ...this.st.settings, ...preset.settings });
    if (preset.udp && this.session?.kind === 'udp') {
      this.#patch({ udpPort: preset.udp.port, ...(preset.udp.broadcast ? { udpHost: this.#broadcasts()[0] ?? '255.255.255.255' } : {}) });
    }
    this.error = '';
  }

  #broadcasts(): string[] {
    const list = this.interfaces.flatMap((i) => (i.family === 'IPv4' && i.broadcast ? [i.broadcast] : []));
    return [...new Set([...list, '255.255.255.255'])];
  }

  #loadItem(item: { text: string; settings: PayloadSettings }): void {
    this.#patch({ text: item.text });
    this.#setSettings({ ...DEFAULT_PAYLOAD, ...item.settings });
    this.error = '';
  }

  override render() {
    const st = this.st;
    const s = st.settings;
    const session = this.session;
    const sending = Boolean(session?.sending);
    const canSend = Boolean(session?.canSend);
    const built = this.#build(true);
    const noTimes = !st.forever && !(st.repeat >= 1);
    const shownError = this.error || (st.text ? built.error : '') || '';
    return html`
      <div class="opts">
        <span class="seg" role="group" aria-label=${msg('Input mode', { id: 'composer.mode' })}>
          <button data-testid="mode-text" aria-pressed=${s.mode === 'text'} @click=${() => this.#set('mode', 'text')}>${msg('Text', { id: 'composer.text' })}</button>
          <button data-testid="mode-hex" aria-pressed=${s.mode === 'hex'} @click=${() => this.#set('mode', 'hex')}>Hex</button>
        </span>
        ${s.mode === 'text'
          ? html`
              <label class="check" title=${'\\n \\r \\t \\0 \\\\ \\xNN'}><input type="checkbox" data-testid="escapes" .checked=${s.escapes} @change=${(e: Event) => this.#set('escapes', (e.target as HTMLInputElement).checked)} />${msg('Escapes', { id: 'composer.escapesShort' })}</label>
              <label class="check">${msg('Line end', { id: 'composer.lineEnd' })}
                <select data-testid="line-ending" @change=${(e: Event) => this.#set('lineEnding', (e.target as HTMLSelectElement).value as PayloadSettings['lineEnding'])}>
                  <option value="none" ?selected=${s.lineEnding === 'none'}>${msg('none', { id: 'composer.none' })}</option>
                  <option value="lf" ?selected=${s.lineEnding === 'lf'}>\\n</option>
                  <option value="crlf" ?selected=${s.lineEnding === 'crlf'}>\\r\\n</option>
                </select>
              </label>
              <label class="check">${msg('Encoding', { id: 'composer.encoding' })}
                <select data-testid="encoding" @change=${(e: Event) => this.#set('encoding', (e.target as HTMLSelectElement).value as PayloadSettings['encoding'])}>
                  <option value="utf-8" ?selected=${s.encoding === 'utf-8'}>UTF-8</option>
                  <option value="gbk" ?selected=${s.encoding === 'gbk'}>GBK</option>
                  <option value="latin1" ?selected=${s.encoding === 'latin1'}>Latin-1</option>
                </select>
              </label>`
          : nothing}
        <label class="check" title=${msg('Frames what you send and splits what arrives into messages', { id: 'composer.framingHint' })}>${msg('Framing', { id: 'composer.framing' })}
          <select data-testid="framing" @change=${(e: Event) => this.#set('framing', (e.target as HTMLSelectElement).value)}>
            ${FRAMINGS.map((f) => html`<option value=${f.id} ?selected=${f.id === s.framing}>${framingMenuLabel(f.id, f.label)}</option>`)}
          </select>
        </label>
        ${s.framing === 'json-header'
          ? html`<input class="mono" style="width:180px" aria-label=${msg('JSON header', { id: 'composer.jsonHeader' })} .value=${s.jsonHeader} @change=${(e: Event) => this.#set('jsonHeader', (e.target as HTMLInputElement).value)} />`
          : nothing}
        <span class="tools">
        <select class="menu" data-testid="preset" aria-label=${msg('Presets', { id: 'composer.presets' })} @change=${(e: Event) => { this.#applyPreset((e.target as HTMLSelectElement).value); (e.target as HTMLSelectElement).value = ''; }}>
          <option value="">${msg('Presets…', { id: 'composer.presetsMenu' })}</option>
          ${PRESETS.map((p) => html`<option value=${p.id}>${p.label()}</option>`)}
        </select>
        <select class="menu" data-testid="history" aria-label=${msg('Recent sends', { id: 'composer.history' })} @change=${(e: Event) => { const i = Number((e.target as HTMLSelectElement).value); if (this.history[i]) this.#loadItem(this.history[i]); (e.target as HTMLSelectElement).value = ''; }}>
          <option value="">${msg(str`History (${this.history.length})`, { id: 'composer.historyMenu' })}</option>
          ${this.history.map((h, i) => html`<option value=${i}>${h.text.slice(0, 60)}</option>`)}
        </select>
        <composer-snippets .current=${{ text: st.text, settings: s }} @snippet-load=${(e: SnippetLoadEvent) => this.#loadItem(e.snippet)}></composer-snippets>
        </span>
      </div>
      <div class="main">
        <div>
          <textarea data-testid="composer-input" rows="3" spellcheck="false" .value=${st.text} aria-invalid=${built.error && st.text ? 'true' : 'false'}
            aria-label=${msg('Message to send', { id: 'composer.input' })}
            placeholder=${s.mode === 'hex' ? '41 42 0x43 \\x44' : msg('Type a message… (Ctrl+Enter sends)', { id: 'composer.placeholder' })}
            @input=${(e: Event) => { this.#patch({ text: (e.target as HTMLTextAreaElement).value }); this.error = ''; }} @keydown=${this.#onKey}></textarea>
          <div class="row"><span class="size" data-testid="composer-size">${built.bytes ? msg(str`${fmtBytes(built.bytes.byteLength)} per message`, { id: 'composer.size' }) : ''}</span><span class="hint">${msg('Ctrl+Enter to send', { id: 'composer.ctrlEnter' })}</span></div>
        </div>
        <div class="side">
          ${renderTarget(this, session, st)}
          <div class="row">
            <label class="check">${msg('Times', { id: 'composer.times' })}
              <input type="number" min="0" data-testid="repeat" ?disabled=${st.forever} .value=${String(st.repeat)} @input=${(e: Event) => this.#patch({ repeat: Number((e.target as HTMLInputElement).value) })} /></label>
            <label class="check" title=${msg('Send again and again until Stop (at least 10 ms apart); macros such as {{counter}} change each time', { id: 'composer.foreverHint' })}><input type="checkbox" data-testid="repeat-forever" .checked=${st.forever} @change=${(e: Event) => this.#patch({ forever: (e.target as HTMLInputElement).checked })} />${msg('until stopped', { id: 'composer.forever' })}</label>
            <label class="check">${msg('every', { id: 'composer.every' })}
              <input type="number" min="0" step="10" data-testid="interval" ?disabled=${st.oneWrite} .value=${String(st.intervalMs)} @input=${(e: Event) => this.#patch({ intervalMs: Number((e.target as HTMLInputElement).value) })} /> ms</label>
          </div>
          ${noTimes
            ? html`<div class="row offer" data-testid="times-zero" role="status">${msg('Times 0 sends nothing.', { id: 'composer.timesZero' })}
                <button class="small" data-testid="times-forever" @click=${() => this.#patch({ forever: true, repeat: 1 })}>${msg('Send until stopped', { id: 'composer.timesForever' })}</button></div>`
            : nothing}
          ${session?.kind !== 'udp'
            ? html`<label class="check"><input type="checkbox" data-testid="one-write" .checked=${st.oneWrite} @change=${(e: Event) => this.#patch({ oneWrite: (e.target as HTMLInputElement).checked })} />${msg('All repeats in one write', { id: 'composer.oneWrite' })}</label>`
            : nothing}
          <div class="sendrow">
            ${sending
              ? html`<button class="danger" data-testid="stop" @click=${() => this.dispatchEvent(new ComposerStopEvent())}>■ ${msg('Stop', { id: 'composer.stop' })}</button>`
              : nothing}
            <button class="primary" data-testid="send" ?disabled=${!canSend || sending || noTimes} @click=${() => this.sendTo()}>${msg('Send', { id: 'composer.send' })}</button>
          </div>
        </div>
      </div>
      ${this.confirm ? renderConfirm(this.confirm.to, st, built, () => this.sendTo(this.confirm!.target), () => (this.confirm = undefined)) : nothing}
      ${shownError ? html`<div class="err error-text" role="alert" data-testid="composer-error">${shownError}</div>` : nothing}
    `;
  }

  /** The target controls write through here. */
  patchTarget(p: Pick<Partial<ComposerState>, 'serverTarget' | 'udpHost' | 'udpPort'>): void {
    this.#patch(p);
  }

  /** Broadcast addresses of the gateway's interfaces, for the UDP target's list. */
  get broadcasts(): string[] {
    return this.#broadcasts();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'message-composer': MessageComposer;
  }
  interface HTMLElementEventMap {
    'composer-send': ComposerSendEvent;
    'composer-stop': ComposerStopEvent;
  }
}
