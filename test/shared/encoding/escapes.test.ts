import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, formatEscapes, formatHex, parseEscapes } from '../../../shared/encoding/index.js';

function errorOf(fn: () => unknown): EncodingError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EncodingError);
    return e as EncodingError;
  }
  throw new Error('expected an EncodingError');
}

describe('parseEscapes', () => {
  it.each([
    ['GET / HTTP/1.0\\r\\n\\r\\n', '47 45 54 20 2F 20 48 54 54 50 2F 31 2E 30 0D 0A 0D 0A'],
    ['a\\tb\\0c\\\\', '61 09 62 00 63 5C'],
    ['\\x00\\xff\\xAB', '00 FF AB'],
    ['\\012', '00 31 32'],
    ['你\\n', 'E4 BD A0 0A'],
    ['', ''],
  ])('reads %j as %s', (input, hex) => {
    expect(formatHex(parseEscapes(input))).toBe(hex);
  });

  it('encodes the literal text in the chosen encoding and the escapes as raw bytes', () => {
    expect(formatHex(parseEscapes('你好\\xFF\\n', 'gbk'))).toBe('C4 E3 BA C3 FF 0A');
    expect(formatHex(parseEscapes('é\\xE9', 'latin1'))).toBe('E9 E9');
  });

  it.each([
    ['ab\\q', 2, "unknown escape '\\q' at position 2 (known: \\n \\r \\t \\0 \\\\ \\xNN)"],
    ['\\x4', 0, "'\\x' at position 0 needs two hex digits, got \"4\""],
    ['\\xg0', 0, 'needs two hex digits'],
    ['end\\', 3, 'a lone backslash at the end at position 3'],
    ['\\"', 0, "unknown escape '\\\"'"],
  ])('rejects %j at position %d', (input, position, message) => {
    const error = errorOf(() => parseEscapes(input));
    expect(error.code).toBe('INVALID_ESCAPE');
    expect(error.position).toBe(position);
    expect(error.message).toContain(message);
  });

  it('reports an unmappable character at its position in the whole input', () => {
    const error = errorOf(() => parseEscapes('\\n\\tab€', 'latin1'));
    expect([error.code, error.position, error.message]).toEqual(['UNMAPPABLE_CHARACTER', 6, "Latin-1 cannot encode '€' (U+20AC) at position 6"]);
    expect(formatHex(parseEscapes('\\n€', 'latin1', { unmappable: 'replace' }))).toBe('0A 3F');
  });
});

describe('formatEscapes', () => {
  it('shows printable ASCII as itself and everything else escaped', () => {
    expect(formatEscapes(Uint8Array.of(0x48, 0x69, 0x0d, 0x0a, 0x09, 0x00, 0x5c, 0x7f, 0xe4, 0x1b))).toBe('Hi\\r\\n\\t\\0\\\\\\x7F\\xE4\\x1B');
  });

  it('round-trips any bytes through parseEscapes, as printable ASCII', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const shown = formatEscapes(bytes);
        expect(shown).toMatch(/^[\x20-\x7e]*$/);
        expect(parseEscapes(shown)).toEqual(bytes);
      }),
    );
  });
});
