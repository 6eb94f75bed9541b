import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CreditedReadable } from '../../client/lib/credited-readable.js';

const WINDOW = 1000;

/** A CreditedReadable fed like the gateway feeds it: never past the credit it was granted (plus one read). */
function harness(bytes = false) {
  const grants: number[] = [];
  let cancelled: unknown;
  const source = new CreditedReadable<Uint8Array>({
    window: WINDOW,
    bytes,
    size: (c) => c.byteLength,
    grant: (n) => grants.push(n),
    cancel: (reason) => (cancelled = reason),
  });
  return { source, grants, granted: () => grants.reduce((a, b) => a + b, 0), cancelled: () => cancelled };
}

describe('CreditedReadable', () => {
  it('grants nothing while nobody reads', async () => {
    const h = harness();
    h.source.push(new Uint8Array(600));
    h.source.push(new Uint8Array(600));
    await new Promise((r) => setTimeout(r, 10));
    expect(h.grants).toEqual([]);
    expect(h.source.queuedBytes).toBe(1200);
  });

  it('after a failure the consumer still reads everything that arrived before it, then the error', async () => {
    const h = harness();
    for (let i = 1; i <= 3; i++) h.source.push(new Uint8Array(i * 10));
    h.source.error(new Error('gateway stopped'));
    h.source.push(new Uint8Array(99)); // after the failure: not delivered
    const reader = h.source.readable.getReader();
    const sizes = [];
    for (let i = 0; i < 3; i++) sizes.push((await reader.read()).value!.byteLength);
    expect(sizes).toEqual([10, 20, 30]);
    await expect(reader.read()).rejects.toThrow('gateway stopped');
  });

  it('a failure with nothing queued errors the stream at once', async () => {
    const h = harness();
    const reader = h.source.readable.getReader();
    const pending = reader.read();
    h.source.error(new Error('reset'));
    await expect(pending).rejects.toThrow('reset');
  });

  it('grants back in batches as the consumer reads', async () => {
    const h = harness();
    const reader = h.source.readable.getReader();
    for (let i = 0; i < 10; i++) h.source.push(new Uint8Array(100));
    for (let i = 0; i < 2; i++) await reader.read();
    expect(h.granted()).toBe(0);
    await reader.read();
    expect(h.grants).toEqual([300]);
    for (let i = 0; i < 7; i++) await reader.read();
    expect(h.granted()).toBe(900);
  });

  it('counts a chunk handed straight to a waiting read as consumed', async () => {
    const h = harness();
    const reader = h.source.readable.getReader();
    const pending = reader.read();
    h.source.push(new Uint8Array(400));
    expect((await pending).value!.byteLength).toBe(400);
    expect(h.granted()).toBe(400);
  });

  it('returns the credit of queued and later chunks after a cancel', async () => {
    const h = harness();
    h.source.push(new Uint8Array(300));
    await h.source.readable.cancel('bye');
    expect(h.cancelled()).toBe('bye');
    expect(h.granted()).toBe(300);
    h.source.push(new Uint8Array(500));
    expect(h.granted()).toBe(800);
  });

  it('property: the gateway never gets more than a window of credit, and never stalls a reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 60 }), async (sizes) => {
        const h = harness();
        const reader = h.source.readable.getReader();
        // The gateway's view: credit = window + granted − sent; it sends only while credit > 0.
        let sent = 0;
        let next = 0;
        let read = 0;
        const total = sizes.reduce((a, b) => a + b, 0);
        while (read < total) {
          while (next < sizes.length && WINDOW + h.granted() - sent > 0) {
            h.source.push(new Uint8Array(sizes[next]!));
            sent += sizes[next++]!;
          }
          expect(WINDOW + h.granted() - sent).toBeLessThanOrEqual(WINDOW);
          // The reader must always have something: otherwise credit was withheld (a deadlock).
          expect(h.source.queuedBytes).toBeGreaterThan(0);
          read += (await reader.read()).value!.byteLength;
        }
        expect(h.granted()).toBeLessThanOrEqual(total);
        expect(total - h.granted()).toBeLessThan(WINDOW / 4);
      }),
      { numRuns: 200 },
    );
  });

  it('byte mode: BYOB fills count as consumed exactly, a default reader gets what is left of an item, EOF settles a waiting BYOB read', async () => {
    const h = harness(true);
    h.source.push(new Uint8Array(600).fill(1));
    h.source.push(new Uint8Array(300).fill(2));
    const byob = h.source.readable.getReader({ mode: 'byob' });
    const a = await byob.read(new Uint8Array(250));
    expect(a.value!.byteLength).toBe(250);
    expect(h.source.queuedBytes).toBe(650);
    const b = await byob.read(new Uint8Array(500));
    expect(b.value!.byteLength).toBe(500); // a fill takes across items: 350 + 150
    expect(h.source.queuedBytes).toBe(150);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.granted()).toBe(750); // 750 copied out, granted in batches of 250
    byob.releaseLock();
    const reader = h.source.readable.getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array(150).fill(2));
    reader.releaseLock();
    const waiting = h.source.readable.getReader({ mode: 'byob' }).read(new Uint8Array(10));
    h.source.close();
    expect((await waiting).done).toBe(true);
  });
});

