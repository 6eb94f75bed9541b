/**
 * A pull-based ReadableStream whose queue is measured in bytes and which hands credit back to the
 * gateway only as the consumer takes data off it. The gateway never has more than one window (plus
 * one read) in flight to this stream, so a page that stops reading holds a bounded queue.
 */
import { Fifo } from '../../shared/fifo.js';
import { ReceiveCredit } from './credit.js';

export interface CreditedReadableOptions<T> {
  /** Receive window in bytes: the stream's highWaterMark and the gateway's maximum credit. */
  window: number;
  /** Payload bytes of one item. */
  size: (item: T) => number;
  /** Send a Credit frame for `bytes`. */
  grant: (bytes: number) => void;
  /** The consumer cancelled the stream. */
  cancel: (reason: unknown) => void;
  /**
   * A byte stream (`type: 'bytes'`, BYOB readers allowed) of Uint8Array items. Each item is one
   * enqueue, so a default reader still gets each one whole; its buffer is transferred.
   */
  bytes?: boolean;
  /**
   * At most this many items wait unread. Credit counts payload bytes, so without it a peer's
   * flood of empty datagrams (or of 1-byte reads) at a page that does not read would queue one
   * entry each. Datagrams past it are dropped (`push` returns false) and their credit returned;
   * with `bytes` nothing is dropped: reads past it are joined into one entry, in order, until the
   * consumer catches up — as a kernel joins a byte stream's segments for a reader that lags.
   */
  maxItems?: number;
}

/** What both controller kinds offer that this class uses. */
interface Controller<T> {
  readonly desiredSize: number | null;
  enqueue(item: T): void;
  close(): void;
  error(reason: unknown): void;
}

/** Owns a ReadableStream and feeds it items from the gateway. */
export class CreditedReadable<T> {
  readonly readable: ReadableStream<T>;
  #controller!: Controller<T>;
  #credit: ReceiveCredit;
  #options: CreditedReadableOptions<T>;
  /** Bytes ever enqueued, and bytes already counted as consumed. */
  #enqueued = 0;
  #accounted = 0;
  /** `draining`: failed, but the consumer still gets what was queued before the error. */
  #state: 'open' | 'draining' | 'closed' | 'cancelled' | 'errored' = 'open';
  #pendingError: unknown;
  /**
   * With `maxItems`: each item counts its bytes plus one unit in the stream's queue, so a queue
   * of empty items still has a size; `#sizes` mirrors the queue (FIFO) to tell consumed units
   * back into bytes and items.
   */
  #counted: boolean;
  #highWaterMark: number;
  #sizes = new Fifo<number>();
  #enqueuedUnits = 0;
  #consumedUnits = 0;
  /**
   * With `bytes` and `maxItems`: `#sizes` mirrors the byte stream's entries (their bytes, oldest
   * first) and `#popped` counts the bytes of those already read whole; while `maxItems` entries
   * wait, later reads gather in `#tail` (its first `#tailLength` bytes), enqueued as one entry
   * once the queue is shorter again.
   */
  #joins: boolean;
  #popped = 0;
  #tail: Uint8Array | undefined;
  #tailLength = 0;

