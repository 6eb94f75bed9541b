/**
 * `<new-socket-dialog>`: opens a TCP client (host, port, Nagle, keep-alive, timeout, TLS), a TCP
 * server (address from the gateway's interfaces, port, SO_REUSEADDR, backlog) or a UDP socket
 * (bind address and port, SO_BROADCAST, SO_REUSEADDR, multicast groups). Interface pickers show
 * each interface's broadcast address. A native modal <dialog>: focus stays inside, Esc cancels.
 * Fires `socket-open` with the options; remembers the last targets.
 */
import type { ReceiverSettings } from './receiver-settings.js';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GatewayInterface } from '../lib/index.js';
import { localized, msg } from './i18n.js';
import type { LabServiceInfo } from './model/lab-services.js';
import { lastTargets, mostRecent, rememberTargets } from './model/persist.js';
import type { SessionKind, TcpClientOptions, TcpServerOptions, UdpOptions } from './model/session.js';
import { controls } from './theme.js';

/** What the dialog asks to open. */
export type OpenRequest =
  | { kind: 'tcp'; options: TcpClientOptions; receiver?: Partial<ReceiverSettings> }
  | { kind: 'server'; options: TcpServerOptions }
  | { kind: 'udp'; options: UdpOptions };

/** Asks the workspace to start the gateway's lab services. */
export class StartLabsEvent extends Event {
  static readonly type = 'start-labs';
  constructor() {
    super(StartLabsEvent.type, { bubbles: true, composed: true });
  }
}

/** The user confirmed the dialog. */
export class SocketOpenEvent extends Event {
  static readonly type = 'socket-open';
  constructor(readonly request: OpenRequest) {
    super(SocketOpenEvent.type, { bubbles: true, composed: true });
  }
}

type Kind = Exclude<SessionKind, 'accepted'>;

