import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixedSizeCodec, FramingError } from '../../../shared/framing/index.js';
import { concat, cutPoints, decodeChunks, decodeUntilError, fromHex, splitAt } from './chunks.js';

describe('FixedSizeCodec', () => {
  it('cuts the stream every size bytes', () => {
    const codec = new FixedSizeCodec({ size: 2 });
    expect(codec.decode(fromHex('01 02 03 04'))).toEqual([fromHex('01 02'), fromHex('03 04')]);
    expect(codec.encode(fromHex('05 06'))).toEqual(fromHex('05 06'));
  });

  it('decodes any sequence of messages, split anywhere, back to the same messages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat({ max: 12 }), cutPoints, (size, count, cuts) => {
        const codec = new FixedSizeCodec({ size });
        const messages = Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(i));
        const stream = concat(messages.map((m) => codec.encode(m)));
        expect(decodeChunks(codec, splitAt(stream, cuts))).toEqual(messages);
      }),
    );
  });

  it('reports a partial message at the end where it starts', () => {
    const { error, messages } = decodeUntilError(new FixedSizeCodec({ size: 3 }), [fromHex('01 02 03 04'), fromHex('05')]);
    expect(error).toBeInstanceOf(FramingError);
    expect((error as FramingError).code).toBe('TRUNCATED');
    expect((error as FramingError).offset).toBe(3);
    expect((error as FramingError).message).toContain('2 of 3 bytes');
    expect(messages).toEqual([fromHex('01 02 03')]);
  });

  it('refuses messages of another size and bad sizes', () => {
    expect(() => new FixedSizeCodec({ size: 2 }).encode(fromHex('01'))).toThrow('not the fixed size 2');
    expect(() => new FixedSizeCodec({ size: 0 })).toThrow('size must be an integer from 1');
    expect(() => new FixedSizeCodec({} as never)).toThrow(RangeError);
  });
});
