import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, formatHex, parseHex } from '../../../shared/encoding/index.js';

const AB = [0x41, 0x42];

describe('parseHex', () => {
  it.each([
    ['41 42', AB],
    ['4142', AB],
    ['0x41,0x42', AB],
    ['0x41, 0x42', AB],
    ['0x41 0x42', AB],
    ['\\x41\\x42', AB],
    ['  41\t42\r\n', AB],
    ['41 0x42', AB],
    ['\\x41 42', AB],
    ['0X41，0x42', AB],
    ['41\u300042', AB],
    ['0xDEADbeef', [0xde, 0xad, 0xbe, 0xef]],
    ['0x7 \\xA', [0x07, 0x0a]],
    ['', []],
    [' , ', []],
  ])('reads %j', (text, bytes) => {
    expect(Array.from(parseHex(text))).toEqual(bytes);
  });

  it.each([
    ['41 4g', 4, "invalid hex character 'g' at position 4"],
    ['41 42 4', 6, "odd number of hex digits in '4' at position 6 (write each byte as two digits)"],
    ['414', 0, "odd number of hex digits in '414' at position 0"],
    ['0x', 2, "hex input ends at position 2 (expected digits after '0x')"],
    ['0x41 0xZZ', 7, "invalid hex character 'Z' at position 7 (expected digits after '0x')"],
    ['41;42', 2, "invalid hex character ';' at position 2"],
    ['41\u00e942', 2, "invalid hex character 'é' (U+00E9) at position 2"],
    ['\\u41', 0, "invalid hex character '\\' at position 0"],
  ])('rejects %j at position %d', (text, position, message) => {
    let error: unknown;
    try {
      parseHex(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodingError);
    expect((error as EncodingError).code).toBe('INVALID_HEX');
    expect((error as EncodingError).position).toBe(position);
    expect((error as EncodingError).message).toContain(message);
  });
});

describe('formatHex', () => {
  it('writes uppercase pairs separated by spaces', () => {
    expect(formatHex(Uint8Array.of(0x41, 0x0a, 0xff, 0x00))).toBe('41 0A FF 00');
    expect(formatHex(Uint8Array.of(0xab, 0xcd), '')).toBe('ABCD');
    expect(formatHex(new Uint8Array(0))).toBe('');
  });

  it('round-trips with parseHex in every notation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const pairs = formatHex(bytes).split(' ').filter(Boolean);
        for (const text of [formatHex(bytes), formatHex(bytes, ''), pairs.map((p) => `0x${p}`).join(','), pairs.map((p) => `\\x${p.toLowerCase()}`).join('')]) {
          expect(parseHex(text)).toEqual(bytes);
        }
      }),
    );
  });
});

describe('error messages', () => {
  it('show control characters escaped', () => {
    expect(() => parseHex('41\u000142')).toThrow("invalid hex character '\\u0001' (U+0001) at position 2");
  });
});
