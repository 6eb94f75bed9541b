/**
 * A bound UDP socket in the workspace: datagrams in with their source (kept as a table of peers),
 * datagrams out to any host:port, SO_BROADCAST on and off, multicast groups joined and left.
 */
import type { MulticastController, SocketGateway, SocketStats, UDPMessage, UDPReceivedMessage, UDPSocket } from '../../lib/index.js';
import type { SendTarget } from './send-job.js';
import { hostPort, SocketSession } from './socket-session.js';
import { onPageClock } from './gateway-clock.js';

/** How long, and how many, sent datagrams wait to be matched with a refusal from the gateway. */
const PENDING_MS = 10_000;
const PENDING_MAX = 256;

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

/** A UDP peer heard from. */
export interface UdpPeer {
  address: string;
  port: number;
  datagrams: number;
  bytes: number;
  lastSeen: number;
}

/** One bound UDP socket. */
export class UdpSession extends SocketSession {
  readonly kind = 'udp' as const;
  /** What was asked for, to reopen with the same settings. */
  readonly options: UdpOptions;
  /** Peers heard from, by `address:port`. */
  readonly peers = new Map<string, UdpPeer>();
  /** Whether SO_BROADCAST is on. */
  broadcast: boolean;
  /** Multicast groups joined. */
  groups: string[] = [];

  protected declare writer: WritableStreamDefaultWriter<UDPMessage> | undefined;
  #udp: UDPSocket | undefined;
  /** Recent datagrams by destination, oldest first, until the gateway could have refused them. */
  #pending: { n: number; to: string; size: number; at: number }[] = [];
  #multicast: MulticastController | undefined;

  private constructor(options: UdpOptions) {
    super();
    this.options = options;
    this.broadcast = Boolean(options.broadcast);
  }

  /** Binds a UDP socket on `options.address:port` and joins `options.groups`. */
  static bindSocket(gateway: SocketGateway, options: UdpOptions): UdpSession {
    const s = new UdpSession(options);
    s.local = hostPort(options.address, options.port ?? 0);
    s.begin(
      () =>
        new gateway.UDPSocket({
          localAddress: options.address,
          ...(options.port ? { localPort: options.port } : {}),
          ...(options.reuseAddr ? { multicastAllowAddressSharing: true } : {}),
          ...(options.multicastLoopback !== undefined ? { multicastLoopback: options.multicastLoopback } : {}),
          ...(options.multicastTTL !== undefined ? { multicastTimeToLive: options.multicastTTL } : {}),
          // Errors that do not close the socket (a datagram denied or too big) still belong in the log.
          extras: {
            chunks: true,
            signal: s.opening.signal,
            broadcast: Boolean(options.broadcast),
            ...(options.multicastInterface ? { multicastInterface: options.multicastInterface } : {}),
            onError: (e) => s.#onError(e),
          },
        }),
      (socket) => s.#run(socket, options.groups ?? []),
    );
    return s;
  }

  protected override get socket(): UDPSocket | undefined {
    return this.#udp;
  }

  override get canSend(): boolean {
    return this.state === 'open';
  }

  /** Datagrams the gateway dropped for want of credit, as the library counts them (live). */
  get dropped(): number {
    return this.#udp?.stats.dropped ?? 0;
  }

  /** The library's counters for this socket (its `dropped` is known once the socket closed). */
  get libraryStats(): SocketStats | undefined {
    return this.#udp?.stats;
  }

  async #run(socket: UDPSocket, groups: string[]): Promise<void> {
    this.#udp = socket;
    const info = await this.awaitOpen(socket.opened);
    if (!info) return;
    this.log.event('bound', { detail: this.local + (this.broadcast ? ' · SO_BROADCAST' : '') });
    this.writer = info.writable.getWriter();
    this.#multicast = info.multicastController;
    for (const group of groups) await this.joinGroup(group);
    this.changed();
    await this.readAll(info.readable, (message) => this.#datagram(message));
    this.endWhen(socket.closed);
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
    this.received(message.data, message.time !== undefined ? onPageClock(message.time) : Date.now(), message.seq, key);
  }

  protected override async sendOnce(bytes: Uint8Array, target: SendTarget): Promise<void> {
    if (target.kind !== 'udp') throw new Error(`a UDP socket sends to a host and port, not to ${target.kind}`);
    if (!this.writer) throw new Error('not writable');
    const n = this.sent(bytes, hostPort(target.host, target.port));
    const now = Date.now();
    this.#pending = this.#pending.filter((p) => now - p.at < PENDING_MS).slice(-PENDING_MAX + 1);
    this.#pending.push({ n, to: `${target.host}:${target.port}`, size: bytes.byteLength, at: now });
    await this.writer.write({ data: bytes, remoteAddress: target.host, remotePort: target.port });
  }

  /**
   * The gateway refused a datagram ("datagram to H:P not sent: …", in send order): its TX line
   * says so and it no longer counts as sent (issue 12, defect 10). Other errors just log.
   */
  #onError(error: Error): void {
    const to = /^datagram to (.+) not sent/.exec(error.message)?.[1];
    const i = to === undefined ? -1 : this.#pending.findIndex((p) => p.to === to);
    if (i >= 0) {
      const [p] = this.#pending.splice(i, 1);
      this.log.markFailed(p!.n, error.message);
      this.counters.bytesOut = Math.max(0, this.counters.bytesOut - p!.size);
      this.counters.msgsOut = Math.max(0, this.counters.msgsOut - 1);
    }
    this.logError(error);
  }

  /** Joins a multicast group on the chosen multicast interface; failures go to the log. */
  joinGroup(group: string): Promise<void> {
    return this.#membership('joinGroup', group);
  }

  /** Leaves a joined multicast group (on the same interface it was joined on). */
  leaveGroup(group: string): Promise<void> {
    return this.#membership('leaveGroup', group);
  }

  async #membership(op: 'joinGroup' | 'leaveGroup', group: string): Promise<void> {
    if (!this.#multicast) return;
    const iface = this.options.multicastInterface;
    try {
      await this.#multicast[op](group, iface ? { interface: iface } : undefined);
      this.groups = [...this.#multicast.joinedGroups];
      if (op === 'joinGroup') this.log.event('joined', { detail: iface ? `${group} @ ${iface}` : group });
      else this.log.event('left', { detail: group });
    } catch (error) {
      this.logError(error);
    }
    this.changed();
  }

  /** Turns SO_BROADCAST on or off on the open socket. */
  async setBroadcast(on: boolean): Promise<void> {
    if (!this.#udp) return;
    try {
      await this.#udp.set({ broadcast: on });
      this.broadcast = on;
      this.log.event('info', { detail: on ? 'SO_BROADCAST on' : 'SO_BROADCAST off' });
    } catch (error) {
      this.logError(error);
    }
    this.changed();
  }

  /** Zeroes the counters and the peers' counts (the peers stay listed). */
  override resetCounters(): void {
    for (const p of this.peers.values()) Object.assign(p, { datagrams: 0, bytes: 0 });
    super.resetCounters();
  }

  /** The kernel leaves every group when the socket closes. */
  protected override onEnd(): void {
    this.groups = [];
  }
}
