/**
 * The Batch frame (protocol v2, issue 13 item 6): property tests of its codec. Every batch of
 * Chunk, Datagram and Ack frames round-trips to exactly its frames, in order, each with its own
 * payload, source and time; every malformed batch is refused whole with FrameError 'bad-batch'
 * and a message that says what is wrong; and no byte string at all makes the decoder throw
 * anything but a FrameError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchLayout,
  Frame,
  FrameError,
  decodeFrame,
  decodeSocketFrame,
  encodeBatch,
  encodeChunk,
  encodeCounter,
  encodeData,
  encodeDatagram,
  encodeSendTo,
  type SocketFrame,
} from '../../shared/protocol.js';

const id = fc.integer({ min: 0, max: 0xffff_ffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const time = fc.double({ noNaN: true });
const payload = fc.oneof({ weight: 8, arbitrary: fc.uint8Array({ maxLength: 80 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1000, maxLength: 4000 }) });
const host = fc.string({ unit: 'binary', maxLength: 63 });

/** One frame a batch may carry. */
const entry = fc.oneof(
  fc.tuple(id, u32, time, payload).map(([i, s, t, p]) => encodeChunk(i, s, t, p)),
  fc.tuple(id, u32, time, host, fc.integer({ min: 0, max: 0xffff }), payload).map(([i, s, t, h, pt, p]) => encodeDatagram(i, s, t, h, pt, p)),
  fc.tuple(id, u32).map(([i, n]) => encodeCounter(Frame.Ack, i, n)),
);
const entries = fc.array(entry, { minLength: 1, maxLength: 40 });

/** `bytes` at a non-zero offset of a larger buffer, as `ws` hands them over. */
function offsetCopy(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.byteLength + 7);
  big.set(bytes, 3);
  return big.subarray(3, 3 + bytes.byteLength);
}

