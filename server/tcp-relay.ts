import type net from 'node:net';
import { CHUNK_HEADER, ErrorCode, writeChunkHeader, type Address, type SetMsg } from '../shared/protocol.js';
import { chunkFrames } from './frame-pool.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import type { PageSendWindow } from './page-send-window.js';
import { PacedStream } from './send-rate.js';
import { toAddress, type PageLink, type StreamSocket } from './page-socket.js';
import { DEFAULT_READ_SIZE, PulledReader, type RecvHow } from './pulled-reader.js';
import { ReceiveWindow } from './receive-window.js';
import { takeReads } from './tcp-reads.js';
import { resetConnection } from './tcp-connector.js';
import { BoundedWriter } from './write-queue-bound.js';

/** Grace period for queued bytes to drain after a page closes a socket, before it is destroyed. */
const CLOSE_FLUSH_MS = 2000;
/** A cork the page asked for is released after this long even if fewer writes came. */
const CORK_MAX_MS = 2000;
/**
 * Relays one TCP connection (dialled by the page or accepted by its server) to the page.
 * Each kernel read becomes exactly one Chunk frame. Reading pauses while the page has no
 * credit; the page's writes are bounded by its send window and acknowledged once written.
 */
export class TcpRelay implements StreamSocket {
  readonly kind = 'tcp' as const;
  bytesIn = 0;
  bytesOut = 0;
  private outCounted = false;
  /** Bytes the page handed to this socket (written or still buffered). */
  private submitted = 0;
  lastActivity = Date.now();
  private seq = 0;
  /** Receive credit and the page's receive window. */
  readonly receive: ReceiveWindow;
  private readonly sendWindow: PageSendWindow;
  private readonly writer: BoundedWriter;
  /** Holds the page's bytes back to `--send-rate` / the grant's `bytesPerSecond`; absent when unlimited. */
  private readonly paced: PacedStream | undefined;
  private ended = false;
  private closing = false;
  private corkLeft = 0;
  private corkTimer: NodeJS.Timeout | undefined;
  private error: ErrorCode | undefined;
  private closeRef: number | undefined;
  /**
   * The sticky-packet lab's receiver knobs (manual `recv`, read delay, read size), made on the first
   * `set` or `recv` that uses them: most sockets never do, and 10,000 idle ones should not pay for it.
   */
  private reader: PulledReader | undefined;

  constructor(
    readonly id: number,
    readonly socket: net.Socket,
    private readonly page: PageLink,
    initialCredit: number,
  ) {
    this.receive = new ReceiveWindow(id, initialCredit, page);
    this.sendWindow = page.openSendWindow(id);
    // bytesOut counts what the kernel took, so `closed` says how much can reach the peer.
    this.writer = new BoundedWriter(socket, (n, err) => {
      if (!err && !this.outCounted) this.bytesOut += n;
      this.sendWindow.written(n);
    });
    this.paced = page.sendBuckets.length > 0 ? new PacedStream(page.sendBuckets, (chunk) => this.writer.write(chunk)) : undefined;
    takeReads(socket, this.onData);
    // With the lab's receiver knobs on, the reader says `eof` after the bytes it still holds.
    socket.on('end', () => (this.reader ? this.reader.ended() : this.eof()));
    socket.on('error', (err) => {
      const e = toGatewayError(err);
      this.error ??= e.code;
      page.sendError(e, { id, fatal: true });
    });
    socket.on('close', () => this.onClose());
    if (this.receive.credit <= 0) socket.pause();
    else socket.resume();
  }

  /** One kernel read (a view of the shared read buffer for a dialled socket: copied before it returns). */
  private readonly onData = (chunk: Buffer): void => {
    if (this.reader?.pulled) return this.reader.push(chunk);
    // A `readSize` below Node's own read size makes flowing reads a `while True: recv(n)` loop:
    // what one kernel read brought is handed over n bytes at a time, as n-byte recv()s would get it.
    const n = this.reader?.readSize ?? DEFAULT_READ_SIZE;
    if (chunk.length <= n) this.deliver(chunk);
    else for (let at = 0; at < chunk.length; at += n) this.deliver(chunk.subarray(at, at + n));
    if (this.receive.credit <= 0) {
      this.socket.pause();
      this.receive.starved(!this.page.congested);
    }
  };

  /** One read becomes one Chunk frame. */
  private deliver(chunk: Buffer): void {
    const now = Date.now();
    const frame = chunkFrames.take(CHUNK_HEADER + chunk.length);
    writeChunkHeader(frame, this.id, this.seq++, now);
    chunk.copy(frame, CHUNK_HEADER);
    this.bytesIn += chunk.length;
    this.lastActivity = now;
    this.receive.credit -= chunk.length;
    this.page.sendFrame(frame);
  }

  /** The page granted more receive credit. */
  grant(bytes: number): void {
    this.receive.grant(bytes);
    this.resumeIfCredit();
  }

  /** A `window` message: the page's windows are now these. */
  resize(msg: { sendWindow?: number; receiveWindow?: number }): void {
    if (msg.sendWindow !== undefined) this.sendWindow.shrinkTo(msg.sendWindow);
    if (msg.receiveWindow !== undefined) this.receive.resize(msg.receiveWindow);
    if (msg.receiveWindow !== undefined && this.receive.credit <= 0 && !this.reader?.pulled) this.socket.pause();
  }

