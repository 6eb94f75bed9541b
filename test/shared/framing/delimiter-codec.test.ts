import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelimiterCodec, FramingError } from '../../../shared/framing/index.js';
import { bytes, concat, cutPoints, decodeChunks, decodeUntilError, fromHex, sameBytes, splitAt } from './chunks.js';

const text = (s: string) => new TextEncoder().encode(s);
const lines = (msgs: Uint8Array[]) => msgs.map((m) => new TextDecoder().decode(m));

/** Messages that do not contain the delimiter anywhere once it is appended. */
function withoutDelimiter(codec: DelimiterCodec, messages: Uint8Array[]): Uint8Array[] {
  return messages.filter((m) => {
    try {
      codec.encode(codec.keepDelimiter ? concat([m, codec.delimiter]) : m);
      return true;
    } catch {
      return false;
    }
  });
}

describe('DelimiterCodec', () => {
  it('splits lines and strips the delimiter by default', () => {
    const codec = new DelimiterCodec({ delimiter: '\n' });
    expect(lines(codec.decode(text('hello\n\nworld\n')))).toEqual(['hello', '', 'world']);
    expect(codec.encode(text('hi'))).toEqual(text('hi\n'));
  });

  it('handles \\r\\n split between chunks, and a lone \\r inside a line', () => {
    const codec = new DelimiterCodec({ delimiter: '\r\n' });
    const decoder = codec.createDecoder();
    expect(decoder.push(text('GET / HTTP/1.0\r'))).toEqual([]);
    expect(lines(decoder.push(text('\nHost: a\rb\r\n\r\n')))).toEqual(['GET / HTTP/1.0', 'Host: a\rb', '']);
    decoder.end();
  });

  it('keeps the delimiter when asked, both ways', () => {
    const codec = new DelimiterCodec({ delimiter: '\0', keepDelimiter: true });
    expect(lines(codec.decode(text('a\0bc\0')))).toEqual(['a\0', 'bc\0']);
    expect(codec.encode(text('a\0'))).toEqual(text('a\0'));
    expect(() => codec.encode(text('a'))).toThrow('must end with the delimiter');
  });

  it('takes the delimiter as byte values', () => {
    const codec = new DelimiterCodec({ delimiter: [0xde, 0xad] });
    expect(codec.decode(fromHex('01 de de ad 02 de ad'))).toEqual([fromHex('01 de'), fromHex('02')]);
  });

  it('finds a self-overlapping delimiter correctly across chunk splits', () => {
    // 'aab' inside 'aaab': a naive restart after the mismatch would miss it.
    const codec = new DelimiterCodec({ delimiter: 'aab' });
    const stream = text('xaaab-aaaab');
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(lines(decodeChunks(codec, splitAt(stream, [cut, cut + 1, cut + 3])))).toEqual(['xa', '-aa']);
    }
  });

  it('refuses to encode a message that contains the delimiter', () => {
    expect(() => new DelimiterCodec({ delimiter: '\n' }).encode(text('a\nb'))).toThrow('contains the delimiter at byte 1');
    // 'x' + 'a' + delimiter 'aa' = 'xaaa', which would decode as 'x' then a stray 'a'.
    expect(() => new DelimiterCodec({ delimiter: 'aa' }).encode(text('xa'))).toThrow(RangeError);
  });

  const delimiters = fc.oneof(
    fc.constantFrom<string | number[]>('\n', '\r\n', '\0', 'aab', [0xff, 0xfe]),
    fc.uint8Array({ minLength: 1, maxLength: 3 }).map((b) => Array.from(b)),
  );

  it('decodes any sequence of messages, split anywhere, back to the same messages', () => {
    fc.assert(
      fc.property(delimiters, fc.boolean(), fc.array(bytes(40), { maxLength: 12 }), cutPoints, (delimiter, keep, raw, cuts) => {
        const codec = new DelimiterCodec({ delimiter, keepDelimiter: keep });
        const messages = withoutDelimiter(codec, raw).map((m) => (keep ? concat([m, codec.delimiter]) : m));
        const stream = concat(messages.map((m) => codec.encode(m)));
        expect(decodeChunks(codec, splitAt(stream, cuts))).toEqual(messages);
      }),
    );
  });

  it('takes one long line in many small chunks and many short lines in one chunk', () => {
    const codec = new DelimiterCodec({ delimiter: '\r\n' });
    const long = new Uint8Array(500_000).fill(0x61);
    const framed = codec.encode(long);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < framed.length; i += 5) chunks.push(framed.subarray(i, i + 5));
    const [decoded] = decodeChunks(codec, chunks);
    expect(sameBytes(decoded, long)).toBe(true);
    const many = decodeChunks(codec, [text('ab\r\n'.repeat(100_000))]);
    expect(many.length).toBe(100_000);
  });

  describe('errors', () => {
    it('reports a run longer than maxFrame without a delimiter at the frame start, without waiting for more', () => {
      const codec = new DelimiterCodec({ delimiter: '\n', maxFrame: 4 });
      const { error, messages } = decodeUntilError(codec, [text('ok\nabc'), text('de')]);
      expect(error).toBeInstanceOf(FramingError);
      expect((error as FramingError).code).toBe('FRAME_TOO_LARGE');
      expect((error as FramingError).offset).toBe(3);
      expect(lines(messages)).toEqual(['ok']);
    });

    it('accepts a frame of exactly maxFrame, even while its delimiter is still incomplete', () => {
      const codec = new DelimiterCodec({ delimiter: '\r\n', maxFrame: 4 });
      expect(lines(decodeChunks(codec, [text('abcd\r'), text('\n')]))).toEqual(['abcd']);
      const { error } = decodeUntilError(codec, [text('abcde\r')]);
      expect((error as FramingError).code).toBe('FRAME_TOO_LARGE');
      expect((error as FramingError).offset).toBe(0);
    });

    it('reports an oversized frame found inside one chunk', () => {
      const codec = new DelimiterCodec({ delimiter: '\n', maxFrame: 2 });
      const { error, messages } = decodeUntilError(codec, [text('a\nbcd\ne\n')]);
      expect((error as FramingError).code).toBe('FRAME_TOO_LARGE');
      expect((error as FramingError).offset).toBe(2);
      expect(lines(messages)).toEqual(['a']);
    });

    it('reports bytes after the last delimiter as TRUNCATED at their start', () => {
      const { error } = decodeUntilError(new DelimiterCodec({ delimiter: '\n' }), [text('a\nb')]);
      expect(error).toBeInstanceOf(FramingError);
      expect((error as FramingError).code).toBe('TRUNCATED');
      expect((error as FramingError).offset).toBe(2);
    });

    it('rejects bad options', () => {
      expect(() => new DelimiterCodec({ delimiter: '' })).toThrow('delimiter must be 1 to 65535 bytes');
      expect(() => new DelimiterCodec({ delimiter: [256] })).toThrow(TypeError);
      expect(() => new DelimiterCodec({ delimiter: '\n', keepDelimiter: 'yes' as never })).toThrow('keepDelimiter must be a boolean');
    });
  });
});
