import type { FrameCodec } from './frame-codec.js';
import type { FixedSizeSpec } from './framing-spec.js';
import { checkInteger, checkKeys } from './spec-checks.js';
import { StreamDecoder, decodeWhole } from './stream-decoder.js';

/** Options of {@link FixedSizeCodec}: a {@link FixedSizeSpec} without (or with) its `kind`. */
export type FixedSizeOptions = Omit<FixedSizeSpec, 'kind'> & { kind?: 'fixed' };

/** Fixed-size framing: every message is exactly `size` bytes, like `recv(1024)` done right. */
export class FixedSizeCodec implements FrameCodec<Uint8Array> {
  /** Bytes per message. */
  readonly size: number;

  /** Validates the options (RangeError if `size` is not a positive integer). */
  constructor(options: FixedSizeOptions) {
    checkKeys(options, 'fixed', ['size']);
    this.size = checkInteger(options.size, 'size', 1, Number.MAX_SAFE_INTEGER);
  }

  /** A copy of the message; RangeError unless it is exactly `size` bytes. */
  encode(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('fixed framing encodes Uint8Array messages');
    if (message.length !== this.size) {
      throw new RangeError(`message of ${message.length} bytes is not the fixed size ${this.size}`);
    }
    return message.slice();
  }

  /** Decodes a complete stream; throws a TRUNCATED FramingError if its length is not a multiple of `size`. */
  decode(bytes: Uint8Array): Uint8Array[] {
    return decodeWhole(this.createDecoder(), bytes);
  }

  /** A fresh incremental decoder. */
  createDecoder(): FixedSizeDecoder {
    return new FixedSizeDecoder(this.size);
  }
}

/** Incremental decoder of {@link FixedSizeCodec} frames. */
export class FixedSizeDecoder extends StreamDecoder<Uint8Array> {
  private readonly size: number;

  /** Use {@link FixedSizeCodec.createDecoder}. */
  constructor(size: number) {
    super();
    this.size = size;
  }

  protected drain(_chunk: Uint8Array, out: Uint8Array[]): void {
    while (this.queue.length >= this.size) out.push(this.queue.take(this.size));
    this.frameStart = this.queue.offset;
  }

  protected override describePartial(): string {
    return `${this.buffered} of ${this.size} bytes`;
  }
}
