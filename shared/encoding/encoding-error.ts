/**
 * Stable codes for text and byte-notation failures.
 *
 * - `UNMAPPABLE_CHARACTER`: the text has a character the target encoding cannot represent.
 * - `INVALID_HEX`, `INVALID_BASE64`, `INVALID_ESCAPE`: the input notation is malformed.
 * - `UNSUPPORTED_ENCODING`: an unknown encoding name, or a runtime whose TextDecoder lacks it.
 */
export type EncodingErrorCode =
  | 'UNMAPPABLE_CHARACTER'
  | 'INVALID_HEX'
  | 'INVALID_BASE64'
  | 'INVALID_ESCAPE'
  | 'UNSUPPORTED_ENCODING';

/** What to do with a character the target encoding cannot represent: throw, or write `?` instead. */
export type UnmappablePolicy = 'error' | 'replace';

/** A text or notation failure with a stable `code` and the input `position` (UTF-16 index) at fault. */
export class EncodingError extends Error {
  /** Stable machine-readable reason. */
  readonly code: EncodingErrorCode;
  /** Index in the input string (UTF-16 code units) of the first character at fault, or -1 if none applies. */
  readonly position: number;

  /** Builds an error; `message` should name the bad character and its position. */
  constructor(code: EncodingErrorCode, position: number, message: string) {
    super(message);
    this.name = 'EncodingError';
    this.code = code;
    this.position = position;
  }
}

/** `'g'`, `'\n'` or `'😀' (U+1F600)`: a character as an error message shows it. */
export function describeChar(text: string, position: number): string {
  const codePoint = text.codePointAt(position) ?? 0;
  const char = String.fromCodePoint(codePoint);
  // Controls and lone surrogates are shown escaped (\n, \ud800) so the message stays printable.
  const escape = codePoint < 0x20 || codePoint === 0x7f || (codePoint >= 0xd800 && codePoint <= 0xdfff);
  const shown = escape ? JSON.stringify(char).slice(1, -1) : char;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return codePoint >= 0x20 && codePoint < 0x7f ? `'${shown}'` : `'${shown}' (U+${hex})`;
}

/** The unmappable-character error for `encoding` at `position`. */
export function unmappable(encoding: string, text: string, position: number): EncodingError {
  return new EncodingError(
    'UNMAPPABLE_CHARACTER',
    position,
    `${encoding} cannot encode ${describeChar(text, position)} at position ${position}`,
  );
}
