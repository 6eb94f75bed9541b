// Test helpers: split a byte stream at arbitrary points and run it through a decoder.
import fc from 'fast-check';
import { expect } from 'vitest';
import type { FrameCodec } from '../../../shared/framing/index.js';

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `bytes` at the given cut points (any numbers; taken modulo the length, sorted). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(last, p));
    last = p;
  }
  return out;
}

/** Arbitrary cut points for {@link splitAt}. */
export const cutPoints = fc.array(fc.nat(), { maxLength: 24 });

/** Feeds chunks to a fresh decoder, ends it, and checks nothing is left buffered. */
export function decodeChunks<T>(codec: FrameCodec<T>, chunks: readonly Uint8Array[]): T[] {
  const decoder = codec.createDecoder();
  const out: T[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk, out);
  }
  decoder.end();
  expect(decoder.buffered).toBe(0);
  return out;
}

/** Pushes `chunks` and returns the FramingError thrown (by a push or by end), with the messages before it. */
export function decodeUntilError<T>(codec: FrameCodec<T>, chunks: readonly Uint8Array[]): { error: unknown; messages: T[] } {
  const decoder = codec.createDecoder();
  const messages: T[] = [];
  try {
    for (const chunk of chunks) decoder.push(chunk, messages);
    decoder.end();
  } catch (error) {
    return { error, messages };
  }
  throw new Error('expected the decoder to fail');
}

/** Byte arrays up to `max` bytes. */
export const bytes = (max = 64) => fc.uint8Array({ maxLength: max });

/** Hex text of bytes, for readable fixtures. */
export const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Bytes from hex text like `'01 00 00 00 41'`. */
export const fromHex = (text: string) => Uint8Array.from(text.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));

/** Whether two byte arrays hold the same bytes (fast, unlike a deep toEqual on megabytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