describe('CreditedReadable with maxItems (UDP: credit bounds bytes, not entries)', () => {
  function counted(maxItems: number) {
    const grants: number[] = [];
    const source = new CreditedReadable<Uint8Array>({ window: 8, maxItems, size: (c) => c.byteLength, grant: (n) => grants.push(n), cancel: () => {} });
    return { source, granted: () => grants.reduce((a, b) => a + b, 0) };
  }

  it('holds at most maxItems empty items unread, drops the rest, and takes more once some are read', async () => {
    const h = counted(10);
    const accepted = Array.from({ length: 25 }, () => h.source.push(new Uint8Array(0))).filter(Boolean).length;
    expect(accepted).toBe(10);
    expect(h.source.queuedItems).toBe(10);
    expect(h.source.queuedBytes).toBe(0);
    const reader = h.source.readable.getReader();
    for (let i = 0; i < 4; i++) expect((await reader.read()).value!.byteLength).toBe(0);
    expect(h.source.queuedItems).toBe(6);
    expect([1, 2, 3, 4, 5].map(() => h.source.push(new Uint8Array(0)))).toEqual([true, true, true, true, false]);
  });

  it('grants back exactly the bytes read, items of any size mixed with empty ones, and a dropped item’s bytes at once', async () => {
    const h = counted(3);
    const sizes = [0, 3, 0, 2];
    const pushed = sizes.map((n) => h.source.push(new Uint8Array(n)));
    expect(pushed).toEqual([true, true, true, false]); // the 2-byte one is dropped: its 2 bytes go back
    expect(h.granted()).toBe(2);
    expect(h.source.queuedBytes).toBe(3);
    const reader = h.source.readable.getReader();
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await reader.read()).value!.byteLength);
    expect(got).toEqual([0, 3, 0]);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.source.queuedItems).toBe(0);
    // window 8 → batches of 2: the 3 bytes read are granted, nothing more.
    expect(h.granted()).toBe(5);
  });

  it('after a cancel, items are discarded with their credit returned, but not reported as dropped for the item bound', async () => {
    const h = counted(2);
    await h.source.readable.cancel('done');
    expect([h.source.push(new Uint8Array(3)), h.source.push(new Uint8Array(0))]).toEqual([true, true]);
    expect(h.granted()).toBe(3);
  });
});

