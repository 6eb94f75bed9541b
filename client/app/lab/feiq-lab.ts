/**
 * `<feiq-lab>`: FeiQ / IPMSG both ways (issue 16 item 5). The page binds a real UDP socket on
 * port 2425 through the gateway, lists every packet with its fields decoded, answers as FeiQ does
 * (RECVMSG receipts, ANSENTRY to an entry), sends the entry broadcast and lists who answered, and
 * sends a text message to one of them, waiting for its receipt. Socket and bookkeeping:
 * feiq-session.ts; the packet table: feiq-packets.ts; the codec: shared/ipmsg.
 */
import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { IPMSG_PORT } from '../../../shared/ipmsg/ipmsg-commands.js';
import { errorText } from '../error-text.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { courseLabStyles } from './course-lab.styles.js';
import { feiqStyles, packetTable } from './feiq-packets.js';
import { FeiqSession } from './feiq-session.js';

/** The FeiQ lab view. */
@customElement('feiq-lab')
@localized()
export class FeiqLab extends LitElement {
  static override styles = [controls, courseLabStyles, feiqStyles];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  /** Bind as soon as the gateway is there (the lab index's one click). */
  @property({ type: Boolean }) autostart = false;

  @state() ifaceIndex = -1;
  @state() bindAddress = '0.0.0.0';
  @state() broadcast = '255.255.255.255';
  @state() user = 'sockgate';
  @state() host = 'lab-pc';
  @state() nickname = '网页';
  @state() group = 'lab';
  @state() to = '';
  @state() text = '你好，来自 sockgate';
  @state() private status: 'idle' | 'binding' | 'bound' | 'error' = 'idle';
  @state() private error = '';
  @state() private tick = 0;
  #session: FeiqSession | undefined;
  #autostarted = false;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.#session?.close();
    this.#session = undefined;
    this.status = 'idle';
  }

  protected override updated(changed: PropertyValues): void {
    const gateway = this.gatewayInfo?.gateway;
    // The gateway connection the socket lived on is gone (lost, or a new one after a reconnect).
    if (this.#session && this.#session.gateway !== gateway) this.#ended(msg('The connection to the gateway was lost, and the socket with it: bind again.', { id: 'lab.feiq.lost' }));
    if (this.autostart && !this.#autostarted && gateway && this.status === 'idle') {
      this.#autostarted = true;
      void this.bind();
    }
    if (changed.has('gatewayInfo') && this.ifaceIndex < 0) this.#pickDefaultInterface();
  }

  #ipv4() {
    return (this.gatewayInfo?.interfaces ?? []).filter((i) => i.family === 'IPv4');
  }

  /** The first interface that is not loopback, else loopback: its broadcast is the entry's target. */
  #pickDefaultInterface(): void {
    const list = this.#ipv4();
    if (list.length === 0) return;
    const i = Math.max(0, list.findIndex((x) => !x.address.startsWith('127.')));
    this.#useInterface(i);
  }

  #useInterface(i: number): void {
    const iface = this.#ipv4()[i];
    if (!iface) return;
    this.ifaceIndex = i;
    this.broadcast = iface.broadcast ?? '255.255.255.255';
    if (this.bindAddress !== '0.0.0.0') this.bindAddress = iface.address;
  }

  /** Binds UDP 2425 (closing a previous socket first). */
  async bind(): Promise<void> {
    const gateway = this.gatewayInfo?.gateway;
    if (!gateway) return;
    await this.#session?.close();
    this.#session = undefined;
    this.status = 'binding';
    this.error = '';
    const self = { user: this.user.trim() || 'sockgate', host: this.host.trim() || 'lab-pc', nickname: this.nickname, group: this.group };
    if (/[:\0]/.test(self.user + self.host)) {
      this.status = 'error';
      this.error = msg('User and host may not contain ":": it separates the fields of every packet.', { id: 'lab.feiq.badName' });
      return;
    }
    try {
      const session = await FeiqSession.open(gateway, this.bindAddress, self, () => this.tick++);
      this.#session = session;
      this.status = 'bound';
      // Closed by the gateway (an error, or its shutdown) rather than by the Close button.
      session.socket.closed.then(
        () => this.#session === session && !session.closing && this.#ended(msg('The gateway closed the socket.', { id: 'lab.feiq.closedByGateway' })),
        (err: unknown) => this.#session === session && this.#ended(errorText(err)),
      );
    } catch (err) {
      this.status = 'error';
      this.error = errorText(err);
    }
  }

  #ended(why: string): void {
    this.#session = undefined;
    this.status = 'idle';
    this.error = why;
  }

  async close(): Promise<void> {
    await this.#session?.close();
    this.#session = undefined;
    this.status = 'idle';
  }

  async #act(what: (s: FeiqSession) => Promise<void>): Promise<void> {
    const s = this.#session;
    if (!s) return;
    this.error = '';
    s.lastError = undefined;
    try {
      await what(s);
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** BR_ENTRY to the broadcast address. */
  entry(): Promise<void> {
    return this.#act((s) => s.broadcastEntry(this.broadcast.trim()));
  }

  /** SENDMSG | SENDCHECKOPT with the text to the chosen address. */
  send(): Promise<void> {
    return this.#act((s) => s.sendText(this.to.trim(), this.text));
  }

  #setup() {
    const list = this.#ipv4();
    const bound = this.status === 'bound';
    const iface = list[this.ifaceIndex];
    const field = (label: string, value: string, testid: string, set: (v: string) => void) =>
      html`<label>${label}<input class="mono" data-testid=${testid} .value=${value} ?disabled=${bound} @input=${(e: Event) => set((e.target as HTMLInputElement).value)} /></label>`;
    return html`<div class="setup">
        <label>${msg('Interface', { id: 'lab.feiq.iface' })}
          <select class="mono" data-testid="feiq-iface" @change=${(e: Event) => this.#useInterface(Number((e.target as HTMLSelectElement).value))}>
            ${list.map((i, n) => html`<option value=${n} ?selected=${n === this.ifaceIndex}>${i.name} · ${i.address}/${i.netmask} · brd ${i.broadcast ?? '—'}</option>`)}
          </select></label>
        <label>${msg('Bind to', { id: 'lab.feiq.bindTo' })}
          <select data-testid="feiq-bind-address" ?disabled=${bound} @change=${(e: Event) => (this.bindAddress = (e.target as HTMLSelectElement).value)}>
            <option value="0.0.0.0" ?selected=${this.bindAddress === '0.0.0.0'}>${msg('0.0.0.0 (all: hears broadcasts)', { id: 'lab.feiq.bindAll' })}</option>
            ${iface ? html`<option value=${iface.address} ?selected=${this.bindAddress === iface.address}>${msg(str`${iface.address} only (no broadcasts heard)`, { id: 'lab.feiq.bindOne' })}</option>` : nothing}
          </select></label>
        ${field(msg('User', { id: 'lab.feiq.user' }), this.user, 'feiq-user', (v) => (this.user = v))}
        ${field(msg('Host', { id: 'lab.feiq.host' }), this.host, 'feiq-host', (v) => (this.host = v))}
        ${field(msg('Nickname', { id: 'lab.feiq.nick' }), this.nickname, 'feiq-nickname', (v) => (this.nickname = v))}
        ${field(msg('Group', { id: 'lab.feiq.groupField' }), this.group, 'feiq-group', (v) => (this.group = v))}
        ${bound
          ? html`<button data-testid="feiq-close" @click=${() => this.close()}>${msg('Close', { id: 'lab.feiq.close' })}</button>`
          : html`<button class="primary" data-testid="feiq-bind" ?disabled=${!this.gatewayInfo?.gateway || this.status === 'binding'} @click=${() => this.bind()}>${msg(str`Bind UDP ${IPMSG_PORT}`, { id: 'lab.feiq.bind' })}</button>`}
      </div>
      <p class="status" data-testid="feiq-status" data-status=${this.status}>
        ${bound && this.#session
          ? msg(str`Bound to ${this.#session.info.localAddress}:${this.#session.info.localPort}, SO_BROADCAST on: every IPMSG packet that reaches it is listed below.`, { id: 'lab.feiq.bound' })
          : this.status === 'binding' ? msg('binding…', { id: 'lab.feiq.binding' }) : nothing}
      </p>
      ${this.error || this.#session?.lastError ? html`<p class="status error" data-testid="feiq-error">${this.error || errorText(this.#session?.lastError)}</p>` : nothing}`;
  }

  #peers(s: FeiqSession) {
    const peers = [...s.peers.values()];
    return html`<h4>${msg('Who is there', { id: 'lab.feiq.peersTitle' })}</h4>
      <div class="row">
        <button class="primary" data-testid="feiq-entry" @click=${() => this.entry()}>${msg('Send the entry broadcast (BR_ENTRY)', { id: 'lab.feiq.entry' })}</button>
        <label>${msg('to', { id: 'lab.feiq.entryTo' })} <input class="mono" data-testid="feiq-broadcast" .value=${this.broadcast} @input=${(e: Event) => (this.broadcast = (e.target as HTMLInputElement).value)} /></label>
      </div>
      ${peers.length === 0
        ? html`<p class="note" data-testid="feiq-no-peers">${msg('No one yet: send the entry broadcast, and every IPMSG/FeiQ program on that subnet answers ANSENTRY.', { id: 'lab.feiq.noPeers' })}</p>`
        : html`<table class="peers" data-testid="feiq-peers">
            <thead><tr><th>${msg('nickname', { id: 'lab.feiq.nickname' })}</th><th>${msg('user', { id: 'lab.feiq.col.user' })}</th><th>${msg('host', { id: 'lab.feiq.col.host' })}</th><th>${msg('address', { id: 'lab.feiq.col.address' })}</th><th>${msg('came with', { id: 'lab.feiq.col.via' })}</th><th></th></tr></thead>
            <tbody>${peers.map((p) => html`<tr data-testid="feiq-peer" data-address=${p.address} data-via=${p.via}>
              <td class="mono text">${p.nickname}</td><td class="mono">${p.user}</td><td class="mono">${p.host}</td><td class="mono">${p.address}:${p.port}</td><td class="mono">${p.via}</td>
              <td><button class="small" data-testid="feiq-peer-pick" @click=${() => (this.to = p.address)}>${msg('write to', { id: 'lab.feiq.pick' })}</button></td></tr>`)}</tbody></table>`}`;
  }

  #composer(s: FeiqSession) {
    return html`<h4>${msg('Send a message (SENDMSG | SENDCHECKOPT, GBK)', { id: 'lab.feiq.sendTitle' })}</h4>
      <div class="setup">
        <label>${msg('To (IPv4)', { id: 'lab.feiq.to' })}<input class="mono" data-testid="feiq-to" .value=${this.to} @input=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)} /></label>
        <label style="flex: 1 1 200px">${msg('Text', { id: 'lab.feiq.text' })}<input class="mono" style="width: 100%" data-testid="feiq-text" .value=${this.text} @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)} /></label>
        <button class="primary" data-testid="feiq-send" ?disabled=${!this.to.trim()} @click=${() => this.send()}>${msg('Send', { id: 'lab.feiq.send' })}</button>
      </div>
      <label class="check"><input type="checkbox" data-testid="feiq-auto" .checked=${s.autoAnswer} @change=${(e: Event) => (s.autoAnswer = (e.target as HTMLInputElement).checked)} />
        ${msg('Answer as FeiQ does: RECVMSG for a message with SENDCHECKOPT, ANSENTRY for an entry', { id: 'lab.feiq.auto' })}</label>
      <ul class="sent" data-testid="feiq-sent">
        ${s.sent.map((m) => html`<li data-testid="feiq-sent-item" data-packet-no=${m.packetNo} data-state=${m.receiptAt === undefined ? 'waiting' : 'receipt'}>
          <span class="mono">#${m.packetNo} → ${m.address}: ${m.text}</span> —
          ${m.receiptAt === undefined
            ? html`<span class="what">${msg('no RECVMSG yet (FeiQ would resend and then say it was not received)', { id: 'lab.feiq.waiting' })}</span>`
            : html`<span class="ok">✓ ${msg(str`RECVMSG came back after ${m.receiptAt - m.time} ms`, { id: 'lab.feiq.receipt' })}</span>`}</li>`)}
      </ul>`;
  }

  override render() {
    void this.tick;
    const s = this.#session;
    return html`
      <h3>${msg('FeiQ / IPMSG both ways', { id: 'lab.feiq.title' })}</h3>
      <p class="explain">${msg('FeiQ (飞秋) speaks IP Messenger\'s protocol: one UDP datagram per packet, to port 2425, text in GBK: version:packet number:user:host:command:extra. The command\'s low byte says what the packet is (1 BR_ENTRY "I am here", 3 ANSENTRY "I am here too", 32 SENDMSG, 33 RECVMSG "got it"); the higher bits are option flags. Bind the port, send the entry broadcast and see who answers; write to one of them and watch the receipt come back.', { id: 'lab.feiq.explain' })}</p>
      <p class="truth">${msg('What the course\'s program leaves out: FeiQ sends each message with SENDCHECKOPT (256) and expects RECVMSG carrying that packet number; without it, it resends and then reports the message as not received. A broadcast (BROADCASTOPT) or an automatic reply (AUTORETOPT) is never answered. The entry broadcast reaches only the subnet of the address it is sent to, and only sockets bound to 0.0.0.0 (or to the broadcast address) hear it.', { id: 'lab.feiq.truth' })}</p>
      ${this.#setup()}
      ${s ? html`<div class="two"><div>${this.#peers(s)}</div><div>${this.#composer(s)}</div></div>` : nothing}
      <h4>${msg(str`Packets (${s?.packets.length ?? 0})`, { id: 'lab.feiq.packets' })}</h4>
      ${packetTable(s?.packets ?? [])}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'feiq-lab': FeiqLab;
  }
}