  constructor(options: CreditedReadableOptions<T>) {
    this.#options = options;
    this.#counted = !options.bytes && options.maxItems !== undefined;
    this.#joins = !!options.bytes && options.maxItems !== undefined;
    this.#highWaterMark = options.window + (this.#counted ? options.maxItems! : 0);
    this.#credit = new ReceiveCredit(options.window);
    const source = {
      start: (controller: Controller<T> | ReadableByteStreamController) => {
        this.#controller = controller as Controller<T>;
      },
      pull: () => (this.#state === 'draining' ? this.#errorWhenDrained() : this.#account()),
      cancel: (reason: unknown) => {
        if (this.#state !== 'open' && this.#state !== 'draining') return;
        this.#state = 'cancelled';
        // Whatever sat in the queue (and a joined tail) is gone: give it back so the gateway keeps draining the peer.
        const tail = this.#tailLength;
        this.#tail = undefined;
        this.#tailLength = 0;
        this.#discard(this.#enqueued - this.#accounted + tail);
        this.#options.cancel(reason);
      },
    };
    // A byte stream measures its queue in bytes itself (and allows no size function); its
    // desiredSize drops by exactly what a BYOB reader copied out, so credit follows partial fills.
    this.readable = options.bytes
      ? (new ReadableStream({ ...source, type: 'bytes' }, { highWaterMark: options.window }) as unknown as ReadableStream<T>)
      : new ReadableStream<T>(source, { highWaterMark: this.#highWaterMark, size: this.#counted ? (item) => options.size(item) + 1 : (item) => options.size(item) });
  }

  /** True until the stream is closed, cancelled or errored. */
  get open(): boolean {
    return this.#state === 'open';
  }

  /** Bytes waiting in the queue for the consumer. */
  get queuedBytes(): number {
    const desired = this.#state === 'open' ? this.#controller.desiredSize : null;
    if (desired === null) return 0;
    return this.#highWaterMark - desired - (this.#counted ? this.queuedItems : 0) + this.#tailLength;
  }

  /** Items waiting unread (counted only with `maxItems`; 0 otherwise; a joined tail is one). */
  get queuedItems(): number {
    if (!this.#counted && !this.#joins) return 0;
    this.#account();
    return this.#sizes.length + (this.#tail ? 1 : 0);
  }

  /**
   * An item from the gateway. After a cancel it is dropped and its credit returned at once.
   * False only when it was dropped because `maxItems` already wait unread (its credit goes back);
   * `'joined'` when it went on the end of the entry before it (byte mode past `maxItems`), so it
   * starts no entry of its own.
   */
  push(item: T): boolean | 'joined' {
    const bytes = this.#options.size(item);
    if (this.#state !== 'open') {
      if (this.#state === 'cancelled') this.#discard(bytes);
      return true;
    }
    if (this.#joins) {
      this.#account();
      if (this.#tail || this.#sizes.length >= this.#options.maxItems!) {
        const joined = this.#tail !== undefined;
        this.#join(item as unknown as Uint8Array);
        return joined ? 'joined' : true;
      }
      this.#sizes.push(bytes);
    }
    if (this.#counted) {
      if (this.queuedItems >= this.#options.maxItems!) {
        const grant = this.#credit.consumed(bytes);
        if (grant > 0) this.#options.grant(grant);
        return false;
      }
      this.#sizes.push(bytes);
      this.#enqueuedUnits += bytes + 1;
    }
    this.#enqueued += bytes;
    this.#controller.enqueue(item);
    return true;
  }

  /** The peer will send no more: the consumer reads what is queued, then `done`. */
  close(): void {
    if (this.#state !== 'open') return;
    this.#flushTail();
    this.#state = 'closed';
    this.#controller.close();
    // A BYOB read waiting on an empty byte stream settles (done) only once its request is answered.
    (this.#controller as unknown as ReadableByteStreamController).byobRequest?.respond(0);
  }

  /**
   * The socket failed: reads reject with `reason` — after the consumer has taken every item
   * that arrived before the failure (erroring a WHATWG stream at once would discard them, and
   * the gateway already counted them as delivered).
   */
  error(reason: unknown): void {
    if (this.#state !== 'open') return;
    this.#flushTail();
    this.#state = 'draining';
    this.#pendingError = reason;
    this.#errorWhenDrained();
  }

  #errorWhenDrained(): void {
    if (this.#state !== 'draining' || this.#controller.desiredSize !== this.#highWaterMark) return;
    this.#state = 'errored';
    this.#controller.error(this.#pendingError);
  }

  /** Consumed = enqueued − still queued; grant it back in batches. Runs on every pull. */
  #account(): void {
    if (this.#state !== 'open') return;
    const desired = this.#controller.desiredSize;
    if (desired === null) return;
    const consumed = this.#counted ? this.#consumedFromUnits(this.#enqueuedUnits - (this.#highWaterMark - desired)) : this.#enqueued - (this.#options.window - desired);
    if (this.#joins) {
      // Entries read whole leave the mirror (a BYOB read may have taken part of the oldest).
      while (this.#sizes.length > 0 && this.#popped + this.#sizes.peek()! <= consumed) this.#popped += this.#sizes.shift()!;
      if (this.#tail && this.#sizes.length < this.#options.maxItems!) this.#flushTail();
    }
    const delta = consumed - this.#accounted;
    if (delta <= 0) return;
    this.#accounted = consumed;
    const grant = this.#credit.consumed(delta);
    if (grant > 0) this.#options.grant(grant);
  }

  /** Bytes consumed so far, given the units consumed: whole items, oldest first, off the mirror. */
  #consumedFromUnits(units: number): number {
    let bytes = this.#accounted;
    while (this.#consumedUnits < units && this.#sizes.length > 0) {
      const size = this.#sizes.shift()!;
      this.#consumedUnits += size + 1;
      bytes += size;
    }
    return bytes;
  }

  /** Appends a read to the tail (growing it by doubling, up to the window plus one read). */
  #join(chunk: Uint8Array): void {
    const need = this.#tailLength + chunk.byteLength;
    if (!this.#tail || need > this.#tail.byteLength) {
      const grown = new Uint8Array(Math.max(need, Math.min(2 * (this.#tail?.byteLength ?? 0), this.#options.window), 4096));
      if (this.#tail) grown.set(this.#tail.subarray(0, this.#tailLength));
      this.#tail = grown;
    }
    this.#tail.set(chunk, this.#tailLength);
    this.#tailLength = need;
  }

  /** Hands the joined tail to the stream as one entry (on catching up, close and error). */
  #flushTail(): void {
    if (!this.#tail) return;
    const joined = this.#tail.subarray(0, this.#tailLength);
    this.#tail = undefined;
    this.#tailLength = 0;
    this.#sizes.push(joined.byteLength);
    this.#enqueued += joined.byteLength;
    this.#controller.enqueue(joined as unknown as T);
  }

  #discard(bytes: number): void {
    this.#accounted = this.#enqueued;
    const grant = this.#credit.consumed(bytes);
    if (grant > 0) this.#options.grant(grant);
  }
}
