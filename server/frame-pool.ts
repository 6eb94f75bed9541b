import { CHUNK_HEADER } from '../shared/protocol.js';
import { BATCH_ENTRY_MAX } from './page-outbox.js';
import { READ_BUFFER_BYTES } from './tcp-reads.js';

/**
 * Chunk frames of large reads, used again once the WebSocket has written them. A 64 KiB read's
 * frame is an ArrayBuffer outside V8's heap: allocating one per read made external memory, not
 * JS allocation, set the pace of V8's major collections (see tcp-reads.ts). A pooled frame goes
 * out alone (the outbox batches only small frames) and comes back from the `ws.send` callback,
 * which `ws` calls once the socket took the bytes or failed; a frame that never comes back (the
 * page went away) is simply collected.
 */
export class FramePool {
  private readonly free: ArrayBuffer[] = [];
  /** Every buffer this pool made, so a message of the same length that is not ours is never taken in. */
  private readonly mine = new WeakSet<ArrayBuffer>();
  /** Frames taken since the last trim: none in a whole {@link idleMs} lets the free buffers go. */
  private takes = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  constructor(
    /** Size of each pooled buffer: the largest frame it serves. */
    readonly bufferBytes: number,
    /** Frames shorter than this are not pooled (they may be copied into a Batch and dropped at once). */
    readonly minBytes: number,
    /** Free buffers kept at most (enough for what one busy page has in flight). */
    readonly maxFree: number,
    /** Free buffers are dropped after this long without a frame taken, so an idle gateway holds none. */
    readonly idleMs = 2000,
  ) {}

  /** A frame of `n` bytes: a pooled buffer's first `n` bytes when `n` is in the pool's range, else a new one. */
  take(n: number): Buffer {
    if (n < this.minBytes || n > this.bufferBytes) return Buffer.allocUnsafe(n);
    this.takes++;
    let buffer = this.free.pop();
    if (!buffer) {
      buffer = new ArrayBuffer(this.bufferBytes);
      this.mine.add(buffer);
    }
    return Buffer.from(buffer, 0, n);
  }

  /** True if `frame` is a pooled frame ({@link give} it back once it is written). */
  owns(frame: Uint8Array): boolean {
    return frame.byteOffset === 0 && frame.buffer.byteLength === this.bufferBytes && this.mine.has(frame.buffer as ArrayBuffer);
  }

  /** `frame` (one {@link owns}) was written: its buffer may serve the next frame. Nothing may read it afterwards. */
  give(frame: Uint8Array): void {
    if (this.free.length >= this.maxFree) return;
    this.free.push(frame.buffer as ArrayBuffer);
    if (!this.trimTimer) {
      this.takes = 0;
      this.trimTimer = setTimeout(this.trim, this.idleMs);
      this.trimTimer.unref();
    }
  }

  private readonly trim = (): void => {
    this.trimTimer = undefined;
    if (this.takes === 0) this.free.length = 0;
    else if (this.free.length > 0) {
      this.takes = 0;
      this.trimTimer = setTimeout(this.trim, this.idleMs);
      this.trimTimer.unref();
    }
  };

  /** Free buffers held (for tests). */
  get idle(): number {
    return this.free.length;
  }
}

/**
 * Chunk frames of one kernel read above the outbox's batching size: the relays' large reads. 128
 * buffers (8 MiB) cover a page's 4 MiB of unsent messages (its congestion mark) twice over; with
 * fewer, frames beyond the free list were allocated and dropped again (32 kept half the gain).
 */
export const chunkFrames = new FramePool(CHUNK_HEADER + READ_BUFFER_BYTES, BATCH_ENTRY_MAX + 1, 128);
