import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClosedMsg, ErrorMsg, OpenedMsg } from '../../shared/protocol.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { waitFor } from '../helpers/peers.js';
import { blasterPeer, deafPeer } from './hostile-peers-kit.js';

/**
 * Peers that misbehave against a real gateway process: memory is read from /proc/PID, file
 * descriptors from /proc/PID/fd, before and after.
 */

const MiB = 2 ** 20;
let gp: GatewayProcess;
let fdsAtStart: number;

beforeAll(async () => {
  gp = await spawnGateway(['--port', '0', '--quiet', '--send-window', String(MiB), '--receive-window', String(MiB)]);
  // One page connected and gone, so lazily created handles are counted in the baseline.
  const warm = await ProtocolClient.connect(gp.origin, gp.token);
  await warm.close();
  await new Promise((r) => setTimeout(r, 100));
  fdsAtStart = gp.fds();
});
afterAll(async () => {
  await gp?.stop();
});

/** Samples the gateway's RSS every 50 ms while `fn` runs; returns the peak growth in bytes. */
async function rssGrowth(fn: () => Promise<void>): Promise<number> {
  const before = gp.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, gp.rss())), 50);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, gp.rss()) - before;
}

describe('a peer that accepts and never reads', () => {
  it('the page can write one send window past what the kernel took, no more; the gateway holds no more than that; closing reports what was really delivered', async () => {
    const deaf = await deafPeer();
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: deaf.port })) as OpenedMsg;
    let written = 0;
    const growth = await rssGrowth(async () => {
      // A well-behaved writer: as much as the send window allows, until acknowledgements stop.
      let lastProgress = Date.now();
      while (Date.now() - lastProgress < 500) {
        const room = opened.sendWindow - (written - (page.acked.get(1) ?? 0));
        if (room > 0) {
          page.write(1, Buffer.alloc(Math.min(room, 256 * 1024), 0x61));
          written += Math.min(room, 256 * 1024);
          lastProgress = Date.now();
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const acked = page.acked.get(1) ?? 0;
    console.log(`[deaf peer] page wrote ${(written / MiB).toFixed(1)} MiB, kernel took ${(acked / MiB).toFixed(1)} MiB, gateway RSS grew ${(growth / MiB).toFixed(1)} MiB`);
    expect(written - acked).toBeGreaterThan(0);
    expect(written - acked).toBeLessThanOrEqual(opened.sendWindow);
    expect(growth).toBeLessThan(24 * MiB);
    // One byte more than the credit is a protocol violation, not more buffering.
    const closedP = page.next((m) => m.t === 'closed' && m.id === 1, 10_000);
    page.write(1, Buffer.alloc(opened.sendWindow - (written - acked) + 1));
    expect(await page.next((m) => m.t === 'error' && m.id === 1)).toMatchObject({ code: 'FLOW_VIOLATION', fatal: true });
    const closed = (await closedP) as ClosedMsg;
    // Now the deaf peer reads everything it was sent: exactly what `closed` says went out.
    const conn = [...deaf.connections][0]!;
    let got = 0;
    conn.on('data', (d) => (got += d.length));
    const ended = new Promise((r) => conn.once('end', r));
    conn.resume();
    await ended;
    console.log(`[deaf peer] closed.bytesOut=${closed.bytesOut}, peer read ${got}`);
    expect(closed.bytesOut).toBe(got);
    await page.close();
    await deaf.close();
  });

  it('closing a socket whose peer never reads returns within the flush grace period and frees it', async () => {
    const deaf = await deafPeer();
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: deaf.port });
    for (let i = 0; i < 4; i++) page.write(1, Buffer.alloc(256 * 1024));
    await new Promise((r) => setTimeout(r, 300));
    const start = Date.now();
    expect(await page.request({ t: 'close', id: 1 })).toMatchObject({ t: 'closed', id: 1 });
    expect(Date.now() - start).toBeLessThan(3500);
    await page.close();
    await deaf.close();
  });
});

