/**
 * `<message-composer>`: writes what to send — text or hex, escapes, line ending, encoding,
 * framing — and how: once or N times with an interval (stoppable), as one write or separate
 * writes, to the socket, one server client or all, or a UDP address (broadcast addresses offered).
 * Ctrl+Enter sends. Recent sends and named snippets survive a reload. It fires `composer-send`
 * with a {@link SendJob}; the parent runs it.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GatewayInterface } from '../lib/index.js';
import { errorText } from './error-text.js';
import { bytes as fmtBytes } from './format.js';
import { localized, msg, str } from './i18n.js';
import { framingMenuLabel } from './framing-menu-label.js';
import { buildPayload, DEFAULT_PAYLOAD, FRAMINGS, type PayloadSettings } from './model/composer-payload.js';
import { lastTargets, load, mostRecent, rememberTargets, save, type HistoryItem, type Snippet } from './model/persist.js';
import type { SendJob, SendTarget, Session } from './model/session.js';
import { PRESETS } from './presets.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';
import { composeBytes } from './tools/compose.js';
import { existingTools, toolsOf } from './tools/session-tools.js';
import { SNIPPETS_CHANGED } from './tools/tools-store.js';

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
      .sendrow { display: flex; gap: 8px; align-items: center; justify-content: flex-end; }
      .hint { font-size: 11px; color: var(--faint); }
      .err { padding: 0 10px 8px; }
      .size { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
      .tools { display: inline-flex; gap: 8px; align-items: center; margin-left: auto; }
      .snip { display: inline-flex; gap: 4px; align-items: center; }
      .snip input { width: 120px; }
    `,
  ];

  /** The socket the composer sends on. */
  @property({ attribute: false }) session: Session | undefined;
  /** The gateway's interfaces, for broadcast addresses. */
  @property({ attribute: false }) interfaces: readonly GatewayInterface[] = [];

  @state() private text = load<string>('composer.text', 'hello\\n');
  @state() private settings: PayloadSettings = { ...DEFAULT_PAYLOAD, ...load<Partial<PayloadSettings>>('composer.settings', {}) };
  @state() private repeat = 1;
  @state() private intervalMs = 1000;
  @state() private oneWrite = false;
  @state() private forever = false;
  @state() private serverTarget = 'all';
  @state() private udpHost = lastTargets().udpSend[0]?.host ?? '127.0.0.1';
  @state() private udpPort = lastTargets().udpSend[0]?.port ?? 9000;
  @state() private error = '';
  @state() private history: HistoryItem[] = load<HistoryItem[]>('history', []);
  @state() private snippets: Snippet[] = load<Snippet[]>('snippets', []);
  @state() private naming = false;
  @query('textarea') private textarea!: HTMLTextAreaElement;

  #watcher = new ChangeWatcher(this, undefined, 150);

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('session')) return;
    this.#watcher.watch(this.session);
    if (this.session?.kind === 'server') this.serverTarget = 'all';
  }

  #reloadSnippets = () => (this.snippets = load<Snippet[]>('snippets', []));

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(SNIPPETS_CHANGED, this.#reloadSnippets);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(SNIPPETS_CHANGED, this.#reloadSnippets);
  }

  /** Puts the keyboard focus in the message box. */
  override focus(): void {
    this.textarea?.focus();
  }

  /** Sets the UDP destination (a peer clicked in the table). */
  setUdpTarget(host: string, port: number): void {
    this.udpHost = host;
    this.udpPort = port;
  }

  /** Builds the message and asks to send it to `target` (the composer's own target when omitted). */
  sendTo(target?: SendTarget): boolean {
    let payload: Uint8Array;
    // Macros and the socket's checksum (tools/): each repeat builds its own bytes.
    const text = this.text;
    const settings = { ...this.settings };
    const tools = this.session && (text.includes('{{') ? toolsOf(this.session) : existingTools(this.session));
    try {
      payload = composeBytes(text, settings, tools);
    } catch (error) {
      this.error = errorText(error);
      return false;
    }
    const chosen = target ?? this.#target();
    if (!chosen) return false;
    this.error = '';
    const repeat = this.forever ? Infinity : Math.max(1, Math.floor(this.repeat) || 1);
    // Until stopped: never a busy loop, at least 10 ms between writes.
    const intervalMs = this.forever ? Math.max(10, this.intervalMs || 0) : Math.max(0, this.intervalMs || 0);
    const next = tools ? () => composeBytes(text, settings, tools) : undefined;
    this.dispatchEvent(new ComposerSendEvent({ payload, repeat, intervalMs, oneWrite: this.oneWrite && repeat > 1 && !this.forever, target: chosen, ...(next ? { next } : {}) }));
    this.#remember(chosen);
    return true;
  }

  #target(): SendTarget | undefined {
    const kind = this.session?.kind;
    if (kind === 'server') return this.serverTarget === 'all' ? { kind: 'all' } : { kind: 'client', id: Number(this.serverTarget) };
    if (kind === 'udp') {
      const host = this.udpHost.trim();
      const port = Number(this.udpPort);
      if (!host || !(port >= 1 && port <= 65535)) {
        this.error = msg('Give a destination address and a port from 1 to 65535.', { id: 'composer.needTarget' });
        return undefined;
      }
      return { kind: 'udp', host, port };
    }
    return { kind: 'self' };
  }

  #remember(target: SendTarget): void {
    save('composer.text', this.text);
    save('composer.settings', this.settings);
    this.history = mostRecent(this.history, { text: this.text, settings: { ...this.settings }, at: Date.now() }, HISTORY_MAX, (a, b) => a.text === b.text && JSON.stringify(a.settings) === JSON.stringify(b.settings));
    save('history', this.history);
    if (target.kind === 'udp') {
      rememberTargets({ udpSend: mostRecent(lastTargets().udpSend, { host: target.host, port: target.port }, 8, (a, b) => a.host === b.host && a.port === b.port) });
    }
  }

  #set<K extends keyof PayloadSettings>(key: K, value: PayloadSettings[K]): void {
    this.settings = { ...this.settings, [key]: value };
    save('composer.settings', this.settings);
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
    this.settings = { ...this.settings, ...preset.settings };
    const remote = this.session?.remote ?? '';
    const port = Number(/:(\d+)$/.exec(remote)?.[1] ?? 0);
    const host = remote.replace(/:\d+$/, '');
    this.text = preset.text({ host, port });
    if (preset.udp && this.session?.kind === 'udp') {
      this.udpPort = preset.udp.port;
      if (preset.udp.broadcast) this.udpHost = this.#broadcasts()[0] ?? '255.255.255.255';
    }
    this.error = '';
  }

  #broadcasts(): string[] {
    const list = this.interfaces.flatMap((i) => (i.family === 'IPv4' && i.broadcast ? [i.broadcast] : []));
    return [...new Set([...list, '255.255.255.255'])];
  }

  #loadItem(item: { text: string; settings: PayloadSettings }): void {
    this.text = item.text;
    this.settings = { ...DEFAULT_PAYLOAD, ...item.settings };
    this.error = '';
  }

  #saveSnippet(name: string): void {
    const trimmed = name.trim();
    if (!trimmed) return;
    this.snippets = [...this.snippets.filter((s) => s.name !== trimmed), { name: trimmed, text: this.text, settings: { ...this.settings } }];
    save('snippets', this.snippets);
    this.naming = false;
  }

  #deleteSnippet(name: string): void {
    this.snippets = this.snippets.filter((s) => s.name !== name);
    save('snippets', this.snippets);
  }

  #size(): string {
    try {
      const tools = this.session && existingTools(this.session);
      return msg(str`${fmtBytes(composeBytes(this.text, this.settings, tools ?? (this.session && this.text.includes('{{') ? toolsOf(this.session) : undefined), true).byteLength)} per message`, { id: 'composer.size' });
    } catch {
      return '';
    }
  }

  override render() {
    const s = this.settings;
    const session = this.session;
    const sending = Boolean(session?.sending);
    const canSend = Boolean(session?.canSend);
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
        <label class="check">${msg('Framing', { id: 'composer.framing' })}
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
        <span class="snip">
          <select class="menu" data-testid="snippets" aria-label=${msg('Saved snippets', { id: 'composer.snippets' })} @change=${(e: Event) => { const sn = this.snippets.find((x) => x.name === (e.target as HTMLSelectElement).value); if (sn) this.#loadItem(sn); (e.target as HTMLSelectElement).value = ''; }}>
            <option value="">${msg(str`Snippets (${this.snippets.length})`, { id: 'composer.snippetsMenu' })}</option>
            ${this.snippets.map((sn) => html`<option value=${sn.name}>${sn.name}</option>`)}
          </select>
          ${this.naming
            ? html`<input data-testid="snippet-name" placeholder=${msg('Name', { id: 'composer.snippetName' })} aria-label=${msg('Snippet name', { id: 'composer.snippetNameLabel' })}
                  @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') this.#saveSnippet((e.target as HTMLInputElement).value); if (e.key === 'Escape') this.naming = false; }} />`
            : html`<button class="small ghost" data-testid="snippet-save" title=${msg('Save as snippet', { id: 'composer.saveSnippet' })} @click=${() => { this.naming = true; void this.updateComplete.then(() => (this.renderRoot.querySelector('[data-testid=snippet-name]') as HTMLInputElement | null)?.focus()); }}>＋ ${msg('Save', { id: 'composer.save' })}</button>`}
          ${this.snippets.length ? html`<button class="small ghost" title=${msg('Delete the last snippet', { id: 'composer.deleteSnippet' })} @click=${() => this.#deleteSnippet(this.snippets.at(-1)!.name)}>✕</button>` : nothing}
        </span>
        </span>
      </div>
      <div class="main">
        <div>
          <textarea data-testid="composer-input" rows="3" spellcheck="false" .value=${this.text}
            aria-label=${msg('Message to send', { id: 'composer.input' })}
            placeholder=${s.mode === 'hex' ? '41 42 0x43 \\x44' : msg('Type a message… (Ctrl+Enter sends)', { id: 'composer.placeholder' })}
            @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value; this.error = ''; }} @keydown=${this.#onKey}></textarea>
          <div class="row"><span class="size" data-testid="composer-size">${this.#size()}</span><span class="hint">${msg('Ctrl+Enter to send', { id: 'composer.ctrlEnter' })}</span></div>
        </div>
        <div class="side">
          ${this.#renderTarget()}
          <div class="row">
            <label class="check">${msg('Times', { id: 'composer.times' })}
              <input type="number" min="1" data-testid="repeat" .value=${String(this.repeat)} @change=${(e: Event) => (this.repeat = Number((e.target as HTMLInputElement).value))} /></label>
            <label class="check" title=${msg('Send again and again until Stop (at least 10 ms apart); macros such as {{counter}} change each time', { id: 'composer.foreverHint' })}><input type="checkbox" data-testid="repeat-forever" .checked=${this.forever} @change=${(e: Event) => (this.forever = (e.target as HTMLInputElement).checked)} />${msg('until stopped', { id: 'composer.forever' })}</label>
            <label class="check">${msg('every', { id: 'composer.every' })}
              <input type="number" min="0" step="10" data-testid="interval" ?disabled=${this.oneWrite} .value=${String(this.intervalMs)} @change=${(e: Event) => (this.intervalMs = Number((e.target as HTMLInputElement).value))} /> ms</label>
          </div>
          ${session?.kind !== 'udp'
            ? html`<label class="check"><input type="checkbox" data-testid="one-write" .checked=${this.oneWrite} @change=${(e: Event) => (this.oneWrite = (e.target as HTMLInputElement).checked)} />${msg('All repeats in one write', { id: 'composer.oneWrite' })}</label>`
            : nothing}
          <div class="sendrow">
            ${sending
              ? html`<button class="danger" data-testid="stop" @click=${() => this.dispatchEvent(new ComposerStopEvent())}>■ ${msg('Stop', { id: 'composer.stop' })}</button>`
              : nothing}
            <button class="primary" data-testid="send" ?disabled=${!canSend || sending} @click=${() => this.sendTo()}>${msg('Send', { id: 'composer.send' })}</button>
          </div>
        </div>
      </div>
      ${this.error ? html`<div class="err error-text" role="alert" data-testid="composer-error">${this.error}</div>` : nothing}
    `;
  }

  #renderTarget() {
    const session = this.session;
    if (session?.kind === 'server') {
      const clients = session.clients.filter((c) => c.canSend);
      return html`<label class="check target">${msg('To', { id: 'composer.to' })}
        <select data-testid="server-target" @change=${(e: Event) => (this.serverTarget = (e.target as HTMLSelectElement).value)}>
          <option value="all" ?selected=${this.serverTarget === 'all'}>${msg(str`All clients (${clients.length})`, { id: 'composer.allClients' })}</option>
          ${clients.map((c) => html`<option value=${c.id} ?selected=${this.serverTarget === String(c.id)}>${c.remote}</option>`)}
        </select></label>`;
    }
    if (session?.kind === 'udp') {
      const recent = lastTargets().udpSend;
      return html`<div class="row target">
        <label class="check">${msg('To', { id: 'composer.to' })}
          <input class="host mono" data-testid="udp-host" list="udp-hosts" .value=${this.udpHost} aria-label=${msg('Destination address', { id: 'composer.udpHost' })}
            @input=${(e: Event) => (this.udpHost = (e.target as HTMLInputElement).value)} /></label>
        <input class="port mono" type="number" min="1" max="65535" data-testid="udp-port" .value=${String(this.udpPort)} aria-label=${msg('Destination port', { id: 'composer.udpPort' })}
          @input=${(e: Event) => (this.udpPort = Number((e.target as HTMLInputElement).value))} />
        <datalist id="udp-hosts">
          ${this.#broadcasts().map((b) => html`<option value=${b}>${msg('broadcast', { id: 'composer.broadcast' })}</option>`)}
          ${recent.map((r) => html`<option value=${r.host}></option>`)}
        </datalist>
        <select class="small" data-testid="broadcast-pick" aria-label=${msg('Broadcast addresses', { id: 'composer.broadcasts' })} @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; if (v) this.udpHost = v; (e.target as HTMLSelectElement).value = ''; }}>
          <option value="">${msg('Broadcast…', { id: 'composer.broadcastMenu' })}</option>
          ${this.interfaces.filter((i) => i.family === 'IPv4' && i.broadcast).map((i) => html`<option value=${i.broadcast!}>${i.broadcast} (${i.name})</option>`)}
          <option value="255.255.255.255">255.255.255.255</option>
        </select>
        ${session.broadcast ? nothing : html`<span class="hint">${msg('SO_BROADCAST is off', { id: 'composer.bcastOff' })}</span>`}
      </div>`;
    }
    return nothing;
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
