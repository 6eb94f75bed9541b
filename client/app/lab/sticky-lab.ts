/**
 * `<sticky-lab>`: the sticky-packet (粘包) lab. Guided scenarios run over real sockets through the
 * gateway; the picture shows the messages as written against the reads as the kernel returned them
 * and the messages a framing recovers; sender and receiver knobs; live kernel TCP states.
 * The parent hands in the connected gateway: `<sticky-lab .gateway=${gateway}>`.
 */
import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { controls } from '../theme.js';
import { customElement, property, state } from 'lit/decorators.js';
import { endpoint, type LabServiceInfo } from '../../lib/gateway-api.js';
import type { SocketGateway } from '../../lib/index.js';
import { LabConnection, type LabSide, type LabTarget } from './lab-connection.js';
import './scenario-card.js';
import { scenarios, type Scenario, type ScenarioId, type ScenarioMessage } from './scenarios.js';
import './stream-picture.js';
import { frameForWire, LAB_FRAMINGS, type LabFramingName } from './stream-model.js';
import './tcp-state-panel.js';
import type { WatchedSocket } from './tcp-state-panel.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const encoder = new TextEncoder();

/** What the knobs are set to. */
interface Knobs {
  direction: 'forward' | 'reply';
  noDelay: boolean;
  cork: number;
  writeDelayMs: number;
  readDelayMs: number;
  manual: boolean;
  recvN: number;
  sendFraming: LabFramingName;
  decodeFraming: LabFramingName;
}

const DEFAULT_KNOBS: Knobs = {
  direction: 'forward',
  noDelay: false,
  cork: 0,
  writeDelayMs: 0,
  readDelayMs: 0,
  manual: false,
  recvN: 1024,
  sendFraming: 'none',
  decodeFraming: 'none',
};

/** The sticky-packet lab view. */
@localized()
@customElement('sticky-lab')
export class StickyLab extends LitElement {
  static override styles = [
    controls,
    css`
    :host {
      display: block;
      --lab-accent: var(--accent, #2f6fba);
      --line: var(--border, color-mix(in srgb, currentColor 14%, transparent));
      --soft: var(--surface, transparent);
      font: 15px/1.5 var(--font, system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif);
      max-width: 1280px;
      padding: 16px 20px 24px;
      box-sizing: border-box;
    }
    h2 {
      margin: 0 0 4px;
      font-size: 22px;
    }
    .intro {
      margin: 0 0 14px;
      opacity: 0.85;
      max-width: 72ch;
    }
    .cards {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
      gap: 10px;
      margin-bottom: 16px;
    }
    section.stage,
    section.panel {
      border: 1px solid var(--line);
      border-radius: 12px;
      padding: 16px 18px;
      margin-bottom: 16px;
      background: var(--soft);
    }
    .stage h3 {
      margin: 0 0 6px;
      font-size: 20px;
    }
    .explain {
      margin: 0 0 6px;
      font-size: 16px;
      max-width: 95ch;
    }
    .head.with-code {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(300px, 380px);
      gap: 20px;
      align-items: start;
    }
    pre.code {
      margin: 0 0 12px;
      padding: 10px 12px;
      border-radius: 8px;
      background: var(--surface-2, color-mix(in srgb, currentColor 6%, transparent));
      border: 1px solid var(--line);
      font: 12.5px/1.45 var(--mono, ui-monospace, 'DejaVu Sans Mono', monospace);
      white-space: pre;
      overflow-x: auto;
    }
    .look {
      margin: 0 0 12px;
      padding-left: 10px;
      border-left: 4px solid var(--lab-accent);
      font-size: 15px;
      font-weight: 600;
      color: var(--lab-accent);
    }
    .who {
      margin: 0 0 10px;
      font-size: 13px;
      opacity: 0.75;
      font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
    }
    .status {
      font-size: 13px;
      margin: 8px 0 0;
      opacity: 0.8;
    }
    .status.error {
      color: #c62828;
      opacity: 1;
    }
    .knobs {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
      gap: 14px;
    }
    fieldset {
      min-width: 0;
      border: 1px solid var(--line);
      border-radius: 10px;
      padding: 10px 14px 12px;
      margin: 0;
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    legend {
      font-weight: 700;
      padding: 0 6px;
    }
    label {
      display: flex;
      align-items: center;
      gap: 8px;
      font-size: 14px;
    }
    label.stack {
      flex-direction: column;
      align-items: stretch;
      gap: 4px;
    }
    label {
      color: var(--text, inherit);
      font-size: 14px;
    }
    label.stack {
      color: var(--muted, inherit);
      font-size: 13px;
    }
    label select {
      flex: 1 1 auto;
      min-width: 0;
      max-width: 100%;
    }
    label {
      flex-wrap: wrap;
    }
    .hint {
      font-size: 12px;
      opacity: 0.7;
      margin: 0;
    }
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
    }
    .chips button {
      padding: 2px 10px;
      font-size: 13px;
    }
  `,
  ];

