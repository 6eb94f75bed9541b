import crypto from 'node:crypto';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMsg, OpenedMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { spawnGateway } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { openFds, waitFor } from '../helpers/peers.js';
import { blasterPeer, echoPeer, stalledPort } from './hostile-peers-kit.js';
import { echoRoundTrips, quantile } from './latency.js';

/**
 * Pages and websockify clients that flood the gateway without reading, or before their target
 * answers (split from hostile-pages.test.ts): the gateway must stop reading them and stay bounded
 * while other pages are served.
 */

const LIMITS = { socketsPerPage: 16, pages: 6, sendWindow: 256 * 1024, receiveWindow: 256 * 1024 };
let gw: Gateway;
let echo: Awaited<ReturnType<typeof echoPeer>>;
/** This process's descriptors once the gateway and peer are up. */
let fdsAtStart: number;

beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null, limits: LIMITS });
  echo = await echoPeer();
  fdsAtStart = openFds();
});
afterAll(async () => {
  await gw.close();
  await echo.close();
});

/** Errors (in order) this page received after index `from`. */
const errorsOf = (page: ProtocolClient, from = 0) => page.messages.slice(from).filter((m): m is ErrorMsg => m.t === 'error');

describe('a page that stops reading its WebSocket', () => {
  it('is held to bounded gateway memory while another page’s echo round trip stays fast', async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    const blaster = await blasterPeer();
    const echoes = await echoPeer();
    const fdsBefore = gp.fds();
    try {
      const reader = await ProtocolClient.connect(gp.origin, gp.token);
      await reader.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echoes.port, noDelay: true });
      const baseline = await echoRoundTrips(reader, 1, 50);

      const hog = await ProtocolClient.connect(gp.origin, gp.token);
      hog.autoCredit = false;
      const sockets = 64;
      await Promise.all(Array.from({ length: sockets }, (_, i) => hog.request({ t: 'tcp.connect', id: i + 1, host: '127.0.0.1', port: blaster.port })));
      const rssBefore = gp.rss();
      // Stop reading the WebSocket, but keep lying: grant a full window on every socket, again and again.
      (hog.ws as unknown as { _socket: net.Socket })._socket.pause();
      const liar = setInterval(() => {
        for (let id = 1; id <= sockets; id++) hog.credit(id, 1 << 20);
      }, 20);
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(gp.rss()), 100);
      const during = await echoRoundTrips(reader, 1, 300);
      clearInterval(liar);
      clearInterval(sampler);
      const peak = Math.max(...samples);
      const report = {
        echoBaselineMedianMs: +quantile(baseline, 0.5).toFixed(2),
        echoDuringMedianMs: +quantile(during, 0.5).toFixed(2),
        echoDuringP99Ms: +quantile(during, 0.99).toFixed(2),
        echoDuringMaxMs: +Math.max(...during).toFixed(2),
        gatewayRssBeforeMiB: +(rssBefore / 2 ** 20).toFixed(1),
        gatewayRssPeakMiB: +(peak / 2 ** 20).toFixed(1),
        blasterOfferedMiB: +(blaster.written() / 2 ** 20).toFixed(1),
      };
      console.log('[hostile page not reading]', JSON.stringify(report));
      // Generous bounds: this is about not stalling, not about speed.
      expect(report.echoDuringMedianMs).toBeLessThan(25);
      expect(report.echoDuringP99Ms).toBeLessThan(500);
      // 64 sockets × 1 MiB of credit were claimed; the gateway must not have buffered them.
      expect(peak - rssBefore).toBeLessThan(48 * 2 ** 20);
      // The hog's tab vanishes (it would never finish a close handshake it does not read).
      hog.ws.terminate();
      await reader.close();
      await waitFor(() => gp.fds() <= fdsBefore, 5000, 'gateway fds to return to their level');
    } finally {
      await gp.stop();
      await blaster.close();
      await echoes.close();
    }
  });
});

describe('a websockify client that floods before its target answers', () => {
  it('is held back: the gateway buffers at most a send window while the connect is pending', async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet', '--connect-timeout', '4000']);
    const stalled = await stalledPort();
    try {
      const { WebSocket } = await import('ws');
      const ws = new WebSocket(`${gp.origin.replace('http', 'ws')}/websockify?token=${gp.token}&target=127.0.0.1:${stalled.port}`, ['binary']);
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<[number, string]>((r) => ws.once('close', (code, why) => r([code, why.toString()])));
      const before = gp.rss();
      let peak = before;
      const block = Buffer.alloc(1 << 20);
      let offered = 0;
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        // Keep the client's own queue short, so what grows is the gateway, not this process.
        if (ws.bufferedAmount < 8 << 20) {
          ws.send(block);
          offered += block.length;
        } else await new Promise((r) => setTimeout(r, 5));
        peak = Math.max(peak, gp.rss());
      }
      console.log(`[websockify flood] offered ${offered >> 20} MiB while connecting; gateway RSS grew ${((peak - before) / 2 ** 20).toFixed(1)} MiB`);
      expect(peak - before).toBeLessThan(48 * 2 ** 20);
      const [code, why] = await closed;
      expect(code).toBe(1011);
      expect(why).toMatch(/^TIMED_OUT/);
    } finally {
      stalled.close();
      await gp.stop();
    }
  });
});

