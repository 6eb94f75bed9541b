import type { FrameCodec } from './frame-codec.js';
import { FramingError } from './framing-error.js';
import { DEFAULT_MAX_FRAME, type DelimiterSpec } from './framing-spec.js';
import { checkBoolean, checkInteger, checkKeys } from './spec-checks.js';
import { StreamDecoder, decodeWhole } from './stream-decoder.js';

/** Options of {@link DelimiterCodec}: a {@link DelimiterSpec} without (or with) its `kind`. */
export type DelimiterOptions = Omit<DelimiterSpec, 'kind'> & { kind?: 'delimiter' };

const utf8 = new TextEncoder();

/** Delimiter-separated framing: lines (`\n`, `\r\n`), NUL-terminated strings, or any byte sequence. */
export class DelimiterCodec implements FrameCodec<Uint8Array> {
  /** The delimiter bytes. */
  readonly delimiter: Uint8Array;
  /** Whether messages include their delimiter. */
  readonly keepDelimiter: boolean;
  /** Largest payload, delimiter excluded. */
  readonly maxFrame: number;
  /** @internal KMP failure function of the delimiter, so a match split across chunks is found in one pass. */
  readonly failure: Uint16Array;

  /** Validates the options (TypeError/RangeError naming the field) and fills in defaults. */
  constructor(options: DelimiterOptions) {
    checkKeys(options, 'delimiter', ['delimiter', 'keepDelimiter', 'maxFrame']);
    this.delimiter = toDelimiterBytes(options.delimiter);
    this.keepDelimiter = checkBoolean(options.keepDelimiter, 'keepDelimiter', false);
    this.maxFrame = checkInteger(options.maxFrame, 'maxFrame', 0, Number.MAX_SAFE_INTEGER, DEFAULT_MAX_FRAME);
    this.failure = failureFunction(this.delimiter);
  }

  /** Payload + delimiter; RangeError if the message contains the delimiter or exceeds maxFrame. */
  encode(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('delimiter framing encodes Uint8Array messages');
    const d = this.delimiter;
    let out: Uint8Array;
    if (this.keepDelimiter) {
      if (!endsWith(message, d)) throw new RangeError('with keepDelimiter, a message must end with the delimiter');
      out = message.slice();
    } else {
      out = new Uint8Array(message.length + d.length);
      out.set(message);
      out.set(d, message.length);
    }
    const payload = out.length - d.length;
    if (payload > this.maxFrame) throw new RangeError(`message of ${payload} bytes exceeds maxFrame ${this.maxFrame}`);
    const first = indexOf(out, d, this.failure);
    if (first !== payload) {
      throw new RangeError(`message contains the delimiter at byte ${first}; it would decode as more than one message`);
    }
    return out;
  }

  /** Decodes a complete stream; throws FramingError on an overlong frame or bytes after the last delimiter. */
  decode(bytes: Uint8Array): Uint8Array[] {
    return decodeWhole(this.createDecoder(), bytes);
  }

  /** A fresh incremental decoder. */
  createDecoder(): DelimiterDecoder {
    return new DelimiterDecoder(this);
  }
}

/** Incremental decoder of {@link DelimiterCodec} frames; scans each byte once, even across chunk splits. */
export class DelimiterDecoder extends StreamDecoder<Uint8Array> {
  private readonly codec: DelimiterCodec;
  /** How many delimiter bytes the end of the buffered bytes already matches. */
  private matched = 0;

  /** Use {@link DelimiterCodec.createDecoder}. */
  constructor(codec: DelimiterCodec) {
    super();
    this.codec = codec;
  }

  protected drain(chunk: Uint8Array, out: Uint8Array[]): void {
    const { delimiter, failure, keepDelimiter, maxFrame } = this.codec;
    const queue = this.queue;
    const first = delimiter[0];
    const n = chunk.length;
    let matched = this.matched;
    let i = 0;
    while (i < n) {
      if (matched === 0) {
        // Jump to the next candidate with the native search; only partial matches go byte by byte.
        const next = chunk.indexOf(first, i);
        if (next < 0) break;
        i = next;
      }
      const byte = chunk[i++];
      while (matched > 0 && delimiter[matched] !== byte) matched = failure[matched - 1];
      if (delimiter[matched] === byte) matched++;
      if (matched === delimiter.length) {
        matched = 0;
        const frame = queue.length - (n - i);
        const payload = frame - delimiter.length;
        if (payload > maxFrame) this.tooLarge(payload);
        if (keepDelimiter) {
          out.push(queue.take(frame));
        } else {
          out.push(queue.take(payload));
          queue.skip(delimiter.length);
        }
        this.frameStart = queue.offset;
      }
    }
    this.matched = matched;
    // The payload is at least everything that cannot be the start of the delimiter.
    if (queue.length - matched > maxFrame) this.tooLarge(queue.length - matched);
  }

  private tooLarge(atLeast: number): never {
    throw new FramingError(
      'FRAME_TOO_LARGE',
      this.frameStart,
      `no delimiter within maxFrame ${this.codec.maxFrame} bytes (frame of at least ${atLeast} bytes)`,
    );
  }
}

function toDelimiterBytes(value: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') {
    bytes = utf8.encode(value);
  } else if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    bytes = Uint8Array.from(value as number[]);
  } else {
    throw new TypeError('delimiter must be a string or an array of byte values 0–255');
  }
  if (bytes.length === 0 || bytes.length > 0xffff) throw new RangeError('delimiter must be 1 to 65535 bytes');
  return bytes;
}

function failureFunction(pattern: Uint8Array): Uint16Array {
  const failure = new Uint16Array(pattern.length);
  for (let i = 1, k = 0; i < pattern.length; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = failure[k - 1];
    if (pattern[i] === pattern[k]) k++;
    failure[i] = k;
  }
  return failure;
}

function indexOf(haystack: Uint8Array, pattern: Uint8Array, failure: Uint16Array): number {
  for (let i = 0, k = 0; i < haystack.length; i++) {
    while (k > 0 && haystack[i] !== pattern[k]) k = failure[k - 1];
    if (haystack[i] === pattern[k]) k++;
    if (k === pattern.length) return i - k + 1;
  }
  return -1;
}

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  if (bytes.length < suffix.length) return false;
  const start = bytes.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (bytes[start + i] !== suffix[i]) return false;
  return true;
}
