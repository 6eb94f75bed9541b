import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { expect, it } from 'vitest';
import type { AcceptedMsg, OpenedMsg } from '../../shared/protocol.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { tcpClient, waitFor } from '../helpers/peers.js';
import { PageStreams, bulkPeer, pageRoundTrip } from '../reliability/bulk-transfer.js';
import { blasterPeer, echoPeer } from '../reliability/hostile-peers-kit.js';

/**
 * `npm run soak`: a few minutes of mixed traffic from many pages against one gateway process
 * — echo, bulk, UDP, listeners, denied targets, pages that vanish, pages that stop reading —
 * with the gateway's RSS and open file descriptors sampled every second. Passes when neither
 * shows a growth trend and every descriptor is back at the end.
 * SOCKGATE_SOAK_SECONDS sets the length (default 180), SOCKGATE_SOAK_PAGES the pages (12).
 */

const SECONDS = Number(process.env.SOCKGATE_SOAK_SECONDS ?? 180);
const PAGES = Number(process.env.SOCKGATE_SOAK_PAGES ?? 12);
const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[crypto.randomInt(xs.length)]!;

interface Sample {
  t: number;
  rss: number;
  fds: number;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

it(`soak: ${SECONDS} s of mixed traffic from ${PAGES} pages, no growth in memory or file descriptors`, async () => {
  const gp: GatewayProcess = await spawnGateway(['--port', '0', '--quiet']);
  const echo = await echoPeer();
  const bulk = await bulkPeer(2 * MiB, { maxWrite: 64 * 1024 });
  const blaster = await blasterPeer();
  const udpEcho = dgram.createSocket('udp4');
  udpEcho.on('message', (m, r) => udpEcho.send(m, r.port, r.address));
  await new Promise<void>((r) => udpEcho.bind(0, '127.0.0.1', r));
  const counts: Record<string, number> = {};
  const failures: string[] = [];
  const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);

  const baselinePage = await ProtocolClient.connect(gp.origin, gp.token);
  await baselinePage.close();
  await sleep(200);
  const fdsAtStart = gp.fds();
  const samples: Sample[] = [];
  const started = Date.now();
  const sampler = setInterval(() => samples.push({ t: (Date.now() - started) / 1000, rss: gp.rss(), fds: gp.fds() }), 1000);
  const deadline = started + SECONDS * 1000;

  /** One round of one kind of traffic on `page`, with ids from `nextId`. */
  const activities: Record<string, (page: ProtocolClient, nextId: () => number) => Promise<void>> = {
    async echo(page, nextId) {
      const id = nextId();
      await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: echo.port, noDelay: true });
      const data = crypto.randomBytes(1 + crypto.randomInt(200_000));
      for (let off = 0; off < data.length; off += 50_000) page.write(id, data.subarray(off, off + 50_000));
      await page.until(() => page.bytes(id).length >= data.length, 30_000);
      if (!page.bytes(id).equals(data)) throw new Error('echo mismatch');
      page.received.delete(id);
      await page.request({ t: 'close', id });
    },
    async bulk(page, nextId) {
      const streams = new PageStreams(page);
      const r = await pageRoundTrip(streams, nextId(), bulk.port, 2 * MiB, { timeoutMs: 60_000 });
      if (r.up.bytes !== 2 * MiB || r.down.bytes !== 2 * MiB) throw new Error('bulk short');
      page.autoCredit = true;
    },
    async udp(page, nextId) {
      const id = nextId();
      await page.request({ t: 'udp.bind', id, host: '127.0.0.1' });
      for (let i = 0; i < 50; i++) page.sendTo(id, '127.0.0.1', udpEcho.address().port, Buffer.alloc(200, i));
      await page.until(() => (page.received.get(id)?.length ?? 0) >= 45, 10_000); // UDP may drop a few
      page.received.delete(id);
      await page.request({ t: 'close', id });
    },
    async listen(page, nextId) {
      const id = nextId();
      const opened = (await page.request({ t: 'tcp.listen', id, host: '127.0.0.1', port: 0 })) as OpenedMsg;
      const accepted = page.next((m) => m.t === 'accepted' && m.server === id);
      const client = await tcpClient(opened.local.port);
      const a = (await accepted) as AcceptedMsg;
      page.credit(a.id, 65536);
      client.write('ping');
      await page.until(() => page.bytes(a.id).toString() === 'ping');
      page.write(a.id, Buffer.from('pong'));
      await waitFor(() => client.data().toString() === 'pong');
      client.destroy();
      page.received.delete(a.id);
      await page.request({ t: 'close', id });
      await page.next((m) => m.t === 'closed' && m.id === a.id).catch(() => {});
    },
    async denied(page, nextId) {
      const reply = await page.request({ t: 'tcp.connect', id: nextId(), host: pick(['169.254.169.254', '0xa9fea9fe', '::ffff:8.8.8.8', '0.0.0.0']), port: 80 });
      if (reply.t !== 'error' || reply.code !== 'DENIED') throw new Error(`not denied: ${JSON.stringify(reply)}`);
    },
    async slowReader(page, nextId) {
      // Opens sockets to an endless sender and stops reading for a while.
      page.autoCredit = false;
      const ids = [nextId(), nextId(), nextId()];
      for (const id of ids) await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: blaster.port });
      await sleep(500 + crypto.randomInt(1500));
      for (const id of ids) {
        await page.request({ t: 'close', id });
        page.received.delete(id);
      }
      page.autoCredit = true;
    },
  };

  async function pageLoop(n: number): Promise<void> {
    while (Date.now() < deadline) {
      let page: ProtocolClient;
      try {
        page = await ProtocolClient.connect(gp.origin, gp.token);
      } catch (err) {
        failures.push(`page ${n} connect: ${(err as Error).message}`);
        await sleep(500);
        continue;
      }
      count('pages');
      let id = 0;
      const nextId = () => ++id;
      const rounds = 5 + crypto.randomInt(20);
      try {
        for (let r = 0; r < rounds && Date.now() < deadline; r++) {
          const what = pick(Object.keys(activities));
          await activities[what]!(page, nextId);
          count(what);
        }
      } catch (err) {
        failures.push(`page ${n}: ${(err as Error).message}`);
      }
      // Pages leave in different ways: a clean close, or a tab that vanishes mid-flight.
      if (crypto.randomInt(3) === 0) {
        page.ws.terminate();
        count('vanished');
      } else {
        await page.close();
      }
    }
  }

  await Promise.all(Array.from({ length: PAGES }, (_, i) => pageLoop(i)));
  clearInterval(sampler);
  // Every descriptor back once the pages are gone.
  await waitFor(() => gp.fds() <= fdsAtStart, 15_000, `gateway fds (${gp.fds()}) to return to ${fdsAtStart}`).catch(() => {});
  const fdsAtEnd = gp.fds();

  // Trend over the steady part (after the first third, which includes warm-up).
  // The wind-down after the deadline (pages finishing their last round) is left out too.
  const steady = samples.filter((s) => s.t > SECONDS / 3 && s.t <= SECONDS);
  const rssSlope = slope(steady.map((s) => s.t), steady.map((s) => s.rss)); // bytes per second
  const fdSlope = slope(steady.map((s) => s.t), steady.map((s) => s.fds));
  const quarter = Math.floor(steady.length / 4);
  const earlyRss = median(steady.slice(0, quarter).map((s) => s.rss));
  const lateRss = median(steady.slice(-quarter).map((s) => s.rss));
  const report = {
    seconds: SECONDS,
    pages: PAGES,
    operations: counts,
    failures: failures.length,
    rssMiB: { min: +(Math.min(...samples.map((s) => s.rss)) / MiB).toFixed(1), max: +(Math.max(...samples.map((s) => s.rss)) / MiB).toFixed(1), early: +(earlyRss / MiB).toFixed(1), late: +(lateRss / MiB).toFixed(1) },
    rssSlopeKiBPerMin: +((rssSlope * 60) / 1024).toFixed(1),
    fds: { start: fdsAtStart, max: Math.max(...samples.map((s) => s.fds)), end: fdsAtEnd },
    fdSlopePerMin: +(fdSlope * 60).toFixed(2),
  };
  console.log('[soak]', JSON.stringify(report, null, 1));

  await gp.stop();
  udpEcho.close();
  await echo.close();
  await bulk.close();
  await blaster.close();

  expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
  for (const what of Object.keys(activities)) expect(counts[what], what).toBeGreaterThan(0);
  expect(fdsAtEnd).toBe(fdsAtStart);
  // No growth trend: less than 2 MiB a minute over the steady part, and the last quarter's
  // median within 16 MiB of the first quarter's (allocator noise, not leaks).
  expect(report.rssSlopeKiBPerMin).toBeLessThan(2048);
  expect(lateRss - earlyRss).toBeLessThan(16 * MiB);
  expect(report.fdSlopePerMin).toBeLessThan(5);
});