/** The FrameError `decodeFrame(bytes)` throws (fails the test if it returns or throws anything else). */
function refusal(bytes: Uint8Array): FrameError {
  try {
    decodeFrame(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(FrameError);
    return err as FrameError;
  }
  throw new Error(`decoded a malformed batch of ${bytes.byteLength} bytes`);
}

const expectBadBatch = (bytes: Uint8Array, message?: RegExp) => {
  const e = refusal(bytes);
  expect(e.reason).toBe('bad-batch');
  expect(e.message).toMatch(/^batch frame: /);
  if (message) expect(e.message).toMatch(message);
};

describe('Batch frame codec', () => {
  it('round-trips: a batch decodes to exactly its frames, in order, each as it decodes alone', () => {
    fc.assert(
      fc.property(entries, (frames) => {
        const batch = encodeBatch(frames);
        const want: SocketFrame[] = frames.map((f) => decodeSocketFrame(f));
        for (const bytes of [batch, offsetCopy(batch)]) {
          const got = decodeFrame(bytes);
          expect(got).toEqual({ kind: Frame.Batch, frames: want });
        }
        expect(batch[0]).toBe(Frame.Batch);
        expect(new DataView(batch.buffer).getUint32(BatchLayout.count)).toBe(frames.length);
      }),
      { numRuns: 150 },
    );
  });

  it('payloads are views into the message, not copies (and each keeps its own boundary)', () => {
    const a = encodeDatagram(5, 0, 1, '10.0.0.1', 53, new Uint8Array([1, 2, 3]));
    const b = encodeDatagram(5, 1, 2, '10.0.0.2', 54, new Uint8Array([4]));
    const batch = encodeBatch([a, b]);
    const got = decodeFrame(batch);
    if (got.kind !== Frame.Batch) throw new Error('not a batch');
    expect(got.frames.map((f) => ('payload' in f ? [...f.payload] : []))).toEqual([[1, 2, 3], [4]]);
    expect(got.frames.map((f) => (f.kind === Frame.Datagram ? `${f.host}:${f.port}@${f.time}` : ''))).toEqual(['10.0.0.1:53@1', '10.0.0.2:54@2']);
    const first = got.frames[0]!;
    if (first.kind !== Frame.Datagram) throw new Error('not a datagram');
    expect(first.payload.buffer).toBe(batch.buffer);
  });

  it('every cut of a batch (1 byte up to one short) is refused whole with bad-batch', () => {
    fc.assert(
      fc.property(entries, fc.nat(), (frames, at) => {
        const batch = encodeBatch(frames);
        expectBadBatch(batch.subarray(0, 1 + (at % (batch.byteLength - 1))));
      }),
      { numRuns: 300 },
    );
  });

  it('trailing bytes, a wrong count, a wrong entry length or a forbidden inner kind are each refused with bad-batch', () => {
    fc.assert(
      fc.property(entries, fc.uint8Array({ minLength: 1, maxLength: 20 }), (frames, tail) => {
        const batch = encodeBatch(frames);
        const longer = new Uint8Array(batch.byteLength + tail.byteLength);
        longer.set(batch);
        longer.set(tail, batch.byteLength);
        expectBadBatch(longer, /left over|runs past|starts past|entry/);

        const recount = (n: number) => {
          const c = batch.slice();
          new DataView(c.buffer).setUint32(BatchLayout.count, n);
          return c;
        };
        expectBadBatch(recount(0), /declares 0 entries/);
        expectBadBatch(recount(0xffff_ffff), /declares 4294967295 entries/);
        if (frames.length > 1) expectBadBatch(recount(frames.length - 1), /left over/);
        expectBadBatch(recount(frames.length + 1));

        const overlong = batch.slice();
        new DataView(overlong.buffer).setUint32(BatchLayout.entries, batch.byteLength);
        expectBadBatch(overlong, /entry 1 of \d+ \(\d+ bytes\) runs past the end/);
      }),
      { numRuns: 200 },
    );
  });

  it('a batch may carry only Chunk, Datagram and Ack frames: Data, SendTo, Credit, a nested Batch or an unknown kind is refused', () => {
    const forbidden = [
      // Each at least as long as an Ack, so the count check passes and the kind check answers.
      encodeData(1, new Uint8Array([1, 2, 3, 4])),
      encodeSendTo(1, '127.0.0.1', 9, new Uint8Array([1])),
      encodeCounter(Frame.Credit, 1, 9),
      encodeBatch([encodeCounter(Frame.Ack, 1, 1)]),
      Uint8Array.from([0x7f, 0, 0, 0, 1, 0, 0, 0, 0]),
    ];
    for (const bad of forbidden) {
      const kind = bad[0]!.toString(16).padStart(2, '0');
      expectBadBatch(encodeBatch([encodeCounter(Frame.Ack, 1, 1), bad]), new RegExp(`entry 2 of 2 has kind 0x${kind}; only Chunk, Datagram and Ack`));
    }
    // An entry that is itself malformed: the inner reason, named by its position.
    expectBadBatch(encodeBatch([Uint8Array.from([Frame.Ack, 0, 0, 0, 1, 0, 0, 0, 0, 0])]), /entry 1 of 1: credit\/ack frame must be 9 bytes, got 10/);
    expectBadBatch(encodeBatch([Uint8Array.from([Frame.Datagram, 0, 0, 0, 1, 0, 0, 0, 0])]), /entry 1 of 1: datagram frame shorter than its 20-byte header/);
  });

  it('any bytes under the Batch kind: a Batch or a FrameError, nothing else, ever', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), entries.map(encodeBatch).chain((b) => fc.tuple(fc.constant(b), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([x, i, v]) => {
        const c = x.slice();
        c[i % c.byteLength] = v;
        return c;
      }))), (rest) => {
        const bytes = rest.slice();
        bytes[0] = Frame.Batch;
        try {
          const got = decodeFrame(bytes);
          expect(got.kind).toBe(Frame.Batch);
        } catch (err) {
          expect(err).toBeInstanceOf(FrameError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeSocketFrame (the gateway\'s decoder) takes no Batch at all', () => {
    expect(() => decodeSocketFrame(encodeBatch([encodeCounter(Frame.Ack, 1, 1)]))).toThrow(expect.objectContaining({ reason: 'unknown-kind' }));
  });
});
