import type { FrameCodec } from './frame-codec.js';
import { FramingError } from './framing-error.js';
import { DEFAULT_MAX_FRAME, DEFAULT_MAX_HEADER, type JsonHeaderSpec } from './framing-spec.js';
import type { JsonHeaderMessage } from './json-header-message.js';
import { STRUCT_I, maxLengthValue, readLength, writeLength, type LengthFormat } from './length-format.js';
import { checkInteger, checkKeys, resolveLengthFormat } from './spec-checks.js';
import { StreamDecoder, decodeWhole } from './stream-decoder.js';

/** Options of {@link JsonHeaderCodec}: a {@link JsonHeaderSpec} without (or with) its `kind`. */
export type JsonHeaderOptions = Omit<JsonHeaderSpec, 'kind'> & { kind?: 'json-header' };

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Header-length prefix + JSON header + body, as the course's Python sends it:
 * `struct.pack('i', len(header_bytes)) + header_bytes + body`.
 */
export class JsonHeaderCodec implements FrameCodec<JsonHeaderMessage> {
  /** Layout of the header-length prefix. */
  readonly format: LengthFormat;
  /** Header field holding the body length. */
  readonly lengthField: string;
  /** Largest JSON header in bytes. */
  readonly maxHeader: number;
  /** Largest body in bytes. */
  readonly maxFrame: number;

  /** Validates the options (TypeError/RangeError naming the field) and fills in defaults. */
  constructor(options: JsonHeaderOptions = {}) {
    checkKeys(options, 'json-header', ['format', 'bytes', 'endian', 'signed', 'lengthField', 'maxHeader', 'maxFrame']);
    this.format = resolveLengthFormat(options, STRUCT_I);
    const { lengthField = 'total_size' } = options;
    if (typeof lengthField !== 'string' || lengthField === '') {
      throw new TypeError(`lengthField must be a non-empty string, got ${String(lengthField)}`);
    }
    this.lengthField = lengthField;
    this.maxHeader = checkInteger(options.maxHeader, 'maxHeader', 2, maxLengthValue(this.format), Math.min(DEFAULT_MAX_HEADER, maxLengthValue(this.format)));
    this.maxFrame = checkInteger(options.maxFrame, 'maxFrame', 0, Number.MAX_SAFE_INTEGER, DEFAULT_MAX_FRAME);
  }

  /**
   * Prefix + JSON header + body. The body length is written into `lengthField` (RangeError if the
   * header already holds a different value there); the given header object is not modified.
   */
  encode(message: JsonHeaderMessage): Uint8Array {
    const { header, body } = message ?? {};
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      throw new TypeError('json-header message needs a header object');
    }
    if (!(body instanceof Uint8Array)) throw new TypeError('json-header message needs a Uint8Array body');
    if (body.length > this.maxFrame) throw new RangeError(`body of ${body.length} bytes exceeds maxFrame ${this.maxFrame}`);
    const declared = header[this.lengthField];
    if (declared !== undefined && declared !== body.length) {
      throw new RangeError(`header ${this.lengthField} is ${JSON.stringify(declared)} but the body has ${body.length} bytes`);
    }
    const json = utf8Encoder.encode(JSON.stringify({ ...header, [this.lengthField]: body.length }));
    if (json.length > this.maxHeader) {
      throw new RangeError(`JSON header of ${json.length} bytes exceeds maxHeader ${this.maxHeader}`);
    }
    const prefix = this.format.bytes;
    const out = new Uint8Array(prefix + json.length + body.length);
    writeLength(out, 0, json.length, this.format);
    out.set(json, prefix);
    out.set(body, prefix + json.length);
    return out;
  }

  /** Decodes a complete stream; throws FramingError on a bad header or a partial frame at the end. */
  decode(bytes: Uint8Array): JsonHeaderMessage[] {
    return decodeWhole(this.createDecoder(), bytes);
  }

  /** A fresh incremental decoder. */
  createDecoder(): JsonHeaderDecoder {
    return new JsonHeaderDecoder(this);
  }
}

