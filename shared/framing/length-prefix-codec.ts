import type { FrameCodec } from './frame-codec.js';
import { FramingError } from './framing-error.js';
import { DEFAULT_MAX_FRAME, type LengthPrefixSpec } from './framing-spec.js';
import { STRUCT_I, maxLengthValue, readLength, writeLength, type LengthFormat } from './length-format.js';
import { checkBoolean, checkInteger, checkKeys, resolveLengthFormat } from './spec-checks.js';
import { StreamDecoder, decodeWhole } from './stream-decoder.js';
import { toStructFormat } from './struct-format.js';

/** Options of {@link LengthPrefixCodec}: a {@link LengthPrefixSpec} without (or with) its `kind`. */
export type LengthPrefixOptions = Omit<LengthPrefixSpec, 'kind'> & { kind?: 'length' };

/** Length prefix + payload framing, e.g. Python's `struct.pack('i', len(body)) + body`. */
export class LengthPrefixCodec implements FrameCodec<Uint8Array> {
  /** Layout of the length field. */
  readonly format: LengthFormat;
  /** Whether the length counts the header too. */
  readonly includesHeader: boolean;
  /** Largest payload accepted either way. */
  readonly maxFrame: number;

  /** Validates the options (TypeError/RangeError naming the field) and fills in defaults. */
  constructor(options: LengthPrefixOptions = {}) {
    checkKeys(options, 'length', ['format', 'bytes', 'endian', 'signed', 'includesHeader', 'maxFrame']);
    this.format = resolveLengthFormat(options, STRUCT_I);
    this.includesHeader = checkBoolean(options.includesHeader, 'includesHeader', false);
    this.maxFrame = checkInteger(options.maxFrame, 'maxFrame', 0, Number.MAX_SAFE_INTEGER, DEFAULT_MAX_FRAME);
  }

  /** Header + payload; RangeError if the payload exceeds maxFrame or what the header can express. */
  encode(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('length framing encodes Uint8Array messages');
    const { bytes } = this.format;
    const length = message.length + (this.includesHeader ? bytes : 0);
    if (message.length > this.maxFrame) {
      throw new RangeError(`message of ${message.length} bytes exceeds maxFrame ${this.maxFrame}`);
    }
    if (length > maxLengthValue(this.format)) {
      throw new RangeError(
        `message of ${message.length} bytes does not fit a '${toStructFormat(this.format)}' length field (max ${maxLengthValue(this.format)})`,
      );
    }
    const out = new Uint8Array(bytes + message.length);
    writeLength(out, 0, length, this.format);
    out.set(message, bytes);
    return out;
  }

  /** Decodes a complete stream; throws FramingError on a bad length or a partial frame at the end. */
  decode(bytes: Uint8Array): Uint8Array[] {
    return decodeWhole(this.createDecoder(), bytes);
  }

  /** A fresh incremental decoder. */
  createDecoder(): LengthPrefixDecoder {
    return new LengthPrefixDecoder(this);
  }
}

/** Incremental decoder of {@link LengthPrefixCodec} frames. */
export class LengthPrefixDecoder extends StreamDecoder<Uint8Array> {
  private readonly codec: LengthPrefixCodec;
  private readonly header = new Uint8Array(8);
  /** Payload length of the frame whose header has been consumed, or -1 while waiting for a header. */
  private payload = -1;

  /** Use {@link LengthPrefixCodec.createDecoder}. */
  constructor(codec: LengthPrefixCodec) {
    super();
    this.codec = codec;
  }

  protected drain(_chunk: Uint8Array, out: Uint8Array[]): void {
    const { format, includesHeader, maxFrame } = this.codec;
    const queue = this.queue;
    for (;;) {
      if (this.payload < 0) {
        if (queue.length < format.bytes) return;
        queue.peekInto(this.header, format.bytes);
        const length = readLength(this.header, format);
        const payload = includesHeader ? length - format.bytes : length;
        if (length < 0) {
          throw new FramingError('NEGATIVE_LENGTH', this.frameStart, `length field holds ${length}`);
        }
        if (payload < 0) {
          throw new FramingError(
            'NEGATIVE_LENGTH',
            this.frameStart,
            `length ${length} is smaller than the ${format.bytes}-byte header it counts`,
          );
        }
        if (payload > maxFrame) {
          throw new FramingError('FRAME_TOO_LARGE', this.frameStart, `frame of ${payload} bytes exceeds maxFrame ${maxFrame}`);
        }
        queue.skip(format.bytes);
        this.payload = payload;
      }
      if (queue.length < this.payload) return;
      out.push(queue.take(this.payload));
      this.payload = -1;
      this.frameStart = queue.offset;
    }
  }

  protected override describePartial(): string {
    if (this.payload < 0) return `${this.buffered} of ${this.codec.format.bytes} header bytes`;
    return `${this.queue.length} of ${this.payload} payload bytes`;
  }
}
