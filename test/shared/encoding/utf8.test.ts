import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, decodeUtf8, encodeUtf8 } from '../../../shared/encoding/index.js';

describe('UTF-8', () => {
  it('round-trips any well-formed text, including a leading BOM', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
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
