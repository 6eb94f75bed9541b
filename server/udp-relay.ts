import dgram from 'node:dgram';
import net from 'node:net';
import { ErrorCode, MAX_UDP_PAYLOAD, encodeDatagram, type Address, type SetMsg, type UdpBindMsg } from '../shared/protocol.js';
import { Fifo } from '../shared/fifo.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import type { PageSendWindow } from './page-send-window.js';
import { ReceiveWindow } from './receive-window.js';
import { toAddress, type DatagramSocket, type PageLink } from './page-socket.js';
import { datagramMayGo, spend, waitMs as bucketWaitMs } from './send-rate.js';
import { socketAddress } from './target-policy.js';

/**
 * Datagrams all UDP sockets of one page may have waiting for the pacer. Send credit counts
 * payload bytes only, so without this a window of empty or one-byte datagrams would queue a
 * million entries per socket.
 */
const MAX_QUEUED_DATAGRAMS = 16_384;
const queuedPerPage = new WeakMap<PageLink, number>();
const countQueued = (page: PageLink, delta: number) => queuedPerPage.set(page, (queuedPerPage.get(page) ?? 0) + delta);

/**
 * The gateway's SO_RCVBUF (--udp-receive-buffer) for a socket whose page asked for none. Linux
 * caps it at net.core.rmem_max silently; an OS that refuses the size instead (macOS: ENOBUFS over
 * kern.ipc.maxsockbuf) keeps its default, since the page never asked for this one.
 */
function defaultReceiveBuffer(socket: dgram.Socket, bytes: number): void {
  if (bytes <= 0) return;
  try {
    socket.setRecvBufferSize(bytes);
  } catch {
    // the OS default stays
  }
}

/** How often at most a page hears its UDP socket's running drop count. */
const DROP_REPORT_MS = 250;

/**
 * How long an allowed destination stays allowed without a new policy check. Checking parses the
 * address twice (ipaddr.js) and was a fifth of the gateway's CPU per datagram in a stream to one
 * peer; the policy's own view of the host's broadcast addresses is as old as this at worst.
 */
const POLICY_RECHECK_MS = 1000;

interface Outgoing {
  host: string;
  port: number;
  payload: Uint8Array;
}

/**
 * A UDP socket of a page. Datagrams keep their source address; those arriving when the
 * page has no credit are dropped and counted (UDP may lose them anyway, but the gateway
 * never queues without bound). Sends are paced by a token bucket so a loop in a page
 * cannot flood the LAN, and every destination is checked against the policy.
 */
export class UdpRelay implements DatagramSocket {
  readonly kind = 'udp' as const;
  bytesIn = 0;
  bytesOut = 0;
  lastActivity = Date.now();
  dropped = 0;
  private seq = 0;
  /** Receive credit and the page's receive window. */
  readonly receive: ReceiveWindow;
  private readonly sendWindow: PageSendWindow;
  private readonly queue = new Fifo<Outgoing>();
  private sending = false;
  private tokens: number;
  private byteTokens: number;
  private refillAt = Date.now();
  private paceTimer: NodeJS.Timeout | undefined;
  private dropTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closeRef: number | undefined;
  private error: ErrorCode | undefined;
  /** Connected mode: the only peer, already resolved and checked. */
  private remote: { address: string; port: number } | undefined;
  private family: 4 | 6 = 4;
  /** The destination the policy allowed last, until when (see {@link POLICY_RECHECK_MS}). */
  private allowed: { address: string; port: number; until: number } | undefined;

  private constructor(
    readonly id: number,
    readonly socket: dgram.Socket,
    private readonly page: PageLink,
    credit: number,
  ) {
    this.receive = new ReceiveWindow(id, credit, page);
    this.tokens = page.limits.udpDatagramsPerSecond;
    this.byteTokens = page.limits.udpBytesPerSecond;
    this.sendWindow = page.openSendWindow(id);
  }

