import { ChunkQueue } from './chunk-queue.js';
import type { FrameDecoder } from './frame-codec.js';
import { FramingError } from './framing-error.js';

/**
 * Shared life cycle of the framing decoders: buffering, poisoning after an error, and the
 * truncation check at end. Subclasses implement `drain`, which consumes whole frames from `queue`.
 */
export abstract class StreamDecoder<T> implements FrameDecoder<T> {
  protected readonly queue = new ChunkQueue();
  /** Stream offset where the frame being assembled starts; subclasses move it past each message. */
  protected frameStart = 0;
  private failure: FramingError | undefined;
  private ended = false;

  /** Bytes received that are not yet part of a returned message. */
  get buffered(): number {
    return this.queue.offset + this.queue.length - this.frameStart;
  }

  /** Stream offset of the first byte not yet part of a returned message. */
  get offset(): number {
    return this.frameStart;
  }

  /** Decodes what `chunk` completes into `out`; see {@link FrameDecoder.push}. */
  push(chunk: Uint8Array, out: T[] = []): T[] {
    this.checkUsable('push');
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`FrameDecoder.push() takes a Uint8Array, got ${describe(chunk)}`);
    }
    if (chunk.length === 0) return out;
    this.queue.push(chunk);
    try {
      this.drain(chunk, out);
    } catch (error) {
      if (error instanceof FramingError) this.failure = error;
      throw error;
    }
    return out;
  }

  /** Declares the stream finished; throws a `TRUNCATED` FramingError if a partial frame is left. */
  end(): void {
    this.checkUsable('end');
    this.ended = true;
    if (this.buffered > 0) {
      this.failure = new FramingError('TRUNCATED', this.frameStart, `stream ended inside a frame: ${this.describePartial()}`);
      throw this.failure;
    }
  }

  /** Consumes every complete frame in `queue` (which already holds `chunk`), pushing messages to `out`. */
  protected abstract drain(chunk: Uint8Array, out: T[]): void;

  /** What the partial frame at end-of-stream looks like, for the TRUNCATED message. */
  protected describePartial(): string {
    return `${this.buffered} bytes buffered`;
  }

  private checkUsable(call: string): void {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error(`FrameDecoder has ended: ${call}() called after end()`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Decodes one complete stream with a fresh decoder: every frame, then a check that none is left partial. */
export function decodeWhole<T>(decoder: FrameDecoder<T>, bytes: Uint8Array): T[] {
  const out = decoder.push(bytes);
  decoder.end();
  return out;
}
