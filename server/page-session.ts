import type net from 'node:net';
import type { WebSocket } from 'ws';
import {
  CloseCode,
  ErrorCode,
  Frame,
  FrameError,
  BATCH_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  SUBPROTOCOL_V2,
  decodeSocketFrame,
  type Address,
  type ClientMessage,
  type OpenMsg,
  type ServerMessage,
} from '../shared/protocol.js';
import { publicLimits, windowMaxOf, type Limits } from './config.js';
import { closeReason } from './close-reason.js';
import { parseControlMessage, salvageIds } from './control-parser.js';
import { chunkFrames } from './frame-pool.js';
import { GatewayError, errorMessage, toGatewayError } from './gateway-error.js';
import type { PageGrant } from './grants/grant-admin.js';
import type { GrantQuota } from './grants/grant-quota.js';
import { applyEnd, applyMembership, applyRecv, applySet, applyWindow } from './page-commands.js';
import { PageOutbox } from './page-outbox.js';
import { AckBatcher, type PageSendWindow, type WindowGrowth } from './page-send-window.js';
import { WindowBudget } from '../shared/window-budget.js';
import { formatAddress, listening, type PageLink, type PageSocket } from './page-socket.js';
import { ByteBucket, type SendBuckets } from './send-rate.js';
import { SocketTable } from './socket-table.js';
import type { TargetPolicy } from './target-policy.js';
import { RelayListener } from './relay-listener.js';
import { TcpListener } from './tcp-listener.js';
import { dialForPage } from './page-dial.js';
import { TcpRelay } from './tcp-relay.js';
import { UdpRelay } from './udp-relay.js';
import { PageCaptures } from './labs/page-captures.js';

/** Above this many bytes queued on the page's WebSocket, every socket of the page stops reading. */
const PAGE_HIGH_WATER = 4 << 20;

export interface SessionContext {
  limits: Limits;
  policy: TargetPolicy;
  gatewayName: string;
  /** The grant's limits shared by all its pages (socket total, byte rate); absent for the operator's token. */
  quota?: GrantQuota;
  audit: (event: string, fields: Record<string, string | number | undefined>) => void;
  /** The gateway's budget for send-window growth (`--window-budget`); each page draws on it through its own. */
  windowBudget?: WindowBudget;
}

/**
 * One page: its WebSocket and every socket it opened. Decodes control and binary frames,
 * owns the socket table, batches acknowledgements, and tears everything down when the page
 * goes away — no socket outlives its page.
 */
