import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError, JsonHeaderCodec, type JsonHeaderMessage, type JsonHeaderOptions } from '../../../shared/framing/index.js';
import { bytes, concat, cutPoints, decodeChunks, decodeUntilError, fromHex, hex, sameBytes, splitAt } from './chunks.js';

const text = (s: string) => new TextEncoder().encode(s);

/** What Python sends: struct.pack('i', len(header_bytes)) + header_bytes + body. */
function pythonFrame(headerJson: string, body: Uint8Array, prefix = 'le32'): Uint8Array {
  const header = text(headerJson);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setInt32(0, header.length, prefix === 'le32');
  return concat([length, header, body]);
}

describe('JsonHeaderCodec', () => {
  it("decodes the course's header + body, with Python's json.dumps spacing", () => {
    const codec = new JsonHeaderCodec({ lengthField: 'file_size' });
    const frame = pythonFrame('{"file_size": 3, "filename": "\\u4f60\\u597d.txt"}', text('abc'));
    const [message] = codec.decode(frame);
    expect(message.header).toEqual({ file_size: 3, filename: '你好.txt' });
    expect(message.body).toEqual(text('abc'));
  });

  it('encodes a 4-byte little-endian header length, the JSON header, and the body; filling in the length field', () => {
    const codec = new JsonHeaderCodec();
    const header = { filename: 'a' };
    const framed = codec.encode({ header, body: text('xy') });
    const json = '{"filename":"a","total_size":2}';
    expect(hex(framed.subarray(0, 4))).toBe(`${json.length.toString(16)} 00 00 00`);
    expect(new TextDecoder().decode(framed.subarray(4))).toBe(`${json}xy`);
    expect(header).toEqual({ filename: 'a' });
  });

  it("takes another prefix format, e.g. '!I'", () => {
    const codec = new JsonHeaderCodec({ format: '!I', lengthField: 'size' });
    const [message] = codec.decode(pythonFrame('{"size":1}', text('z'), 'be32'));
    expect(message.body).toEqual(text('z'));
  });

  it('refuses to encode a header whose length field disagrees with the body', () => {
    const codec = new JsonHeaderCodec();
    expect(() => codec.encode({ header: { total_size: 5 }, body: text('ab') })).toThrow('total_size is 5 but the body has 2 bytes');
    expect(codec.encode({ header: { total_size: 2 }, body: text('ab') }).length).toBe(4 + 16 + 2);
  });

  const headers = fc.dictionary(
    fc.string({ maxLength: 6 }).filter((k) => k !== 'total_size' && k !== '__proto__'),
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)),
    { maxKeys: 4 },
  );

  it('decodes any sequence of messages, split anywhere, back to the same messages', () => {
    fc.assert(
      fc.property(fc.constantFrom('i', '!I', '<H', '>Q'), fc.array(fc.tuple(headers, bytes(60)), { maxLength: 8 }), cutPoints, (format, raw, cuts) => {
        const codec = new JsonHeaderCodec({ format });
        const messages: JsonHeaderMessage[] = raw.map(([header, body]) => ({ header, body }));
        const stream = concat(messages.map((m) => codec.encode(m)));
        const decoded = decodeChunks(codec, splitAt(stream, cuts));
        expect(decoded).toEqual(messages.map(({ header, body }) => ({ header: { ...header, total_size: body.length }, body })));
      }),
    );
  });

  it('takes a 3 MB body in small chunks', () => {
    const codec = new JsonHeaderCodec({ lengthField: 'file_size' });
    const body = new Uint8Array(3_000_000).map((_, i) => i % 251);
    const framed = codec.encode({ header: { filename: 'big.bin' }, body });
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < framed.length; i += 1024) chunks.push(framed.subarray(i, i + 1024));
    const [message] = decodeChunks(codec, chunks);
    expect(message.header).toEqual({ filename: 'big.bin', file_size: 3_000_000 });
    expect(sameBytes(message.body, body)).toBe(true);
  });

  describe('errors', () => {
    function failure(options: JsonHeaderOptions, chunks: Uint8Array[]) {
      const { error, messages } = decodeUntilError(new JsonHeaderCodec(options), chunks);
      expect(error).toBeInstanceOf(FramingError);
      return { error: error as FramingError, messages };
    }
    const good = pythonFrame('{"total_size":1}', text('!')); // 4 + 16 + 1 = 21 bytes

    it('reports a header that is not JSON at the header text, after the good frames', () => {
      const { error, messages } = failure({}, [good, pythonFrame('{"total_size":', new Uint8Array(0))]);
      expect(error.code).toBe('BAD_JSON_HEADER');
      expect(error.offset).toBe(21 + 4);
      expect(error.message).toContain('"{\\"total_size\\":"');
      expect(messages).toHaveLength(1);
    });

    it('reports a header that is not UTF-8, not an object, or has a non-integer length', () => {
      expect(failure({}, [concat([fromHex('02 00 00 00 c3 28')])]).error.code).toBe('BAD_JSON_HEADER');
      expect(failure({}, [pythonFrame('[1]', new Uint8Array(0))]).error.message).toContain('not an object');
      expect(failure({}, [pythonFrame('{"total_size":"3"}', new Uint8Array(0))]).error.code).toBe('BAD_JSON_HEADER');
      expect(failure({}, [pythonFrame('{"total_size":1.5}', new Uint8Array(0))]).error.code).toBe('BAD_JSON_HEADER');
    });

    it('reports a header without the length field, listing the fields it has', () => {
      const { error } = failure({ lengthField: 'file_size' }, [pythonFrame('{"filesize": 3, "name": "a"}', text('abc'))]);
      expect(error.code).toBe('MISSING_LENGTH_FIELD');
      expect(error.offset).toBe(4);
      expect(error.message).toContain('no "file_size" field (fields: filesize, name)');
    });

    it('reports negative lengths in the prefix and in the header', () => {
      const prefix = failure({}, [good, fromHex('fe ff ff ff')]);
      expect([prefix.error.code, prefix.error.offset]).toEqual(['NEGATIVE_LENGTH', 21]);
      const field = failure({}, [pythonFrame('{"total_size":-1}', new Uint8Array(0))]);
      expect([field.error.code, field.error.offset]).toEqual(['NEGATIVE_LENGTH', 4]);
    });

    it('reports an oversized header or body as soon as its length is known', () => {
      const header = failure({ maxHeader: 100 }, [fromHex('00 01 00 00')]);
      expect([header.error.code, header.error.offset]).toEqual(['FRAME_TOO_LARGE', 0]);
      const body = failure({ maxFrame: 10 }, [pythonFrame('{"total_size": 2000000000}', new Uint8Array(0))]);
      expect([body.error.code, body.error.offset]).toEqual(['FRAME_TOO_LARGE', 4]);
    });

    it('reports a stream cut inside the body at the frame start', () => {
      const { error } = failure({}, [good, good.subarray(0, 10)]);
      expect([error.code, error.offset]).toEqual(['TRUNCATED', 21]);
      expect(error.message).toContain('of 16 JSON header bytes');
    });

    it('rejects bad options', () => {
      expect(() => new JsonHeaderCodec({ lengthField: '' })).toThrow('lengthField must be a non-empty string');
      expect(() => new JsonHeaderCodec({ format: 'B', maxHeader: 1000 })).toThrow('maxHeader must be an integer from 2 to 255');
      expect(new JsonHeaderCodec({ format: 'B' }).maxHeader).toBe(255);
    });
  });
});