describe('a peer that sends without end to a page that does not read', () => {
  it('delivers at most one receive window, then holds the peer back; gateway memory stays flat', async () => {
    const blaster = await blasterPeer();
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    page.autoCredit = false;
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: blaster.port });
    const growth = await rssGrowth(() => new Promise((r) => setTimeout(r, 1500)));
    const got = page.bytes(1).length;
    console.log(`[blaster] page got ${(got / MiB).toFixed(2)} MiB of ${(blaster.written() / MiB).toFixed(1)} MiB offered; gateway RSS grew ${(growth / MiB).toFixed(1)} MiB`);
    expect(got).toBeLessThanOrEqual(MiB + 65536);
    expect(growth).toBeLessThan(16 * MiB);
    // Reading again resumes it: the socket was paused, not broken.
    page.credit(1, got);
    await page.until(() => page.bytes(1).length > got);
    page.received.delete(1);
    await page.close();
    await blaster.close();
  });
});

describe('a peer that resets mid-transfer', () => {
  it('RESET reaches the page (error with ECONNRESET, then closed with the byte counts)', async () => {
    const peer = net.createServer((s) => {
      s.on('error', () => {});
      s.write(Buffer.alloc(300_000, 0x62), () => setTimeout(() => s.resetAndDestroy(), 50));
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    const error = page.next((m) => m.t === 'error' && m.id === 1);
    const closed = page.next((m) => m.t === 'closed' && m.id === 1);
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port });
    expect(await error).toMatchObject({ code: 'RESET', osCode: 'ECONNRESET', fatal: true });
    const c = (await closed) as ClosedMsg;
    expect(c).toMatchObject({ error: 'RESET' });
    expect(c.bytesIn).toBe(page.bytes(1).length);
    expect(c.bytesIn).toBe(300_000);
    await page.close();
    peer.close();
  });

  it('while the page is uploading: RESET, and the page learns how much the gateway wrote', async () => {
    const peer = net.createServer((s) => {
      s.on('error', () => {});
      let n = 0;
      s.on('data', (d) => {
        n += d.length;
        if (n > 2 * MiB) s.resetAndDestroy();
      });
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    const closed = page.next((m) => m.t === 'closed' && m.id === 1, 10_000);
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port })) as OpenedMsg;
    let written = 0;
    let done = false;
    void closed.then(() => (done = true));
    while (!done && written < 64 * MiB) {
      const room = opened.sendWindow - (written - (page.acked.get(1) ?? 0));
      if (room >= 65536) {
        page.write(1, Buffer.alloc(65536));
        written += 65536;
      } else await new Promise((r) => setTimeout(r, 2));
    }
    const c = (await closed) as ClosedMsg;
    expect(c.error).toBe('RESET');
    expect(page.messages.some((m) => m.t === 'error' && m.id === 1 && (m as ErrorMsg).code === 'RESET')).toBe(true);
    expect(c.bytesOut).toBeGreaterThan(2 * MiB);
    expect(c.bytesOut).toBeLessThanOrEqual(written);
    await page.close();
    peer.close();
  });
});

describe('a peer that half-closes', () => {
  it('the page gets eof, keeps writing, the peer reads it all, and the page’s end reaches the peer', async () => {
    let peerGot = 0;
    let peerEnd!: () => void;
    const peerEnded = new Promise<void>((r) => (peerEnd = r));
    const peer = net.createServer({ allowHalfOpen: true }, (s) => {
      s.end('hello'); // FIN right away; keep reading
      s.on('data', (d) => (peerGot += d.length));
      s.on('end', () => peerEnd());
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port });
    // The peer's FIN may arrive together with `opened`: look at what came, then wait.
    await page.until(() => page.messages.some((m) => m.t === 'eof' && m.id === 1));
    expect(page.bytes(1).toString()).toBe('hello');
    for (let i = 0; i < 10; i++) page.write(1, Buffer.alloc(10_000, i));
    const closed = page.next((m) => m.t === 'closed' && m.id === 1);
    expect(await page.request({ t: 'end', id: 1 })).toMatchObject({ t: 'ok', op: 'end' });
    await peerEnded;
    expect(peerGot).toBe(100_000);
    expect(await closed).toMatchObject({ bytesIn: 5, bytesOut: 100_000 });
    expect(((await closed) as ClosedMsg).error).toBeUndefined();
    await page.close();
    peer.close();
  });
});