  /** Creates, binds and configures the socket; resolves once it is bound. */
  static async bind(id: number, page: PageLink, msg: UdpBindMsg): Promise<UdpRelay> {
    const family: 0 | 4 | 6 = msg.dnsQueryType === 'ipv6' ? 6 : msg.dnsQueryType === 'ipv4' ? 4 : 0;
    const remote =
      msg.remoteHost !== undefined
        ? await page.policy.resolve(msg.remoteHost, msg.remotePort ?? 0, 'send', family)
        : undefined;
    if (msg.remoteHost !== undefined && !msg.remotePort) throw new GatewayError(ErrorCode.BadOption, 'udp.bind: "remotePort" is required with "remoteHost"');
    const localHost = msg.host ?? (remote?.family === 6 ? '::' : '0.0.0.0');
    const local = await page.policy.resolve(localHost, msg.port ?? 0, 'bind');
    if (remote && remote.family !== local.family) {
      throw new GatewayError(ErrorCode.BadOption, `udp.bind: local address ${local.address} and remote ${remote.address} are of different families`);
    }
    const socket = dgram.createSocket({
      type: local.family === 6 ? 'udp6' : 'udp4',
      reuseAddr: msg.reuseAddr ?? false,
      ipv6Only: msg.ipv6Only ?? false,
    });
    const relay = new UdpRelay(id, socket, page, msg.credit ?? page.limits.receiveWindow);
    relay.family = local.family;
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: local.address, port: msg.port ?? 0, exclusive: !msg.reuseAddr }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      // Set here, inside the try: passed to createSocket, Node applies them in its bind callback
      // and a refused size (ERR_SOCKET_BUFFER_SIZE) is thrown there, outside any try.
      if (msg.receiveBufferSize) socket.setRecvBufferSize(msg.receiveBufferSize);
      else if (msg.receiveBufferSize === undefined) defaultReceiveBuffer(socket, page.limits.udpReceiveBufferBytes);
      if (msg.sendBufferSize) socket.setSendBufferSize(msg.sendBufferSize);
      if (remote) {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.connect(msg.remotePort!, remote.address, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        relay.remote = { address: remote.address, port: msg.remotePort! };
      }
      relay.set({ t: 'set', id, broadcast: msg.broadcast, multicastTTL: msg.multicastTTL, multicastLoopback: msg.multicastLoopback });
      if (msg.multicastInterface) socket.setMulticastInterface(msg.multicastInterface);
    } catch (err) {
      socket.close();
      throw toGatewayError(err);
    }
    socket.on('message', relay.onMessage);
    socket.on('error', (err) => relay.page.sendError(toGatewayError(err), { id }));
    socket.on('close', () => relay.onClose());
    return relay;
  }

  private readonly onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    this.lastActivity = Date.now();
    if (this.receive.credit < msg.length || this.page.congested) {
      this.receive.starved(!this.page.congested);
      this.dropped++;
      this.reportDrops();
      return;
    }
    this.receive.credit -= msg.length;
    this.bytesIn += msg.length;
    this.page.sendFrame(encodeDatagram(this.id, this.seq++, Date.now(), rinfo.address, rinfo.port, msg));
  };

  /** Tells the page the running drop count, at most every {@link DROP_REPORT_MS}, so a flood shows while it happens. */
  private reportDrops(): void {
    if (this.dropTimer || this.closed) return;
    this.dropTimer = setTimeout(() => {
      this.dropTimer = undefined;
      if (!this.closed) this.page.send({ t: 'dropped', id: this.id, dropped: this.dropped });
    }, DROP_REPORT_MS);
  }

  addresses(): { local: Address; remote?: Address } {
    const a = this.socket.address();
    const r = this.remote;
    return { local: toAddress(a.address, a.port, a.family), ...(r && { remote: toAddress(r.address, r.port, r.address.includes(':') ? 'IPv6' : 'IPv4') }) };
  }

  grant(bytes: number): void {
    this.receive.grant(bytes);
  }

  /** A `window` message: the page's windows are now these. */
  resize(msg: { sendWindow?: number; receiveWindow?: number }): void {
    if (msg.sendWindow !== undefined) this.sendWindow.shrinkTo(msg.sendWindow);
    if (msg.receiveWindow !== undefined) this.receive.resize(msg.receiveWindow);
  }

  /** Data frame: only for a connected socket. */
  write(payload: Uint8Array): void {
    if (!this.remote) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is an unconnected UDP socket: use SendTo frames with a destination`);
    }
    this.sendTo(this.remote.address, this.remote.port, payload);
  }

  sendTo(host: string, port: number, payload: Uint8Array): void {
    if (this.closed) throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: send after close`);
    const n = payload.byteLength;
    this.sendWindow.spend(n);
    const reject = (err: GatewayError) => {
      this.page.sendError(err, { id: this.id });
      this.sendWindow.written(n); // the page spent credit on it; give it back
    };
    if (this.remote && (host !== this.remote.address || port !== this.remote.port)) {
      return reject(new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is connected to ${this.remote.address}:${this.remote.port}; datagram to ${host}:${port} not sent`));
    }
    if (n > MAX_UDP_PAYLOAD) {
      return reject(new GatewayError(ErrorCode.TooBig, `datagram of ${n} bytes is over the UDP limit of ${MAX_UDP_PAYLOAD} bytes; not sent`));
    }
    if (port === 0) return reject(new GatewayError(ErrorCode.BadOption, 'datagram destination port 0 is not valid; not sent'));
    if ((queuedPerPage.get(this.page) ?? 0) >= MAX_QUEUED_DATAGRAMS) {
      return reject(new GatewayError(ErrorCode.Limit, `socket ${this.id}: ${MAX_QUEUED_DATAGRAMS} datagrams of this page already wait for the pacer (--udp-rate); not sent`));
    }
    this.queue.push({ host, port, payload });
    countQueued(this.page, 1);
    this.pump();
  }

  /** Sends queued datagrams in order, as fast as the token bucket allows. */
  private pump(): void {
    if (this.sending || this.closed) return;
    while (this.queue.length > 0) {
      const { udpDatagramsPerSecond: rate, udpBytesPerSecond: byteRate } = this.page.limits;
      const now = Date.now();
      const elapsed = (now - this.refillAt) / 1000;
      this.refillAt = now;
      this.tokens = Math.min(rate, this.tokens + elapsed * rate);
      this.byteTokens = Math.min(byteRate, this.byteTokens + elapsed * byteRate);
      const next = this.queue.peek()!;
      const buckets = this.page.sendBuckets;
      const n = next.payload.byteLength;
      if (this.tokens < 1 || this.byteTokens < n || !datagramMayGo(buckets, n)) {
        if (!this.paceTimer) {
          const own = Math.ceil(Math.max((1 - this.tokens) / rate, (n - this.byteTokens) / byteRate) * 1000);
          const waitMs = Math.max(1, own, buckets.length > 0 ? bucketWaitMs(buckets, n) : 0);
          this.paceTimer = setTimeout(() => {
            this.paceTimer = undefined;
            this.pump();
          }, waitMs);
        }
        return;
      }
      this.queue.shift();
      countQueued(this.page, -1);
      this.tokens -= 1;
      this.byteTokens -= n;
      spend(buckets, n);
      if (net.isIP(next.host)) {
        this.transmit(next, next.host);
      } else {
        // A name: resolve and check before sending; keep order by holding the queue meanwhile.
        this.sending = true;
        this.page.policy
          .resolve(next.host, next.port, 'send', this.family)
          .then((t) => this.transmit(next, t.address), (err) => this.failed(next, err))
          .finally(() => {
            this.sending = false;
            this.pump();
          });
        return;
      }
    }
  }

  private transmit(d: Outgoing, address: string): void {
    const now = Date.now();
    const last = this.allowed;
    if (!last || last.address !== address || last.port !== d.port || now >= last.until) {
      const decision = this.page.policy.check(address, d.port, 'send');
      if (!decision.allowed) {
        this.failed(d, new GatewayError(ErrorCode.Denied, `send to ${d.host === address ? address : `${d.host} → ${address}`} port ${d.port} denied by ${decision.rule}`, { rule: decision.rule }));
        return;
      }
      this.allowed = { address, port: d.port, until: now + POLICY_RECHECK_MS };
    }
    const n = d.payload.byteLength;
    const done = (err: Error | null) => {
      if (err) this.failed(d, err, false);
      else {
        this.bytesOut += n;
        this.sendWindow.written(n);
      }
    };
    this.lastActivity = now;
    try {
      // To the checked address in canonical form, never a NAT64/compatible spelling of it.
      if (this.remote) this.socket.send(d.payload, done);
      else this.socket.send(d.payload, d.port, socketAddress(address, this.family), done);
    } catch (err) {
      this.failed(d, err);
    }
  }

  private failed(d: Outgoing, err: unknown, audited = true): void {
    const e = toGatewayError(err);
    const hint = e.code === ErrorCode.Permission ? ' (sending to a broadcast address needs broadcast: true)' : '';
    if (e.code === ErrorCode.Denied && audited) this.page.audit('deny', { socket: this.id, op: 'send', target: `${d.host}:${d.port}`, rule: e.extra.rule });
    this.page.sendError(new GatewayError(e.code, `datagram to ${d.host}:${d.port} not sent: ${e.message}${hint}`, e.extra), { id: this.id });
    this.sendWindow.written(d.payload.byteLength);
  }

  set(msg: SetMsg): void {
    if (msg.noDelay !== undefined || msg.keepAliveDelay !== undefined || msg.corkWrites !== undefined) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is UDP: noDelay, keepAliveDelay and corkWrites are TCP options`);
    }
    // Closing: Node has dropped the handle already, and its setters would throw a TypeError.
    if (this.closed) throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is closing`);
    const ttlMax = this.page.limits.multicastTtlMax;
    if (msg.multicastTTL !== undefined && msg.multicastTTL > ttlMax) {
      throw new GatewayError(ErrorCode.BadOption, `"multicastTTL" ${msg.multicastTTL} is over this gateway's limit of ${ttlMax} (--max-multicast-ttl)`);
    }
    try {
      if (msg.broadcast !== undefined) this.socket.setBroadcast(msg.broadcast);
      if (msg.multicastTTL !== undefined) this.socket.setMulticastTTL(msg.multicastTTL);
      if (msg.multicastLoopback !== undefined) this.socket.setMulticastLoopback(msg.multicastLoopback);
    } catch (err) {
      throw toGatewayError(err);
    }
  }

  /** Joins or leaves a multicast group after checking the group against the policy. */
  async membership(join: boolean, group: string, iface?: string, source?: string): Promise<void> {
    const target = await this.page.policy.resolve(group, 0, 'join');
    if (this.closed) throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is closing`);
    if (!/^(22[4-9]|23\d)\./.test(target.address) && !target.address.toLowerCase().startsWith('ff')) {
      throw new GatewayError(ErrorCode.BadOption, `${group} is not a multicast address`);
    }
    // Source-specific multicast (RFC 4607): only datagrams from `source` are delivered. It is an
    // address to listen to, not one to send to, so it needs no policy check — but it must be an IP.
    if (source !== undefined && !net.isIP(source)) throw new GatewayError(ErrorCode.BadOption, `source ${source} is not an IP address`);
    try {
      if (source !== undefined) {
        if (join) this.socket.addSourceSpecificMembership(source, target.address, iface);
        else this.socket.dropSourceSpecificMembership(source, target.address, iface);
      } else if (join) this.socket.addMembership(target.address, iface);
      else this.socket.dropMembership(target.address, iface);
    } catch (err) {
      throw toGatewayError(err);
    }
  }

  close(ref?: number): void {
    this.closeRef = ref;
    this.destroy();
  }

  destroy(code?: ErrorCode): void {
    if (this.closed) return;
    this.closed = true;
    this.error ??= code;
    clearTimeout(this.paceTimer);
    clearTimeout(this.dropTimer);
    this.socket.close();
  }

  private onClose(): void {
    this.closed = true;
    clearTimeout(this.paceTimer);
    countQueued(this.page, -this.queue.length);
    this.queue.clear();
    this.sendWindow.retire();
    this.page.relayClosed(this, { ref: this.closeRef, error: this.error });
  }
}
