/**
 * The lab picture's analysis: placing writes and reads on one byte axis, decoding the read stream
 * with each lab framing, and the counts the page shows.
 */
import { describe, expect, it } from 'vitest';
import { analyseStream, frameForWire, LAB_FRAMINGS, preview, type ReadChunk, type WrittenMessage } from '../../client/app/lab/stream-model.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function writes(texts: string[], framing: (typeof LAB_FRAMINGS)[keyof typeof LAB_FRAMINGS]): WrittenMessage[] {
  return texts.map((t, i) => {
    const payload = enc.encode(t);
    return { payload, ...frameForWire(payload, framing, { n: i }), time: 1000 + i };
  });
}

/** Cuts the concatenation of `w` at `sizes` (the rest in a last chunk). */
function reads(w: WrittenMessage[], sizes: number[]): ReadChunk[] {
  const all = new Uint8Array(w.reduce((n, m) => n + m.bytes.length, 0));
  let o = 0;
  for (const m of w) {
    all.set(m.bytes, o);
    o += m.bytes.length;
  }
  const out: ReadChunk[] = [];
  let at = 0;
  for (const s of [...sizes, all.length]) {
    if (at >= all.length) break;
    const end = Math.min(all.length, at + s);
    out.push({ data: all.slice(at, end), seq: out.length, time: 2000 + out.length });
    at = end;
  }
  return out;
}

describe('analyseStream', () => {
  it('two raw writes in one read: one mixed read, one wrong message without framing', () => {
    const w = writes(['hello', 'world'], LAB_FRAMINGS.none);
    const p = analyseStream(w, reads(w, [10]), LAB_FRAMINGS.none);
    expect(p.counts).toEqual({ written: 2, reads: 1, decoded: 1, intact: 0, mixedReads: 1, splitMessages: 0 });
    expect(dec.decode(p.decoded[0]!.payload)).toBe('helloworld');
    expect(p.chunks[0]!.messages).toEqual([0, 1]);
  });

  it("struct 'i' frames recovered intact however the stream is cut", () => {
    const w = writes(['hello', 'world', '粘包 sticky'], LAB_FRAMINGS['length-i']);
    for (const cut of [[100], [1, 1, 1], [3, 7, 2, 9], [4]]) {
      const p = analyseStream(w, reads(w, cut), LAB_FRAMINGS['length-i']);
      expect(p.counts.decoded).toBe(3);
      expect(p.counts.intact).toBe(3);
      expect(p.decoded.map((d) => [d.start, d.end])).toEqual(p.messages.map((m) => [m.start, m.end]));
      expect(p.pendingBytes).toBe(0);
    }
  });

  it('a message spread over reads counts as split; an unfinished frame is pending', () => {
    const w = writes(['a'.repeat(3000)], LAB_FRAMINGS['length-!I']);
    const r = reads(w, [1024, 1024, 1024]).slice(0, 2);
    const p = analyseStream(w, r, LAB_FRAMINGS['length-!I']);
    expect(p.counts).toMatchObject({ written: 1, reads: 2, decoded: 0, splitMessages: 1 });
    expect(p.pendingBytes).toBe(2048);
    expect(p.readBytes).toBe(2048);
    expect(p.writtenBytes).toBe(3004);
  });

  it('json-header: header bytes counted, header object decoded, body intact', () => {
    const w = writes(['x'.repeat(1500), 'y'.repeat(20)], LAB_FRAMINGS['json-header']);
    expect(w[0]!.headerBytes).toBe(w[0]!.bytes.length - 1500);
    const p = analyseStream(w, reads(w, [1024, 1024]), LAB_FRAMINGS['json-header']);
    expect(p.counts).toMatchObject({ written: 2, reads: 2, decoded: 2, intact: 2, mixedReads: 1 });
    expect(p.decoded[1]!.header).toEqual({ n: 1, total_size: 20 });
  });

  it('newline framing and a wrong framing: decoding raw text as struct i is an error, not a crash', () => {
    const w = writes(['one', 'two'], LAB_FRAMINGS.newline);
    expect(analyseStream(w, reads(w, [5]), LAB_FRAMINGS.newline).counts).toMatchObject({ decoded: 2, intact: 2 });
    const raw = writes(['hello world, this is text'], LAB_FRAMINGS.none);
    const p = analyseStream(raw, reads(raw, [100]), { kind: 'length', format: 'i', maxFrame: 1000 });
    expect(p.error).toBeTruthy();
    expect(p.counts.decoded).toBe(0);
  });

  it('UDP: a datagram cut by recvfrom(n) is one ✗ read, its lost bytes skipped on the axis; the next datagram is ✓', () => {
    const w = writes(['a'.repeat(3000), 'b'.repeat(600)], LAB_FRAMINGS.none);
    const r: ReadChunk[] = [
      { data: w[0]!.bytes.slice(0, 1024), seq: 0, time: 2000, lost: 1976 },
      { data: w[1]!.bytes, seq: 1, time: 2001 },
    ];
    const p = analyseStream(w, r, LAB_FRAMINGS.none);
    expect(p.aligned).toBe(true);
    expect(p.counts).toEqual({ written: 2, reads: 2, decoded: 2, intact: 1, mixedReads: 0, splitMessages: 0 });
    expect(p.chunks.map((c) => [c.start, c.end])).toEqual([[0, 1024], [3000, 3600]]);
    expect(p.decoded.map((d) => d.matches)).toEqual([-1, 1]);
    expect([p.readBytes, p.lostBytes]).toEqual([3600, 1976]);
  });

  it('preview shows text with visible line ends, else hex, and truncates', () => {
    expect(preview(enc.encode('a\nb'))).toBe('a⏎b');
    expect(preview(new Uint8Array([0, 1, 0xff]))).toBe('00 01 ff');
    expect(preview(enc.encode('abcdefghij'), 5)).toBe('abcd…');
  });
});
