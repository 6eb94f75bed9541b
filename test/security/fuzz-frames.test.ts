import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchLayout, CHUNK_HEADER, CREDIT_FRAME, DATA_HEADER, Frame, RELAY_READ_HEADER, encodeBatch, encodeChunk, encodeCounter, encodeData, encodeDatagram, encodeRelayRead, encodeSendTo } from '../../shared/protocol.js';
import { DEFAULT_LIMITS } from '../../server/config.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { BATCH, SCALE, endBatch, fuzzPage, safeHost, startFuzzTarget, tallyLine, type FuzzTarget } from './fuzz-kit.js';

/**
 * Issue 10: property-based fuzzing of every binary frame kind (Data, Chunk, SendTo, Datagram,
 * Credit, Ack, Batch — v2, gateway → page only — and unknown kinds) at sizes 0, 1, header-1, header, header+1, random, and the
 * frame limit and one past it, with random ids and garbage, against a real gateway process.
 * The invariant holds after every batch of 250 (see fuzz-kit.ts).
 */

const RUNS = 24 * SCALE; // 24 × 250 = 6,000 cases in npm test
const MAX = DEFAULT_LIMITS.frameBytes;
/** A socket id no page opened: garbage frames that could be SendTo go there, so their "host" is never resolved. */
const NOBODY = 1000;

let t: FuzzTarget;

const id = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 2, 3, 4, 5) }, { weight: 1, arbitrary: fc.constantFrom(0, NOBODY, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff) }, { weight: 1, arbitrary: fc.nat({ max: 0xffff_ffff }) });
const u32 = fc.oneof(fc.constantFrom(0, 1, 2 ** 20, 2 ** 20 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1), fc.nat({ max: 0xffff_ffff }));
const payload = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 65_507, 65_508, 70_000).map((n) => new Uint8Array(n)) },
);
const port = () => fc.oneof(fc.constantFrom(t.udpPort, t.echoPort, 0, 1, 65535), fc.nat({ max: 65535 }));

/** Each kind, well formed (the gateway must refuse the gateway-to-page ones). */
const wellFormed = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.tuple(id, payload).map(([i, p]) => encodeData(i, p)),
    fc.tuple(id, safeHost, port(), payload).map(([i, h, pt, p]) => encodeSendTo(i, h, pt, p)),
    fc.tuple(id, u32).map(([i, n]) => encodeCounter(Frame.Credit, i, n)),
    fc.tuple(id, u32).map(([i, n]) => encodeCounter(Frame.Ack, i, n)),
    fc.tuple(id, u32, payload).map(([i, seq, p]) => {
      const out = new Uint8Array(CHUNK_HEADER + p.length);
      out[0] = Frame.Chunk;
      new DataView(out.buffer).setUint32(1, i);
      new DataView(out.buffer).setUint32(5, seq);
      out.set(p, CHUNK_HEADER);
      return out;
    }),
    fc.tuple(id, u32, safeHost, port(), payload).map(([i, seq, h, pt, p]) => encodeDatagram(i, seq, Date.now(), h, pt, p)),
    batch(),
    // RelayRead travels gateway → page only; a page sending one is refused (size ≥ payload so it encodes).
    fc.tuple(id, u32, fc.constantFrom<0 | 1>(0, 1), u32, payload).map(([i, pair, d, seq, p]) => encodeRelayRead(i, pair, d, seq, Date.now(), p.length + (seq & 0xff), p)),
  );