/** The "new socket" dialog. */
@customElement('new-socket-dialog')
@localized()
export class NewSocketDialog extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: contents; }
      dialog { border: 1px solid var(--border); border-radius: 12px; padding: 0; background: var(--surface); color: var(--text); box-shadow: var(--shadow); width: min(520px, 92vw); }
      dialog::backdrop { background: rgb(10 14 20 / 45%); }
      form { display: grid; gap: 14px; padding: 18px 20px; }
      h2 { margin: 0; font-size: 16px; }
      .tabs { display: flex; gap: 4px; background: var(--surface-2); padding: 3px; border-radius: var(--radius); }
      .tabs button { flex: 1; border: 0; height: 28px; background: none; justify-content: center; }
      .tabs button[aria-selected='true'] { background: var(--surface); box-shadow: var(--shadow); font-weight: 600; }
      .grid { display: grid; grid-template-columns: 1fr 140px; gap: 10px; align-items: end; }
      .opts { display: flex; gap: 14px; flex-wrap: wrap; }
      .foot { display: flex; justify-content: flex-end; gap: 8px; }
      .help { font-size: 12px; color: var(--muted); margin: 0; }
      input, select { width: 100%; }
      input[type='checkbox'] { width: auto; }
      .mono { font-family: var(--mono); }
      .error-text { margin: 0; }
      .labs { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
      .help button { margin-left: 6px; }
    `,
  ];

  /** The gateway's interfaces, for the pickers. */
  @property({ attribute: false }) interfaces: readonly GatewayInterface[] = [];
  /** The gateway's built-in lab services, offered as quick targets; undefined when unknown. */
  @property({ attribute: false }) labServices: { running: boolean; services: LabServiceInfo[] } | undefined;
  @state() private kind: Kind = 'tcp';
  @state() private error = '';
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog on the `kind` tab. */
  async show(kind: Kind): Promise<void> {
    this.kind = kind;
    this.error = '';
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    (this.renderRoot.querySelector('[data-first]') as HTMLElement | null)?.focus();
  }

  #addresses(): { value: string; label: string }[] {
    const out = [
      { value: '127.0.0.1', label: msg('127.0.0.1 — this machine only', { id: 'dialog.loopback' }) },
      { value: '0.0.0.0', label: msg('0.0.0.0 — all IPv4 interfaces', { id: 'dialog.any4' }) },
    ];
    for (const i of this.interfaces) {
      if (i.address === '127.0.0.1') continue;
      const bcast = i.broadcast && i.family === 'IPv4' ? ` · ${msg('broadcast', { id: 'composer.broadcast' })} ${i.broadcast}` : '';
      out.push({ value: i.address, label: `${i.address} (${i.name}${i.cidr ? ' ' + i.cidr.replace(/^.*\//, '/') : ''})${bcast}` });
    }
    out.push({ value: '::', label: msg(':: — all interfaces (IPv6 and IPv4)', { id: 'dialog.any6' }) });
    return out;
  }

  /** IPv4 interfaces to join groups on; the default lets the OS pick by its routes. */
  #multicastInterfaces(): { value: string; label: string }[] {
    const out = [
      { value: '', label: msg('default (the OS picks by route)', { id: 'dialog.mcastIfDefault' }) },
      { value: '127.0.0.1', label: msg('127.0.0.1 — this machine only', { id: 'dialog.loopback' }) },
    ];
    for (const i of this.interfaces) {
      if (i.family !== 'IPv4' || i.address === '127.0.0.1') continue;
      out.push({ value: i.address, label: `${i.address} (${i.name})` });
    }
    return out;
  }

  #submit(event: Event): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const get = (k: string) => String(data.get(k) ?? '').trim();
    const port = (k: string, required: boolean): number | undefined => {
      const raw = get(k);
      if (!raw && !required) return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < (required ? 1 : 0) || n > 65535) throw new RangeError(msg('The port must be a whole number from 1 to 65535.', { id: 'dialog.badPort' }));
      return n || undefined;
    };
    let request: OpenRequest;
    try {
      if (this.kind === 'tcp') {
        const host = get('host');
        if (!host) throw new RangeError(msg('Give a host name or address.', { id: 'dialog.needHost' }));
        const p = port('port', true)!;
        const keepAlive = Number(get('keepAlive'));
        const timeout = Number(get('timeout'));
        const serverName = get('serverName');
        request = {
          kind: 'tcp',
          options: { host, port: p, noDelay: data.has('noDelay'), tls: data.has('tls'), allowSelfSigned: data.has('tls') && data.has('selfSigned'), ...(data.has('tls') && serverName ? { serverName } : {}), ...(keepAlive > 0 ? { keepAliveDelay: Math.max(1000, keepAlive * 1000) } : {}), ...(timeout > 0 ? { connectTimeout: timeout * 1000 } : {}) },
        };
        rememberTargets({ tcp: mostRecent(lastTargets().tcp, { host, port: p }, 8, (a, b) => a.host === b.host && a.port === b.port) });
      } else if (this.kind === 'server') {
        const address = get('address') || '127.0.0.1';
        const p = port('port', false);
        const backlog = Number(get('backlog'));
        request = { kind: 'server', options: { address, port: p, reuseAddr: data.has('reuseAddr'), ...(backlog > 0 ? { backlog } : {}) } };
        rememberTargets({ serverAddress: address, serverPort: p });
      } else {
        const address = get('address') || '127.0.0.1';
        const p = port('port', false);
        const groups = get('groups').split(/[\s,，]+/).filter(Boolean);
        const multicastInterface = get('multicastInterface');
        const ttlRaw = get('multicastTTL');
        const ttl = Number(ttlRaw);
        if (ttlRaw && (!Number.isInteger(ttl) || ttl < 0 || ttl > 255)) throw new RangeError(msg('The multicast TTL must be a whole number from 0 to 255.', { id: 'dialog.badTtl' }));
        request = {
          kind: 'udp',
          options: {
            address,
            port: p,
            broadcast: data.has('broadcast'),
            reuseAddr: data.has('reuseAddr'),
            groups,
            multicastLoopback: data.has('multicastLoopback'),
            ...(multicastInterface ? { multicastInterface } : {}),
            ...(ttlRaw ? { multicastTTL: ttl } : {}),
          },
        };
        rememberTargets({ udpAddress: address, udpPort: p });
      }
    } catch (error) {
      this.error = (error as Error).message;
      return;
    }
    this.dialog.close();
    this.dispatchEvent(new SocketOpenEvent(request));
  }

  override render() {
    const t = lastTargets();
    const tabs: { kind: Kind; label: string }[] = [
      { kind: 'tcp', label: msg('TCP client', { id: 'kind.tcpLong' }) },
      { kind: 'server', label: msg('TCP server', { id: 'kind.serverLong' }) },
      { kind: 'udp', label: msg('UDP socket', { id: 'kind.udpLong' }) },
    ];
    return html`<dialog data-testid="new-socket-dialog" aria-labelledby="dlg-title" @close=${() => (this.error = '')}>
      <form method="dialog" @submit=${this.#submit}>
        <h2 id="dlg-title">${msg('New socket', { id: 'list.new' })}</h2>
        <div class="tabs" role="tablist">
          ${tabs.map((tab) => html`<button type="button" role="tab" data-testid="tab-${tab.kind}" aria-selected=${this.kind === tab.kind} @click=${() => { this.kind = tab.kind; this.error = ''; }}>${tab.label}</button>`)}
        </div>
        ${this.kind === 'tcp' ? this.#tcp(t) : this.kind === 'server' ? this.#server(t) : this.#udp(t)}
        ${this.error ? html`<p class="error-text" role="alert" data-testid="dialog-error">${this.error}</p>` : nothing}
        <div class="foot">
          <button type="button" @click=${() => this.dialog.close()}>${msg('Cancel', { id: 'common.cancel' })}</button>
          <button type="submit" class="primary" data-testid="dialog-open">${this.kind === 'tcp' ? msg('Connect', { id: 'dialog.connect' }) : this.kind === 'server' ? msg('Listen', { id: 'dialog.listen' }) : msg('Bind', { id: 'dialog.bind' })}</button>
        </div>
      </form>
    </dialog>`;
  }

  #tcp(t: ReturnType<typeof lastTargets>) {
    const last = t.tcp[0];
    return html`
      <div class="grid">
        <label class="field">${msg('Host (name, IPv4 or IPv6)', { id: 'dialog.host' })}
          <input name="host" class="mono" data-first data-testid="tcp-host" list="recent-hosts" required autocomplete="off" .value=${last?.host ?? '127.0.0.1'} /></label>
        <label class="field">${msg('Port', { id: 'peers.port' })}
          <input name="port" class="mono" type="number" min="1" max="65535" data-testid="tcp-port" required .value=${last ? String(last.port) : ''} /></label>
      </div>
      <datalist id="recent-hosts">${t.tcp.map((x) => html`<option value=${x.host}>${x.host}:${x.port}</option>`)}</datalist>
      <div class="opts">
        <label class="check"><input type="checkbox" name="noDelay" />${msg('No delay (Nagle off)', { id: 'dialog.noDelay' })}</label>
        <label class="check"><input type="checkbox" name="tls" data-testid="tcp-tls" />TLS</label>
        <label class="check"><input type="checkbox" name="selfSigned" data-testid="tcp-self-signed" />${msg('Accept self-signed', { id: 'dialog.selfSigned' })}</label>
      </div>
      <label class="field">${msg('TLS server name (SNI and certificate name; empty = the host)', { id: 'dialog.serverName' })}
        <input name="serverName" class="mono" data-testid="tcp-server-name" autocomplete="off" placeholder="example.lab" /></label>
      <div class="grid" style="grid-template-columns: 1fr 1fr">
        <label class="field">${msg('Keep-alive after (s, empty = off)', { id: 'dialog.keepAlive' })}<input name="keepAlive" type="number" min="1" /></label>
        <label class="field">${msg('Connect timeout (s, empty = default)', { id: 'dialog.timeout' })}<input name="timeout" type="number" min="1" /></label>
      </div>
      ${this.#labTargets()}
      ${t.tcp.length > 1 ? html`<p class="help">${msg('Recent:', { id: 'dialog.recent' })} ${t.tcp.slice(0, 5).map((x) => `${x.host}:${x.port}`).join(' · ')}</p>` : nothing}`;
  }

  #labTargets() {
    const labs = this.labServices;
    if (!labs) return nothing;
    const tcp = labs.services.filter((s) => s.transport === 'tcp');
    if (!labs.running || tcp.length === 0) {
      return html`<p class="help">${msg('Built-in lab services (echo, upper-case, chat room, burst, bulk reply) are not running.', { id: 'dialog.labsOff' })}
        <button type="button" class="small" data-testid="start-labs" @click=${() => this.dispatchEvent(new StartLabsEvent())}>${msg('Start them', { id: 'dialog.labsStart' })}</button></p>`;
    }
    return html`<div class="labs"><span class="help">${msg('Lab services:', { id: 'dialog.labs' })}</span>
      ${tcp.map((s) => html`<button type="button" class="small" data-testid="lab-target" data-name=${s.name} title=${`${s.title}${s.usage ? ' — ' + s.usage : ''}`} @click=${() => this.#fill(s.host, s.port)}>${s.name} :${s.port}</button>`)}
    </div>`;
  }

  #fill(host: string, port: number): void {
    const root = this.renderRoot;
    (root.querySelector('[data-testid=tcp-host]') as HTMLInputElement).value = host;
    (root.querySelector('[data-testid=tcp-port]') as HTMLInputElement).value = String(port);
  }

  #server(t: ReturnType<typeof lastTargets>) {
    const chosen = t.serverAddress ?? '127.0.0.1';
    return html`
      <div class="grid">
        <label class="field">${msg('Listen on', { id: 'dialog.listenOn' })}
          <select name="address" data-first data-testid="server-address">${this.#addresses().map((a) => html`<option value=${a.value} ?selected=${a.value === chosen}>${a.label}</option>`)}</select></label>
        <label class="field">${msg('Port (empty = any)', { id: 'dialog.portAny' })}
          <input name="port" class="mono" type="number" min="0" max="65535" data-testid="server-port" .value=${t.serverPort ? String(t.serverPort) : ''} /></label>
      </div>
      <div class="opts">
        <label class="check" title=${msg('Unticked, the gateway binds plainly, as Python\'s socket() + bind() without setsockopt (Node itself always sets SO_REUSEADDR; the plain bind is made by python3): it fails while connections in TIME_WAIT hold the port.', { id: 'dialog.reuseHelp' })}
          ><input type="checkbox" name="reuseAddr" data-testid="server-reuseaddr" checked />SO_REUSEADDR</label
        >
        <label class="check">${msg('Backlog', { id: 'dialog.backlog' })} <input name="backlog" type="number" min="1" style="width:70px" /></label>
      </div>
      <p class="help">${msg('Ports below 1024 are refused by default. Each accepted connection appears under the server.', { id: 'dialog.serverHelp' })}</p>`;
  }

  #udp(t: ReturnType<typeof lastTargets>) {
    const chosen = t.udpAddress ?? '127.0.0.1';
    return html`
      <div class="grid">
        <label class="field">${msg('Bind address', { id: 'dialog.bindAddress' })}
          <select name="address" data-first data-testid="udp-address">${this.#addresses().map((a) => html`<option value=${a.value} ?selected=${a.value === chosen}>${a.label}</option>`)}</select></label>
        <label class="field">${msg('Port (empty = any)', { id: 'dialog.portAny' })}
          <input name="port" class="mono" type="number" min="0" max="65535" data-testid="udp-bind-port" .value=${t.udpPort ? String(t.udpPort) : ''} /></label>
      </div>
      <div class="opts">
        <label class="check"><input type="checkbox" name="broadcast" data-testid="udp-broadcast" />${msg('SO_BROADCAST (allow sending to broadcast addresses)', { id: 'dialog.broadcast' })}</label>
        <label class="check"><input type="checkbox" name="reuseAddr" />SO_REUSEADDR</label>
      </div>
      <p class="help" data-testid="udp-broadcast-help">${msg('Broadcast addresses: 255.255.255.255 (this link only, never routed) or an interface\'s directed broadcast — its address with every host bit set, shown beside each address above. Course labs → Subnets works them out bit by bit.', { id: 'dialog.broadcastHelp' })}</p>
      <label class="field">${msg('Multicast groups to join (comma-separated, optional)', { id: 'dialog.groups' })}<input name="groups" class="mono" data-testid="udp-groups" placeholder="239.1.2.3" /></label>
      <div class="grid" style="grid-template-columns: 1fr 90px">
        <label class="field">${msg('Multicast interface (joins and sends go through it)', { id: 'dialog.mcastIf' })}
          <select name="multicastInterface" data-testid="udp-mcast-if">${this.#multicastInterfaces().map((a) => html`<option value=${a.value}>${a.label}</option>`)}</select></label>
        <label class="field">TTL<input name="multicastTTL" class="mono" type="number" min="0" max="255" data-testid="udp-mcast-ttl" placeholder="1" /></label>
      </div>
      <div class="opts">
        <label class="check"><input type="checkbox" name="multicastLoopback" data-testid="udp-mcast-loop" checked />${msg('Multicast loopback (hear this host’s own group traffic)', { id: 'dialog.mcastLoop' })}</label>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'new-socket-dialog': NewSocketDialog;
  }
  interface HTMLElementEventMap {
    'socket-open': SocketOpenEvent;
    'start-labs': StartLabsEvent;
  }
}
