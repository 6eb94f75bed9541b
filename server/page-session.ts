import type net from 'node:net';
import type { WebSocket } from 'ws';
import {
  ErrorCode,
  Frame,
  FrameError,
  GATEWAY_ID_BASE,
  PROTOCOL_VERSION,
  decodeFrame,
  encodeCounter,
  type ClientMessage,
  type ServerMessage,
} from '../shared/protocol.js';
import type { Limits } from './config.js';
import { parseControlMessage, salvageIds } from './control-parser.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import type { PageLink, Relay } from './relay.js';
import type { TargetPolicy } from './target-policy.js';
import { TcpListener } from './tcp-listener.js';
import { connectTcp } from './tcp-connector.js';
import { TcpRelay } from './tcp-relay.js';
import { UdpRelay } from './udp-relay.js';

/** Above this many bytes queued on the page's WebSocket, every socket of the page stops reading. */
const PAGE_HIGH_WATER = 4 << 20;

export interface SessionContext {
  limits: Limits;
  policy: TargetPolicy;
  gatewayName: string;
  audit: (event: string, fields: Record<string, string | number | undefined>) => void;
}

type Pending = { abort: AbortController; closeRef?: number };

/**
 * One page: its WebSocket and every socket it opened. Decodes control and binary frames,
 * owns the socket table, batches acknowledgements, and tears everything down when the page
 * goes away — no socket outlives its page.
 */