  /** The connected gateway; the lab waits while it is undefined. */
  @property({ attribute: false }) gateway: SocketGateway | undefined;

  @state() private conn: LabConnection | undefined;
  @state() private activeScenario: ScenarioId | undefined;
  @state() private status: 'idle' | 'connecting' | 'running' | 'done' | 'error' = 'idle';
  @state() private message = '';
  @state() private knobs: Knobs = { ...DEFAULT_KNOBS };
  @state() private messagesText = 'hello\nworld';
  @state() private target: LabTarget = { kind: 'pair' };
  @state() private remoteHost = '127.0.0.1';
  @state() private remotePort = 7;
  @state() private services: LabServiceInfo[] | undefined;
  #frame = 0;
  #runId = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new gateway connection (the page reconnected): the old sockets died with the old one.
    if (changed.has('gateway') && changed.get('gateway') !== undefined && this.conn) {
      const old = this.conn;
      this.conn = undefined;
      this.#runId++;
      this.status = 'idle';
      void old.close();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.conn?.close();
    this.conn = undefined;
  }

  /** Re-renders at most once per frame while chunks pour in. */
  #changed = () => {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.requestUpdate();
    });
  };

  // ---- running ---------------------------------------------------------------------------------

  async #open(target: LabTarget): Promise<LabConnection> {
    const gateway = this.gateway;
    if (!gateway) throw new Error(msg('Not connected to the gateway yet.', { id: 'lab.err.noGateway' }));
    const old = this.conn;
    this.conn = undefined;
    await old?.close();
    this.status = 'connecting';
    const conn = await LabConnection.open(gateway, target, { noDelay: this.knobs.noDelay }, this.#changed);
    this.conn = conn;
    return conn;
  }

  async #applyReceiver(side: LabSide): Promise<void> {
    const k = this.knobs;
    // n is the size of every read: a manual recv(n), and each delayed read (`sleep(T); recv(n)`).
    await side.setReceiver({ manualRecv: k.manual, readDelayMs: k.manual ? 0 : k.readDelayMs, readSize: k.recvN });
  }

  /** Writes `messages` on the sender with the current knobs (cork, delay between writes, framing). */
  async #send(sender: LabSide, messages: ScenarioMessage[]): Promise<void> {
    const k = this.knobs;
    const framing = LAB_FRAMINGS[k.sendFraming];
    if (k.cork > 0) await sender.setSender({ corkWrites: k.cork });
    const pending: Promise<void>[] = [];
    for (const [i, m] of messages.entries()) {
      if (i > 0 && k.writeDelayMs > 0) {
        await Promise.all(pending);
        await sleep(k.writeDelayMs);
      }
      const payload = encoder.encode(m.text);
      const { bytes, headerBytes } = frameForWire(payload, framing, m.header);
      pending.push(sender.write({ payload, bytes, headerBytes, label: m.label }));
    }
    await Promise.all(pending);
  }

  /** Runs one guided scenario from a fresh connection. */
  async runScenario(id: ScenarioId): Promise<void> {
    const s = scenarios().find((x) => x.id === id);
    if (!s) return;
    const run = ++this.#runId;
    this.activeScenario = id;
    // Before any await: the stage never shows the new scenario with the previous run's status.
    this.status = 'connecting';
    this.knobs = {
      direction: s.direction,
      noDelay: s.noDelay,
      cork: s.cork,
      writeDelayMs: s.writeDelayMs,
      readDelayMs: s.readDelayMs,
      manual: s.recvN > 0,
      recvN: s.recvN || 1024,
      sendFraming: s.sendFraming,
      decodeFraming: s.decodeFraming,
    };
    this.messagesText = s.messages.map((m) => m.text.length > 60 ? `${m.label ?? m.text.slice(0, 40)}` : m.text).join('\n');
    this.target = { kind: 'pair' };
    this.message = '';
    try {
      const conn = await this.#open({ kind: 'pair' });
      this.status = 'running';
      const sender = conn.sender(s.direction);
      const receiver = conn.receiver(s.direction);
      await sender.setSender({ noDelay: s.noDelay });
      await this.#applyReceiver(receiver);
      await this.#send(sender, s.messages);
      if (s.recvN > 0) {
        // Read only once every byte has arrived, as a program that calls recv() a moment later:
        // then each recv(n) returns exactly n bytes and the run shows the same reads every time.
        const arrived = Date.now() + 3000;
        while (Date.now() < arrived && (await receiver.held()) < sender.writtenBytes) await sleep(20);
        while (receiver.readBytes < sender.writtenBytes && run === this.#runId && receiver.status === 'open') {
          if ((await receiver.recv(s.recvN)) === 0) break;
        }
      }
      await this.#until(() => receiver.readBytes >= sender.writtenBytes, 5000);
      if (run !== this.#runId) return;
      this.status = 'done';
    } catch (err) {
      if (run !== this.#runId) return;
      this.status = 'error';
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  async #until(done: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > end) throw new Error(msg('Timed out waiting for the reads.', { id: 'lab.err.timeout' }));
      await sleep(20);
    }
  }

  /** Free play: send the textarea's lines with the current knobs. */
  async #sendClicked(): Promise<void> {
    this.message = '';
    try {
      const current = this.conn;
      const usable =
        current &&
        current.client.status === 'open' &&
        (current.target.kind === 'pair'
          ? this.target.kind === 'pair'
          : this.target.kind === 'remote' && current.target.host === this.remoteHost && current.target.port === this.remotePort);
      const conn = usable ? current : await this.#openForPlay();
      this.status = 'running';
      const messages = this.messagesText
        .split('\n')
        .filter((l) => l.length > 0)
        .map((text) => ({ text }));
      await this.#send(conn.sender(this.knobs.direction), messages);
      this.status = 'done';
    } catch (err) {
      this.status = 'error';
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  async #openForPlay(): Promise<LabConnection> {
    this.activeScenario = undefined;
    const target: LabTarget = this.target.kind === 'pair' ? { kind: 'pair' } : { kind: 'remote', host: this.remoteHost, port: this.remotePort };
    const conn = await this.#open(target);
    await conn.sender(this.knobs.direction).setSender({ noDelay: this.knobs.noDelay });
    await this.#applyReceiver(conn.receiver(this.knobs.direction));
    this.status = 'idle';
    return conn;
  }

  async #newConnectionClicked(): Promise<void> {
    this.message = '';
    this.#runId++;
    this.status = 'connecting';
    try {
      await this.#openForPlay();
    } catch (err) {
      this.status = 'error';
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  async #recvClicked(): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    try {
      const n = await conn.receiver(this.knobs.direction).recv(this.knobs.recvN);
      this.message = n === 0 ? msg("recv() returned b'' — the peer closed its side.", { id: 'lab.recv.eof' }) : msg(str`recv(${this.knobs.recvN}) returned ${n} bytes.`, { id: 'lab.recv.got' });
    } catch (err) {
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  /** A knob changed: store it and apply it to the open sockets at once. */
  async #setKnob<K extends keyof Knobs>(key: K, value: Knobs[K]): Promise<void> {
    this.knobs = { ...this.knobs, [key]: value };
    const conn = this.conn;
    if (!conn) return;
    try {
      if (key === 'noDelay') await conn.sender(this.knobs.direction).setSender({ noDelay: Boolean(value) });
      if (key === 'readDelayMs' || key === 'manual' || key === 'recvN') await this.#applyReceiver(conn.receiver(this.knobs.direction));
    } catch (err) {
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  async #loadServices(): Promise<void> {
    if (!this.gateway) return;
    try {
      this.services = (await this.gateway.api.startLabs()).services.filter((s) => s.transport === 'tcp');
    } catch (err) {
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  async #closeSocket(key: string): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    if (key === 'client') await conn.client.close();
    else if (key === 'accepted') await conn.accepted?.close();
    else if (key === 'listener') await conn.closeServer();
    this.requestUpdate();
  }

  // ---- rendering -------------------------------------------------------------------------------

  #framingName(name: LabFramingName): string {
    switch (name) {
      case 'none':
        return msg('no framing: each recv() taken as one message', { id: 'lab.framing.none' });
      case 'length-i':
        return msg("length prefix struct 'i' (4 bytes, little-endian)", { id: 'lab.framing.length-i' });
      case 'length-!I':
        return msg("length prefix struct '!I' (4 bytes, network order)", { id: 'lab.framing.length-!I' });
      case 'newline':
        return msg('one message per line (\\n)', { id: 'lab.framing.newline' });
      case 'json-header':
        return msg("struct 'i' + JSON header + body", { id: 'lab.framing.json-header' });
    }
  }

  /** The knobs in force, in one line: `Nagle on · sleep 200 ms between writes · read every 600 ms`. */
  #knobSummary(): string {
    const k = this.knobs;
    const parts = [k.noDelay ? msg('Nagle off', { id: 'lab.who.nagleOff' }) : msg('Nagle on', { id: 'lab.who.nagleOn' })];
    if (k.cork) parts.push(msg(str`cork ${k.cork} writes`, { id: 'lab.who.cork' }));
    if (k.writeDelayMs) parts.push(msg(str`sleep ${k.writeDelayMs} ms between writes`, { id: 'lab.who.sleep' }));
    if (k.manual) parts.push(`recv(${k.recvN})`);
    else if (k.readDelayMs) parts.push(`${msg(str`read every ${k.readDelayMs} ms`, { id: 'lab.who.readDelay' })}, recv(${k.recvN})`);
    return parts.join(' · ');
  }

  #framingShort(name: LabFramingName): string {
    switch (name) {
      case 'none':
        return msg('no framing', { id: 'lab.framingShort.none' });
      case 'length-i':
        return msg("with struct 'i'", { id: 'lab.framingShort.length-i' });
      case 'length-!I':
        return msg("with struct '!I'", { id: 'lab.framingShort.length-!I' });
      case 'newline':
        return msg('by lines (\\n)', { id: 'lab.framingShort.newline' });
      case 'json-header':
        return msg('with JSON header', { id: 'lab.framingShort.json-header' });
    }
  }

  #watched(): WatchedSocket[] {
    const conn = this.conn;
    if (!conn) return [];
    const out: WatchedSocket[] = [];
    const c = conn.client.info;
    if (conn.serverAddress) {
      out.push({ key: 'listener', label: msg("page's server (listening)", { id: 'lab.sock.listener' }), local: endpoint(conn.serverAddress.address, conn.serverAddress.port), closable: true });
    }
    out.push({
      key: 'client',
      label: msg('client socket (page)', { id: 'lab.sock.client' }),
      local: endpoint(c.localAddress, c.localPort),
      remote: endpoint(c.remoteAddress, c.remotePort),
      closable: true,
      showPeer: !conn.accepted,
    });
    if (conn.accepted) {
      const a = conn.accepted.info;
      out.push({
        key: 'accepted',
        label: msg('accepted socket (page)', { id: 'lab.sock.accepted' }),
        local: endpoint(a.localAddress, a.localPort),
        remote: endpoint(a.remoteAddress, a.remotePort),
        closable: true,
      });
    }
    return out;
  }

  #watchedCache: { conn: LabConnection | undefined; list: WatchedSocket[] } = { conn: undefined, list: [] };

  override render() {
    const list = scenarios();
    const active: Scenario | undefined = list.find((s) => s.id === this.activeScenario);
    const k = this.knobs;
    const conn = this.conn;
    const sender = conn?.sender(k.direction);
    const receiver = conn?.receiver(k.direction);
    if (this.#watchedCache.conn !== conn) this.#watchedCache = { conn, list: this.#watched() };
    const roleName = (side: LabSide | undefined) =>
      !side ? '' : side.role === 'client' ? msg('client', { id: 'lab.role.client' }) : msg('accepted socket', { id: 'lab.role.accepted' });
    return html`
      <h2>${msg('Sticky-packet lab · 粘包', { id: 'lab.title' })}</h2>
      <p class="intro">
        ${msg(
          'TCP delivers a stream of bytes, not messages: the boundaries of your send() calls are not the boundaries of the other side\'s recv() calls. Every run below uses real sockets through the gateway, and the picture shows exactly what the kernel returned.',
          { id: 'lab.intro' },
        )}
      </p>
      <div class="cards" @scenario-run=${(e: CustomEvent<{ id: ScenarioId }>) => this.runScenario(e.detail.id)}>
        ${list.map(
          (s, i) => html`<scenario-card
            .scenario=${s.id}
            .number=${i + 1}
            .heading=${s.title()}
            .summary=${s.lookFor()}
            ?active=${s.id === this.activeScenario}
            ?running=${s.id === this.activeScenario && (this.status === 'running' || this.status === 'connecting')}
          ></scenario-card>`,
        )}
      </div>

      <section class="stage" data-testid="lab-stage" data-scenario=${this.activeScenario ?? ''} data-status=${this.status}>
        <div class="head ${active ? 'with-code' : ''}">
          <div>
            <h3>${active ? active.title() : msg('Try it yourself', { id: 'lab.play.title' })}</h3>
            <p class="explain">
              ${active
                ? active.explain()
                : msg('Type some messages, set the knobs below and press Send; or pick a scenario above.', { id: 'lab.play.explain' })}
            </p>
            ${active ? html`<p class="look">${active.lookFor()}</p>` : nothing}
          </div>
          ${active ? html`<pre class="code" data-testid="scenario-python" aria-label=${msg('The same in Python', { id: 'lab.python' })}>${active.python}</pre>` : nothing}
        </div>
        ${sender && receiver
          ? html`<p class="who">
              ${msg(str`writes: ${roleName(sender)} ${sender.info.localAddress}:${sender.info.localPort} → reads: ${roleName(receiver)} ${receiver.info.localAddress}:${receiver.info.localPort}`, { id: 'lab.who' })}
              · ${this.#knobSummary()}
            </p>`
          : nothing}
        <stream-picture
          data-testid="stream-picture"
          .written=${sender ? [...sender.writes] : []}
          .reads=${receiver ? [...receiver.reads] : []}
          .framing=${LAB_FRAMINGS[k.decodeFraming]}
          .framingLabel=${this.#framingShort(k.decodeFraming)}
        ></stream-picture>
        ${this.message || this.status === 'error'
          ? html`<p class="status ${this.status === 'error' ? 'error' : ''}" data-testid="lab-message">${this.message}</p>`
          : nothing}
      </section>

      <section class="panel">
        <div class="knobs">
          <fieldset>
            <legend>${msg('Sender', { id: 'lab.sender' })}</legend>
            <label
              ><input type="checkbox" data-testid="knob-nagle" .checked=${!k.noDelay} @change=${(e: Event) => this.#setKnob('noDelay', !(e.target as HTMLInputElement).checked)} />
              ${msg("Nagle's algorithm on (noDelay off)", { id: 'lab.knob.nagle' })}</label
            >
            <label
              >${msg('cork the next N writes into one', { id: 'lab.knob.cork' })}
              <input type="number" min="0" max="100" data-testid="knob-cork" .value=${String(k.cork)} @change=${(e: Event) => this.#setKnob('cork', Number((e.target as HTMLInputElement).value) || 0)}
            /></label>
            <label
              >${msg('sleep between writes (ms)', { id: 'lab.knob.writeDelay' })}
              <input type="number" min="0" max="10000" step="50" data-testid="knob-write-delay" .value=${String(k.writeDelayMs)} @change=${(e: Event) => this.#setKnob('writeDelayMs', Number((e.target as HTMLInputElement).value) || 0)}
            /></label>
            <label
              >${msg('send with', { id: 'lab.knob.sendFraming' })}
              <select data-testid="knob-send-framing" @change=${(e: Event) => this.#setKnob('sendFraming', (e.target as HTMLSelectElement).value as LabFramingName)}>
                ${this.#framingOptions(k.sendFraming)}
              </select></label
            >
          </fieldset>
          <fieldset>
            <legend>${msg('Receiver', { id: 'lab.receiver' })}</legend>
            <label
              >${msg('read only every … ms', { id: 'lab.knob.readDelay' })}
              <input type="number" min="0" max="60000" step="50" data-testid="knob-read-delay" .value=${String(k.readDelayMs)} @change=${(e: Event) => this.#setKnob('readDelayMs', Number((e.target as HTMLInputElement).value) || 0)}
            /></label>
            <label
              ><input type="checkbox" data-testid="knob-manual" .checked=${k.manual} @change=${(e: Event) => this.#setKnob('manual', (e.target as HTMLInputElement).checked)} />
              ${msg('manual: read only when I press recv(n)', { id: 'lab.knob.manual' })}</label
            >
            <div class="row">
              <label>${msg('bytes per read, n', { id: 'lab.knob.recvN' })} <input type="number" min="1" max="65536" data-testid="knob-recv-n" .value=${String(k.recvN)} @change=${(e: Event) => this.#setKnob('recvN', Math.max(1, Number((e.target as HTMLInputElement).value) || 1))} /></label>
              <button data-testid="recv-button" ?disabled=${!conn || !k.manual} @click=${this.#recvClicked}>recv(${k.recvN})</button>
            </div>
            <label
              >${msg('decode with', { id: 'lab.knob.decodeFraming' })}
              <select data-testid="knob-decode-framing" @change=${(e: Event) => this.#setKnob('decodeFraming', (e.target as HTMLSelectElement).value as LabFramingName)}>
                ${this.#framingOptions(k.decodeFraming)}
              </select></label
            >
          </fieldset>
          <fieldset>
            <legend>${msg('Messages and connection', { id: 'lab.play' })}</legend>
            <label class="stack"
              >${msg('one message per line', { id: 'lab.play.messages' })}
              <textarea data-testid="play-messages" .value=${this.messagesText} @input=${(e: Event) => (this.messagesText = (e.target as HTMLTextAreaElement).value)}></textarea>
            </label>
            <label
              >${msg('connect to', { id: 'lab.play.target' })}
              <select
                data-testid="play-target"
                @change=${(e: Event) => {
                  const v = (e.target as HTMLSelectElement).value;
                  this.target = v === 'pair' ? { kind: 'pair' } : { kind: 'remote', host: this.remoteHost, port: this.remotePort };
                  if (v === 'remote' && !this.services) void this.#loadServices();
                }}
              >
                <option value="pair" ?selected=${this.target.kind === 'pair'}>${msg("the page's own server (both ends visible)", { id: 'lab.play.pair' })}</option>
                <option value="remote" ?selected=${this.target.kind === 'remote'}>${msg('a lab service or your own server', { id: 'lab.play.remote' })}</option>
              </select>
            </label>
            ${this.target.kind === 'remote'
              ? html`<div class="row">
                    <input aria-label="host" data-testid="play-host" .value=${this.remoteHost} @input=${(e: Event) => (this.remoteHost = (e.target as HTMLInputElement).value)} size="14" />
                    <input aria-label="port" data-testid="play-port" type="number" min="1" max="65535" .value=${String(this.remotePort)} @input=${(e: Event) => (this.remotePort = Number((e.target as HTMLInputElement).value))} />
                  </div>
                  ${this.services?.length
                    ? html`<div class="chips">
                        ${this.services.map(
                          (s) => html`<button title=${s.usage} data-testid="service-${s.name}" @click=${() => ((this.remoteHost = s.host), (this.remotePort = s.port))}>${s.name} :${s.port}</button>`,
                        )}
                      </div>`
                    : nothing}
                  <p class="hint">
                    ${msg('One socket: the top row is what the page sent, the middle row what came back. They line up byte for byte when the server echoes.', { id: 'lab.play.remoteHint' })}
                  </p>`
              : html`<label
                  >${msg('direction', { id: 'lab.play.direction' })}
                  <select @change=${(e: Event) => this.#setKnob('direction', (e.target as HTMLSelectElement).value as Knobs['direction'])}>
                    <option value="forward" ?selected=${k.direction === 'forward'}>${msg('client → server', { id: 'lab.play.forward' })}</option>
                    <option value="reply" ?selected=${k.direction === 'reply'}>${msg('server → client (a reply)', { id: 'lab.play.reply' })}</option>
                  </select></label
                >`}
            <div class="row">
              <button class="primary" data-testid="send-button" ?disabled=${!this.gateway} @click=${this.#sendClicked}>${msg('Send', { id: 'lab.play.send' })}</button>
              <button data-testid="new-connection" ?disabled=${!this.gateway} @click=${this.#newConnectionClicked}>${msg('New connection', { id: 'lab.play.new' })}</button>
            </div>
          </fieldset>
        </div>
      </section>

      <section class="panel">
        <h3 style="margin:0 0 8px">${msg('Live TCP states (from the kernel)', { id: 'lab.tcp.title' })}</h3>
        <tcp-state-panel
          data-testid="tcp-states"
          .api=${this.gateway?.api}
          .sockets=${this.#watchedCache.list}
          .closedKeys=${conn ? [conn.client.status === 'closed' ? 'client' : '', conn.accepted?.status === 'closed' ? 'accepted' : '', conn.server ? '' : 'listener'] : []}
          @tcp-close=${(e: CustomEvent<{ key: string }>) => this.#closeSocket(e.detail.key)}
        ></tcp-state-panel>
      </section>
    `;
  }

  #framingOptions(selected: LabFramingName) {
    return (Object.keys(LAB_FRAMINGS) as LabFramingName[]).map((name) => html`<option value=${name} ?selected=${name === selected}>${this.#framingName(name)}</option>`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sticky-lab': StickyLab;
  }
}
