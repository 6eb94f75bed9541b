import { CHUNK_HEADER, ErrorCode, type SetMsg } from '../shared/protocol.js';
import { Fifo } from '../shared/fifo.js';
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
  /** Kernel reads on or off. On: the relay resumes the socket (its own credit rule once reads flow again). */
  reading(on: boolean): void;
  /** Tells the page about the peer's FIN, once the reader has handed over every byte that came before it. */
  eof(): void;
}

/**
 * Bytes a pulled socket holds before its kernel reads stop (Node's own high-water mark for a
 * socket): past it the kernel's buffers fill and TCP flow control slows the sender, as under a
 * slow reader. At most this plus one read is held.
 */
export const HOLD_HIGH_WATER = 16 * 1024;

/**
 * The sticky-packet lab's receiver knobs for one TCP socket. In "pulled" mode (manual `recv` or a
 * read delay) the relay hands every kernel read to {@link push} and the reader holds the bytes
 * until a PendingRead takes them, so they pile up and coalesce exactly as under a slow reader;
 * otherwise the relay's flowing reads are in charge. The reader keeps its own queue (rather than
 * Node's stream buffer) because a dialled socket's reads land in a buffer shared by every socket
 * (tcp-reads.ts) and are never buffered by Node.
 */
export class PulledReader {
  private manual = false;
  private readDelayMs = 0;
  /** The most bytes one read takes (the `n` of `recv(n)`): delayed reads and, capped, flowing ones. */
  readSize = DEFAULT_READ_SIZE;
  /** True while reads are pulled: the relay gives every kernel read to {@link push}. */
  pulled = false;
  private pendingRead: PendingRead | undefined;
  private delayTimer: NodeJS.Timeout | undefined;
  /** Kernel reads held, oldest first; the first may be partly taken ({@link headTaken} bytes). */
  private readonly held = new Fifo<Buffer>();
  private headTaken = 0;
  /** Bytes held (what Python's reader would find in the socket's receive buffer). */
  private heldBytes = 0;
  /** The peer's FIN arrived (after the held bytes). */
  private eofSeen = false;
  /** The FIN is still to be told to the page, after the held bytes. */
  private eofOwed = false;

  constructor(
    private readonly id: number,
    private readonly page: PageLink,
    private readonly host: PulledReaderHost,
  ) {}

  /** Bytes held, waiting for a read. */
  get buffered(): number {
    return this.heldBytes;
  }

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
    if (max === 0) return this.page.send({ t: 'ok', id: this.id, ref, op: 'recv', bytes: 0, buffered: this.heldBytes });
    // One Chunk must fit in one frame and one receive window.
    const cap = Math.min(this.page.limits.receiveWindow, this.page.limits.frameBytes - CHUNK_HEADER);
    if (how.nonBlocking && this.heldBytes === 0 && !this.eofSeen) {
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

  /** One kernel read of a pulled socket: held (copied: the relay's buffer may be reused) until a read takes it. */
  push(chunk: Buffer): void {
    this.held.push(Buffer.from(chunk));
    this.heldBytes += chunk.length;
    if (this.heldBytes >= HOLD_HIGH_WATER) this.host.reading(false);
    if (this.pendingRead) this.serveRead();
    else if (!this.manual) this.armDelayedRead();
  }

  /**
   * The peer sent FIN. The page hears of it (`eof`) after the last byte held; a waiting read then
   * completes empty (Python's recv(n) returns b'' at EOF).
   */
  ended(): void {
    this.eofSeen = true;
    this.eofOwed = true;
    this.payEof();
    if (this.heldBytes === 0 && this.pendingRead) this.completeRead(0);
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
      // Reads go on into the reader's queue, whatever the credit, until HOLD_HIGH_WATER.
      this.refill();
    } else if (!pulled && this.pulled) {
      this.pulled = false;
      // What was held goes first, one chunk per held read (as Node's buffer would emit it), at
      // most HOLD_HIGH_WATER plus one read past the credit, as one flowing read may be.
      for (let chunk = this.held.shift(); chunk; chunk = this.held.shift()) {
        this.host.deliver(this.headTaken > 0 ? chunk.subarray(this.headTaken) : chunk);
        this.headTaken = 0;
      }
      this.heldBytes = 0;
      this.payEof();
      this.host.reading(true);
    }
    if (this.pulled && !this.manual && this.heldBytes > 0) this.armDelayedRead();
  }

