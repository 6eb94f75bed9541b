import type net from 'node:net';
import { CHUNK_HEADER, ErrorCode, type SetMsg } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';
import type { PageLink } from './page-socket.js';

/** Default `n` of a delayed read (`set` `readDelayMs` without `readSize`). */
export const DEFAULT_READ_SIZE = 65_536;
/** Longest read delay a page may ask for. */
const MAX_READ_DELAY_MS = 60_000;

/** A read the page (manual `recv`) or the read-delay timer is waiting to make. */
interface PendingRead {
  max: number;
  ref?: number;
  /** A `recv` with a timeout: fails with TIMED_OUT when it fires first. */
  timer?: NodeJS.Timeout;
  /** Made by the read-delay timer: no `ok` reply, the next timer starts after it. */
  auto: boolean;
}

/** How a manual `recv` waits: Python's `settimeout(t)` or `setblocking(False)`. */
export interface RecvHow {
  timeoutMs?: number;
  nonBlocking?: boolean;
}

/** What the reader needs from the TCP relay it reads for. */
export interface PulledReaderHost {
  /** Receive credit the page has left on the socket. */
  credit(): number;
  /** Sends one read to the page as one Chunk frame. */
  deliver(chunk: Buffer): void;
  /** Switches the relay's own flowing reads ('data' events) on or off. */
  flow(on: boolean): void;
}

/**
 * The sticky-packet lab's receiver knobs for one TCP socket. In "pulled" mode (manual `recv` or a
 * read delay) the socket is read only when a PendingRead asks, so bytes pile up and coalesce
 * exactly as under a slow reader; otherwise the relay's flowing reads are in charge.
 */
export class PulledReader {
  private manual = false;
  private readDelayMs = 0;
  /** The most bytes one read takes (the `n` of `recv(n)`): delayed reads and, capped, flowing ones. */
  readSize = DEFAULT_READ_SIZE;
  /** True while reads are pulled; the relay's flowing reads are off. */
  pulled = false;
  private pendingRead: PendingRead | undefined;
  private delayTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly id: number,
    private readonly socket: net.Socket,
    private readonly page: PageLink,
    private readonly host: PulledReaderHost,
  ) {}

  /** Refuses bad receive knobs before the relay changes anything, so a rejected `set` changes nothing. */
  check(msg: SetMsg): void {
    if (msg.readDelayMs !== undefined && msg.readDelayMs > MAX_READ_DELAY_MS) {
      throw new GatewayError(ErrorCode.BadOption, `set: "readDelayMs" must be 0–${MAX_READ_DELAY_MS}, got ${msg.readDelayMs}`);
    }
    if (msg.readSize !== undefined && (msg.readSize < 1 || msg.readSize > this.page.limits.receiveWindow)) {
      throw new GatewayError(ErrorCode.BadOption, `set: "readSize" must be 1–${this.page.limits.receiveWindow} (the receive window), got ${msg.readSize}`);
    }
  }

  /** Applies the receive knobs of a checked `set`. */
  apply(msg: SetMsg): void {
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
  recv(max: number, ref?: number, how: RecvHow = {}): void {
    if (!this.manual) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: recv needs manual mode; send set {manualRecv: true} first`);
    }
    if (this.pendingRead) {
      throw new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: a recv(${this.pendingRead.max}) is still waiting for data; one at a time`);
    }
    if (max === 0) return this.page.send({ t: 'ok', id: this.id, ref, op: 'recv', bytes: 0, buffered: this.socket.readableLength });
    // One Chunk must fit in one frame and one receive window.
    const cap = Math.min(this.page.limits.receiveWindow, this.page.limits.frameBytes - CHUNK_HEADER);
    const nothing = this.socket.readableLength === 0 && !this.socket.readableEnded;
    if (how.nonBlocking && nothing) {
      throw new GatewayError(ErrorCode.WouldBlock, `socket ${this.id}: recv(${max}) in non-blocking mode: nothing is queued (EAGAIN; Python raises BlockingIOError)`, { osCode: 'EAGAIN' });
    }
    const pending: PendingRead = { max: Math.min(max, cap), ref, auto: false };
    this.pendingRead = pending;
    if (how.timeoutMs && !how.nonBlocking) {
      pending.timer = setTimeout(() => {
        if (this.pendingRead !== pending) return;
        this.pendingRead = undefined;
        this.page.sendError(new GatewayError(ErrorCode.TimedOut, `socket ${this.id}: recv(${max}) timed out: nothing arrived in ${how.timeoutMs} ms (Python raises socket.timeout)`), { id: this.id, ref });
      }, how.timeoutMs);
    }
    this.serveRead();
  }

  /** Switches between flowing reads and pulled reads (manual recv or read delay). */
  private applyReadMode(): void {
    const pulled = this.manual || this.readDelayMs > 0;
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    if (this.pendingRead?.auto) this.pendingRead = undefined;
    if (this.pendingRead && !this.manual) {
      const { ref, timer } = this.pendingRead;
      clearTimeout(timer);
      this.pendingRead = undefined;
      this.page.sendError(new GatewayError(ErrorCode.InvalidState, `socket ${this.id}: recv cancelled, manual mode was turned off`), { id: this.id, ref });
    }
    if (pulled && !this.pulled) {
      this.pulled = true;
      this.host.flow(false);
      // Paused with a 'readable' listener, Node keeps at most its high-water mark (16 KiB) plus
      // one read; beyond that the kernel's buffers fill and TCP flow control slows the sender.
      this.socket.on('readable', this.onReadable);
    } else if (!pulled && this.pulled) {
      this.pulled = false;
      this.socket.off('readable', this.onReadable);
      this.host.flow(true);
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
  serveRead(): void {
    const p = this.pendingRead;
    if (!p || this.host.credit() <= 0 || this.page.congested) return;
    if (this.socket.readableEnded) return this.completeRead(0);
    const available = this.socket.readableLength;
    // Nothing yet: read(0) starts the kernel read, or at EOF makes Node emit 'end' (handled there).
    if (available === 0) return void this.socket.read(0);
    const chunk = this.socket.read(Math.min(p.max, available)) as Buffer | null;
    if (!chunk) return;
    this.host.deliver(chunk);
    this.completeRead(chunk.length);
  }

  /** The peer sent FIN: Python's recv(n) returns b'' at EOF, so a waiting read completes empty. */
  ended(): void {
    if (this.pendingRead) this.completeRead(0);
  }

  private completeRead(bytes: number): void {
    const p = this.pendingRead;
    if (!p) return;
    clearTimeout(p.timer);
    this.pendingRead = undefined;
    if (!p.auto) this.page.send({ t: 'ok', id: this.id, ref: p.ref, op: 'recv', bytes, buffered: this.socket.readableLength });
    // Bytes left over wait one more delay; an empty buffer re-arms on the next 'readable'.
    else if (bytes > 0 && this.pulled && !this.manual && this.socket.readableLength > 0) this.armDelayedRead();
  }

  /** The socket closed: a waiting `recv` fails, the delay timer stops. */
  closed(): void {
    clearTimeout(this.delayTimer);
    clearTimeout(this.pendingRead?.timer);
    if (this.pendingRead && !this.pendingRead.auto) {
      this.page.sendError(new GatewayError(ErrorCode.InvalidState, `socket ${this.id} closed while recv(${this.pendingRead.max}) was waiting`), { id: this.id, ref: this.pendingRead.ref });
    }
    this.pendingRead = undefined;
  }
}
