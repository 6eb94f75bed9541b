import { BATCHABLE_KINDS, encodeBatch } from '../shared/protocol.js';

/** Frames up to this size wait for the end of the event-loop turn and travel together; larger ones go at once. */
export const BATCH_ENTRY_MAX = 16 * 1024;
/** A batch leaves as soon as it holds this many bytes, so one never grows past it (plus one entry). */
export const BATCH_BYTES_MAX = 64 * 1024;

/**
 * The page's binary frames on their way to its WebSocket. With protocol v2 the small ones of one
 * turn of the event loop (datagrams, short reads of many sockets, every socket's Ack) leave as one
 * Batch message: one `ws.send` and one write syscall instead of one each. Each frame stays whole, so
 * read boundaries, sources and timestamps are exactly as before. A v1 page gets every frame alone.
 *
 * Order is kept: a large frame or a control message first sends whatever waits ({@link flush}).
 */
export class PageOutbox {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private scheduled = false;

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

  /** One binary frame for the page. */
  frame(frame: Uint8Array): void {
    if (!this.batching) return this.write(frame);
    // Large frames and kinds a Batch may not carry (a relay's RelayRead) go alone, after what waits.
    if (frame.byteLength > BATCH_ENTRY_MAX || !BATCHABLE_KINDS.has(frame[0]!)) {
      this.flush();
      return this.write(frame);
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
    const n = this.held.length;
    if (n === 0) return;
    const frames = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.write(n === 1 ? frames[0]! : encodeBatch(frames));
  }

  /** The page is gone: what waits is dropped. */
  clear(): void {
    this.held = [];
    this.heldBytes = 0;
  }

  private readonly turnEnded = (): void => {
    this.scheduled = false;
    this.endOfTurn(this.batching && this.held.length === 0);
    this.flush();
  };
}
