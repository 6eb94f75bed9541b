import type { JsonHeaderMessage } from './json-header-message.js';
import type { LengthFormatSpec } from './length-format.js';

/** Default largest payload of one frame: 16 MiB. */
export const DEFAULT_MAX_FRAME = 16 * 1024 * 1024;

/** Default largest JSON header of a `json-header` frame: 64 KiB. */
export const DEFAULT_MAX_HEADER = 64 * 1024;

/**
 * Length prefix + payload. The length field defaults to Python's `struct.pack('i', n)`
 * (4 bytes, little-endian, signed); name another with `format` (`'!I'`, `'>H'`, `'<Q'`, …) or with
 * `bytes`/`endian`/`signed`. Example: `{ kind: 'length', format: '!I', maxFrame: 1048576 }`.
 */
export interface LengthPrefixSpec extends LengthFormatSpec {
  kind: 'length';
  /** Whether the length counts the header's own bytes as well as the payload. Default false. */
  includesHeader?: boolean;
  /** Largest payload in bytes; a bigger length is a `FRAME_TOO_LARGE` error. Default 16 MiB. */
  maxFrame?: number;
}

/**
 * Payloads separated by a delimiter. Example: `{ kind: 'delimiter', delimiter: '\r\n' }`.
 * Messages must not contain the delimiter.
 */
export interface DelimiterSpec {
  kind: 'delimiter';
  /** The delimiter: a string (sent as UTF-8, e.g. `'\n'`, `'\r\n'`, `'\0'`) or byte values 0–255. */
  delimiter: string | number[];
  /**
   * Whether messages include their trailing delimiter, in both directions: decoded messages end
   * with it, and messages given to `encode` must already end with it. Default false.
   */
  keepDelimiter?: boolean;
  /** Largest payload in bytes (delimiter excluded); a longer run without one is `FRAME_TOO_LARGE`. Default 16 MiB. */
  maxFrame?: number;
}

/** Every message is exactly `size` bytes. Example: `{ kind: 'fixed', size: 1024 }`. */
export interface FixedSizeSpec {
  kind: 'fixed';
  /** Bytes per message, at least 1. */
  size: number;
}

/**
 * The course's final sticky-packet fix: `struct.pack('i', len(header_bytes))` + UTF-8 JSON header
 * + body, the body's length held in the header field `lengthField`. The prefix format is chosen
 * as in {@link LengthPrefixSpec} (default `'i'`). Example:
 * `{ kind: 'json-header', lengthField: 'file_size' }`.
 */
export interface JsonHeaderSpec extends LengthFormatSpec {
  kind: 'json-header';
  /** Header field holding the body length in bytes. Default `'total_size'`. */
  lengthField?: string;
  /** Largest JSON header in bytes. Default 64 KiB. */
  maxHeader?: number;
  /** Largest body in bytes. Default 16 MiB. */
  maxFrame?: number;
}

/** No framing: each chunk read is one message, each message is written as is. */
export interface PassthroughSpec {
  kind: 'none';
}

/**
 * A framing, as plain JSON-serialisable data (the page stores and sends these). Every field but
 * `kind` (and `delimiter`/`size`) is optional; unknown fields are rejected by `createCodec`.
 */
export type FramingSpec = LengthPrefixSpec | DelimiterSpec | FixedSizeSpec | JsonHeaderSpec | PassthroughSpec;

/** The `kind` names of the framings. */
export type FramingKind = FramingSpec['kind'];

/** The message type a spec's codec carries: `{ header, body }` for `json-header`, bytes otherwise. */
export type FramedMessage<S extends FramingSpec = FramingSpec> = S extends JsonHeaderSpec
  ? JsonHeaderMessage
  : Uint8Array;
