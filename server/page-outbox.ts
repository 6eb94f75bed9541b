import { BATCHABLE_KINDS, encodeBatch } from '../shared/protocol.js';

/** Frames up to this size wait for the end of the event-loop turn and travel together; larger ones go at once. */
export const BATCH_ENTRY_MAX = 16 * 1024;
/** A batch leaves as soon as it holds this many bytes, so one never grows past it (plus one entry). */
export const BATCH_BYTES_MAX = 64 * 1024;
/** Messages sent to a page that said nothing meanwhile, after which its small frames may be held for {@link STREAM_HOLD_MS}. */
export const STREAM_MESSAGES = 16;
/** How long a stream's small frames may wait for more to share their message (ms after the last message sent). */
export const STREAM_HOLD_MS = 2;

/**
 * The page's binary frames on their way to its WebSocket. With protocol v2 the small ones of one
 * turn of the event loop (datagrams, short reads of many sockets, every socket's Ack) leave as one
 * Batch message: one `ws.send` and one write syscall instead of one each. Each frame stays whole, so
 * read boundaries, sources and timestamps are exactly as before. A v1 page gets every frame alone.
 *
 * Order is kept: a large frame or a control message first sends whatever waits ({@link flush}).
 *
 * A stream of small reads (a ticker, a flood of short lines) arrives one read per turn, so each
 * would be its own message, and a page pays per message (the browser's WebSocket and IPC work,
 * one event, one decode): at 10,000 reads a second that alone saturates a page. So while the page
 * is only listening — {@link STREAM_MESSAGES} messages sent to it and nothing heard from it
 * ({@link heard}) — and messages go out less than {@link STREAM_HOLD_MS} apart, the small frames
 * of a turn wait up to that long for later turns' to share their message. Each frame still carries
 * its own read time and boundary, so nothing the page shows changes except that it arrives up to
 * 2 ms later; a conversation (the page writes, the peer answers) never waits, since every page
 * message but a Credit resets the count.
 */
export class PageOutbox {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private scheduled = false;
  /** Messages sent since the page last sent anything. */
  private sinceHeard = 0;
  private lastSentAt = -Infinity;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    /** Sends one WebSocket message. */
    private readonly write: (message: Uint8Array) => void,
    /** The page negotiated v2 and reads Batch frames. */
    readonly batching: boolean,
    /**
     * Runs at the end of each scheduled turn, before the flush, so the turn's Acks join the batch;
     * `canWait`: a v2 page that gets nothing else this turn (its Acks may wait to ride with a later frame).
     */
    private readonly endOfTurn: (canWait: boolean) => void,
  ) {}

  /** The page sent something other than credit (a write, a request): what it gets next may be a reply, not a stream. */
  heard(): void {
    this.sinceHeard = 0;
  }

  /** One binary frame for the page. */
  frame(frame: Uint8Array): void {
    if (!this.batching) return this.send(frame);
    // Large frames and kinds a Batch may not carry (a relay's RelayRead) go alone, after what waits.
    if (frame.byteLength > BATCH_ENTRY_MAX || !BATCHABLE_KINDS.has(frame[0]!)) {
      this.flush();
      return this.send(frame);
    }
    this.held.push(frame);
    this.heldBytes += frame.byteLength;
    if (this.heldBytes >= BATCH_BYTES_MAX) this.flush();
    else this.schedule();
  }

  /** Runs `endOfTurn` and the flush once at the end of this turn (in `setImmediate`). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turnEnded);
  }

  /** Sends what waits now, in order: one frame alone, several as a Batch. */
  flush(): void {
    this.stopHold();
    const n = this.held.length;
    if (n === 0) return;
    const frames = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.send(n === 1 ? frames[0]! : encodeBatch(frames));
  }

  /** The page is gone: what waits is dropped. */
  clear(): void {
    this.stopHold();
    this.held = [];
    this.heldBytes = 0;
  }

  private send(message: Uint8Array): void {
    this.sinceHeard++;
    this.lastSentAt = performance.now();
    this.write(message);
  }

  /** A listening page's small frames may wait for more (see the class comment). */
  private streaming(): boolean {
    return this.sinceHeard >= STREAM_MESSAGES && performance.now() - this.lastSentAt < STREAM_HOLD_MS;
  }

  private stopHold(): void {
    if (this.holdTimer === undefined) return;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  private readonly turnEnded = (): void => {
    this.scheduled = false;
    this.endOfTurn(this.batching && this.held.length === 0);
    if (this.held.length > 0 && this.streaming()) {
      // Later turns add to the batch; the timer sends it if none comes (it is over once the last message is STREAM_HOLD_MS old).
      this.holdTimer ??= setTimeout(this.holdEnded, STREAM_HOLD_MS);
      return;
    }
    this.flush();
  };

  private readonly holdEnded = (): void => {
    this.holdTimer = undefined;
    this.flush();
  };
}
