/**
 * Incremental decoder of one framed byte stream. Feed it chunks as they arrive, however the
 * stream was split; it returns each complete message once.
 */
export interface FrameDecoder<T> {
  /**
   * Decodes what `chunk` completes. Messages go into `out` (returned) as they are found, so when
   * a {@link FramingError} is thrown, `out` still holds every message before the bad byte. After an
   * error, every further call rethrows it.
   */
  push(chunk: Uint8Array, out?: T[]): T[];
  /** Declares the stream finished; throws a `TRUNCATED` FramingError if a partial frame is left. */
  end(): void;
  /** Bytes received that are not yet part of a returned message. */
  readonly buffered: number;
  /** Stream offset of the first byte not yet part of a returned message (the start of the next frame). */
  readonly offset: number;
}

/** A framing: turns one message into bytes, and bytes (whole or streamed) back into messages. */
export interface FrameCodec<T> {
  /** The bytes that carry `message` on the wire; throws RangeError/TypeError if it cannot be framed. */
  encode(message: T): Uint8Array;
  /** Decodes a complete stream held in one buffer; throws FramingError if it is bad or ends mid-frame. */
  decode(bytes: Uint8Array): T[];
  /** A fresh incremental decoder for one stream. */
  createDecoder(): FrameDecoder<T>;
}
