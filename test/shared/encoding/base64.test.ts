import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, decodeBase64, encodeBase64 } from '../../../shared/encoding/index.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('base64', () => {
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('RFC 4648 vector %j ↔ %j', (plain, encoded) => {
    expect(encodeBase64(text(plain))).toBe(encoded);
    expect(decodeBase64(encoded)).toEqual(text(plain));
  });

  it('agrees with Node for any bytes, both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const encoded = encodeBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(encoded)).toEqual(bytes);
        expect(decodeBase64(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
      }),
    );
  });

  it('accepts line-wrapped input, missing padding and the URL-safe alphabet', () => {
    expect(decodeBase64('Zm9v\r\nYmE')).toEqual(text('fooba'));
    expect(decodeBase64(' Zg = = ')).toEqual(text('f'));
    expect(Array.from(decodeBase64('-_8'))).toEqual([0xfb, 0xff]);
  });

  it.each([
    ['Zm9v!', 4, "invalid base64 character '!' at position 4"],
    ['Zg==Zg==', 4, "data after '=' padding at position 4"],
    ['=Zg', 0, "unexpected '=' at position 0"],
    ['Zg===', 4, "unexpected '=' at position 4"],
    ['Zm9vY', 4, 'base64 ends with a lone character at position 4'],
    ['Zg=', 3, 'base64 padding is incomplete at position 3'],
    ['Zm9v你', 4, "invalid base64 character '你' (U+4F60) at position 4"],
  ])('rejects %j at position %d', (input, position, message) => {
    expect(() => decodeBase64(input)).toThrow(new EncodingError('INVALID_BASE64', position, message));
    try {
      decodeBase64(input);
    } catch (e) {
      expect((e as EncodingError).code).toBe('INVALID_BASE64');
      expect((e as EncodingError).position).toBe(position);
    }
  });
});