export class PageSession implements PageLink {
  readonly limits: Limits;
  readonly policy: TargetPolicy;
  readonly sendBuckets: SendBuckets;
  congested = false;
  private readonly table = new SocketTable();
  /** Binary frames to the page; with v2 the small ones of a turn (and its Acks) leave as one Batch. */
  private readonly outbox: PageOutbox;
  private readonly acks = new AckBatcher((frame) => this.sendFrame(frame), () => this.outbox.schedule());
  private readonly captures = new PageCaptures((m) => this.send(m));
  /** How this page's send windows grow: within `--page-window-budget`, itself within the gateway's. */
  private readonly growth: WindowGrowth;
  private idleTimer: NodeJS.Timeout | undefined;
  private gone = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
    readonly label: string,
    /** The grant the page was admitted with; undefined for the operator's token. */
    readonly grant?: PageGrant,
  ) {
    this.limits = ctx.limits;
    this.policy = ctx.policy;
    const budget = new WindowBudget(this.limits.pageWindowBudget, ctx.windowBudget);
    this.growth = { max: windowMaxOf(this.limits), budget, grew: (id, sendWindow) => this.send({ t: 'window', id, sendWindow }) };
    const own = this.limits.sendBytesPerSecond > 0 ? [new ByteBucket(this.limits.sendBytesPerSecond)] : [];
    this.sendBuckets = ctx.quota?.bucket ? [...own, ctx.quota.bucket] : own;
    ctx.quota?.pages.add(this);
    const v2 = ws.protocol === SUBPROTOCOL_V2;
    this.outbox = new PageOutbox(this.writeFrame, v2, this.acks.turnEnded);
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(data as Buffer, isBinary);
      } catch (err) {
        this.fault(err);
      }
    });
    ws.on('close', () => this.teardown(ErrorCode.Shutdown));
    ws.on('error', () => this.teardown(ErrorCode.Shutdown));
    this.send({ t: 'welcome', version: v2 ? BATCH_PROTOCOL_VERSION : PROTOCOL_VERSION, gateway: ctx.gatewayName, limits: publicLimits(this.limits), time: Date.now() });
    if (this.limits.idleTimeoutMs > 0) {
      this.idleTimer = setInterval(() => this.closeIdle(), Math.min(1000, this.limits.idleTimeoutMs));
      this.idleTimer.unref();
    }
  }

  get socketCount(): number {
    return this.table.size;
  }

  /** The open sockets (a snapshot), for the admin view and /metrics. */
  sockets(): PageSocket[] {
    return this.table.sockets();
  }

  // ---- PageLink ------------------------------------------------------------------------

  send(msg: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Frames that wait for the end of the turn go first: an `eof` or `closed` never overtakes a Chunk.
    this.outbox.flush();
    this.ws.send(JSON.stringify(msg), this.afterSend);
    // Replies and errors count too: a page that sends garbage and never reads must not make
    // the gateway queue answers for it without bound.
    if (!this.congested && this.ws.bufferedAmount > PAGE_HIGH_WATER) this.becomeCongested();
  }

  sendFrame(frame: Uint8Array): void {
    this.outbox.frame(frame);
  }
  /** One binary WebSocket message (a frame, or a Batch of them). */
  private readonly writeFrame = (message: Uint8Array): void => {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // A pooled Chunk frame goes back to its pool once written (each such send pays one closure).
    this.ws.send(message, { binary: true }, chunkFrames.owns(message) ? () => this.written(message) : this.sendCallback());
    if (!this.congested && this.ws.bufferedAmount > PAGE_HIGH_WATER) this.becomeCongested();
  };

  sendError(err: GatewayError, about: { id?: number; ref?: number; fatal?: boolean }): void {
    this.send(errorMessage(err, about));
  }

  openSendWindow(id: number): PageSendWindow {
    return this.acks.open(id, this.limits.sendWindow, this.growth);
  }

  relayClosed(relay: PageSocket, info: { ref?: number; error?: ErrorCode }): void {
    if (!this.table.remove(relay)) return;
    this.send({
      t: 'closed',
      id: relay.id,
      ...(info.ref !== undefined && { ref: info.ref }),
      bytesIn: relay.bytesIn,
      bytesOut: relay.bytesOut,
      ...(info.error && { error: info.error }),
      // Taken from the relay, so every path that closes a UDP socket (shutdown too) reports it.
      ...(relay.kind === 'udp' && relay.dropped && { dropped: relay.dropped }),
    });
    this.audit('close', { socket: relay.id, kind: relay.kind, in: relay.bytesIn, out: relay.bytesOut, error: info.error });
  }

  audit(event: string, fields: Record<string, string | number | undefined>): void {
    this.ctx.audit(event, { page: this.label, ...fields });
  }

  // ---- incoming frames -----------------------------------------------------------------

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.gone) return;
    // Credit only says the page read something: it is still listening. Anything else may want an answer soon.
    if (!isBinary || data[0] !== Frame.Credit) this.outbox.heard();
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
    // Refused unparsed: a Batch only travels to the page, and a page's could hold 100,000 entries.
    if (data[0] === Frame.Batch) return this.sendError(new GatewayError(ErrorCode.BadMessage, 'binary frame kind 0x07 (Batch) only travels from the gateway to the page'), {});
    let frame;
    try {
      frame = decodeSocketFrame(data);
    } catch (err) {
      return this.sendError(new GatewayError(ErrorCode.BadMessage, (err as FrameError).message), {});
    }
    let relay: PageSocket;
    try {
      relay = this.table.get(frame.id);
    } catch (err) {
      return this.sendError(toGatewayError(err), { id: frame.id });
    }
    try {
      switch (frame.kind) {
        case Frame.Data:
          if (relay.kind === 'tcp-server' || relay.kind === 'relay') throw listening(relay.id);
          return relay.write(frame.payload);
        case Frame.SendTo:
          if (relay.kind === 'udp') return relay.sendTo(frame.host, frame.port, frame.payload);
          throw relay.kind === 'tcp' ? new GatewayError(ErrorCode.InvalidState, `socket ${relay.id} is TCP: SendTo frames are for UDP sockets`) : listening(relay.id);
        case Frame.Credit:
          // A listener (or relay) reads nothing for the page: credit changes nothing and is not an error.
          if (relay.kind === 'tcp' || relay.kind === 'udp') relay.grant(frame.bytes);
          return;
        case Frame.Chunk:
        case Frame.Datagram:
        case Frame.Ack:
        case Frame.RelayRead:
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
      case 'relay.listen':
        return this.open(msg);
      case 'udp.join':
      case 'udp.leave':
        await applyMembership(this.table.get(msg.id), msg, this);
        return this.send({ t: 'ok', id: msg.id, ref: msg.ref, op: msg.t });
      case 'set':
        applySet(this.table.get(msg.id), msg);
        return this.send({ t: 'ok', id: msg.id, ref: msg.ref, op: 'set' });
      case 'window':
        return applyWindow(this.table.get(msg.id), msg);
      case 'recv':
        return applyRecv(this.table.get(msg.id), msg.max, msg.ref, { timeoutMs: msg.timeoutMs, nonBlocking: msg.nonBlocking });
      case 'end':
        applyEnd(this.table.get(msg.id));
        return this.send({ t: 'ok', id: msg.id, ref: msg.ref, op: 'end' });
      case 'close': {
        const pending = this.table.pendingOpen(msg.id);
        if (pending) {
          pending.closeRef = msg.ref;
          return pending.abort.abort();
        }
        return this.table.get(msg.id).close(msg.ref, msg.reset);
      }
      default: {
        const never: never = msg;
        throw new GatewayError(ErrorCode.BadMessage, `unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  private async open(msg: OpenMsg): Promise<void> {
    const { id, ref } = msg;
    // An id in use is SOCKET_EXISTS (from reserve) whatever the count; only a free id can hit the limit.
    if (!this.table.inUse(id) && this.socketCount >= this.limits.socketsPerPage) {
      throw new GatewayError(ErrorCode.Limit, `this page already has ${this.socketCount} sockets, the limit (--max-sockets ${this.limits.socketsPerPage})`);
    }
    if (!this.table.inUse(id) && this.ctx.quota?.full()) throw this.ctx.quota.error();
    const pending = this.table.reserve(id);
    const { abort } = pending;
    const target = msg.t === 'udp.bind' ? `${msg.host ?? '*'}:${msg.port ?? 0}` : msg.t === 'relay.listen' ? `${msg.host}:${msg.port}→${msg.targetHost}:${msg.targetPort}` : `${msg.host}:${msg.port}`;
    let relay: PageSocket;
    try {
      relay = await this.create(msg, abort.signal);
    } catch (err) {
      const e = abort.signal.aborted && !(err instanceof GatewayError && err.code === ErrorCode.Denied) ? new GatewayError(ErrorCode.Aborted, `socket ${id}: open abandoned, the page closed it`) : toGatewayError(err);
      this.audit(e.code === ErrorCode.Denied ? 'deny' : 'open-failed', { socket: id, op: msg.t, target, code: e.code, rule: e.extra.rule });
      this.table.release(id);
      this.sendError(e, { id, ref, fatal: true });
      this.send({ t: 'closed', id, ...(pending.closeRef !== undefined && { ref: pending.closeRef }), bytesIn: 0, bytesOut: 0, error: e.code });
      return;
    }
    this.table.release(id);
    if (this.gone || abort.signal.aborted) {
      relay.destroy(ErrorCode.Shutdown);
      if (!this.gone) this.send({ t: 'closed', id, ...(pending.closeRef !== undefined && { ref: pending.closeRef }), bytesIn: 0, bytesOut: 0 });
      return;
    }
    this.table.add(relay);
    const { local, remote } = relay.addresses();
    this.audit('open', { socket: id, kind: relay.kind, local: formatAddress(local), remote: remote && formatAddress(remote) });
    this.send({ t: 'opened', id, ref, kind: relay.kind, local, ...(remote && { remote }), sendWindow: this.limits.sendWindow });
  }

  private async create(msg: OpenMsg, signal: AbortSignal): Promise<PageSocket> {
    switch (msg.t) {
      case 'tcp.connect': {
        const socket = await dialForPage(this, this.label, this.captures, msg, signal);
        return new TcpRelay(msg.id, socket, this, msg.credit ?? this.limits.receiveWindow);
      }
      case 'tcp.listen':
        return TcpListener.listen(msg.id, this, msg, (listener, socket) => this.accept(listener, socket));
      case 'udp.bind':
        return UdpRelay.bind(msg.id, this, msg);
      case 'relay.listen':
        return RelayListener.listen(msg.id, this, msg);
    }
  }

  /** A connection accepted by one of this page's listeners: registered, announced, held paused. */
  private accept(listener: TcpListener, socket: net.Socket): void {
    if (this.gone || this.socketCount >= this.limits.socketsPerPage || this.ctx.quota?.full()) {
      socket.destroy();
      const why = this.ctx.quota?.full() ? this.ctx.quota.error().message : `the page has ${this.socketCount} sockets, the limit`;
      if (!this.gone) this.sendError(new GatewayError(ErrorCode.Limit, `connection from ${socket.remoteAddress}:${socket.remotePort} refused: ${why}`), { id: listener.id });
      return;
    }
    const id = this.table.acceptedId();
    const relay = new TcpRelay(id, socket, this, 0);
    this.table.add(relay);
    const { local, remote } = relay.addresses();
    this.audit('accept', { socket: id, server: listener.id, local: formatAddress(local), remote: formatAddress(remote) });
    this.send({ t: 'accepted', id, server: listener.id, local, remote, sendWindow: this.limits.sendWindow });
  }

  // ---- congestion, idle, teardown -------------------------------------------------------

  /**
   * The completion callback a data frame carries: only once the queue is past half the high water.
   * A frame that tips the page into congestion was sent with more than HIGH − one frame queued, so
   * it carries one, and its completion (the queue drained up to it) ends the congestion. Below that,
   * frames carry none: a write callback per read is measurable work at 10,000 reads/s. Control
   * messages always carry it (a page flooding garbage is answered by them).
   */
  private sendCallback(): (() => void) | undefined {
    return this.ws.bufferedAmount > PAGE_HIGH_WATER / 2 ? this.afterSend : undefined;
  }

  private becomeCongested(): void {
    this.congested = true;
    for (const relay of this.table.sockets()) if (relay.kind === 'tcp') relay.block();
    // Stop reading the page as well: everything it sends now would only queue more answers.
    this.ws.pause();
  }

  /** A pooled Chunk frame has left for the page: back to the pool, then the usual check. */
  private written(frame: Uint8Array): void {
    chunkFrames.give(frame);
    this.afterSend();
  }

  /**
   * Runs as each message we sent leaves for the page (ws calls it once the socket took the frame),
   * so while congested the last of them always comes after the queue has drained.
   */
  private readonly afterSend = (): void => {
    if (!this.congested || this.gone || this.ws.bufferedAmount > PAGE_HIGH_WATER / 2) return;
    this.congested = false;
    this.ws.resume();
    for (const relay of this.table.sockets()) if (relay.kind === 'tcp') relay.unblock();
  };

  private closeIdle(): void {
    const limit = Date.now() - this.limits.idleTimeoutMs;
    for (const relay of this.table.sockets()) {
      if (relay.lastActivity < limit) {
        this.sendError(new GatewayError(ErrorCode.Idle, `socket ${relay.id} idle for ${this.limits.idleTimeoutMs} ms (--idle-timeout); closed`), { id: relay.id, fatal: true });
        relay.destroy(ErrorCode.Idle);
      }
    }
  }

  /** Tells the page every socket's final counts, then closes the WebSocket (gateway stopping, or `code`'s cause). */
  shutdown(reason: string, code: number = CloseCode.GoingAway): void {
    if (this.gone) return;
    for (const relay of this.table.sockets()) relay.destroy(ErrorCode.Shutdown);
    for (const relay of this.table.sockets()) this.relayClosed(relay, { error: ErrorCode.Shutdown });
    if (code === CloseCode.GoingAway) this.send({ t: 'shutdown', reason });
    this.ws.close(code, closeReason(reason));
    this.teardown(ErrorCode.Shutdown);
  }

  /** A throw nothing expected while handling this page: log it with a code, close this page with 1011, keep the process. */
  private fault(err: unknown): void {
    this.audit('page-fault', { code: ErrorCode.Internal, error: String((err as Error)?.message ?? err).slice(0, 200) });
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(CloseCode.Internal, 'internal error (INTERNAL)');
    this.teardown(ErrorCode.Internal);
  }

  /** The page is gone: every socket it owned is destroyed now. */
  teardown(code: ErrorCode): void {
    if (this.gone) return;
    this.gone = true;
    this.ctx.quota?.pages.delete(this);
    clearInterval(this.idleTimer);
    this.table.abortPending();
    for (const relay of this.table.sockets()) relay.destroy(code);
    this.table.clear();
    this.acks.clear();
    this.outbox.clear();
    this.captures.close();
    this.audit('page-closed', {});
  }
}
