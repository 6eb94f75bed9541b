import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedWriter, MAX_QUEUED_WRITES } from '../../server/write-queue-bound.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A loopback TCP pair: `writer` is the client side, `reader` the accepted side, paused. */
async function pair(): Promise<{ writer: net.Socket; reader: net.Socket }> {
  const srv = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const writer = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => writer.once('connect', r));
  const reader = await accepted;
  cleanup.push(() => {
    writer.destroy();
    reader.destroy();
    srv.close();
  });
  return { writer, reader };
}

describe('write-queue-bound', () => {
  it('queues at most MAX_QUEUED_WRITES writes in Node, holds the rest in the tail, and flushes in order', async () => {
    const { writer, reader } = await pair();
    let calls = 0;
    let acked = 0;
    const errors: unknown[] = [];
    const bw = new BoundedWriter(writer, (n, err) => {
      calls++;
      acked += n;
      if (err) errors.push(err);
    });

    // Large enough that the kernel buffers fill while the reader is paused, so writes queue in Node.
    const chunk = 64 * 1024;
    const count = MAX_QUEUED_WRITES * 2;
    const expected = Buffer.alloc(chunk * count);
    for (let i = 0; i < count; i++) {
      const payload = Buffer.alloc(chunk, i & 0xff);
      payload.writeUInt32BE(i, 0);
      payload.copy(expected, i * chunk);
      bw.write(payload);
    }
    const total = expected.length;
    // Write callbacks run asynchronously, so exactly MAX_QUEUED_WRITES writes went to Node so far.
    expect(bw.held).toBe(total - MAX_QUEUED_WRITES * chunk);
    expect(bw.pending).toBe(bw.held + writer.writableLength);
    // Node's queue holds at most MAX_QUEUED_WRITES writes of `chunk` bytes.
    expect(writer.writableLength).toBeLessThanOrEqual(MAX_QUEUED_WRITES * chunk);

    const got: Buffer[] = [];
    let gotBytes = 0;
    const all = new Promise<void>((r) =>
      reader.on('data', (d: Buffer) => {
        got.push(d);
        gotBytes += d.length;
        if (gotBytes >= total) r();
      }),
    );
    reader.resume();
    await all;
    await new Promise((r) => setImmediate(r));

    expect(Buffer.concat(got).equals(expected)).toBe(true);
    expect(errors).toEqual([]);
    expect(acked).toBe(total);
    // The tail went out as fewer writes than the page sent.
    expect(calls).toBeLessThan(count);
    expect(calls).toBeGreaterThan(MAX_QUEUED_WRITES);
    expect(bw.held).toBe(0);
    expect(bw.pending).toBe(0);
  });

  it('writes straight through while the queue is short, one callback per write', async () => {
    const { writer, reader } = await pair();
    const sizes: number[] = [];
    const bw = new BoundedWriter(writer, (n) => sizes.push(n));
    bw.write(Buffer.from('ab'));
    bw.write(Buffer.from('cde'));
    expect(bw.held).toBe(0);
    bw.flush();
    const text = new Promise<string>((r) => {
      let s = '';
      reader.on('data', (d: Buffer) => {
        s += d.toString();
        if (s.length >= 5) r(s);
      });
    });
    reader.resume();
    expect(await text).toBe('abcde');
    await new Promise((r) => setImmediate(r));
    expect(sizes).toEqual([2, 3]);
  });

  it('flush() before end() sends every held byte before the FIN', async () => {
    const { writer, reader } = await pair();
    let acked = 0;
    const bw = new BoundedWriter(writer, (n) => (acked += n));
    const chunk = 32 * 1024;
    let sent = 0;
    for (let i = 0; i < MAX_QUEUED_WRITES + 50; i++) {
      bw.write(Buffer.alloc(chunk, 0x41 + (i % 26)));
      sent += chunk;
    }
    expect(bw.held).toBeGreaterThan(0);
    bw.flush();
    expect(bw.held).toBe(0);
    writer.end();
    const received = new Promise<number>((r) => {
      let n = 0;
      reader.on('data', (d: Buffer) => (n += d.length));
      reader.on('end', () => r(n));
    });
    reader.resume();
    expect(await received).toBe(sent);
    await new Promise((r) => setImmediate(r));
    expect(acked).toBe(sent);
  });
});
