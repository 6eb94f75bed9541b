import { unmappable, type UnmappablePolicy } from './encoding-error.js';

const SLICE = 0x2000;

/**
 * True ISO-8859-1 bytes of `text` (U+0000–U+00FF → 0x00–0xFF). Not windows-1252, which is what
 * browsers' TextDecoder('latin1') gives; here every byte value round-trips.
 */
export function encodeLatin1(text: string, unmappablePolicy: UnmappablePolicy = 'error'): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0xff) {
      out[n++] = c;
      continue;
    }
    if (unmappablePolicy === 'error') throw unmappable('Latin-1', text, i);
    out[n++] = 0x3f;
    // One '?' per character, not per UTF-16 unit.
    if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** Text of ISO-8859-1 bytes: each byte is the code point of the same value. */
export function decodeLatin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += SLICE) {
    text += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  }
  return text;
}