describe('a websockify client that writes before its target answers', () => {
  it('gets every byte through once the target accepts: the pause is lifted after the connect', async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    // Handshakes stall for 1.5 s, then the listener accepts and counts.
    const slow = await stalledPort(1.5, true);
    try {
      const { WebSocket } = await import('ws');
      const ws = new WebSocket(`${gp.origin.replace('http', 'ws')}/websockify?token=${gp.token}&target=127.0.0.1:${slow.port}`, ['binary']);
      await new Promise((r) => ws.once('open', r));
      const data = crypto.randomBytes(6 << 20); // more than a send window, sent at once
      for (let off = 0; off < data.length; off += 256 * 1024) ws.send(data.subarray(off, off + 256 * 1024));
      await waitFor(() => ws.bufferedAmount === 0, 20_000, 'the client to have sent everything');
      ws.close();
      await waitFor(() => slow.counts.length >= 1, 20_000, 'the target to count the connection');
      // Only the gateway's connection ends (the queue fillers stay open): it got all of it.
      expect(slow.counts).toEqual([data.length]);
    } finally {
      slow.close();
      await gp.stop();
    }
  });
});

describe('a page that sends without reading', () => {
  for (const [what, frame] of [
    ['garbage frames (each answered with an error)', Buffer.concat([Buffer.from([0x09, 0, 0, 0, 1]), Buffer.alloc(59)])],
    ['empty datagrams (no send credit spent, each queued for the pacer)', Buffer.from([0x03, 0, 0, 0, 1, 0x1f, 0x90, 9, ...Buffer.from('127.0.0.1')])],
  ] as const) {
    it(`cannot grow the gateway with ${what}: its WebSocket is no longer read`, async () => {
      const gp = await spawnGateway(['--port', '0', '--quiet']);
      try {
        const page = await ProtocolClient.connect(gp.origin, gp.token);
        await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1' });
        (page.ws as unknown as { _socket: net.Socket })._socket.pause();
        const before = gp.rss();
        let frames = 0;
        // When the gateway had stopped reading: the client's queue did not shrink for 3 s (it shrinks in steps
        // while the kernel grows the connection's buffers, slower on a loaded machine), and its RSS then.
        let stalledAt = 0;
        let atStall = 0;
        const started = Date.now();
        // At least 8 s in all and 2 s after the stall, at most 30 s.
        const done = () => Date.now() > started + 30_000 || (Date.now() > started + 8000 && stalledAt > 0 && Date.now() > stalledAt + 2000);
        while (!done()) {
          for (let i = 0; i < 1000; i++) page.ws.send(frame);
          frames += 1000;
          // Only what the gateway reads leaves this client: stop when it stops reading.
          let lowest = page.ws.bufferedAmount;
          let progressAt = Date.now();
          while (page.ws.bufferedAmount > 1 << 20 && !done()) {
            await new Promise((r) => setTimeout(r, 2));
            if (page.ws.bufferedAmount < lowest) {
              lowest = page.ws.bufferedAmount;
              progressAt = Date.now();
            } else if (!stalledAt && Date.now() - progressAt > 3000) {
              stalledAt = Date.now();
              atStall = gp.rss();
            }
          }
        }
        await new Promise((r) => setTimeout(r, 300));
        const growth = gp.rss() - before;
        const lateGrowth = gp.rss() - atStall;
        const stuck = page.ws.bufferedAmount;
        console.log(`[sends without reading] ${what}: ${frames} offered, gateway RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB, ${(lateGrowth / 2 ** 20).toFixed(1)} MiB of it in the ${((Date.now() - stalledAt) / 1000).toFixed(1)} s after it stopped reading (${((stalledAt - started) / 1000).toFixed(1)} s in); ${stuck} bytes stuck in the client`);
        // The gateway stopped reading this page: the client's queue no longer drains.
        expect(stalledAt).toBeGreaterThan(0);
        expect(stuck).toBeGreaterThan(1 << 20);
        // And what it did read is bounded: flat once it stopped reading.
        expect(lateGrowth).toBeLessThan(16 * 2 ** 20);
        expect(growth).toBeLessThan(96 * 2 ** 20);
        page.ws.terminate();
      } finally {
        await gp.stop();
      }
    });
  }

  it('a page that does read gets LIMIT once 16,384 of its datagrams wait for the pacer, and the socket keeps working', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1' })) as OpenedMsg;
    const empty = Buffer.from([0x03, 0, 0, 0, 1, ...[opened.local.port >> 8, opened.local.port & 0xff], 9, ...Buffer.from('127.0.0.1')]);
    for (let i = 0; i < 20_000; i++) page.ws.send(empty);
    await page.until(() => errorsOf(page).length > 0, 20_000);
    expect(errorsOf(page)[0]).toMatchObject({ code: 'LIMIT', id: 1, message: expect.stringContaining('16384 datagrams') });
    expect(page.closeCode).toBeUndefined();
    await page.close();
  });
});

describe('nothing leaks', () => {
  it('after the floods above, this process has the descriptors it had before (/proc/self/fd), and the gateway no sockets', async () => {
    await waitFor(() => openFds() <= fdsAtStart, 10_000, `descriptors back to ${fdsAtStart}`);
    expect(gw.stats().sockets).toBe(0);
  });
});
