/**
 * One socket of the workspace as the page sees it: a TCP client, a TCP server (with its accepted
 * clients as child sessions), or a bound UDP socket. It drives the library's streams, keeps the
 * log, counters, rate and peers, runs send jobs (once, N times, cyclic), and fires `change` at
 * most once per frame.
 */
import { takeChunkInfo } from '../../lib/lab-extras.js';
import type { MulticastController, SocketGateway, SocketStats, TCPServerSocket, TCPSocket, UDPMessage, UDPReceivedMessage, UDPSocket } from '../../lib/index.js';
import { FrameBatcher } from './frame-batcher.js';
import { LogStore } from './log-store.js';
import { RateMeter } from './rate-meter.js';

/** What kind of socket a session is. */
export type SessionKind = 'tcp' | 'server' | 'accepted' | 'udp';

/** Life of a session. `half-closed`: one direction has ended (FIN sent or received). */
export type SessionState = 'opening' | 'open' | 'half-closed' | 'closing' | 'closed' | 'failed';

/** Page-side counters (resettable, unlike the library's). */
export interface Counters {
  bytesIn: number;
  bytesOut: number;
  msgsIn: number;
  msgsOut: number;
}

/** A UDP peer heard from. */
export interface UdpPeer {
  address: string;
  port: number;
  datagrams: number;
  bytes: number;
  lastSeen: number;
}

/** Where a send goes. */
export type SendTarget =
  | { kind: 'self' }
  | { kind: 'all' }
  | { kind: 'client'; id: number }
  | { kind: 'udp'; host: string; port: number };

/** A send the composer asks for. */
export interface SendJob {
  payload: Uint8Array;
  /** How many times (≥ 1). */
  repeat: number;
  /** Pause between repeats, ms (separate writes only). */
  intervalMs: number;
  /** All repeats in one write (TCP) instead of one write each. */
  oneWrite: boolean;
  target: SendTarget;
}

/** TCP client options the dialog collects. */
export interface TcpClientOptions {
  host: string;
  port: number;
  noDelay?: boolean;
  keepAliveDelay?: number;
  connectTimeout?: number;
  tls?: boolean;
  /** TLS SNI and certificate name; empty = the host. */
  serverName?: string;
  allowSelfSigned?: boolean;
}

/** TCP server options. */
export interface TcpServerOptions {
  address: string;
  port?: number;
  backlog?: number;
  reuseAddr?: boolean;
}

/** UDP bind options. */
export interface UdpOptions {
  address: string;
  port?: number;
  broadcast?: boolean;
  reuseAddr?: boolean;
  groups?: string[];
  /** IP_MULTICAST_IF and the interface groups are joined on (e.g. `127.0.0.1`); empty = the OS's choice. */
  multicastInterface?: string;
  /** IP_MULTICAST_LOOP: hear the host's own multicast. */
  multicastLoopback?: boolean;
  /** IP_MULTICAST_TTL (0–255). */
  multicastTTL?: number;
}

type TcpWriter = WritableStreamDefaultWriter<ArrayBuffer | ArrayBufferView>;
type UdpWriter = WritableStreamDefaultWriter<UDPMessage>;

let nextId = 1;
const hostPort = (address: string, port: number) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