const PREFIX = 0;
const HEADER = 1;
const BODY = 2;

/** Incremental decoder of {@link JsonHeaderCodec} frames. */
export class JsonHeaderDecoder extends StreamDecoder<JsonHeaderMessage> {
  private readonly codec: JsonHeaderCodec;
  private readonly prefix = new Uint8Array(8);
  private stage: typeof PREFIX | typeof HEADER | typeof BODY = PREFIX;
  private headerLength = 0;
  private bodyLength = 0;
  private header: Record<string, unknown> = {};

  /** Use {@link JsonHeaderCodec.createDecoder}. */
  constructor(codec: JsonHeaderCodec) {
    super();
    this.codec = codec;
  }

  protected drain(_chunk: Uint8Array, out: JsonHeaderMessage[]): void {
    const { format, maxHeader } = this.codec;
    const queue = this.queue;
    for (;;) {
      switch (this.stage) {
        case PREFIX: {
          if (queue.length < format.bytes) return;
          queue.peekInto(this.prefix, format.bytes);
          const length = readLength(this.prefix, format);
          if (length < 0) {
            throw new FramingError('NEGATIVE_LENGTH', this.frameStart, `JSON header length field holds ${length}`);
          }
          if (length > maxHeader) {
            throw new FramingError('FRAME_TOO_LARGE', this.frameStart, `JSON header of ${length} bytes exceeds maxHeader ${maxHeader}`);
          }
          queue.skip(format.bytes);
          this.headerLength = length;
          this.stage = HEADER;
          break;
        }
        case HEADER: {
          if (queue.length < this.headerLength) return;
          const at = queue.offset;
          this.header = this.parseHeader(queue.take(this.headerLength), at);
          this.bodyLength = this.bodyLengthOf(this.header, at);
          this.stage = BODY;
          break;
        }
        case BODY: {
          if (queue.length < this.bodyLength) return;
          out.push({ header: this.header, body: queue.take(this.bodyLength) });
          this.header = {};
          this.stage = PREFIX;
          this.frameStart = queue.offset;
          break;
        }
      }
    }
  }

  protected override describePartial(): string {
    switch (this.stage) {
      case PREFIX:
        return `${this.buffered} of ${this.codec.format.bytes} header-length bytes`;
      case HEADER:
        return `${this.queue.length} of ${this.headerLength} JSON header bytes`;
      case BODY:
        return `${this.queue.length} of ${this.bodyLength} body bytes`;
    }
  }

  private parseHeader(bytes: Uint8Array, at: number): Record<string, unknown> {
    let text: string;
    try {
      text = utf8Decoder.decode(bytes);
    } catch {
      throw new FramingError('BAD_JSON_HEADER', at, 'JSON header is not valid UTF-8');
    }
    let header: unknown;
    try {
      header = JSON.parse(text);
    } catch (error) {
      throw new FramingError('BAD_JSON_HEADER', at, `JSON header does not parse: ${(error as Error).message}; text ${preview(text)}`);
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) {
      throw new FramingError('BAD_JSON_HEADER', at, `JSON header is not an object: ${preview(text)}`);
    }
    return header as Record<string, unknown>;
  }

  private bodyLengthOf(header: Record<string, unknown>, at: number): number {
    const { lengthField, maxFrame } = this.codec;
    if (!Object.hasOwn(header, lengthField)) {
      const fields = Object.keys(header).join(', ') || 'none';
      throw new FramingError('MISSING_LENGTH_FIELD', at, `JSON header has no "${lengthField}" field (fields: ${fields})`);
    }
    const value = header[lengthField];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new FramingError('BAD_JSON_HEADER', at, `JSON header "${lengthField}" is ${JSON.stringify(value)}, not an integer`);
    }
    if (value < 0) throw new FramingError('NEGATIVE_LENGTH', at, `JSON header "${lengthField}" is ${value}`);
    if (value > maxFrame) {
      throw new FramingError('FRAME_TOO_LARGE', at, `body of ${value} bytes (JSON header "${lengthField}") exceeds maxFrame ${maxFrame}`);
    }
    return value;
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
