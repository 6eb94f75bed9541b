import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError, LengthPrefixCodec, maxLengthValue, type LengthPrefixSpec } from '../../../shared/framing/index.js';
import { bytes, concat, cutPoints, decodeChunks, decodeUntilError, fromHex, hex, sameBytes, splitAt } from './chunks.js';

describe('LengthPrefixCodec', () => {
  it("defaults to Python's struct.pack('i', n): 4 bytes little-endian signed", () => {
    const codec = new LengthPrefixCodec();
    expect(hex(codec.encode(new TextEncoder().encode('AB')))).toBe('02 00 00 00 41 42');
    expect(codec.format).toEqual({ bytes: 4, endian: 'little', signed: true });
  });

  it.each([
    ['i', '03 00 00 00 61 62 63'],
    ['!I', '00 00 00 03 61 62 63'],
    ['>H', '00 03 61 62 63'],
    ['<H', '03 00 61 62 63'],
    ['B', '03 61 62 63'],
    ['<Q', '03 00 00 00 00 00 00 00 61 62 63'],
    ['>q', '00 00 00 00 00 00 00 03 61 62 63'],
  ])("struct format '%s' frames 'abc' as %s", (format, expected) => {
    const codec = new LengthPrefixCodec({ format });
    const framed = codec.encode(new TextEncoder().encode('abc'));
    expect(hex(framed)).toBe(expected);
    expect(new TextDecoder().decode(codec.decode(framed)[0])).toBe('abc');
  });

  it('can count the header in the length', () => {
    const codec = new LengthPrefixCodec({ format: '!H', includesHeader: true });
    expect(hex(codec.encode(fromHex('aa bb')))).toBe('00 04 aa bb');
    expect(codec.decode(fromHex('00 04 aa bb 00 02'))).toEqual([fromHex('aa bb'), new Uint8Array(0)]);
  });

  it('decodes empty frames and frames back to back in one chunk', () => {
    const codec = new LengthPrefixCodec({ format: '>B' });
    expect(codec.decode(fromHex('00 01 41 02 42 43'))).toEqual([new Uint8Array(0), fromHex('41'), fromHex('42 43')]);
  });

  const specs = fc.record({
    bytes: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    endian: fc.constantFrom('big' as const, 'little' as const),
    signed: fc.boolean(),
    includesHeader: fc.boolean(),
  });

  it('decodes any sequence of messages, split anywhere, back to the same messages', () => {
    fc.assert(
      fc.property(specs, fc.array(bytes(150), { maxLength: 12 }), cutPoints, (spec, messages, cuts) => {
        const codec = new LengthPrefixCodec(spec);
        const room = maxLengthValue(codec.format) - (spec.includesHeader ? spec.bytes : 0);
        const fitting = messages.map((m) => m.subarray(0, room));
        const stream = concat(fitting.map((m) => codec.encode(m)));
        expect(decodeChunks(codec, splitAt(stream, cuts))).toEqual(fitting);
      }),
    );
  });

  it('decodes a stream fed one byte at a time', () => {
    const codec = new LengthPrefixCodec({ format: '!I' });
    const messages = [fromHex('01 02 03'), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const stream = concat(messages.map((m) => codec.encode(m)));
    expect(decodeChunks(codec, splitAt(stream, Array.from(stream.keys())))).toEqual(messages);
  });

  it('takes one 1 MB frame in 7-byte chunks, and 100,000 tiny frames in one chunk', () => {
    const codec = new LengthPrefixCodec({ format: '!I' });
    const big = new Uint8Array(1_000_000).map((_, i) => i * 31);
    const framed = codec.encode(big);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < framed.length; i += 7) chunks.push(framed.subarray(i, i + 7));
    const [decoded] = decodeChunks(codec, chunks);
    expect(sameBytes(decoded, big)).toBe(true);

    const tiny = concat(Array.from({ length: 100_000 }, (_, i) => codec.encode(Uint8Array.of(i & 0xff))));
    const many = decodeChunks(codec, [tiny]);
    expect(many.length).toBe(100_000);
    expect(many[99_999]).toEqual(Uint8Array.of(99_999 & 0xff));
  });

  it('returns plain Uint8Arrays that do not alias the input', () => {
    const codec = new LengthPrefixCodec({ format: 'B' });
    const input = fromHex('02 41 42');
    const [message] = codec.decode(input);
    input.fill(0);
    expect(message.constructor).toBe(Uint8Array);
    expect(hex(message)).toBe('41 42');
  });

  it('tracks buffered bytes and the stream offset of the next frame', () => {
    const decoder = new LengthPrefixCodec({ format: '!H' }).createDecoder();
    expect(decoder.push(fromHex('00 02 41'))).toEqual([]);
    expect(decoder.buffered).toBe(3);
    expect(decoder.offset).toBe(0);
    expect(decoder.push(fromHex('42 00'))).toEqual([fromHex('41 42')]);
    expect(decoder.buffered).toBe(1);
    expect(decoder.offset).toBe(4);
  });

  describe('errors', () => {
    function failure(spec: Omit<LengthPrefixSpec, 'kind'>, chunks: Uint8Array[]) {
      const { error, messages } = decodeUntilError(new LengthPrefixCodec(spec), chunks);
      expect(error).toBeInstanceOf(FramingError);
      return { error: error as FramingError, messages };
    }

    it('reports a frame above maxFrame at its header, at once, keeping the frames before it', () => {
      // 'i' header promising 1 GiB: the decoder must fail on the header, not wait for the bytes.
      const { error, messages } = failure({ format: 'i', maxFrame: 1024 }, [fromHex('01 00 00 00 41 00 00 00 40')]);
      expect(error.code).toBe('FRAME_TOO_LARGE');
      expect(error.offset).toBe(5);
      expect(error.message).toContain('1073741824');
      expect(messages).toEqual([fromHex('41')]);
    });

    it('reports a negative signed length', () => {
      const { error } = failure({ format: 'i' }, [fromHex('00 00 00 00'), fromHex('ff ff ff ff')]);
      expect(error.code).toBe('NEGATIVE_LENGTH');
      expect(error.offset).toBe(4);
    });

    it('reports a length smaller than the header it counts', () => {
      const { error } = failure({ format: '!I', includesHeader: true }, [fromHex('00 00 00 03 41')]);
      expect(error.code).toBe('NEGATIVE_LENGTH');
      expect(error.offset).toBe(0);
    });

    it('reports an 8-byte length beyond any safe size', () => {
      const { error } = failure({ format: '>Q' }, [fromHex('ff ff ff ff ff ff ff ff')]);
      expect(error.code).toBe('FRAME_TOO_LARGE');
      expect(error.offset).toBe(0);
    });

    it('reports a stream that ends inside a frame where that frame starts', () => {
      const partialBody = failure({ format: '!H' }, [fromHex('00 01 41 00 05 41 42')]);
      expect(partialBody.error.code).toBe('TRUNCATED');
      expect(partialBody.error.offset).toBe(3);
      expect(partialBody.error.message).toContain('2 of 5 payload bytes');
      expect(partialBody.messages).toEqual([fromHex('41')]);
      const partialHeader = failure({ format: '!I' }, [fromHex('00 00')]);
      expect(partialHeader.error.code).toBe('TRUNCATED');
      expect(partialHeader.error.offset).toBe(0);
    });

    it('stays failed: later calls rethrow the same error', () => {
      const decoder = new LengthPrefixCodec({ format: 'b' }).createDecoder();
      expect(() => decoder.push(fromHex('ff'))).toThrow(FramingError);
      expect(() => decoder.push(fromHex('00'))).toThrow(/NEGATIVE_LENGTH/);
      expect(() => decoder.end()).toThrow(/NEGATIVE_LENGTH/);
    });

    it('refuses pushes after end()', () => {
      const decoder = new LengthPrefixCodec().createDecoder();
      decoder.end();
      expect(() => decoder.push(fromHex('00'))).toThrow('FrameDecoder has ended: push() called after end()');
    });

    it('refuses to encode what the header or maxFrame cannot carry', () => {
      expect(() => new LengthPrefixCodec({ format: 'b' }).encode(new Uint8Array(128))).toThrow(RangeError);
      expect(() => new LengthPrefixCodec({ format: 'B', includesHeader: true }).encode(new Uint8Array(255))).toThrow(/'<B' length field/);
      expect(() => new LengthPrefixCodec({ maxFrame: 3 }).encode(new Uint8Array(4))).toThrow('exceeds maxFrame 3');
      expect(new LengthPrefixCodec({ format: 'b' }).encode(new Uint8Array(127)).length).toBe(128);
    });

    it('rejects bad options, naming the field', () => {
      expect(() => new LengthPrefixCodec({ bytes: 3 as 4 })).toThrow('bytes must be 1, 2, 4 or 8, got 3');
      expect(() => new LengthPrefixCodec({ format: '!I', bytes: 4 })).toThrow('either format or bytes');
      expect(() => new LengthPrefixCodec({ format: 'l' })).toThrow(/platform-dependent/);
      expect(() => new LengthPrefixCodec({ maxFrame: -1 })).toThrow('maxFrame must be an integer');
      expect(() => new LengthPrefixCodec({ maxframe: 1 } as never)).toThrow('unknown field "maxframe"');
    });
  });
});