/** One socket in the workspace. Events: `change`. */
export class SocketSession extends EventTarget {
  /** Page-local id (stable across the session's life). */
  readonly id = nextId++;
  readonly kind: SessionKind;
  state: SessionState = 'opening';
  /** Local `address:port` once open. */
  local = '';
  /** Remote `address:port` (TCP client and accepted), or the target asked for while opening. */
  remote = '';
  /** The error that ended or failed the session. */
  error: unknown;
  /** When it opened (or was accepted). */
  since = Date.now();
  readonly counters: Counters = { bytesIn: 0, bytesOut: 0, msgsIn: 0, msgsOut: 0 };
  readonly log = new LogStore();
  readonly rate = new RateMeter();
  /** Accepted connections (server). */
  clients: SocketSession[] = [];
  /** The server that accepted this connection. */
  readonly parent: SocketSession | undefined;
  /** Peers heard from (UDP), by `address:port`. */
  readonly peers = new Map<string, UdpPeer>();
  /** True while a repeated send runs. */
  sending = false;
  /** Whether SO_BROADCAST is on (UDP). */
  broadcast = false;
  /** Multicast groups joined (UDP). */
  groups: string[] = [];
  /** UDP datagrams the gateway dropped for want of credit, as the library counts them (live). */
  get dropped(): number | undefined {
    return this.kind === 'udp' ? (this.#udp?.stats.dropped ?? 0) : undefined;
  }
  /** What was asked for, to reopen with the same settings. */
  readonly options: TcpClientOptions | TcpServerOptions | UdpOptions | undefined;

  #tcp: TCPSocket | undefined;
  #server: TCPServerSocket | undefined;
  #udp: UDPSocket | undefined;
  #reader: ReadableStreamDefaultReader<unknown> | undefined;
  #writer: TcpWriter | UdpWriter | undefined;
  #job: AbortController | undefined;
  #batcher = new FrameBatcher(() => this.dispatchEvent(new Event('change')));

  private constructor(kind: SessionKind, options?: SocketSession['options'], parent?: SocketSession) {
    super();
    this.kind = kind;
    this.options = options;
    this.parent = parent;
  }

  /** Opens a TCP connection to `options.host:port`. */
  static connectTcp(gateway: SocketGateway, options: TcpClientOptions): SocketSession {
    const s = new SocketSession('tcp', options);
    s.remote = hostPort(options.host, options.port);
    s.log.event('connecting', { peer: s.remote });
    try {
      s.#tcp = new gateway.TCPSocket(options.host, options.port, {
        noDelay: Boolean(options.noDelay),
        ...(options.keepAliveDelay ? { keepAliveDelay: options.keepAliveDelay } : {}),
        extras: {
          chunks: true,
          onError: (e) => s.#logError(e),
          ...(options.connectTimeout ? { connectTimeout: options.connectTimeout } : {}),
          ...(options.tls
            ? { secureTransport: 'on' as const, ...(options.serverName ? { serverName: options.serverName } : {}), ...(options.allowSelfSigned ? { allowSelfSigned: true } : {}) }
            : {}),
        },
      });
    } catch (error) {
      s.#fail(error);
      return s;
    }
    void s.#runTcp(s.#tcp);
    return s;
  }

  /** Listens on `options.address:port`. */
  static listen(gateway: SocketGateway, options: TcpServerOptions): SocketSession {
    const s = new SocketSession('server', options);
    s.local = hostPort(options.address, options.port ?? 0);
    try {
      s.#server = new gateway.TCPServerSocket(options.address, {
        ...(options.port ? { localPort: options.port } : {}),
        ...(options.backlog ? { backlog: options.backlog } : {}),
        extras: { chunks: true, onError: (e) => s.#logError(e), ...(options.reuseAddr ? { reuseAddr: true } : {}) },
      });
    } catch (error) {
      s.#fail(error);
      return s;
    }
    void s.#runServer(s.#server);
    return s;
  }

  /** Binds a UDP socket on `options.address:port`. */
  static bindUdp(gateway: SocketGateway, options: UdpOptions): SocketSession {
    const s = new SocketSession('udp', options);
    s.local = hostPort(options.address, options.port ?? 0);
    s.broadcast = Boolean(options.broadcast);
    try {
      s.#udp = new gateway.UDPSocket({
        localAddress: options.address,
        ...(options.port ? { localPort: options.port } : {}),
        ...(options.reuseAddr ? { multicastAllowAddressSharing: true } : {}),
        ...(options.multicastLoopback !== undefined ? { multicastLoopback: options.multicastLoopback } : {}),
        ...(options.multicastTTL !== undefined ? { multicastTimeToLive: options.multicastTTL } : {}),
        // Errors that do not close the socket (a datagram denied or too big) still belong in the log.
        extras: {
          chunks: true,
          broadcast: Boolean(options.broadcast),
          ...(options.multicastInterface ? { multicastInterface: options.multicastInterface } : {}),
          onError: (e) => s.#logError(e),
        },
      });
    } catch (error) {
      s.#fail(error);
      return s;
    }
    void s.#runUdp(s.#udp, options.groups ?? []);
    return s;
  }

  /** Short name for lists: the remote end for connections, the local one for servers and UDP. */
  get title(): string {
    return this.kind === 'tcp' || this.kind === 'accepted' ? this.remote : this.local;
  }

  /** True while data can be sent. */
  get canSend(): boolean {
    if (this.kind === 'server') return this.clients.some((c) => c.canSend);
    return this.state === 'open' || (this.state === 'half-closed' && this.#writer !== undefined && !this.#writeEnded);
  }

  /** Sets the counters back to zero. */
  resetCounters(): void {
    Object.assign(this.counters, { bytesIn: 0, bytesOut: 0, msgsIn: 0, msgsOut: 0 });
    for (const c of this.clients) c.resetCounters();
    for (const p of this.peers.values()) Object.assign(p, { datagrams: 0, bytes: 0 });
    this.changed();
  }

  /** Schedules a `change` event (coalesced per frame), for this session and its server. */
  changed(): void {
    this.#batcher.schedule();
    this.parent?.changed();
  }

  // ---- TCP client and accepted connections ---------------------------------------------------

  #writeEnded = false;

  async #runTcp(socket: TCPSocket): Promise<void> {
    const info = await this.#opened(socket.opened);
    if (!info) return;
    this.remote = hostPort(info.remoteAddress, info.remotePort);
    this.#markOpen(info);
    if (this.kind === 'tcp') this.log.event('connected', { peer: this.remote, detail: this.local });
    this.changed();
    this.#writer = (info.writable as WritableStream<ArrayBuffer | ArrayBufferView>).getWriter();
    const peerEnded = await this.#readAll(info.readable, (data) => {
      const c = takeChunkInfo(socket);
      this.#received(data, c?.time ?? Date.now(), c?.seq, this.remote);
    });
    if (peerEnded && (this.state === 'open' || this.state === 'half-closed')) {
      this.#logBoth('peer-closed', { peer: this.remote });
      this.state = this.#writeEnded ? 'closing' : 'half-closed';
      this.changed();
    }
    this.#endWhen(socket.closed);
    if (this.#writeEnded && (this.state as SessionState) !== 'closed') void this.close();
  }

  /** Waits for a socket's `opened`; a failure is logged and gives undefined. */
  async #opened<T>(opened: Promise<T>): Promise<T | undefined> {
    try {
      return await opened;
    } catch (error) {
      this.#fail(error);
      return undefined;
    }
  }

  #markOpen(info: { localAddress: string; localPort: number }): void {
    this.local = hostPort(info.localAddress, info.localPort);
    this.since = Date.now();
    this.state = 'open';
  }

  /**
   * Feeds every item of `readable` to `onItem`. True when the stream ended normally; false when it
   * failed (logged, unless the page itself is closing the socket).
   */
  async #readAll<T>(readable: ReadableStream<T>, onItem: (item: T) => void): Promise<boolean> {
    const reader = readable.getReader();
    this.#reader = reader as ReadableStreamDefaultReader<unknown>;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        onItem(value);
      }
    } catch (error) {
      if ((this.state as SessionState) !== 'closing') this.#logError(error);
      return false;
    }
  }

  /** The session ends when the socket's `closed` settles, with its error if any. */
  #endWhen(closed: Promise<void>): void {
    closed.then(
      () => this.#ended(),
      (error) => this.#ended(error),
    );
  }

  /** Ends the write side (FIN; the course's `shutdown(SHUT_WR)`). */
  async halfClose(): Promise<void> {
    if (!this.#writer || this.#writeEnded || this.kind === 'udp') return;
    this.#writeEnded = true;
    try {
      await (this.#writer as TcpWriter).close();
      this.#logBoth('half-closed', { peer: this.remote });
      this.state = this.state === 'half-closed' ? 'closing' : 'half-closed';
      if (this.state === 'closing') void this.close();
    } catch (error) {
      this.#logError(error);
    }
    this.changed();
  }

  // ---- server ----------------------------------------------------------------------------------

  async #runServer(server: TCPServerSocket): Promise<void> {
    const info = await this.#opened(server.opened);
    if (!info) return;
    this.#markOpen(info);
    this.log.event('listening', { detail: this.local });
    this.changed();
    await this.#readAll(info.readable, (socket) => this.#adopt(socket));
    this.#endWhen(server.closed);
  }

  #adopt(socket: TCPSocket): void {
    const child = new SocketSession('accepted', undefined, this);
    child.#tcp = socket;
    this.clients = [...this.clients, child];
    child.addEventListener('change', () => this.changed());
    void child.#runTcp(socket).then(() => undefined);
    void socket.opened.then((info) => {
      this.log.event('accepted', { peer: hostPort(info.remoteAddress, info.remotePort) });
      child.log.event('accepted', { peer: hostPort(info.remoteAddress, info.remotePort) });
    });
    this.changed();
  }

  /** Closes one accepted client (kick). */
  async kick(clientId: number): Promise<void> {
    const client = this.clients.find((c) => c.id === clientId);
    if (!client) return;
    client.#kicked = true;
    await client.close();
  }

  #kicked = false;

  /** Forgets closed clients. */
  pruneClients(): void {
    this.clients = this.clients.filter((c) => c.state !== 'closed' && c.state !== 'failed');
    this.changed();
  }

  // ---- UDP ---------------------------------------------------------------------------------------

  async #runUdp(socket: UDPSocket, groups: string[]): Promise<void> {
    const info = await this.#opened(socket.opened);
    if (!info) return;
    this.#markOpen(info);
    this.log.event('bound', { detail: this.local + (this.broadcast ? ' · SO_BROADCAST' : '') });
    this.#writer = info.writable.getWriter();
    this.#multicast = info.multicastController;
    for (const group of groups) await this.joinGroup(group);
    this.changed();
    await this.#readAll(info.readable, (message) => this.#datagram(message));
    this.#endWhen(socket.closed);
  }

  #multicast: MulticastController | undefined;

  /** Joins a multicast group on the chosen multicast interface; failures go to the log. */
  async joinGroup(group: string): Promise<void> {
    if (!this.#multicast) return;
    const iface = (this.options as UdpOptions | undefined)?.multicastInterface;
    try {
      await this.#multicast.joinGroup(group, iface ? { interface: iface } : undefined);
      this.groups = [...this.#multicast.joinedGroups];
      this.log.event('joined', { detail: iface ? `${group} @ ${iface}` : group });
    } catch (error) {
      this.#logError(error);
    }
    this.changed();
  }

  /** Leaves a joined multicast group (on the same interface it was joined on). */
  async leaveGroup(group: string): Promise<void> {
    if (!this.#multicast) return;
    const iface = (this.options as UdpOptions | undefined)?.multicastInterface;
    try {
      await this.#multicast.leaveGroup(group, iface ? { interface: iface } : undefined);
      this.groups = [...this.#multicast.joinedGroups];
      this.log.event('left', { detail: group });
    } catch (error) {
      this.#logError(error);
    }
    this.changed();
  }

  /** The library's counters for this socket (its `dropped` is known once the socket closed). */
  get libraryStats(): SocketStats | undefined {
    return (this.#tcp ?? this.#udp)?.stats;
  }

  #datagram(message: UDPReceivedMessage): void {
    const address = message.remoteAddress ?? '';
    const port = message.remotePort ?? 0;
    const key = hostPort(address, port);
    let peer = this.peers.get(key);
    if (!peer) {
      peer = { address, port, datagrams: 0, bytes: 0, lastSeen: 0 };
      this.peers.set(key, peer);
    }
    peer.datagrams++;
    peer.bytes += message.data.byteLength;
    peer.lastSeen = Date.now();
    this.#received(message.data, message.time ?? Date.now(), message.seq, key);
  }

  /** Turns SO_BROADCAST on or off on the open socket. */
  async setBroadcast(on: boolean): Promise<void> {
    if (!this.#udp) return;
    try {
      await this.#udp.set({ broadcast: on });
      this.broadcast = on;
      this.log.event('info', { detail: on ? 'SO_BROADCAST on' : 'SO_BROADCAST off' });
    } catch (error) {
      this.#logError(error);
    }
    this.changed();
  }

  // ---- sending -----------------------------------------------------------------------------------

  /** Runs a send job; resolves when it is done or stopped. One job at a time. */
  async send(job: SendJob): Promise<void> {
    if (this.sending) return;
    const controller = new AbortController();
    this.#job = controller;
    this.sending = job.repeat > 1;
    this.changed();
    try {
      if (job.oneWrite && job.repeat > 1) {
        await this.#sendOnce(repeatBytes(job.payload, job.repeat), job.target);
      } else {
        for (let i = 0; i < job.repeat && !controller.signal.aborted; i++) {
          if (i > 0 && job.intervalMs > 0) await sleep(job.intervalMs, controller.signal);
          if (controller.signal.aborted) break;
          await this.#sendOnce(job.payload, job.target);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) this.#logError(error);
    } finally {
      if (this.#job === controller) this.#job = undefined;
      this.sending = false;
      this.changed();
    }
  }

  /** Stops a running repeated send. */
  stopSending(): void {
    this.#job?.abort();
  }

  async #sendOnce(bytes: Uint8Array, target: SendTarget): Promise<void> {
    switch (target.kind) {
      case 'self':
        return this.#write(bytes);
      case 'all': {
        const open = this.clients.filter((c) => c.canSend);
        await Promise.all(open.map((c) => c.#write(bytes)));
        return;
      }
      case 'client': {
        const client = this.clients.find((c) => c.id === target.id);
        if (client) await client.#write(bytes);
        return;
      }
      case 'udp':
        return this.#writeTo(bytes, target.host, target.port);
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    if (!this.#writer || this.kind === 'udp' || this.kind === 'server') throw new Error('not writable');
    this.#logOut(bytes, this.remote);
    await (this.#writer as TcpWriter).write(bytes);
  }

  async #writeTo(bytes: Uint8Array, host: string, port: number): Promise<void> {
    if (!this.#writer || this.kind !== 'udp') throw new Error('not writable');
    this.#logOut(bytes, hostPort(host, port));
    await (this.#writer as UdpWriter).write({ data: bytes, remoteAddress: host, remotePort: port });
  }

  #logOut(bytes: Uint8Array, peer: string): void {
    this.counters.bytesOut += bytes.byteLength;
    this.counters.msgsOut++;
    this.rate.addOut(bytes.byteLength);
    const entry = { time: Date.now(), dir: 'out' as const, peer, bytes, size: bytes.byteLength };
    this.log.add(entry);
    if (this.parent) {
      this.parent.counters.bytesOut += bytes.byteLength;
      this.parent.counters.msgsOut++;
      this.parent.rate.addOut(bytes.byteLength);
      this.parent.log.add({ ...entry });
    }
    this.changed();
  }

  #received(data: Uint8Array, time: number, seq: number | undefined, peer: string): void {
    this.counters.bytesIn += data.byteLength;
    this.counters.msgsIn++;
    this.rate.addIn(data.byteLength);
    const entry = { time, dir: 'in' as const, peer, bytes: data, size: data.byteLength, seq };
    this.log.add(entry);
    if (this.parent) {
      this.parent.counters.bytesIn += data.byteLength;
      this.parent.counters.msgsIn++;
      this.parent.rate.addIn(data.byteLength);
      this.parent.log.add({ ...entry });
    }
    this.changed();
  }

  // ---- closing -----------------------------------------------------------------------------------

  /** Closes the socket (a server stops listening; its clients stay until kicked or closed). */
  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.stopSending();
    if (this.state === 'opening') {
      this.state = 'closing';
      return;
    }
    this.state = 'closing';
    this.changed();
    // The spec's close() refuses while streams are locked; cancelling the reader and aborting the
    // writer ends both sides, and the library then closes the socket at the gateway.
    await this.#reader?.cancel().catch(() => {});
    await this.#writer?.abort().catch(() => {});
    const socket = this.#tcp ?? this.#server ?? this.#udp;
    await socket?.closed.catch(() => {});
    this.#ended();
  }

  /** Closes this session and, for a server, every client. */
  async closeAll(): Promise<void> {
    await Promise.all([this.close(), ...this.clients.map((c) => c.close())]);
  }

  #ended(error?: unknown): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    // The reader usually reported this very failure already; one line per failure.
    if (error !== undefined && this.state !== 'closing' && !this.#sameAsLogged(error)) {
      this.error = error;
      this.#logError(error);
    }
    this.state = 'closed';
    if (this.kind === 'udp') {
      this.groups = [];
    }
    const code = this.#kicked ? undefined : (error as { sockgateCode?: string } | undefined)?.sockgateCode;
    this.#logBoth(this.#kicked ? 'kicked' : 'closed', { peer: this.kind === 'tcp' || this.kind === 'accepted' ? this.remote : '', code });
    this.changed();
  }

  #fail(error: unknown): void {
    this.error = error;
    this.state = 'failed';
    this.#logError(error);
    this.changed();
  }

  #lastLogged: { code?: string; message?: string } | undefined;

  #sameAsLogged(error: unknown): boolean {
    const e = error as { sockgateCode?: string; message?: string } | undefined;
    return this.#lastLogged !== undefined && e?.sockgateCode === this.#lastLogged.code && e?.message === this.#lastLogged.message;
  }

  #logError(error: unknown): void {
    const e = error as { sockgateCode?: string; message?: string; rule?: string };
    this.#lastLogged = { code: e?.sockgateCode, message: e?.message };
    this.#logBoth('error', { peer: this.kind === 'tcp' || this.kind === 'accepted' ? this.remote : '', code: e?.sockgateCode ?? (e as Error)?.name, detail: e?.message ?? String(error) });
    this.error = error;
    this.changed();
  }

  #logBoth(kind: Parameters<LogStore['event']>[0], fields: Parameters<LogStore['event']>[1]): void {
    this.log.event(kind, fields);
    this.parent?.log.event(kind, fields);
  }
}

function repeatBytes(bytes: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.byteLength);
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
