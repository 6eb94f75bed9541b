import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingDecoderStream, FramingEncoderStream } from '../../client/lib/framing-streams.js';
import { FramingError, createCodec, type FramingSpec, type JsonHeaderMessage } from '../../shared/framing/index.js';
import { concat, cutPoints, fromHex, splitAt } from '../shared/framing/chunks.js';

function streamOf<T>(chunks: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** Reads everything (waiting `delayMs` before each read); returns the messages and the error that ended the stream, if any. */
async function readAll<T>(stream: ReadableStream<T>, delayMs = 0): Promise<{ messages: T[]; error?: unknown }> {
  const messages: T[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const { done, value } = await reader.read();
      if (done) return { messages };
      messages.push(value);
    }
  } catch (error) {
    return { messages, error };
  }
}

describe('FramingDecoderStream', () => {
  it('decodes any split of an encoded stream back to the same messages, for each framing', async () => {
    const specs: FramingSpec[] = [
      { kind: 'length' },
      { kind: 'length', format: '!I' },
      { kind: 'length', format: '>H', includesHeader: true },
      { kind: 'delimiter', delimiter: '\r\n' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...specs), fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), cutPoints, async (spec, raw, cuts) => {
        const codec = createCodec(spec);
        const messages = spec.kind === 'delimiter' ? raw.map((m) => m.filter((b) => b !== 0x0d)) : raw;
        const stream = concat(messages.map((m) => codec.encode(m)));
        const { messages: decoded, error } = await readAll(streamOf(splitAt(stream, cuts)).pipeThrough(new FramingDecoderStream(spec)));
        expect(error).toBeUndefined();
        expect(decoded).toEqual(messages);
      }),
      { numRuns: 60 },
    );
  });

  it('carries JSON-header messages through an encoder and a decoder stream', async () => {
    const spec = { kind: 'json-header', lengthField: 'file_size' } as const;
    const messages: JsonHeaderMessage[] = [
      { header: { filename: 'a.txt' }, body: fromHex('41 42') },
      { header: { filename: '空.txt' }, body: new Uint8Array(0) },
    ];
    const piped = streamOf(messages).pipeThrough(new FramingEncoderStream(spec)).pipeThrough(new FramingDecoderStream(spec));
    const { messages: decoded } = await readAll(piped);
    expect(decoded.map((m) => m.header)).toEqual([
      { filename: 'a.txt', file_size: 2 },
      { filename: '空.txt', file_size: 0 },
    ]);
    expect(decoded[0].body).toEqual(fromHex('41 42'));
  });

  it('delivers the messages before a bad frame, even to a slow reader, then errors with the FramingError', async () => {
    // Three good 'B'-framed messages, then a header promising more than maxFrame, all in one chunk.
    const { messages, error } = await readAll(
      streamOf([fromHex('01 41 01 42 01 43 ff 00 00')]).pipeThrough(new FramingDecoderStream({ kind: 'length', format: 'B', maxFrame: 100 })),
      5,
    );
    expect(messages).toEqual([fromHex('41'), fromHex('42'), fromHex('43')]);
    expect(error).toBeInstanceOf(FramingError);
    expect((error as FramingError).code).toBe('FRAME_TOO_LARGE');
    expect((error as FramingError).offset).toBe(6);
  });

  it('errors with TRUNCATED when the input closes inside a frame, after the messages before it', async () => {
    const { messages, error } = await readAll(
      streamOf([fromHex('61 0a 62 0a 63')]).pipeThrough(new FramingDecoderStream({ kind: 'delimiter', delimiter: '\n' })),
      5,
    );
    expect(messages).toEqual([fromHex('61'), fromHex('62')]);
    expect((error as FramingError).code).toBe('TRUNCATED');
    expect((error as FramingError).offset).toBe(4);
  });

  it('rejects a bad spec at construction', () => {
    expect(() => new FramingDecoderStream({ kind: 'fixed', size: 0 })).toThrow(RangeError);
  });
});

describe('FramingEncoderStream', () => {
  it('frames each message', async () => {
    const { messages } = await readAll(streamOf([fromHex('41'), fromHex('42 43')]).pipeThrough(new FramingEncoderStream({ kind: 'length', format: '!I' })));
    expect(concat(messages)).toEqual(fromHex('00 00 00 01 41 00 00 00 02 42 43'));
  });

  it('errors the stream with the RangeError of a message that cannot be framed', async () => {
    const { error } = await readAll(streamOf([new Uint8Array(300)]).pipeThrough(new FramingEncoderStream({ kind: 'length', format: 'B' })));
    expect(error).toBeInstanceOf(RangeError);
  });
});
