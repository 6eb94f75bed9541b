import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, TEXT_ENCODINGS, decodeText, encodeText, formatHex, type TextEncodingName } from '../../../shared/encoding/index.js';

describe('encodeText / decodeText', () => {
  it.each([
    ['utf-8', '中A', 'E4 B8 AD 41'],
    ['gbk', '中A', 'D6 D0 41'],
    ['gb18030', '中A', 'D6 D0 41'],
    ['latin1', 'ÿA', 'FF 41'],
  ] as const)('%s: %s is %s', (encoding, text, hex) => {
    expect(formatHex(encodeText(text, encoding))).toBe(hex);
    expect(decodeText(encodeText(text, encoding), encoding)).toBe(text);
  });

  it('round-trips ASCII in every encoding', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.constantFrom(...TEXT_ENCODINGS), (text, encoding) => {
        expect(decodeText(encodeText(text, encoding), encoding)).toBe(text);
      }),
    );
  });

  it('refuses unknown encodings and policies', () => {
    const error = (() => {
      try {
        encodeText('a', 'ascii' as TextEncodingName);
      } catch (e) {
        return e as EncodingError;
      }
    })();
    expect(error).toBeInstanceOf(EncodingError);
    expect(error?.code).toBe('UNSUPPORTED_ENCODING');
    expect(error?.message).toBe('unknown text encoding "ascii" (known: utf-8, gbk, gb18030, latin1)');
    expect(() => decodeText(new Uint8Array(0), 'utf8' as TextEncodingName)).toThrow(EncodingError);
    expect(() => encodeText('a', 'gbk', { unmappable: 'skip' as 'error' })).toThrow(TypeError);
  });

  it('replaces unmappable characters when asked', () => {
    expect(decodeText(encodeText('a😀b', 'gbk', { unmappable: 'replace' }), 'gbk')).toBe('a?b');
  });
});