describe('a UDP flood at a bound socket', () => {
  it('drops what the page has no credit for and counts it; gateway memory stays flat', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    page.autoCredit = false;
    const credit = 64 * 1024;
    const opened = (await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', credit })) as OpenedMsg;
    const flooder = dgram.createSocket('udp4');
    await new Promise<void>((r) => flooder.bind(0, '127.0.0.1', r));
    const payload = Buffer.alloc(1024, 0x66);
    let sent = 0;
    const growth = await rssGrowth(async () => {
      const until = Date.now() + 1000;
      while (Date.now() < until) {
        await Promise.all(Array.from({ length: 200 }, () => new Promise<void>((r) => flooder.send(payload, opened.local.port, '127.0.0.1', () => r()))));
        sent += 200;
      }
      await new Promise((r) => setTimeout(r, 100));
    });
    const delivered = page.received.get(1)?.length ?? 0;
    const closed = (await page.request({ t: 'close', id: 1 })) as ClosedMsg;
    console.log(`[udp flood] sent ${sent} datagrams, delivered ${delivered}, gateway dropped ${closed.dropped}, RSS grew ${(growth / MiB).toFixed(1)} MiB`);
    expect(delivered * payload.length).toBeLessThanOrEqual(credit);
    expect(delivered).toBe(credit / payload.length);
    expect(closed.dropped).toBeGreaterThan(1000);
    expect(delivered + closed.dropped!).toBeLessThanOrEqual(sent);
    expect(closed.bytesIn).toBe(delivered * payload.length);
    expect(growth).toBeLessThan(16 * MiB);
    flooder.close();
    await page.close();
  });

  it('a page looping sends as fast as it can is paced to --udp-rate, not amplified', async () => {
    const sink = dgram.createSocket('udp4');
    const arrivals: number[] = [];
    sink.on('message', () => arrivals.push(Date.now()));
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    try {
      await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1' });
      // 3,000 datagrams of 100 bytes fit the send window at once; the default rate is 1,000/s
      // with a burst of 1,000, so the gateway needs about two seconds to send them.
      const start = Date.now();
      for (let i = 0; i < 3000; i++) page.sendTo(1, '127.0.0.1', sink.address().port, Buffer.alloc(100));
      // The gateway acknowledges each datagram once the kernel sent it.
      await page.until(() => page.acked.get(1) === 300_000, 10_000);
      const span = (Date.now() - start) / 1000;
      const firstSecond = arrivals.filter((t) => t - start < 1000).length;
      console.log(`[udp pacing] 3000 datagrams sent in ${span.toFixed(2)} s; ${firstSecond} arrived in the first second`);
      expect(span).toBeGreaterThan(1.7);
      expect(firstSecond).toBeLessThanOrEqual(2000 + 50); // burst + one second at the rate
      expect(arrivals.length).toBeGreaterThan(0);
    } finally {
      sink.close();
      await page.close();
    }
  });
});

describe('nothing leaks', () => {
  it('the gateway has as many file descriptors as before these peers', async () => {
    await waitFor(() => gp.fds() <= fdsAtStart, 5000, `gateway fds (${gp.fds()}) to return to ${fdsAtStart}`);
    expect(gp.fds()).toBe(fdsAtStart);
    const health = (await (await fetch(`${gp.origin}/api/health`)).json()) as { pages: number; sockets: number };
    expect(health).toMatchObject({ pages: 0, sockets: 0 });
  });
});
