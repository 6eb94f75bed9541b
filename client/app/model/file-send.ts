/**
 * Sending a file through a socket: read in {@link FILE_CHUNK} slices and written one at a time,
 * each write awaited, so the library's send credit (the gateway's Acks) paces it — a slow peer
 * slows the file and nothing piles up in the page. Progress as bytes sent; cancel stops before
 * the next slice (the slice in flight still goes out).
 */

/**
 * Bytes per write: under the 65,495 bytes one synthesised IPv4 segment holds, so a capture export
 * shows one segment per slice.
 */
export const FILE_CHUNK = 60 * 1024;

/** What a file send is doing. */
export type FileSendState = 'sending' | 'done' | 'cancelled' | 'failed';

/** One file going out. Events: `change` after every slice and at the end. */
export class FileSend extends EventTarget {
  state: FileSendState = 'sending';
  sent = 0;
  readonly total: number;
  readonly name: string;
  readonly startedAt = Date.now();
  endedAt: number | undefined;
  error: unknown;
  /** Settles when the send ends, however it ends. */
  readonly done: Promise<void>;
  #cancelled = false;

  constructor(file: Blob & { name?: string }, write: (bytes: Uint8Array) => Promise<void>) {
    super();
    this.total = file.size;
    this.name = file.name ?? 'file';
    this.done = this.#run(file, write);
  }

  /** Stops after the slice being written. */
  cancel(): void {
    this.#cancelled = true;
  }

  async #run(file: Blob, write: (bytes: Uint8Array) => Promise<void>): Promise<void> {
    const slice = (at: number) => file.slice(at, Math.min(at + FILE_CHUNK, this.total)).arrayBuffer();
    try {
      // The next slice is read from disk while the current one is written.
      let next = this.total > 0 ? slice(0) : undefined;
      while (next) {
        const bytes = new Uint8Array(await next);
        const after = this.sent + bytes.length;
        next = after < this.total ? slice(after) : undefined;
        if (this.#cancelled) break;
        await write(bytes);
        this.sent = after;
        this.dispatchEvent(new Event('change'));
      }
      this.state = this.#cancelled && this.sent < this.total ? 'cancelled' : 'done';
    } catch (error) {
      this.error = error;
      this.state = 'failed';
    }
    this.endedAt = Date.now();
    this.dispatchEvent(new Event('change'));
  }
}
