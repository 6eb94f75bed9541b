import type { LengthBytes, LengthFormat } from './length-format.js';

const SIZES: Record<string, LengthBytes> = { b: 1, h: 2, i: 4, l: 4, q: 8 };

/**
 * Parses a Python `struct` format holding one integer into a length format: an optional byte-order
 * character (`@` or none = native, `=` native, `<` little, `>` big, `!` network) and one of
 * `b B h H i I l L q Q`. Native order is little-endian (x86 and ARM, where the labs run). Native
 * `l`/`L` is refused because its size differs between Windows (4) and 64-bit Linux/macOS (8).
 */
export function parseStructFormat(format: string): LengthFormat {
  const match = /^\s*([@=<>!]?)\s*([bBhHiIlLqQ])\s*$/.exec(format);
  if (!match) {
    throw new RangeError(
      `struct format ${JSON.stringify(format)} is not one integer: expected an optional byte order (@ = < > !) and one of b B h H i I l L q Q`,
    );
  }
  const [, order, code] = match;
  if ((order === '' || order === '@') && (code === 'l' || code === 'L')) {
    throw new RangeError(
      `struct format ${JSON.stringify(format)} is platform-dependent (4 bytes on Windows, 8 on 64-bit Linux/macOS); write '<${code}' for 4 bytes or '<${code === 'l' ? 'q' : 'Q'}' for 8`,
    );
  }
  return {
    bytes: SIZES[code.toLowerCase()],
    endian: order === '>' || order === '!' ? 'big' : 'little',
    signed: code === code.toLowerCase(),
  };
}

/** The explicit-order Python `struct` format for a length format, e.g. `'<i'` or `'>I'`. */
export function toStructFormat(format: LengthFormat): string {
  const code = { 1: 'b', 2: 'h', 4: 'i', 8: 'q' }[format.bytes];
  return (format.endian === 'big' ? '>' : '<') + (format.signed ? code : code.toUpperCase());
}
