import { EncodingError, describeChar } from './encoding-error.js';
import { decodeLatin1 } from './latin1.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
VALUES[0x2d] = 62; // '-' and '_': the URL-safe alphabet decodes too
VALUES[0x5f] = 63;

/** Standard base64 (RFC 4648 §4, with `=` padding) of `bytes`; needs neither Buffer nor btoa. */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let n = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[n++] = CODES[v >> 18];
    out[n++] = CODES[(v >> 12) & 63];
    out[n++] = CODES[(v >> 6) & 63];
    out[n++] = CODES[v & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const v = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[n++] = CODES[v >> 18];
    out[n++] = CODES[(v >> 12) & 63];
    out[n++] = rest === 2 ? CODES[(v >> 6) & 63] : 0x3d;
    out[n++] = 0x3d;
  }
  return decodeLatin1(out);
}

/**
 * Bytes of base64 text, standard or URL-safe alphabet, padding optional, ASCII whitespace ignored
 * (so pasted, line-wrapped base64 works). Throws an `INVALID_BASE64` EncodingError with the position.
 */
export function decodeBase64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let count = 0;
  let padding = 0;
  let lastData = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) continue;
    if (c === 0x3d) {
      padding++;
      if (count % 4 < 2 || count % 4 + padding > 4) {
        throw new EncodingError('INVALID_BASE64', i, `unexpected '=' at position ${i}`);
      }
      continue;
    }
    const value = c < 128 ? VALUES[c] : -1;
    if (value < 0 || padding > 0) {
      const why = value < 0 ? `invalid base64 character ${describeChar(text, i)}` : `data after '=' padding`;
      throw new EncodingError('INVALID_BASE64', i, `${why} at position ${i}`);
    }
    acc = (acc << 6) | value;
    lastData = i;
    if (++count % 4 === 0) {
      out[n++] = acc >> 16;
      out[n++] = (acc >> 8) & 0xff;
      out[n++] = acc & 0xff;
      acc = 0;
    }
  }
  const rest = count % 4;
  if (rest === 1) {
    throw new EncodingError('INVALID_BASE64', lastData, `base64 ends with a lone character at position ${lastData}`);
  }
  if (padding > 0 && rest + padding !== 4) {
    throw new EncodingError('INVALID_BASE64', text.length, `base64 padding is incomplete at position ${text.length}`);
  }
  if (rest === 2) out[n++] = acc >> 4;
  if (rest === 3) {
    out[n++] = acc >> 10;
    out[n++] = (acc >> 2) & 0xff;
  }
  return out.slice(0, n);
}