describe('CreditedReadable byte mode with maxItems (TCP: reads past the bound are joined, nothing dropped)', () => {
  function joining(maxItems: number, window = 1 << 16) {
    const grants: number[] = [];
    const source = new CreditedReadable<Uint8Array>({ window, bytes: true, maxItems, size: (c) => c.byteLength, grant: (n) => grants.push(n), cancel: () => {} });
    return { source, granted: () => grants.reduce((a, b) => a + b, 0) };
  }
  const byte = (i: number) => Uint8Array.of(i & 0xff);

  it('10,000 one-byte reads at a page that does not read: at most maxItems + 1 entries, every byte in order', async () => {
    const h = joining(64);
    const took = Array.from({ length: 10_000 }, (_, i) => h.source.push(byte(i)));
    expect(took.filter((t) => t === false)).toEqual([]); // nothing dropped
    expect(took.filter((t) => t === 'joined').length).toBe(10_000 - 65); // 64 entries, then one tail the rest joins
    expect(h.source.queuedItems).toBe(65); // 64 reads as they came, then one joined entry
    expect(h.source.queuedBytes).toBe(10_000);
    const reader = h.source.readable.getReader();
    const got: number[] = [];
    let entries = 0;
    while (got.length < 10_000) {
      const { value } = await reader.read();
      got.push(...value!);
      entries++;
    }
    expect(entries).toBe(65);
    expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => i & 0xff));
    await new Promise((r) => setTimeout(r, 0));
    expect(h.source.queuedItems).toBe(0);
    expect(h.granted()).toBe(10_000 - (10_000 % (1 << 14))); // every byte read, granted in quarter windows
  });

  it('once the reader catches up, reads are separate entries again', async () => {
    const h = joining(4);
    for (let i = 0; i < 10; i++) h.source.push(byte(i));
    const reader = h.source.readable.getReader();
    const sizes = [];
    for (let i = 0; i < 5; i++) sizes.push((await reader.read()).value!.byteLength);
    expect(sizes).toEqual([1, 1, 1, 1, 6]);
    for (let i = 10; i < 13; i++) h.source.push(byte(i));
    for (let i = 0; i < 3; i++) expect([...(await reader.read()).value!]).toEqual([10 + i]);
  });

  it('close and error hand over the joined tail first; a cancel returns its credit', async () => {
    const a = joining(2);
    for (let i = 0; i < 5; i++) a.source.push(byte(i));
    a.source.close();
    const ra = a.source.readable.getReader();
    const got: number[] = [];
    for (;;) {
      const { value, done } = await ra.read();
      if (done) break;
      got.push(...value);
    }
    expect(got).toEqual([0, 1, 2, 3, 4]);

    const b = joining(2);
    for (let i = 0; i < 5; i++) b.source.push(byte(i));
    b.source.error(new Error('reset'));
    const rb = b.source.readable.getReader();
    expect([...(await rb.read()).value!, ...(await rb.read()).value!, ...(await rb.read()).value!]).toEqual([0, 1, 2, 3, 4]);
    await expect(rb.read()).rejects.toThrow('reset');

    const c = joining(2, 8);
    for (let i = 0; i < 5; i++) c.source.push(byte(i));
    await c.source.readable.cancel('bye');
    expect(c.granted()).toBe(5);
  });

  it('property: any mix of reads (default and BYOB) and arrivals gets every byte in order, never more than maxItems + 1 entries queued, and credit for exactly what was read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.oneof(fc.record({ push: fc.integer({ min: 1, max: 20 }) }), fc.record({ read: fc.integer({ min: 1, max: 30 }), byob: fc.boolean() })), { maxLength: 80 }),
        async (maxItems, ops) => {
          const window = 256;
          const h = joining(maxItems, window);
          let sent = 0;
          const received: number[] = [];
          for (const op of ops) {
            if ('push' in op) {
              // As the gateway: only within the credit it holds.
              const n = Math.min(op.push, window + h.granted() - sent);
              if (n <= 0) continue;
              h.source.push(Uint8Array.from({ length: n }, (_, k) => (sent + k) & 0xff));
              sent += n;
              expect(h.source.queuedItems).toBeLessThanOrEqual(maxItems + 1);
            } else if (h.source.queuedBytes > 0) {
              const reader = op.byob ? h.source.readable.getReader({ mode: 'byob' }) : h.source.readable.getReader();
              const { value } = op.byob ? await (reader as ReadableStreamBYOBReader).read(new Uint8Array(op.read)) : await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
              received.push(...value!);
              reader.releaseLock();
            }
          }
          expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i & 0xff));
          expect(received.length + h.source.queuedBytes).toBe(sent);
          await new Promise((r) => setTimeout(r, 0));
          expect(h.granted()).toBeLessThanOrEqual(received.length);
          expect(received.length - h.granted()).toBeLessThan(window / 4);
        },
      ),
      { numRuns: 300 },
    );
  });
});
