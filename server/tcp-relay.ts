import type net from 'node:net';
import { CHUNK_HEADER, ErrorCode, writeChunkHeader, type SetMsg } from '../shared/protocol.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import type { PageLink, Relay } from './relay.js';
import { SendCredit } from './send-credit.js';
import { resetConnection } from './tcp-connector.js';
import { BoundedWriter } from './write-queue-bound.js';

/** Grace period for queued bytes to drain after a page closes a socket, before it is destroyed. */
const CLOSE_FLUSH_MS = 2000;
/** A cork the page asked for is released after this long even if fewer writes came. */
const CORK_MAX_MS = 2000;
/** Default `n` of a delayed read (`set` `readDelayMs` without `readSize`). */
const DEFAULT_READ_SIZE = 65_536;
/** Longest read delay a page may ask for. */
const MAX_READ_DELAY_MS = 60_000;

/** A read the page (manual `recv`) or the read-delay timer is waiting to make. */
interface PendingRead {
  max: number;
  ref?: number;
  /** Made by the read-delay timer: no `ok` reply, the next timer starts after it. */
  auto: boolean;
}

/**
 * Relays one TCP connection (dialled by the page or accepted by its server) to the page.
 * Each kernel read becomes exactly one Chunk frame. Reading pauses while the page has no
 * credit; the page's writes are bounded by its send window and acknowledged once written.
 */