export class PageSession implements PageLink {
  readonly limits: Limits;
  readonly policy: TargetPolicy;
  congested = false;
  private readonly relays = new Map<number, Relay>();
  /** Opens in progress (DNS, connect, bind): their ids are taken and they can be aborted. */
  private readonly pending = new Map<number, Pending>();
  private nextGatewayId = GATEWAY_ID_BASE;
  private readonly acks = new Map<Relay, number>();
  private ackScheduled = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
    readonly label: string,
  ) {
    this.limits = ctx.limits;
    this.policy = ctx.policy;
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.teardown(ErrorCode.Shutdown));
    ws.on('error', () => this.teardown(ErrorCode.Shutdown));
    this.send({ t: 'welcome', version: PROTOCOL_VERSION, gateway: ctx.gatewayName, limits: this.publicLimits() });
    if (this.limits.idleTimeoutMs > 0) {
      this.idleTimer = setInterval(() => this.closeIdle(), Math.min(1000, this.limits.idleTimeoutMs));
      this.idleTimer.unref();
    }
  }

  get socketCount(): number {
    return this.relays.size + this.pending.size;
  }

  private publicLimits() {
    const { socketsPerPage, receiveWindow, sendWindow, controlMessageBytes, frameBytes, connectTimeoutMs, idleTimeoutMs, udpDatagramsPerSecond } = this.limits;
    return { socketsPerPage, receiveWindow, sendWindow, controlMessageBytes, frameBytes, connectTimeoutMs, idleTimeoutMs, udpDatagramsPerSecond };
  }

  // ---- PageLink ------------------------------------------------------------------------

  send(msg: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(msg));
    // Replies and errors count too: a page that sends garbage and never reads must not make
    // the gateway queue answers for it without bound.
    if (!this.congested && this.ws.bufferedAmount > PAGE_HIGH_WATER) this.becomeCongested();
  }

  sendFrame(frame: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, { binary: true });
    if (!this.congested && this.ws.bufferedAmount > PAGE_HIGH_WATER) this.becomeCongested();
  }

  sendError(err: GatewayError, about: { id?: number; ref?: number; fatal?: boolean }): void {
    this.send({
      t: 'error',
      ...(about.id !== undefined && { id: about.id }),
      ...(about.ref !== undefined && { ref: about.ref }),
      code: err.code,
      message: err.message,
      ...(err.extra.osCode && { osCode: err.extra.osCode }),
      ...(err.extra.rule && { rule: err.extra.rule }),
      ...(about.fatal && { fatal: true }),
    });
  }

  ack(relay: Relay, bytes: number): void {
    if (bytes === 0) return;
    this.acks.set(relay, (this.acks.get(relay) ?? 0) + bytes);
    if (!this.ackScheduled) {
      this.ackScheduled = true;
      // All write callbacks of one I/O phase share one Ack per socket.
      setImmediate(this.flushAcks);
    }
  }

  private readonly flushAcks = (): void => {
    this.ackScheduled = false;
    for (const [relay, bytes] of this.acks) {
      if (this.relays.get(relay.id) !== relay) continue;
      relay.sendCredit?.returned(bytes);
      this.sendFrame(encodeCounter(Frame.Ack, relay.id, bytes));
    }
    this.acks.clear();
  };

  relayClosed(relay: Relay, info: { ref?: number; error?: ErrorCode }): void {
    if (this.relays.get(relay.id) !== relay) return;
    this.relays.delete(relay.id);
    this.acks.delete(relay);
    this.send({
      t: 'closed',
      id: relay.id,
      ...(info.ref !== undefined && { ref: info.ref }),
      bytesIn: relay.bytesIn,
      bytesOut: relay.bytesOut,
      ...(info.error && { error: info.error }),
      // Taken from the relay, so every path that closes a UDP socket (shutdown too) reports it.
      ...(relay.dropped && { dropped: relay.dropped }),
    });
    this.audit('close', { socket: relay.id, kind: relay.kind, in: relay.bytesIn, out: relay.bytesOut, error: info.error });
  }

  audit(event: string, fields: Record<string, string | number | undefined>): void {
    this.ctx.audit(event, { page: this.label, ...fields });
  }

  // ---- incoming frames -----------------------------------------------------------------

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.gone) return;
    if (isBinary) return this.onBinary(data);
    if (data.length > this.limits.controlMessageBytes) {
      const ids = salvageIds(data.subarray(0, 200).toString());
      return this.sendError(new GatewayError(ErrorCode.TooBig, `control message of ${data.length} bytes is over the limit of ${this.limits.controlMessageBytes}`), ids);
    }
    const text = data.toString('utf8');
    let msg: ClientMessage;
    try {
      msg = parseControlMessage(text);
    } catch (err) {
      return this.sendError(toGatewayError(err), salvageIds(text));
    }
    this.dispatch(msg).catch((err) => this.sendError(toGatewayError(err), { id: msg.id, ref: msg.ref }));
  }

  private onBinary(data: Buffer): void {
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (err) {
      return this.sendError(new GatewayError(ErrorCode.BadMessage, (err as FrameError).message), {});
    }
    const relay = this.relays.get(frame.id);
    if (!relay) {
      const why = this.pending.has(frame.id) ? 'is not open yet' : 'does not exist on this page';
      return this.sendError(new GatewayError(this.pending.has(frame.id) ? ErrorCode.InvalidState : ErrorCode.UnknownSocket, `socket ${frame.id} ${why}`), { id: frame.id });
    }
    try {
      switch (frame.kind) {
        case Frame.Data:
          return relay.write(frame.payload);
        case Frame.SendTo:
          return relay.sendTo(frame.host, frame.port, frame.payload);
        case Frame.Credit:
          return relay.grant(frame.bytes);
        case Frame.Chunk:
        case Frame.Datagram:
        case Frame.Ack:
          throw new GatewayError(ErrorCode.BadMessage, `binary frame kind 0x0${frame.kind} only travels from the gateway to the page`);
        default: {
          const never: never = frame;
          throw new GatewayError(ErrorCode.BadMessage, `unhandled frame ${String(never)}`);
        }
      }
    } catch (err) {
      const e = toGatewayError(err);
      const fatal = e.code === ErrorCode.FlowViolation;
      this.sendError(e, { id: frame.id, fatal });
      if (fatal) relay.destroy(e.code);
    }
  }

  private async dispatch(msg: ClientMessage): Promise<void> {
    switch (msg.t) {
      case 'tcp.connect':
      case 'tcp.listen':
      case 'udp.bind':
        return this.open(msg);
      case 'udp.join':
      case 'udp.leave': {
        const relay = this.relay(msg.id);
        if (!(relay instanceof UdpRelay)) throw new GatewayError(ErrorCode.InvalidState, `socket ${msg.id} is not a UDP socket`);
        try {
          await relay.membership(msg.t === 'udp.join', msg.group, msg.interface, msg.source);
        } catch (err) {
          const e = toGatewayError(err);
          if (e.code === ErrorCode.Denied) this.audit('deny', { socket: msg.id, op: 'join', target: msg.group, rule: e.extra.rule });
          throw e;
        }
        return this.send({ t: 'ok', id: msg.id, ref: msg.ref, op: msg.t });
      }
      case 'set': {
        const relay = this.relay(msg.id);
        if ((msg.manualRecv !== undefined || msg.readDelayMs !== undefined || msg.readSize !== undefined) && !(relay instanceof TcpRelay)) {
          throw new GatewayError(ErrorCode.InvalidState, `socket ${msg.id} is not a TCP connection: manualRecv, readDelayMs and readSize are TCP receive options`);
        }
        relay.set(msg);
        return this.send({ t: 'ok', id: msg.id, ref: msg.ref, op: 'set' });
      }
      case 'recv': {
        const relay = this.relay(msg.id);
        if (!(relay instanceof TcpRelay)) throw new GatewayError(ErrorCode.InvalidState, `socket ${msg.id} is not a TCP connection: recv reads a TCP stream`);
        return relay.recv(msg.max, msg.ref);
      }
      case 'end':
        this.relay(msg.id).end();
        return this.send({ t: 'ok', id: msg.id, ref: msg.ref, op: 'end' });
      case 'close': {
        const pending = this.pending.get(msg.id);
        if (pending) {
          pending.closeRef = msg.ref;
          return pending.abort.abort();
        }
        return this.relay(msg.id).close(msg.ref, msg.reset);
      }
      default: {
        const never: never = msg;
        throw new GatewayError(ErrorCode.BadMessage, `unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  private relay(id: number): Relay {
    const relay = this.relays.get(id);
    if (relay) return relay;
    if (this.pending.has(id)) throw new GatewayError(ErrorCode.InvalidState, `socket ${id} is not open yet`);
    throw new GatewayError(ErrorCode.UnknownSocket, `socket ${id} does not exist on this page`);
  }

  private async open(msg: Extract<ClientMessage, { t: 'tcp.connect' | 'tcp.listen' | 'udp.bind' }>): Promise<void> {
    const { id, ref } = msg;
    if (this.relays.has(id) || this.pending.has(id)) throw new GatewayError(ErrorCode.SocketExists, `socket id ${id} is already in use on this page`);
    if (this.socketCount >= this.limits.socketsPerPage) {
      throw new GatewayError(ErrorCode.Limit, `this page already has ${this.socketCount} sockets, the limit (--max-sockets ${this.limits.socketsPerPage})`);
    }
    const abort = new AbortController();
    const pending: Pending = { abort };
    this.pending.set(id, pending);
    const target = msg.t === 'udp.bind' ? `${msg.host ?? '*'}:${msg.port ?? 0}` : `${msg.host}:${msg.port}`;
    let relay: Relay;
    try {
      relay = await this.create(msg, abort.signal);
    } catch (err) {
      const e = abort.signal.aborted && !(err instanceof GatewayError && err.code === ErrorCode.Denied) ? new GatewayError(ErrorCode.Aborted, `socket ${id}: open abandoned, the page closed it`) : toGatewayError(err);
      this.audit(e.code === ErrorCode.Denied ? 'deny' : 'open-failed', { socket: id, op: msg.t, target, code: e.code, rule: e.extra.rule });
      this.pending.delete(id);
      this.sendError(e, { id, ref, fatal: true });
      this.send({ t: 'closed', id, ...(pending.closeRef !== undefined && { ref: pending.closeRef }), bytesIn: 0, bytesOut: 0, error: e.code });
      return;
    }
    this.pending.delete(id);
    if (this.gone || abort.signal.aborted) {
      relay.destroy(ErrorCode.Shutdown);
      if (!this.gone) this.send({ t: 'closed', id, ...(pending.closeRef !== undefined && { ref: pending.closeRef }), bytesIn: 0, bytesOut: 0 });
      return;
    }
    this.relays.set(id, relay);
    const { local, remote } = describe(relay);
    this.audit('open', { socket: id, kind: relay.kind, local: fmt(local), remote: remote && fmt(remote) });
    this.send({ t: 'opened', id, ref, kind: relay.kind, local, ...(remote && { remote }), sendWindow: this.limits.sendWindow });
  }

  private async create(msg: Extract<ClientMessage, { t: 'tcp.connect' | 'tcp.listen' | 'udp.bind' }>, signal: AbortSignal): Promise<Relay> {
    switch (msg.t) {
      case 'tcp.connect': {
        const socket = await connectTcp(this.policy, {
          host: msg.host,
          port: msg.port,
          timeoutMs: Math.min(msg.timeoutMs ?? this.limits.connectTimeoutMs, this.limits.connectTimeoutMs),
          noDelay: msg.noDelay,
          keepAliveDelay: msg.keepAliveDelay,
          tls: msg.tls,
          family: msg.dnsQueryType === 'ipv6' ? 6 : msg.dnsQueryType === 'ipv4' ? 4 : 0,
          signal,
        });
        return new TcpRelay(msg.id, socket, this, msg.credit ?? this.limits.receiveWindow);
      }
      case 'tcp.listen':
        return TcpListener.listen(msg.id, this, msg, (listener, socket) => this.accept(listener, socket));
      case 'udp.bind':
        return UdpRelay.bind(msg.id, this, msg);
    }
  }

  /** A connection accepted by one of this page's listeners: registered, announced, held paused. */
  private accept(listener: TcpListener, socket: net.Socket): void {
    if (this.gone || this.socketCount >= this.limits.socketsPerPage) {
      socket.destroy();
      if (!this.gone) this.sendError(new GatewayError(ErrorCode.Limit, `connection from ${socket.remoteAddress}:${socket.remotePort} refused: the page has ${this.socketCount} sockets, the limit`), { id: listener.id });
      return;
    }
    let id = this.nextGatewayId;
    while (this.relays.has(id)) id = id >= 0xffff_ffff ? GATEWAY_ID_BASE : id + 1;
    this.nextGatewayId = id >= 0xffff_ffff ? GATEWAY_ID_BASE : id + 1;
    const relay = new TcpRelay(id, socket, this, 0);
    this.relays.set(id, relay);
    const { local, remote } = describe(relay, socket);
    this.audit('accept', { socket: id, server: listener.id, local: fmt(local), remote: remote && fmt(remote) });
    this.send({ t: 'accepted', id, server: listener.id, local, remote: remote!, sendWindow: this.limits.sendWindow });
  }

  // ---- congestion, idle, teardown -------------------------------------------------------

  private becomeCongested(): void {
    this.congested = true;
    for (const relay of this.relays.values()) relay.block();
    // Stop reading the page as well: everything it sends now would only queue more answers.
    this.ws.pause();
    const raw = (this.ws as unknown as { _socket?: net.Socket })._socket;
    const check = () => {
      if (this.gone) return;
      if (this.ws.bufferedAmount > PAGE_HIGH_WATER / 2) {
        if (raw && !raw.destroyed) raw.once('drain', check);
        else setTimeout(check, 10);
        return;
      }
      this.congested = false;
      this.ws.resume();
      for (const relay of this.relays.values()) relay.unblock();
    };
    check();
  }

  private closeIdle(): void {
    const limit = Date.now() - this.limits.idleTimeoutMs;
    for (const relay of this.relays.values()) {
      if (relay.lastActivity < limit) {
        this.sendError(new GatewayError(ErrorCode.Idle, `socket ${relay.id} idle for ${this.limits.idleTimeoutMs} ms (--idle-timeout); closed`), { id: relay.id, fatal: true });
        relay.destroy(ErrorCode.Idle);
      }
    }
  }

  /** Tells the page every socket's final counts, then closes the WebSocket (gateway stopping). */
  shutdown(reason: string): void {
    if (this.gone) return;
    for (const relay of [...this.relays.values()]) relay.destroy(ErrorCode.Shutdown);
    for (const relay of [...this.relays.values()]) this.relayClosed(relay, { error: ErrorCode.Shutdown });
    this.send({ t: 'shutdown', reason });
    this.ws.close(1001, reason.slice(0, 120));
    this.teardown(ErrorCode.Shutdown);
  }

  /** The page is gone: every socket it owned is destroyed now. */
  teardown(code: ErrorCode): void {
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.idleTimer);
    for (const p of this.pending.values()) p.abort.abort();
    for (const relay of [...this.relays.values()]) relay.destroy(code);
    this.relays.clear();
    this.audit('page-closed', {});
  }
}

function describe(relay: Relay, socket?: net.Socket) {
  const addr = (address: string | undefined, port: number | undefined, family?: string) => ({
    address: address ?? '',
    port: port ?? 0,
    family: (family === 'IPv6' ? 'IPv6' : 'IPv4') as 'IPv4' | 'IPv6',
  });
  if (relay instanceof TcpListener) {
    const a = relay.address();
    return { local: addr(a.address, a.port, a.family), remote: undefined };
  }
  if (relay instanceof UdpRelay) {
    const a = relay.socket.address();
    const r = relay.remoteAddress();
    return { local: addr(a.address, a.port, a.family), remote: r && addr(r.address, r.port, r.address.includes(':') ? 'IPv6' : 'IPv4') };
  }
  const s = socket ?? (relay as TcpRelay).socket;
  return {
    local: addr(s.localAddress, s.localPort, s.localFamily),
    remote: addr(s.remoteAddress, s.remotePort, s.remoteFamily),
  };
}

const fmt = (a: { address: string; port: number }) => (a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
