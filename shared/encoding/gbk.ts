import { EncodingError, unmappable, type UnmappablePolicy } from './encoding-error.js';

/** The two Chinese encodings: GBK (two-byte, plus 0x80 for €) and GB18030 (adds four-byte sequences for all of Unicode). */
export type GbkVariant = 'gbk' | 'gb18030';

/** Two-byte codes by BMP code unit (lead << 8 | trail, 0 = none), one table per decoder label. */
const twoByteTables = new Map<GbkVariant, Uint16Array>();
/** GB18030 four-byte pointer + 1 by BMP code unit (0 = none). */
let fourByteTable: Int32Array | undefined;
const decoders = new Map<GbkVariant, TextDecoder>();

const TRAILS = 190; // 0x40–0x7E and 0x80–0xFE
const FIRST_SUPPLEMENTARY_POINTER = 189000;
const BMP_FOUR_BYTE_POINTERS = 39420; // 0x81308130 … 0x8431A439

/**
 * GBK or GB18030 bytes of `text`. The encoder has no table of its own: on first use it inverts the
 * runtime's `TextDecoder` (which both browsers and Node with full ICU provide), so what it writes
 * is exactly what that decoder reads back. Unmappable characters throw or become `?`.
 */
export function encodeGbk(text: string, variant: GbkVariant = 'gbk', unmappablePolicy: UnmappablePolicy = 'error'): Uint8Array {
  const table = twoByteTable(variant);
  const gb18030 = variant === 'gb18030';
  const out = new Uint8Array(text.length * (gb18030 ? 4 : 2));
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    // WHATWG's GBK encoder writes € as the single byte 0x80 (Windows code page 936 does too).
    if (!gb18030 && c === 0x20ac) {
      out[n++] = 0x80;
      continue;
    }
    const code = table[c];
    if (code !== 0) {
      out[n++] = code >> 8;
      out[n++] = code & 0xff;
      continue;
    }
    const pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (gb18030) {
      let pointer = -1;
      if (pair) pointer = FIRST_SUPPLEMENTARY_POINTER + (text.codePointAt(i)! - 0x10000);
      else if ((c & 0xf800) !== 0xd800) pointer = getFourByteTable()[c] - 1;
      if (pointer >= 0) {
        out[n++] = 0x81 + Math.floor(pointer / 12600);
        out[n++] = 0x30 + (Math.floor(pointer / 1260) % 10);
        out[n++] = 0x81 + (Math.floor(pointer / 10) % 126);
        out[n++] = 0x30 + (pointer % 10);
        if (pair) i++;
        continue;
      }
    }
    if (unmappablePolicy === 'error') throw unmappable(gb18030 ? 'GB18030' : 'GBK', text, i);
    out[n++] = 0x3f;
    if (pair) i++;
  }
  return out.slice(0, n);
}

/** Text of GBK or GB18030 bytes, by the runtime's TextDecoder; malformed sequences become U+FFFD. */
export function decodeGbk(bytes: Uint8Array, variant: GbkVariant = 'gbk'): string {
  let decoder = decoders.get(variant);
  if (!decoder) {
    decoder = newDecoder(variant, false);
    decoders.set(variant, decoder);
  }
  return decoder.decode(bytes);
}

/**
 * Builds the reverse tables for `variant` now rather than on the first encode (a few
 * milliseconds), e.g. when a user picks GBK in a menu. Returns the build time in milliseconds.
 */
export function prepareGbkEncoder(variant: GbkVariant = 'gbk'): number {
  const start = now();
  twoByteTable(variant);
  if (variant === 'gb18030') getFourByteTable();
  return now() - start;
}

function twoByteTable(variant: GbkVariant): Uint16Array {
  let table = twoByteTables.get(variant);
  if (table) return table;
  table = new Uint16Array(0x10000);
  const decoder = newDecoder(variant, true);
  const row = new Uint8Array(TRAILS * 2);
  const trails = new Uint8Array(TRAILS);
  for (let t = 0x40, k = 0; t <= 0xfe; t++) if (t !== 0x7f) trails[k++] = t;
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let k = 0; k < TRAILS; k++) {
      row[2 * k] = lead;
      row[2 * k + 1] = trails[k];
    }
    // One decode per lead byte; only a row with an unmapped pair falls back to pair by pair.
    const text = tryDecode(decoder, row);
    for (let k = 0; k < TRAILS; k++) {
      const char = text?.length === TRAILS ? text.charCodeAt(k) : singleChar(decoder, row.subarray(2 * k, 2 * k + 2));
      // Lowest pointer wins, as in the WHATWG encoder's "index pointer".
      if (char >= 0x80 && table[char] === 0) table[char] = (lead << 8) | trails[k];
    }
  }
  twoByteTables.set(variant, table);
  return table;
}

function getFourByteTable(): Int32Array {
  if (fourByteTable) return fourByteTable;
  const table = new Int32Array(0x10000);
  const decoder = newDecoder('gb18030', true);
  const two = twoByteTable('gb18030');
  const BATCH = 1260; // one (b1, b2) pair: every b3 × b4
  const bytes = new Uint8Array(BATCH * 4);
  for (let base = 0; base < BMP_FOUR_BYTE_POINTERS; base += BATCH) {
    const count = Math.min(BATCH, BMP_FOUR_BYTE_POINTERS - base);
    for (let k = 0; k < count; k++) {
      const p = base + k;
      bytes[4 * k] = 0x81 + Math.floor(p / 12600);
      bytes[4 * k + 1] = 0x30 + (Math.floor(p / 1260) % 10);
      bytes[4 * k + 2] = 0x81 + (Math.floor(p / 10) % 126);
      bytes[4 * k + 3] = 0x30 + (p % 10);
    }
    const batch = bytes.subarray(0, count * 4);
    const text = tryDecode(decoder, batch);
    for (let k = 0; k < count; k++) {
      const char = text?.length === count ? text.charCodeAt(k) : singleChar(decoder, batch.subarray(4 * k, 4 * k + 4));
      if (char >= 0x80 && two[char] === 0 && table[char] === 0) table[char] = base + k + 1;
    }
  }
  fourByteTable = table;
  return table;
}

function newDecoder(variant: GbkVariant, fatal: boolean): TextDecoder {
  try {
    return new TextDecoder(variant, { fatal });
  } catch {
    throw new EncodingError(
      'UNSUPPORTED_ENCODING',
      -1,
      `this runtime's TextDecoder does not support '${variant}' (Node needs full ICU, the default in official builds)`,
    );
  }
}

function tryDecode(decoder: TextDecoder, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The one BMP character `bytes` decode to, or -1 if they are not exactly one. */
function singleChar(decoder: TextDecoder, bytes: Uint8Array): number {
  const text = tryDecode(decoder, bytes);
  return text?.length === 1 ? text.charCodeAt(0) : -1;
}

function now(): number {
  return (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
}