  /**
   * Read delay: a read happens `readDelayMs` after bytes became available (or after the previous
   * read, if bytes were left), so the delay counts from the data, not from when it was set.
   */
  private armDelayedRead(): void {
    if (this.delayTimer || this.pendingRead || !this.pulled) return;
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      if (this.manual || !this.pulled || this.pendingRead) return;
      this.pendingRead = { max: this.readSize, auto: true };
      this.serveRead();
    }, this.readDelayMs);
  }

  /** Serves the waiting read if data (or EOF) is there and the page can take it; reads on while below the high-water mark. */
  serveRead(): void {
    const p = this.pendingRead;
    if (p && this.host.credit() > 0 && !this.page.congested) {
      if (this.heldBytes > 0) {
        const chunk = this.take(Math.min(p.max, this.heldBytes));
        this.host.deliver(chunk);
        this.completeRead(chunk.length);
        this.payEof();
      } else if (this.eofSeen) this.completeRead(0);
    }
    this.refill();
  }

  /** Kernel reads resume while the reader holds less than its high-water mark (and the page is not congested). */
  private refill(): void {
    if (this.pulled && !this.eofSeen && this.heldBytes < HOLD_HIGH_WATER && !this.page.congested) this.host.reading(true);
  }

  /** The FIN owed to the page, once nothing before it is held. */
  private payEof(): void {
    if (!this.eofOwed || this.heldBytes > 0) return;
    this.eofOwed = false;
    this.host.eof();
  }

  /** Takes the first `n` held bytes as one chunk (a view when they lie in one read, else one copy). */
  private take(n: number): Buffer {
    const head = this.held.peek()!;
    let out: Buffer;
    if (head.length - this.headTaken >= n) {
      out = head.subarray(this.headTaken, this.headTaken + n);
      this.headTaken += n;
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const chunk = this.held.peek()!;
        const step = Math.min(chunk.length - this.headTaken, n - at);
        chunk.copy(out, at, this.headTaken, this.headTaken + step);
        at += step;
        this.headTaken += step;
        if (this.headTaken === chunk.length) {
          this.held.shift();
          this.headTaken = 0;
        }
      }
    }
    if (this.held.length > 0 && this.headTaken === this.held.peek()!.length) {
      this.held.shift();
      this.headTaken = 0;
    }
    this.heldBytes -= n;
    return out;
  }

  private completeRead(bytes: number): void {
    const p = this.pendingRead;
    if (!p) return;
    clearTimeout(p.timer);
    this.pendingRead = undefined;
    if (!p.auto) this.page.send({ t: 'ok', id: this.id, ref: p.ref, op: 'recv', bytes, buffered: this.heldBytes });
    // Bytes left over wait one more delay; an empty queue re-arms on the next push.
    else if (bytes > 0 && this.pulled && !this.manual && this.heldBytes > 0) this.armDelayedRead();
  }

  /** The socket closed: a waiting `recv` fails, the delay timer stops, held bytes are dropped. */
  closed(): void {
    clearTimeout(this.delayTimer);
    clearTimeout(this.pendingRead?.timer);
    if (this.pendingRead && !this.pendingRead.auto) {
      this.page.sendError(new GatewayError(ErrorCode.InvalidState, `socket ${this.id} closed while recv(${this.pendingRead.max}) was waiting`), { id: this.id, ref: this.pendingRead.ref });
    }
    this.pendingRead = undefined;
    this.held.clear();
    this.heldBytes = 0;
    this.headTaken = 0;
  }
}