/** A well-formed Batch of what it may carry (Chunk, Datagram, Ack), or of what it may not (Data, SendTo, Credit). */
const batch = (): fc.Arbitrary<Uint8Array> =>
  fc
    .array(
      fc.oneof(
        fc.tuple(id, u32, payload).map(([i, seq, p]) => encodeChunk(i, seq, 0, p)),
        fc.tuple(id, u32, safeHost, port(), payload).map(([i, seq, h, pt, p]) => encodeDatagram(i, seq, 0, h, pt, p)),
        fc.tuple(id, u32).map(([i, n]) => encodeCounter(Frame.Ack, i, n)),
        fc.tuple(id, payload).map(([i, p]) => encodeData(i, p)),
        fc.tuple(id, u32).map(([i, n]) => encodeCounter(Frame.Credit, i, n)),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map(encodeBatch);

/** Header sizes per kind: cuts at 0, 1, header-1, header and header+1 hit every length check. */
const HEADERS: Record<number, number> = { [Frame.Data]: DATA_HEADER, [Frame.SendTo]: 8, [Frame.Credit]: CREDIT_FRAME, [Frame.Ack]: CREDIT_FRAME, [Frame.Chunk]: CHUNK_HEADER, [Frame.Datagram]: CHUNK_HEADER + 3, [Frame.Batch]: BatchLayout.entries, [Frame.RelayRead]: RELAY_READ_HEADER };

/** A frame cut or padded to a boundary length, or random bytes under a random kind byte. */
const mangled = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.tuple(wellFormed(), fc.constantFrom(0, 1, -1, 'h-1', 'h', 'h+1'), fc.uint8Array({ maxLength: 16 })).map(([f, cut, pad]) => {
      const h = HEADERS[f[0]!] ?? DATA_HEADER;
      const len = typeof cut === 'number' ? (cut === -1 ? f.length - 1 : cut) : cut === 'h-1' ? h - 1 : cut === 'h' ? h : h + 1;
      const out = new Uint8Array(Math.max(0, len) + pad.length);
      out.set(f.subarray(0, Math.max(0, len)));
      out.set(pad, Math.max(0, len));
      return out;
    }),
    fc.tuple(fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x7f, 0x80, 0xff), fc.uint8Array({ maxLength: 40 })).map(([kind, rest]) => Uint8Array.from([kind, ...rest])),
  ).map((f) => {
    // A cut SendTo may carry a host that is no longer an IP literal: aim it at no socket, so it is never resolved.
    if (f.length >= 5 && f[0] === Frame.SendTo) new DataView(f.buffer, f.byteOffset).setUint32(1, NOBODY);
    return f;
  });

beforeAll(async () => {
  t = await startFuzzTarget();
});
afterAll(async () => {
  await t?.stop();
  console.log(`[fuzz-frames] replies: ${tallyLine()}`);
});

describe('fuzz: binary frames against a real gateway', () => {
  it(`${RUNS * BATCH} frames of every kind in batches of ${BATCH}, the invariant after each batch`, async () => {
    const frame = fc.oneof({ weight: 1, arbitrary: wellFormed() }, { weight: 1, arbitrary: mangled() });
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const page = await fuzzPage(t);
        for (const f of batch) page.sendBinary(f);
        await endBatch(t, page);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);

  it('every kind at the frame limit and one past it (a page each: past the limit closes it with 1009)', async () => {
    for (const kind of [Frame.Data, Frame.Chunk, Frame.SendTo, Frame.Datagram, Frame.Credit, Frame.Ack, Frame.RelayRead, 0x09]) {
      for (const size of [MAX, MAX + 1]) {
        const page = await fuzzPage(t);
        const f = new Uint8Array(size);
        f[0] = kind;
        new DataView(f.buffer).setUint32(1, kind === Frame.SendTo ? NOBODY : 1);
        page.sendBinary(f);
        if (size > MAX) await page.until(() => page.closeCode !== undefined, 5_000);
        await endBatch(t, page);
      }
    }
  }, 120_000);

  it('a Batch from a page (well formed, cut or with a count of 2^32−1) is refused with BAD_MESSAGE naming it, and the page stays open', async () => {
    const page = await fuzzPage(t);
    const good = encodeBatch([encodeCounter(Frame.Credit, 1, 10), encodeData(1, new Uint8Array([1, 2, 3]))]);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(BatchLayout.count, 0xffff_ffff);
    for (const f of [good, good.subarray(0, 7), huge]) page.sendBinary(f);
    await page.until(() => page.messages.filter((m) => m.t === 'error' && /Batch/.test(m.message)).length === 3, 5_000);
    for (const m of page.messages.filter((x) => x.t === 'error')) expect(m).toMatchObject({ code: 'BAD_MESSAGE', message: 'binary frame kind 0x07 (Batch) only travels from the gateway to the page' });
    // Still open and serving: the echo socket answers (its Data inside the batch was never written).
    page.write(1, new Uint8Array([42]));
    await page.until(() => (page.received.get(1)?.length ?? 0) >= 1, 5_000);
    expect([...page.received.get(1)![0]!.payload]).toEqual([42]);
    await endBatch(t, page);
  });

  it('a page closed mid-batch by a frame past the limit leaves nothing behind', async () => {
    const page: ProtocolClient = await fuzzPage(t);
    for (let i = 0; i < 100; i++) page.write(1, new Uint8Array([i]));
    page.sendBinary(new Uint8Array(MAX + 1));
    await page.until(() => page.closeCode !== undefined, 5_000);
    expect(page.closeCode).toBe(1009);
    await endBatch(t, page);
  });
});
