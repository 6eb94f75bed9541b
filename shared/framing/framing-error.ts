/**
 * Stable codes for the ways a framed byte stream can fail to decode.
 *
 * - `FRAME_TOO_LARGE`: a length field (or a delimiter search) exceeds the codec's limit.
 * - `NEGATIVE_LENGTH`: a signed length field is negative, or smaller than the header it counts.
 * - `BAD_JSON_HEADER`: the JSON header is not UTF-8, not JSON, not an object, or its length field is not an integer.
 * - `MISSING_LENGTH_FIELD`: the JSON header has no body-length field.
 * - `TRUNCATED`: the stream ended inside a frame.
 */
export type FramingErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'NEGATIVE_LENGTH'
  | 'BAD_JSON_HEADER'
  | 'MISSING_LENGTH_FIELD'
  | 'TRUNCATED';

/**
 * Why and where a framed stream cannot be decoded. `offset` is the stream offset (bytes since the
 * decoder's first byte) of the element at fault: the length field for length errors, the JSON text
 * for header errors, and the start of the frame for delimiter overruns and truncation.
 */
export class FramingError extends Error {
  /** Stable machine-readable reason. */
  readonly code: FramingErrorCode;
  /** Stream offset of the first byte of the element at fault. */
  readonly offset: number;

  /** Builds an error; `message` should say what was found and what the limit was. */
  constructor(code: FramingErrorCode, offset: number, message: string) {
    super(`${message} (${code} at stream offset ${offset})`);
    this.name = 'FramingError';
    this.code = code;
    this.offset = offset;
  }
}
