import { EncodingError, describeChar } from './encoding-error.js';
import { encodeText, type EncodeTextOptions, type TextEncodingName } from './text-encoding.js';

const NAMED: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00, '\\': 0x5c };
const SHOWN: Record<number, string> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x00: '\\0', 0x5c: '\\\\' };

/**
 * Bytes of text with C-style escapes: `\n`, `\r`, `\t`, `\0` (always NUL; no octal), `\\` and
 * `\xNN` (exactly two hex digits, a raw byte). Everything else is encoded in `encoding`
 * (default UTF-8). An unknown or short escape throws an `INVALID_ESCAPE` EncodingError at the backslash.
 */
export function parseEscapes(text: string, encoding: TextEncodingName = 'utf-8', options: EncodeTextOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  let literal = 0;
  let i = text.indexOf('\\');
  if (i < 0) return encodeText(text, encoding, options);
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length > 0) parts.push(Uint8Array.from(bytes.splice(0)));
  };
  while (i >= 0) {
    if (i > literal) {
      flushBytes();
      parts.push(encodeRun(text, literal, i, encoding, options));
    }
    const code = text[i + 1];
    if (code === 'x') {
      const digits = text.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) {
        throw new EncodingError('INVALID_ESCAPE', i, `'\\x' at position ${i} needs two hex digits, got ${JSON.stringify(digits)}`);
      }
      bytes.push(parseInt(digits, 16));
      literal = i + 4;
    } else if (code !== undefined && Object.hasOwn(NAMED, code)) {
      bytes.push(NAMED[code]);
      literal = i + 2;
    } else {
      const what = code === undefined ? 'a lone backslash at the end' : `unknown escape '\\${describeChar(text, i + 1).slice(1)}`;
      throw new EncodingError('INVALID_ESCAPE', i, `${what} at position ${i} (known: \\n \\r \\t \\0 \\\\ \\xNN)`);
    }
    i = text.indexOf('\\', literal);
  }
  flushBytes();
  if (literal < text.length) parts.push(encodeRun(text, literal, text.length, encoding, options));
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Encodes `text[start, end)`, reporting an unmappable character at its position in the whole text. */
function encodeRun(text: string, start: number, end: number, encoding: TextEncodingName, options: EncodeTextOptions): Uint8Array {
  try {
    return encodeText(text.slice(start, end), encoding, options);
  } catch (error) {
    if (!(error instanceof EncodingError) || error.position < 0) throw error;
    const position = error.position + start;
    throw new EncodingError(error.code, position, error.message.replace(/at position \d+$/, `at position ${position}`));
  }
}

/**
 * A printable, ASCII-only rendering of bytes in the notation {@link parseEscapes} reads back:
 * printable ASCII as itself, `\n \r \t \0 \\` by name, every other byte as `\xNN` (uppercase).
 */
export function formatEscapes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const named = SHOWN[b];
    if (named !== undefined) out += named;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}