export class TcpRelay implements Relay {
  readonly kind = 'tcp' as const;
  bytesIn = 0;
  bytesOut = 0;
  private outCounted = false;
  /** Bytes the page handed to this socket (written or still buffered). */
  private submitted = 0;
  lastActivity = Date.now();
  private seq = 0;
  private credit: number;
  readonly sendCredit: SendCredit;
  private readonly writer: BoundedWriter;
  private ended = false;
  private closing = false;
  private corkLeft = 0;
  private corkTimer: NodeJS.Timeout | undefined;
  private error: ErrorCode | undefined;
  private closeRef: number | undefined;
  // Sticky-packet lab receiver knobs: in "pulled" mode (manual recv or read delay) the socket is
  // read only when a PendingRead asks, so bytes pile up and coalesce exactly as under a slow reader.
  private manual = false;
  private readDelayMs = 0;
  private readSize = DEFAULT_READ_SIZE;
  private pulled = false;
  private pendingRead: PendingRead | undefined;
  private delayTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: number,
    readonly socket: net.Socket,
    private readonly page: PageLink,
    initialCredit: number,
  ) {
    this.credit = Math.min(initialCredit, page.limits.receiveWindow);
    this.sendCredit = new SendCredit(id, page.limits.sendWindow);
    // bytesOut counts what the kernel took, so `closed` says how much can reach the peer.
    this.writer = new BoundedWriter(socket, (n, err) => {
      if (!err && !this.outCounted) this.bytesOut += n;
      this.page.ack(this, n);
    });
    socket.on('data', this.onData);
    socket.on('end', () => {
      page.send({ t: 'eof', id });
      // Python's recv(n) returns b'' at EOF: a waiting read completes empty.
      if (this.pendingRead) this.completeRead(0);
    });
    socket.on('error', (err) => {
      const e = toGatewayError(err);
      this.error ??= e.code;
      page.sendError(e, { id, fatal: true });
    });
    socket.on('close', () => this.onClose());
    if (this.credit <= 0) socket.pause();
    else socket.resume();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.deliver(chunk);
    if (this.credit <= 0) this.socket.pause();
  };

  /** One read becomes one Chunk frame. */
  private deliver(chunk: Buffer): void {
    const now = Date.now();
    const frame = Buffer.allocUnsafe(CHUNK_HEADER + chunk.length);
    writeChunkHeader(frame, this.id, this.seq++, now);
    chunk.copy(frame, CHUNK_HEADER);
    this.bytesIn += chunk.length;
    this.lastActivity = now;
    this.credit -= chunk.length;
    this.page.sendFrame(frame);
  }

  /** The page granted more receive credit. */
  grant(bytes: number): void {
    const window = this.page.limits.receiveWindow;
    if (this.credit + bytes > window) {
      // Never let a page talk the gateway into buffering more than one window for it.
      this.page.sendError(new GatewayError(ErrorCode.FlowViolation, `credit of ${bytes} would exceed the receive window of ${window} bytes; clamped`), { id: this.id });
      this.credit = window;
    } else {
      this.credit += bytes;
    }
    if (this.pulled) return this.serveRead();
    if (this.credit > 0 && this.socket.isPaused() && !this.page.congested) this.socket.resume();
  }

  /** Resumes reading after page-wide congestion cleared, if this socket has credit. */
  unblock(): void {
    if (this.pulled) return this.serveRead();
    if (this.credit > 0 && this.socket.isPaused()) this.socket.resume();
  }

  block(): void {
    this.socket.pause();
  }

  write(payload: Uint8Array): void {
    if (this.ended || this.closing) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: write after ${this.ended ? 'end' : 'close'}; ${payload.length} bytes dropped`);
    }
    const n = payload.byteLength;
    // An empty write costs no credit but a queue entry: a stream of them grew the heap without bound.
    if (n === 0) throw new GatewayError(ErrorCode.BadMessage, `socket ${this.id}: a Data frame must carry at least one byte`);
    this.sendCredit.spend(n);
    this.submitted += n;
    this.lastActivity = Date.now();
    this.writer.write(payload);
    if (this.corkLeft > 0 && --this.corkLeft === 0) this.uncork();
  }

  sendTo(): void {
    throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is TCP: SendTo frames are for UDP sockets`);
  }

  set(msg: SetMsg): void {
    if (msg.broadcast !== undefined || msg.multicastTTL !== undefined || msg.multicastLoopback !== undefined) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is TCP: broadcast and multicast options are for UDP sockets`);
    }
    // Check every field before changing anything, so a rejected `set` leaves the socket as it was.
    if (msg.readDelayMs !== undefined && msg.readDelayMs > MAX_READ_DELAY_MS) {
      throw new GatewayError(ErrorCode.BadOption, `set: "readDelayMs" must be 0–${MAX_READ_DELAY_MS}, got ${msg.readDelayMs}`);
    }
    if (msg.readSize !== undefined && (msg.readSize < 1 || msg.readSize > this.page.limits.receiveWindow)) {
      throw new GatewayError(ErrorCode.BadOption, `set: "readSize" must be 1–${this.page.limits.receiveWindow} (the receive window), got ${msg.readSize}`);
    }
    if (msg.noDelay !== undefined) this.socket.setNoDelay(msg.noDelay);
    if (msg.keepAliveDelay !== undefined) this.socket.setKeepAlive(msg.keepAliveDelay > 0, msg.keepAliveDelay);
    if (msg.corkWrites !== undefined) {
      this.uncork();
      if (msg.corkWrites > 0) {
        this.corkLeft = msg.corkWrites;
        this.socket.cork();
        this.corkTimer = setTimeout(() => this.uncork(), CORK_MAX_MS);
      }
    }
    if (msg.readSize !== undefined) this.readSize = msg.readSize;
    if (msg.manualRecv !== undefined || msg.readDelayMs !== undefined) {
      this.manual = msg.manualRecv ?? this.manual;
      this.readDelayMs = msg.readDelayMs ?? this.readDelayMs;
      this.applyReadMode();
    }
  }

  /**
   * Manual mode: read at most `max` bytes of what has arrived, like Python's `recv(max)`. Replies
   * (Chunk, then `ok`) once at least one byte or the peer's FIN is there.
   */
  recv(max: number, ref?: number): void {
    if (!this.manual) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: recv needs manual mode; send set {manualRecv: true} first`);
    }
    if (this.pendingRead) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: a recv(${this.pendingRead.max}) is still waiting for data; one at a time`);
    }
    if (max === 0) return this.page.send({ t: 'ok', id: this.id, ref, op: 'recv', bytes: 0, buffered: this.socket.readableLength });
    // One Chunk must fit in one frame and one receive window.
    const cap = Math.min(this.page.limits.receiveWindow, this.page.limits.frameBytes - CHUNK_HEADER);
    this.pendingRead = { max: Math.min(max, cap), ref, auto: false };
    this.serveRead();
  }

  /** Switches between flowing reads and pulled reads (manual recv or read delay). */
  private applyReadMode(): void {
    const pulled = this.manual || this.readDelayMs > 0;
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    if (this.pendingRead?.auto) this.pendingRead = undefined;
    if (this.pendingRead && !this.manual) {
      const { ref } = this.pendingRead;
      this.pendingRead = undefined;
      this.page.sendError(new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: recv cancelled, manual mode was turned off`), { id: this.id, ref });
    }
    if (pulled && !this.pulled) {
      this.pulled = true;
      this.socket.off('data', this.onData);
      this.socket.pause();
      // Paused with a 'readable' listener, Node keeps at most its high-water mark (16 KiB) plus
      // one read; beyond that the kernel's buffers fill and TCP flow control slows the sender.
      this.socket.on('readable', this.onReadable);
    } else if (!pulled && this.pulled) {
      this.pulled = false;
      this.socket.off('readable', this.onReadable);
      this.socket.on('data', this.onData);
      // Dropping the last 'readable' listener makes Node resume the stream on the next tick,
      // whatever the credit; re-apply the credit rule after that.
      process.nextTick(() => {
        if (this.pulled) return;
        if (this.credit > 0 && !this.page.congested) this.socket.resume();
        else this.socket.pause();
      });
    }
    if (this.pulled && !this.manual && this.socket.readableLength > 0) this.armDelayedRead();
  }

  /**
   * Read delay: a read happens `readDelayMs` after bytes became available (or after the previous
   * read, if bytes were left), so the delay counts from the data, not from when it was set.
   */
  private armDelayedRead(): void {
    if (this.delayTimer || this.pendingRead) return;
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      if (this.manual || !this.pulled || this.pendingRead) return;
      this.pendingRead = { max: this.readSize, auto: true };
      this.serveRead();
    }, this.readDelayMs);
  }

  private readonly onReadable = (): void => {
    if (this.pendingRead) this.serveRead();
    else if (this.pulled && !this.manual) this.armDelayedRead();
  };

  /** Serves the waiting read if data (or EOF) is there and the page can take it. */
  private serveRead(): void {
    const p = this.pendingRead;
    if (!p || this.credit <= 0 || this.page.congested) return;
    if (this.socket.readableEnded) return this.completeRead(0);
    const available = this.socket.readableLength;
    // Nothing yet: read(0) starts the kernel read, or at EOF makes Node emit 'end' (handled there).
    if (available === 0) return void this.socket.read(0);
    const chunk = this.socket.read(Math.min(p.max, available)) as Buffer | null;
    if (!chunk) return;
    this.deliver(chunk);
    this.completeRead(chunk.length);
  }

  private completeRead(bytes: number): void {
    const p = this.pendingRead;
    if (!p) return;
    this.pendingRead = undefined;
    if (!p.auto) this.page.send({ t: 'ok', id: this.id, ref: p.ref, op: 'recv', bytes, buffered: this.socket.readableLength });
    // Bytes left over wait one more delay; an empty buffer re-arms on the next 'readable'.
    else if (bytes > 0 && this.pulled && !this.manual && this.socket.readableLength > 0) this.armDelayedRead();
  }

  private uncork(): void {
    clearTimeout(this.corkTimer);
    this.corkTimer = undefined;
    if (this.socket.writableCorked) this.socket.uncork();
    this.corkLeft = 0;
  }

  /** Half-close: FIN after the queued bytes; reading goes on. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.uncork();
    this.writer.flush();
    this.socket.end();
  }

  close(ref?: number, reset = false): void {
    this.closeRef = ref;
    if (this.closing) return;
    this.closing = true;
    this.uncork();
    if (reset) {
      resetConnection(this.socket);
      return;
    }
    this.writer.flush();
    // Flush what the page already sent, then FIN; never wait on a peer that does not read.
    const timer = setTimeout(() => this.destroySocket(), CLOSE_FLUSH_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
    if (this.socket.writableFinished || this.socket.destroyed) this.socket.destroy();
    else this.socket.end(() => this.socket.destroy());
  }

  destroy(code?: ErrorCode): void {
    this.error ??= code;
    this.destroySocket();
  }

  /** Destroys the socket, first fixing bytesOut at what the kernel has taken (the rest is discarded). */
  private destroySocket(): void {
    if (this.socket.destroyed) return;
    const state = (this.socket as unknown as { _writableState?: { length?: number; writing?: boolean; writelen?: number } })._writableState;
    const queued = (this.socket as unknown as { _handle?: { writeQueueSize?: number } | null })._handle?.writeQueueSize;
    if (typeof state?.length === 'number') {
      // Not yet in the kernel: Node's buffer plus what libuv still queues of the write in progress
      // (a TLS handle queues ciphertext, which does not map to page bytes, so it is not subtracted).
      const inProgressTaken = state.writing && typeof state.writelen === 'number' ? state.writelen - (!('encrypted' in this.socket) && typeof queued === 'number' ? queued : 0) : 0;
      this.bytesOut = this.submitted - (state.length + this.writer.held - inProgressTaken);
      // Final: completion callbacks still queued are part of this count already.
      this.outCounted = true;
    }
    this.socket.destroy();
  }

  private onClose(): void {
    this.uncork();
    clearTimeout(this.delayTimer);
    if (this.pendingRead && !this.pendingRead.auto) {
      this.page.sendError(new GatewayError(ErrorCode.InvalidState, `socket ${this.id} closed while recv(${this.pendingRead.max}) was waiting`), { id: this.id, ref: this.pendingRead.ref });
    }
    this.pendingRead = undefined;
    this.page.relayClosed(this, { ref: this.closeRef, error: this.error });
  }
}
