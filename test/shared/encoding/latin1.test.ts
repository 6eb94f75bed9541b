import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, decodeLatin1, encodeLatin1 } from '../../../shared/encoding/index.js';

describe('Latin-1 (true ISO-8859-1)', () => {
  const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('maps every byte 0–255 to the code point of the same value and back', () => {
    const text = decodeLatin1(allBytes);
    expect(Array.from(text, (c) => c.charCodeAt(0))).toEqual(Array.from(allBytes));
    expect(encodeLatin1(text)).toEqual(allBytes);
  });

  it("keeps 0x80–0x9F as C1 controls (browsers' TextDecoder('latin1') is windows-1252: 0x80 → '€')", () => {
    expect(decodeLatin1(Uint8Array.of(0x80, 0x9f))).toBe('\u0080\u009f');
    expect(Array.from(encodeLatin1('\u0080\u009f'))).toEqual([0x80, 0x9f]);
  });

  it('round-trips any text of code points up to U+00FF, and any bytes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 100 }), (text) => {
      expect(decodeLatin1(encodeLatin1(text))).toBe(text);
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      expect(encodeLatin1(decodeLatin1(bytes))).toEqual(bytes);
    }));
  });

  it('decodes large inputs (past the fromCharCode slice size)', () => {
    const big = new Uint8Array(100_000).map((_, i) => i);
    expect(Buffer.compare(encodeLatin1(decodeLatin1(big)), big)).toBe(0);
  });

  it('throws on characters above U+00FF, or writes one ? per character', () => {
    const error = (() => {
      try {
        encodeLatin1('a€');
      } catch (e) {
        return e as EncodingError;
      }
    })();
    expect(error).toBeInstanceOf(EncodingError);
    expect([error?.code, error?.position, error?.message]).toEqual([
      'UNMAPPABLE_CHARACTER',
      1,
      "Latin-1 cannot encode '€' (U+20AC) at position 1",
    ]);
    expect(decodeLatin1(encodeLatin1('é😀€', 'replace'))).toBe('é??');
  });
});