  private resumeIfCredit(): void {
    if (this.reader?.pulled) return this.reader.serveRead();
    if (this.receive.credit > 0 && this.socket.isPaused() && !this.page.congested) this.socket.resume();
  }

  /** Resumes reading after page-wide congestion cleared, if this socket has credit. */
  unblock(): void {
    if (this.reader?.pulled) return this.reader.serveRead();
    if (this.receive.credit > 0 && this.socket.isPaused()) this.socket.resume();
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
    this.sendWindow.spend(n);
    this.submitted += n;
    this.lastActivity = Date.now();
    if (this.paced) this.paced.write(payload);
    else this.writer.write(payload);
    if (this.corkLeft > 0 && --this.corkLeft === 0) this.uncork();
  }

  addresses(): { local: Address; remote: Address } {
    const s = this.socket;
    return { local: toAddress(s.localAddress, s.localPort, s.localFamily), remote: toAddress(s.remoteAddress, s.remotePort, s.remoteFamily) };
  }

  set(msg: SetMsg): void {
    if (msg.broadcast !== undefined || msg.multicastTTL !== undefined || msg.multicastLoopback !== undefined) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id} is TCP: broadcast and multicast options are for UDP sockets`);
    }
    const reader = msg.manualRecv !== undefined || msg.readDelayMs !== undefined || msg.readSize !== undefined ? this.pulledReader() : undefined;
    // Check every field before changing anything, so a rejected `set` leaves the socket as it was.
    reader?.check(msg);
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
    reader?.apply(msg);
  }

  private pulledReader(): PulledReader {
    this.reader ??= new PulledReader(this.id, this.page, {
      credit: () => this.receive.credit,
      deliver: (chunk) => this.deliver(chunk),
      reading: (on) => this.reading(on),
      eof: () => this.eof(),
    });
    return this.reader;
  }

  /** Manual mode: Python's `recv(max)`, served by the pulled reader. */
  recv(max: number, ref?: number, how?: RecvHow): void {
    this.pulledReader().recv(max, ref, how);
  }

  /** Kernel reads on or off for the pulled reader; once reads flow again the credit rule decides. */
  private reading(on: boolean): void {
    if (on && !this.page.congested && (this.reader?.pulled || this.receive.credit > 0)) this.socket.resume();
    else this.socket.pause();
  }

  private eof(): void {
    this.page.send({ t: 'eof', id: this.id });
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
    this.afterPaced(() => {
      this.writer.flush();
      this.socket.end();
    });
  }

  /** Runs `fn` once the pacer holds nothing (at once when there is no pacer). */
  private afterPaced(fn: () => void): void {
    if (this.paced) this.paced.onEmpty(fn);
    else fn();
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
    // Flush what the page already sent (paced bytes too), then FIN; never wait on a peer that
    // does not read, nor longer than CLOSE_FLUSH_MS on a slow --send-rate.
    const timer = setTimeout(() => this.destroySocket(), CLOSE_FLUSH_MS);
    timer.unref();
    this.socket.once('close', () => clearTimeout(timer));
    this.afterPaced(() => {
      this.writer.flush();
      if (this.socket.writableFinished || this.socket.destroyed) this.socket.destroy();
      else this.socket.end(() => this.socket.destroy());
    });
  }

  destroy(code?: ErrorCode): void {
    this.error ??= code;
    this.destroySocket();
  }

  /** Destroys the socket, first fixing bytesOut at what the kernel has taken (the rest is discarded). */
  private destroySocket(): void {
    if (this.socket.destroyed) return;
    this.bytesOut = this.submitted - (unsentBytes(this.socket) + this.writer.held + (this.paced?.held ?? 0));
    // Final: completion callbacks still queued are part of this count already.
    this.outCounted = true;
    this.socket.destroy();
  }

  private onClose(): void {
    this.uncork();
    this.paced?.stop();
    this.reader?.closed();
    this.sendWindow.retire();
    this.page.relayClosed(this, { ref: this.closeRef, error: this.error });
  }
}

/**
 * Bytes written to `socket` that the kernel has not taken yet. `writableLength` (public) is Node's
 * buffer including the write in progress. Of that write libuv may already have handed part to the
 * kernel, and no public API says how much, so that one figure comes from the stream state
 * (`writing`, `writelen`) and the handle (`writeQueueSize`). A TLS handle queues ciphertext, which
 * does not map to page bytes, so there the write in progress counts as taken.
 */
function unsentBytes(socket: net.Socket): number {
  const state = (socket as unknown as { _writableState?: { writing?: boolean; writelen?: number } })._writableState;
  const queued = (socket as unknown as { _handle?: { writeQueueSize?: number } | null })._handle?.writeQueueSize;
  const inProgressTaken = state?.writing && typeof state.writelen === 'number' ? state.writelen - (!('encrypted' in socket) && typeof queued === 'number' ? queued : 0) : 0;
  return socket.writableLength - inProgressTaken;
}
