/**
 * `<socket-workspace>`: the socket list and the selected socket's view, side by side, plus the
 * "new socket" dialog. It owns the sessions (the parent mediating between list, view and dialog)
 * and opens sockets on the gateway from context.
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { gatewayContext, type GatewayInfo } from './gateway-controller.js';
import { localized, msg } from './i18n.js';
import { fetchLabServices, startLabServices, type LabServices } from './model/lab-services.js';
import type { WorkReopenEvent } from './lost-work-bar.js';
import { RelaySession } from './model/relay-session.js';
import { WorkKeeper } from './work-keeper.js';
import { ServerSession } from './model/server-session.js';
import type { Session } from './model/session.js';
import { TcpSession } from './model/tcp-session.js';
import { receiverOf } from './model/tcp-receiver.js';
import { UdpSession } from './model/udp-session.js';
import type { NewSocketDialog, OpenRequest, SocketOpenEvent } from './new-socket-dialog.js';
import type { RelayOptions } from '../lib/relay.js';
import type { RelayOpenEvent } from './relay-form.js';
import { relayWords } from './relay-words.js';
import type { RelayActionEvent } from './relay-view.js';
import type { NewSocketEvent, RelayPickEvent, SessionSelectEvent } from './socket-list.js';
import type { SessionActionEvent } from './socket-view.js';
import { controls } from './theme.js';
import './new-socket-dialog.js';
import './socket-list.js';
import './socket-view.js';
import './lost-work-bar.js';
import './relay-form.js';
import './relay-view.js';

/** The workspace. */
@customElement('socket-workspace')
@localized()
export class SocketWorkspace extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: grid; grid-template-columns: 290px minmax(0, 1fr); min-height: 0; height: 100%; }
      .side { display: grid; grid-template-rows: auto minmax(0, 1fr); min-height: 0; background: var(--surface); }
      .welcome { display: grid; place-content: center; gap: 18px; padding: 32px; max-width: 760px; margin: 0 auto; }
      .welcome h1 { margin: 0; font-size: 22px; font-weight: 650; }
      .welcome p { margin: 0; color: var(--muted); line-height: 1.6; }
      .cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
      .cards button { display: grid; gap: 6px; height: auto; padding: 16px; text-align: left; align-content: start; border-radius: var(--radius); background: var(--surface); box-shadow: var(--shadow); border-color: var(--border); }
      .cards b { font-size: 14px; }
      .cards span { color: var(--muted); font-size: 12.5px; line-height: 1.5; white-space: normal; }
      .note { font-size: 12.5px; color: var(--faint); }
      .warn { color: var(--error); font-size: 13px; }
    `,
  ];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @state() private sessions: Session[] = [];
  @state() private selectedId = 0;
  @state() private relays: RelaySession[] = [];
  /** The relay shown instead of a socket; -1: the new-relay form; 0: none. */
  @state() private selectedRelay = 0;
  @state() private openError = '';
  @state() private labServices: LabServices | undefined;
  @query('new-socket-dialog') private dialog!: NewSocketDialog;

  #find(id: number): Session | undefined {
    for (const s of this.sessions) {
      if (s.id === id) return s;
      const child = s.kind === 'server' ? s.clients.find((c) => c.id === id) : undefined;
      if (child) return child;
    }
    return undefined;
  }

  /** Reload warning, reopen offers and the logs kept in IndexedDB (defect 6). */
  #keeper = new WorkKeeper(this, {
    sessions: () => this.sessions,
    relays: () => this.relays,
    open: (request) => this.#open(request),
    openRelay: (options, replacing) => this.#openRelay(options, replacing),
    reopen: (session) => this.#reopen(session),
  });

  /** Opens a socket as the dialog would (the lab index's one-click setups use this). */
  open(request: OpenRequest): void {
    this.#open(request);
  }

  #open(request: OpenRequest): Session | undefined {
    const gateway = this.gatewayInfo?.gateway;
    if (!gateway) {
      this.openError = msg('Not connected to the gateway; try again when the banner says it is back.', { id: 'ws.notConnected' });
      return undefined;
    }
    this.openError = '';
    const session =
      request.kind === 'tcp'
        ? TcpSession.connect(gateway, request.options)
        : request.kind === 'server'
          ? ServerSession.listen(gateway, request.options)
          : UdpSession.bindSocket(gateway, request.options);
    // A lab index setup may say how the socket reads (the course's recv(1024) client): once it is open.
    if (request.kind === 'tcp' && request.receiver && session.kind === 'tcp') {
      const preset = request.receiver;
      void session.tcpSocket?.opened.then(() => receiverOf(session).change(preset), () => {});
    }
    this.sessions = [...this.sessions, session];
    this.selectedId = session.id;
    this.selectedRelay = 0;
    return session;
  }

  #openRelay(options: RelayOptions, replacing?: RelaySession): RelaySession | undefined {
    const gateway = this.gatewayInfo?.gateway;
    if (!gateway) {
      this.openError = msg('Not connected to the gateway; try again when the banner says it is back.', { id: 'ws.notConnected' });
      return undefined;
    }
    const relay = RelaySession.open(gateway, options, relayWords());
    this.relays = replacing ? this.relays.map((r) => (r === replacing ? relay : r)) : [...this.relays, relay];
    this.selectedRelay = relay.id;
    return relay;
  }

  #removeRelay(relay: RelaySession): void {
    void relay.close();
    this.relays = this.relays.filter((r) => r !== relay);
    this.selectedRelay = 0;
  }

  #showDialog(kind: 'tcp' | 'server' | 'udp'): void {
    void this.dialog.show(kind);
    const api = this.gatewayInfo?.gateway?.api;
    if (api) void fetchLabServices(api).then((labs) => (this.labServices = labs), () => (this.labServices = undefined));
  }

  async #startLabs(): Promise<void> {
    const api = this.gatewayInfo?.gateway?.api;
    if (!api) return;
    try {
      this.labServices = await startLabServices(api);
    } catch (error) {
      this.openError = (error as Error).message;
    }
  }

  #remove(session: Session): void {
    void session.remove();
    if (!session.parent) this.sessions = this.sessions.filter((s) => s !== session);
    if (this.selectedId === session.id) this.selectedId = session.parent?.id ?? this.sessions.at(-1)?.id ?? 0;
  }

  #reopen(session: Session): void {
    const o = session.options;
    if (!o) return;
    // A TCP client opens again reading the way it was set to (its receiver), if that was changed.
    const receiver = session.kind === 'tcp' && receiverOf(session).active ? { receiver: { ...receiverOf(session).settings } } : {};
    const request = (session.kind === 'tcp' ? { kind: 'tcp', options: o, ...receiver } : session.kind === 'server' ? { kind: 'server', options: o } : { kind: 'udp', options: o }) as OpenRequest;
    this.sessions = this.sessions.filter((s) => s !== session);
    this.#open(request);
  }

  override render() {
    const selected = this.selectedRelay ? undefined : this.#find(this.selectedId);
    const relay = this.relays.find((r) => r.id === this.selectedRelay);
    return html`
      <div class="side">
      <lost-work-bar .restored=${this.#keeper.restored} .lost=${this.gatewayInfo?.state === 'open' ? this.#keeper.lostCount() : 0}
        @work-reopen=${(e: WorkReopenEvent) => this.#keeper.reopen(e.index)} @work-forget=${() => this.#keeper.forget()}></lost-work-bar>
      <socket-list .sessions=${this.sessions} .selectedId=${this.selectedRelay ? 0 : this.selectedId} .relays=${this.relays} .selectedRelay=${this.selectedRelay}
        @session-select=${(e: SessionSelectEvent) => ((this.selectedId = e.sessionId), (this.selectedRelay = 0))}
        @relay-pick=${(e: RelayPickEvent) => (this.selectedRelay = e.relayId || -1)}
        @new-socket=${(e: NewSocketEvent) => this.#showDialog(e.kind)}></socket-list>
      </div>
      ${this.selectedRelay === -1
        ? html`<relay-form @relay-open=${(e: RelayOpenEvent) => this.#openRelay(e.options)}></relay-form>`
        : relay
        ? html`<relay-view .relay=${relay} @relay-remove=${(e: RelayActionEvent) => this.#removeRelay(e.relay)}
            @relay-reopen=${(e: RelayActionEvent) => this.#openRelay(e.relay.options, e.relay)}></relay-view>`
        : selected
        ? html`<socket-view .session=${selected} .interfaces=${this.gatewayInfo?.interfaces ?? []}
            @session-remove=${(e: SessionActionEvent) => this.#remove(e.session)}
            @session-reopen=${(e: SessionActionEvent) => this.#reopen(e.session)}
            @socket-open=${(e: SocketOpenEvent) => this.#open(e.request)}></socket-view>`
        : this.#welcome()}
      <new-socket-dialog .interfaces=${this.gatewayInfo?.interfaces ?? []} .labServices=${this.labServices}
        @socket-open=${(e: SocketOpenEvent) => this.#open(e.request)} @start-labs=${this.#startLabs}></new-socket-dialog>
    `;
  }

  #welcome() {
    return html`<div class="welcome" data-testid="welcome">
      <h1>${msg('Real TCP and UDP sockets, from this tab.', { id: 'ws.title' })}</h1>
      <p>${msg('The gateway opens the sockets on its host and relays them here. Every read is its own log line, so you see exactly where the network split your data.', { id: 'ws.intro' })}</p>
      <div class="cards">
        <button data-testid="card-tcp" @click=${() => this.#showDialog('tcp')}><b>${msg('TCP client', { id: 'kind.tcpLong' })}</b><span>${msg('Connect to an echo server, a web server, Redis — send text or hex.', { id: 'ws.cardTcp' })}</span></button>
        <button data-testid="card-server" @click=${() => this.#showDialog('server')}><b>${msg('TCP server', { id: 'kind.serverLong' })}</b><span>${msg('Listen on a port; see each client, send to one or all, kick one.', { id: 'ws.cardServer' })}</span></button>
        <button data-testid="card-udp" @click=${() => this.#showDialog('udp')}><b>${msg('UDP socket', { id: 'kind.udpLong' })}</b><span>${msg('Bind, receive datagrams with their source, reply, broadcast, IPMSG/FeiQ.', { id: 'ws.cardUdp' })}</span></button>
      </div>
      <p class="note">${msg('Targets are checked by the gateway’s policy: loopback and private LAN are allowed by default, the public internet is not.', { id: 'ws.policy' })}</p>
      ${this.openError ? html`<p class="warn" role="alert">${this.openError}</p>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'socket-workspace': SocketWorkspace;
  }
}
