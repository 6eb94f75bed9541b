import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PassthroughCodec } from '../../../shared/framing/index.js';
import { concat, cutPoints, fromHex, splitAt } from './chunks.js';

describe('PassthroughCodec', () => {
  it('returns every non-empty chunk as one message and writes messages unchanged', () => {
    const codec = new PassthroughCodec();
    const decoder = codec.createDecoder();
    expect(decoder.push(fromHex('01 02'))).toEqual([fromHex('01 02')]);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect(decoder.offset).toBe(2);
    expect(decoder.buffered).toBe(0);
    decoder.end();
    expect(codec.encode(fromHex('03'))).toEqual(fromHex('03'));
  });

  it('keeps the byte stream intact however it is split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutPoints, (stream, cuts) => {
        const decoder = new PassthroughCodec().createDecoder();
        const out: Uint8Array[] = [];
        for (const chunk of splitAt(stream, cuts)) decoder.push(chunk, out);
        decoder.end();
        expect(concat(out)).toEqual(stream);
        expect(out.every((m) => m.length > 0)).toBe(true);
      }),
    );
  });
});
