import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, decodeUtf8, encodeUtf8 } from '../../../shared/encoding/index.js';

/** Any well-formed text: code points from the whole Unicode range, surrogates excluded (cheaper than fc's 'binary' unit, whose first use costs seconds). */
const anyText = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), { maxLength })
    .map((codePoints) => String.fromCodePoint(...codePoints));

describe('UTF-8', () => {
  it('round-trips any well-formed text, including a leading BOM', () => {
    fc.assert(fc.property(anyText(60), (text) => {
      expect(decodeUtf8(encodeUtf8(text))).toBe(text);
    }));
    expect(decodeUtf8(encodeUtf8('\uFEFFhi'))).toBe('\uFEFFhi');
  });

  it('writes the expected bytes', () => {
    expect(Array.from(encodeUtf8('A你😀'))).toEqual([0x41, 0xe4, 0xbd, 0xa0, 0xf0, 0x9f, 0x98, 0x80]);
  });

  it('throws at a lone surrogate, or writes ?', () => {
    expect(() => encodeUtf8('ok\uD800x')).toThrow(new EncodingError('UNMAPPABLE_CHARACTER', 2, "UTF-8 cannot encode '\\ud800' (U+D800) at position 2"));
    expect(() => encodeUtf8('\uDC00')).toThrow(EncodingError);
    expect(decodeUtf8(encodeUtf8('a\uDC00b\uD83D\uDE00\uD83D', 'replace'))).toBe('a?b😀?');
  });

  it('shows malformed bytes as U+FFFD', () => {
    expect(decodeUtf8(Uint8Array.of(0x41, 0xff, 0x42))).toBe('A\uFFFDB');
  });
});
