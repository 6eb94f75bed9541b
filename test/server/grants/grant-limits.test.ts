/**
 * A grant's limits over real loopback sockets: bytesPerSecond paces what the student's pages send
 * (measured at a real TCP sink and a real UDP peer, nothing dropped), sockets and bytesPerSecond
 * are the student's totals across their pages, `--send-rate` paces an operator page, and an
 * expired grant's live page is cut within a second with the reason.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../../shared/protocol.js';
import { startGateway, type Gateway } from '../../../server/gateway.js';
import { hashToken, serializeGrantsFile, type GrantRecord } from '../../../server/grants/grants-file.js';
import { udpPeer } from '../../helpers/peers.js';
import { ProtocolClient } from '../../helpers/protocol-client.js';

const RATE = 256 * 1024;
/** A bucket starts full: a tenth of a second's bytes may go at once (server/send-rate.ts). */
const BURST = RATE / 10;
/** Bytes per second after the first burst: what the bucket lets through once it is empty. */
const sustained = (bytes: number, burst: number, fromMs: number, toMs: number) => (bytes - burst) / ((toMs - fromMs) / 1000);
const WINDOW = 64 * 1024;

/** A TCP sink that counts what arrives, per connection, with the time of the last byte. */
async function tcpSink() {
  const conns: { bytes: number; first: number; last: number; data: Buffer[] }[] = [];
  const server = net.createServer((s) => {
    const c = { bytes: 0, first: 0, last: 0, data: [] as Buffer[] };
    conns.push(c);
    s.on('data', (d) => {
      const now = performance.now();
      if (c.bytes === 0) c.first = now;
      c.bytes += d.length;
      c.last = now;
      c.data.push(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, conns, close: () => server.close() };
}

/** Sends `total` bytes on socket `id` as fast as the page's send credit lets it (the page slows down, not the gateway's memory). */
async function push(page: ProtocolClient, id: number, total: number, chunk = 16 * 1024): Promise<Buffer> {
  const all = Buffer.alloc(total);
  for (let i = 0; i < total; i++) all[i] = (i * 7 + id) & 0xff;
  let sent = 0;
  while (sent < total) {
    await page.until(() => sent - (page.acked.get(id) ?? 0) + chunk <= WINDOW, 20_000);
    const n = Math.min(chunk, total - sent);
    page.write(id, all.subarray(sent, sent + n));
    sent += n;
  }
  return all;
}

/** The HTTP status a /ws upgrade with `token` gets (101 when admitted). */
function upgradeStatus(origin: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws?token=${token}`, SUBPROTOCOL);
    ws.once('open', () => (ws.close(), resolve(101)));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
    ws.once('error', reject);
  });
}

/** Polls `predicate` every 20 ms. */
async function pollUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function record(id: string, token: string, extra: Partial<GrantRecord>): GrantRecord {
  return { id, name: id, tokenHash: hashToken(token), allow: [], limits: {}, revoked: false, ...extra };
}

describe('grant limits and expiry over real sockets', () => {
  let dir: string;
  let file: string;
  let gw: Gateway;
  let sink: Awaited<ReturnType<typeof tcpSink>>;

  beforeAll(async () => {
    sink = await tcpSink();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-grant-limits-'));
    file = path.join(dir, 'grants.json');
    const tcp = `connect:127.0.0.1:${sink.port}`;
    const grants = [
      record('paced', 'tok-paced-0123456789', { allow: [tcp, 'udp-bind:127.0.0.1', 'udp-send:127.0.0.1'], limits: { bytesPerSecond: RATE } }),
      record('two', 'tok-two-0123456789ab', { allow: [tcp], limits: { sockets: 2 } }),
      record('short', 'tok-short-0123456789', { allow: [tcp], expires: Date.now() + 2500 }),
    ];
    fs.writeFileSync(file, serializeGrantsFile({ grantsMayWiden: false, grants }));
    gw = await startGateway({ port: 0, token: 'operator-tok-42', grants: file, audit: null, limits: { sendWindow: WINDOW, sendBytesPerSecond: 2 * RATE } });
  });

  afterAll(async () => {
    await gw?.close();
    sink?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // First: the grant expires 2.5 s after the gateway starts.
  it('an expired grant closes its live page within a second (4003, "expired"), and its token no longer admits', async () => {
    const page = await ProtocolClient.connect(gw.origin, 'tok-short-0123456789');
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened' });
    const expires = JSON.parse(fs.readFileSync(file, 'utf8')).grants.find((g: { id: string }) => g.id === 'short').expires as string;
    const closedAt = await new Promise<number>((resolve) => page.ws.once('close', () => resolve(Date.now())));
    expect(page.closeCode).toBe(4003);
    expect(page.closeReason).toMatch(/grant "short" expired/);
    expect(closedAt - Date.parse(expires)).toBeGreaterThanOrEqual(0);
    expect(closedAt - Date.parse(expires)).toBeLessThan(1000);
    expect(page.messages.some((m) => m.t === 'closed' && m.id === 1)).toBe(true);
    expect(await upgradeStatus(gw.origin, 'tok-short-0123456789')).toBe(401);
  }, 10_000);

  it('bytesPerSecond paces a TCP stream at a real sink: every byte arrives, in order, at the rate', async () => {
    const page = await ProtocolClient.connect(gw.origin, 'tok-paced-0123456789');
    const before = sink.conns.length;
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened', sendWindow: WINDOW });
    const total = 640 * 1024;
    const started = performance.now();
    const sent = await push(page, 1, total);
    await page.until(() => (sink.conns[before]?.bytes ?? 0) === total, 15_000);
    const c = sink.conns[before]!;
    expect(Buffer.concat(c.data).equals(sent)).toBe(true);
    // The burst is a tenth of a second's bytes: the rest arrives at the rate, not faster.
    const rate = sustained(total, BURST, started, c.last);
    expect(rate).toBeLessThanOrEqual(RATE * 1.03);
    expect(rate).toBeGreaterThan(RATE * 0.8);
    await page.close();
  }, 20_000);

  it("bytesPerSecond is the grant's total: two pages of one student share it", async () => {
    const [a, b] = await Promise.all([ProtocolClient.connect(gw.origin, 'tok-paced-0123456789'), ProtocolClient.connect(gw.origin, 'tok-paced-0123456789')]);
    const before = sink.conns.length;
    for (const p of [a, b]) expect(await p.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened' });
    const each = 256 * 1024;
    const started = performance.now();
    await Promise.all([push(a, 1, each), push(b, 1, each)]);
    await a.until(() => sink.conns.slice(before).reduce((n, c) => n + c.bytes, 0) === 2 * each, 15_000);
    const last = Math.max(...sink.conns.slice(before).map((c) => c.last));
    const rate = sustained(2 * each, BURST, started, last);
    // Per page it would be twice the rate; shared, the two together stay within it.
    expect(rate).toBeLessThanOrEqual(RATE * 1.03);
    expect(rate).toBeGreaterThan(RATE * 0.8);
    await Promise.all([a.close(), b.close()]);
  }, 20_000);

  it('bytesPerSecond paces UDP sends too (datagrams wait, none is lost)', async () => {
    const peer = await udpPeer();
    const page = await ProtocolClient.connect(gw.origin, 'tok-paced-0123456789');
    expect(await page.request({ t: 'udp.bind', id: 3, host: '127.0.0.1', port: 0 })).toMatchObject({ t: 'opened' });
    const got: number[] = [];
    peer.socket.on('message', () => got.push(performance.now()));
    const size = 8 * 1024;
    const count = 48; // 384 KiB at 256 KiB/s: about 1.4 s after the burst
    const started = performance.now();
    let sent = 0;
    while (sent < count) {
      await page.until(() => sent * size - (page.acked.get(3) ?? 0) + size <= WINDOW, 10_000);
      page.sendTo(3, '127.0.0.1', peer.port, Buffer.alloc(size, sent));
      sent++;
    }
    await page.until(() => got.length === count, 10_000);
    // A datagram may overdraw the bucket by less than its own size: one more datagram of burst.
    const rate = sustained(count * size, BURST + size, started, got.at(-1)!);
    expect(rate).toBeLessThanOrEqual(RATE * 1.03);
    expect(rate).toBeGreaterThan(RATE * 0.7);
    peer.socket.close();
    await page.close();
  }, 20_000);

  it("bytesPerSecond paces the grant's /websockify streams too (the WebSocket is read no faster than the rate; every byte arrives)", async () => {
    const before = sink.conns.length;
    const ws = new WebSocket(`${gw.origin.replace(/^http/, 'ws')}/websockify?token=tok-paced-0123456789&target=127.0.0.1:${sink.port}`, 'binary');
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const total = 384 * 1024;
    const started = performance.now();
    for (let sent = 0; sent < total; sent += 16 * 1024) ws.send(Buffer.alloc(16 * 1024, 3));
    await pollUntil(() => (sink.conns[before]?.bytes ?? 0) === total, 15_000);
    const rate = sustained(total, BURST, started, sink.conns[before]!.last);
    expect(rate).toBeLessThanOrEqual(RATE * 1.03);
    expect(rate).toBeGreaterThan(RATE * 0.8);
    ws.close();
  }, 20_000);

  it('--send-rate paces an operator page on its own (per page)', async () => {
    const page = await ProtocolClient.connect(gw.origin, 'operator-tok-42');
    const before = sink.conns.length;
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened' });
    const total = 768 * 1024;
    const started = performance.now();
    await push(page, 1, total);
    await page.until(() => (sink.conns[before]?.bytes ?? 0) === total, 15_000);
    const rate = sustained(total, 2 * BURST, started, sink.conns[before]!.last);
    expect(rate).toBeLessThanOrEqual(2 * RATE * 1.03);
    expect(rate).toBeGreaterThan(2 * RATE * 0.8);
    await page.close();
  }, 20_000);

  it("sockets is the grant's total across the student's pages", async () => {
    const a = await ProtocolClient.connect(gw.origin, 'tok-two-0123456789ab');
    const b = await ProtocolClient.connect(gw.origin, 'tok-two-0123456789ab');
    expect(await a.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened' });
    expect(await b.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened' });
    const refused = (await b.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port: sink.port })) as { t: string; code?: string; message?: string };
    expect(refused).toMatchObject({ t: 'error', code: 'LIMIT' });
    expect(refused.message).toMatch(/grant "two" already has 2 sockets across its pages/);
    // One closed on the other page frees the place.
    await a.request({ t: 'close', id: 1 });
    await a.until(() => a.messages.some((m) => m.t === 'closed' && m.id === 1));
    expect(await b.request({ t: 'tcp.connect', id: 3, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'opened' });
    // A /websockify stream of the same grant is one more socket of the total: refused while it is full…
    const stream = () => new WebSocket(`${gw.origin.replace(/^http/, 'ws')}/websockify?token=tok-two-0123456789ab&target=127.0.0.1:${sink.port}`, 'binary');
    const refused429 = await new Promise<number>((resolve) => stream().once('unexpected-response', (_q, res) => resolve(res.statusCode!)));
    expect(refused429).toBe(429);
    // …and, admitted once a socket is free, it holds a place a page cannot take.
    await b.request({ t: 'close', id: 1 });
    await b.until(() => b.messages.some((m) => m.t === 'closed' && m.id === 1));
    const ws = stream();
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    expect(await b.request({ t: 'tcp.connect', id: 4, host: '127.0.0.1', port: sink.port })).toMatchObject({ t: 'error', code: 'LIMIT' });
    ws.close();
    await new Promise((r) => ws.once('close', r));
    await Promise.all([a.close(), b.close()]);
  });

});
