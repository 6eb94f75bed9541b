import type net from 'node:net';

/**
 * Writes one socket may have queued in Node at once. Send credit bounds the payload bytes a page
 * may have in flight, not the number of writes: each queued write costs ~200 bytes of bookkeeping,
 * so a window of one-byte frames at a peer that does not read was ~200 MiB per socket.
 */
export const MAX_QUEUED_WRITES = 256;

/**
 * Hands a page's writes to one TCP socket with at most {@link MAX_QUEUED_WRITES} writes queued.
 * Beyond that, bytes are appended to one tail buffer (a byte stream has no write boundaries to
 * keep) and written as a single write once the queue shortens, so memory per socket is bounded in
 * entries and in bytes (the tail never holds more than the send credit the page was given).
 */
export class BoundedWriter {
  private queued = 0;
  private tail: Buffer | undefined;
  private tailBytes = 0;

  /** `written(n, err)` runs once per page byte range, when the socket took it (or failed). */
  constructor(
    private readonly socket: net.Socket,
    private readonly written: (bytes: number, err: Error | null | undefined) => void,
  ) {}

  /** Bytes the page sent that are not in Node's write queue yet. */
  get held(): number {
    return this.tailBytes;
  }

  /** Bytes the page sent that the kernel has not taken: the tail plus Node's queue (public API). */
  get pending(): number {
    return this.tailBytes + this.socket.writableLength;
  }

  write(payload: Uint8Array): void {
    if (this.queued < MAX_QUEUED_WRITES && this.tailBytes === 0) return this.submit(payload);
    if (!this.tail || this.tail.length < this.tailBytes + payload.byteLength) {
      const grown = Buffer.allocUnsafe(Math.max(64 * 1024, 2 * (this.tailBytes + payload.byteLength)));
      this.tail?.copy(grown, 0, 0, this.tailBytes);
      this.tail = grown;
    }
    this.tail.set(payload, this.tailBytes);
    this.tailBytes += payload.byteLength;
  }

  /** Writes whatever the tail holds now (before `end()`, so the FIN follows every byte). */
  flush(): void {
    if (this.tailBytes === 0 || !this.tail) return;
    const bytes = Buffer.from(this.tail.subarray(0, this.tailBytes));
    this.tail = undefined;
    this.tailBytes = 0;
    this.submit(bytes);
  }

  private submit(payload: Uint8Array): void {
    const n = payload.byteLength;
    this.queued++;
    this.socket.write(payload, (err) => {
      this.queued--;
      this.written(n, err);
      if (this.queued < MAX_QUEUED_WRITES && !this.socket.destroyed) this.flush();
    });
  }
}
