import { EncodingError, describeChar } from './encoding-error.js';

const DIGITS = '0123456789ABCDEF';
const PAIRS = Array.from({ length: 256 }, (_, b) => DIGITS[b >> 4] + DIGITS[b & 15]);

/**
 * Bytes written in hex, as people paste them: `41 42`, `4142`, `0x41,0x42`, `0x41 0x42`,
 * `\x41\x42`, in any mix, separated by whitespace and commas (full-width `，` too). A run of digits is read in pairs
 * (`0xDEADBEEF` is four bytes); a single digit after `0x` or `\x` is one byte (`0x7` = 07).
 * Throws an `INVALID_HEX` EncodingError naming the bad character and its position.
 */
export function parseHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x2c || c === 0xff0c || isSpace(c)) {
      i++;
      continue;
    }
    const prefixed = (c === 0x30 && (text[i + 1] === 'x' || text[i + 1] === 'X')) || (c === 0x5c && text[i + 1] === 'x');
    const start = prefixed ? i + 2 : i;
    let end = start;
    while (end < text.length && hexValue(text.charCodeAt(end)) >= 0) end++;
    if (end === start) {
      const at = prefixed ? start : i;
      const what = at < text.length ? `invalid hex character ${describeChar(text, at)}` : 'hex input ends';
      throw new EncodingError('INVALID_HEX', at, `${what} at position ${at}${prefixed ? ` (expected digits after '${text.slice(i, i + 2)}')` : ''}`);
    }
    const next = text.charCodeAt(end);
    if (end < text.length && next !== 0x2c && next !== 0xff0c && !isSpace(next) && !(next === 0x5c && text[end + 1] === 'x')) {
      throw new EncodingError('INVALID_HEX', end, `invalid hex character ${describeChar(text, end)} at position ${end}`);
    }
    const digits = end - start;
    if (prefixed && digits === 1) {
      out[n++] = hexValue(text.charCodeAt(start));
    } else if (digits % 2 === 1) {
      throw new EncodingError(
        'INVALID_HEX',
        start,
        `odd number of hex digits in '${text.slice(start, end)}' at position ${start} (write each byte as two digits)`,
      );
    } else {
      for (let k = start; k < end; k += 2) out[n++] = (hexValue(text.charCodeAt(k)) << 4) | hexValue(text.charCodeAt(k + 1));
    }
    i = end;
  }
  return out.slice(0, n);
}

/** Bytes as uppercase hex pairs separated by `separator` (default one space): `41 42 0A`. */
export function formatHex(bytes: Uint8Array, separator = ' '): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = PAIRS[bytes[i]];
  return parts.join(separator);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x3000 || c === 0xfeff;
}
