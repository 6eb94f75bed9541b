// Interop with Python 3 socket programs written the way the socket course writes them
// (test/fixtures/python/): their framed replies go through a real loopback TCP socket into
// FramingDecoderStream, and what FramingEncoderStream sends is decoded by Python's struct/json.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { FramingDecoderStream, FramingEncoderStream } from '../../client/lib/framing-streams.js';
import type { FramedMessage, FramingSpec, JsonHeaderMessage } from '../../shared/framing/index.js';
import { startPython, stopPythons, type PythonPeer } from '../helpers/python-peer.js';

afterEach(() => stopPythons());

/** The bytes the Python programs derive from a seed: shake_128(b"SEED:i").digest(size). */
function expectedBody(seed: string, i: number, size: number): Uint8Array {
  return createHash('shake128', { outputLength: size }).update(`${seed}:${i}`).digest();
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Connects to `port`, sends `request` and half-closes, and decodes the replies with `spec`; also counts the reads. */
async function fetchFramed<S extends FramingSpec>(port: number, request: string, spec: S): Promise<{ messages: FramedMessage<S>[]; reads: number }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.end(request);
  let reads = 0;
  const counted = (Readable.toWeb(socket) as unknown as ReadableStream<Uint8Array>).pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        reads++;
        controller.enqueue(chunk);
      },
    }),
  );
  const messages: FramedMessage<S>[] = [];
  await counted.pipeThrough(new FramingDecoderStream(spec)).pipeTo(
    new WritableStream({
      write(message) {
        messages.push(message);
      },
    }),
  );
  return { messages, reads };
}

/** Connects to a receiver, sends `messages` through FramingEncoderStream, closes, and returns what Python printed. */
async function sendFramed<S extends FramingSpec>(peer: PythonPeer, spec: S, messages: FramedMessage<S>[]): Promise<Array<{ size: number; sha256: string; header?: unknown }>> {
  const socket = net.connect(peer.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const source = new ReadableStream<FramedMessage<S>>({
    start(controller) {
      for (const m of messages) controller.enqueue(m);
      controller.close();
    },
  });
  await source.pipeThrough(new FramingEncoderStream(spec)).pipeTo(Writable.toWeb(socket) as unknown as WritableStream<Uint8Array>);
  const lines = await peer.linesUntil('end');
  return lines.map((line) => JSON.parse(line) as { size: number; sha256: string; header?: unknown });
}

describe.each([
  ['i', { kind: 'length' } as const],
  ['!I', { kind: 'length', format: '!I' } as const],
])("Python server replying struct.pack('%s', len(body)) + body", (format, spec) => {
  it('decodes a 3 MB reply, 2,000 small replies back to back, and a 1 MB reply, byte for byte', async () => {
    const peer = await startPython('length_prefix_server.py', format);
    const { messages, reads } = await fetchFramed(peer.port, 'big 3000000 a\nmany 2000 b\nbig 1048576 c\n', spec);
    const expected = [
      expectedBody('a', 0, 3_000_000),
      ...Array.from({ length: 2000 }, (_, i) => expectedBody('b', i, i % 97)),
      expectedBody('c', 0, 1_048_576),
    ];
    expect(messages.length).toBe(expected.length);
    expect(messages.map(sha256)).toEqual(expected.map(sha256));
    // The big replies spanned many reads, and the small ones shared reads (sticky packets).
    expect(reads).toBeGreaterThan(2);
    expect(reads).toBeLessThan(messages.length);
  });
});

describe('Python server sending struct.pack("i", len(header)) + JSON header + body', () => {
  it('decodes headers and bodies (5 MB, empty, and non-ASCII names), checking the md5 Python put in the header', async () => {
    const peer = await startPython('json_header_server.py');
    const spec = { kind: 'json-header', lengthField: 'file_size' } as const;
    const { messages, reads } = await fetchFramed(peer.port, 'get 5000000 d 实验报告.pdf\nget 0 e empty.txt\nget 10 f a b.txt\n', spec);
    expect(messages.map((m) => m.header.filename)).toEqual(['实验报告.pdf', 'empty.txt', 'a b.txt']);
    expect(messages.map((m) => m.header.file_size)).toEqual([5_000_000, 0, 10]);
    for (const [i, seed] of ['d', 'e', 'f'].entries()) {
      const { header, body } = messages[i];
      expect(createHash('md5').update(body).digest('hex')).toBe(header.md5);
      expect(sha256(body)).toBe(sha256(expectedBody(seed, 0, header.file_size as number)));
    }
    expect(reads).toBeGreaterThan(3);
  });
});

describe('Python receiver decoding what FramingEncoderStream sends', () => {
  const big = expectedBody('g', 0, 2_000_000);
  const small = Array.from({ length: 500 }, (_, i) => expectedBody('h', i, i % 50));

  it.each([
    ['i', { kind: 'length' } as const],
    ['!I', { kind: 'length', format: '!I' } as const],
    ['>H', { kind: 'length', format: '>H' } as const],
  ])("struct.unpack('%s') reads every message", async (format, spec) => {
    const peer = await startPython('framed_receiver.py', 'length', format);
    const messages = format === '>H' ? small : [big, ...small, new Uint8Array(0)];
    const received = await sendFramed(peer, spec, messages);
    expect(received).toEqual(messages.map((m) => ({ size: m.length, sha256: sha256(m) })));
  });

  it('json.loads reads every header and body', async () => {
    const peer = await startPython('framed_receiver.py', 'json');
    const spec = { kind: 'json-header', lengthField: 'file_size' } as const;
    const messages: JsonHeaderMessage[] = [
      { header: { filename: '中文.txt', md5: 'x' }, body: big },
      { header: { filename: 'empty' }, body: new Uint8Array(0) },
      ...small.slice(0, 50).map((body, i) => ({ header: { filename: `part${i}` }, body })),
    ];
    const received = await sendFramed(peer, spec, messages);
    expect(received).toEqual(
      messages.map(({ header, body }) => ({ size: body.length, sha256: sha256(body), header: { ...header, file_size: body.length } })),
    );
  });
});
