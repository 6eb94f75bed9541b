import crypto from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedMsg, OpenedMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { echoServer, tcpClient, waitFor } from '../helpers/peers.js';

let gw: Gateway;
let echo: Awaited<ReturnType<typeof echoServer>>;

beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null });
  echo = await echoServer();
});
afterAll(async () => {
  await gw.close();
  echo.close();
});

/** Sends `data` in random-sized writes, never exceeding the send window the gateway granted. */
async function sendWithinWindow(page: ProtocolClient, id: number, data: Buffer, window: number, maxWrite: number): Promise<void> {
  let sent = 0;
  while (sent < data.length) {
    const size = Math.min(1 + crypto.randomInt(maxWrite), data.length - sent);
    await page.until(() => sent + size - (page.acked.get(id) ?? 0) <= window, 20_000);
    page.write(id, data.subarray(sent, sent + size));
    sent += size;
  }
}

describe('TCP client', () => {
  it('echoes 64 MiB written in random sizes, byte-exact, one Chunk per read in sequence', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port, noDelay: true })) as OpenedMsg;
    expect(opened.t).toBe('opened');
    expect(opened.remote).toEqual({ address: '127.0.0.1', port: echo.port, family: 'IPv4' });
    const data = crypto.randomBytes(64 << 20);
    await sendWithinWindow(page, 1, data, opened.sendWindow, 200_000);
    await page.until(() => page.bytes(1).length >= data.length, 60_000);
    const got = page.bytes(1);
    expect(got.length).toBe(data.length);
    expect(crypto.createHash('sha256').update(got).digest('hex')).toBe(crypto.createHash('sha256').update(data).digest('hex'));
    const seqs = page.received.get(1)!.map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    // No chunk was merged beyond one kernel read (Node reads at most 64 KiB at a time).
    expect(Math.max(...page.received.get(1)!.map((c) => c.payload.length))).toBeLessThanOrEqual(65536);
    const closed = await page.request({ t: 'close', id: 1 });
    expect(closed).toMatchObject({ t: 'closed', id: 1, bytesIn: data.length, bytesOut: data.length });
    await page.close();
  });

  it('half-closes: the page ends its side and still receives; a peer FIN ends only the page side', async () => {
    // Peer reads everything until FIN, then answers and closes its side.
    const peer = net.createServer({ allowHalfOpen: true }, (s) => {
      const got: Buffer[] = [];
      s.on('data', (c) => got.push(c));
      s.on('end', () => s.end(`got ${Buffer.concat(got).length} bytes: ${Buffer.concat(got)}`));
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await page.request({ t: 'tcp.connect', id: 5, host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port });
    page.write(5, Buffer.from('question'));
    const eof = page.next((m) => m.t === 'eof' && m.id === 5);
    expect(await page.request({ t: 'end', id: 5 })).toMatchObject({ t: 'ok', op: 'end' });
    await eof;
    expect(page.bytes(5).toString()).toBe('got 8 bytes: question');
    await page.close();
    peer.close();
  });

  it('after the peer sends FIN the page can still write, and the peer still reads', async () => {
    const got: Buffer[] = [];
    const peer = net.createServer({ allowHalfOpen: true }, (s) => {
      s.end('bye'); // FIN at once
      s.on('data', (c) => got.push(c));
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await page.request({ t: 'tcp.connect', id: 6, host: '127.0.0.1', port: (peer.address() as net.AddressInfo).port });
    await page.next((m) => m.t === 'eof' && m.id === 6);
    expect(page.bytes(6).toString()).toBe('bye');
    page.write(6, Buffer.from('still here'));
    await waitFor(() => Buffer.concat(got).toString() === 'still here');
    await page.close();
    peer.close();
  });
});

describe('TCP server', () => {
  it('accepts three clients, each held paused until credited, each receiving its own data', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    page.autoCredit = false;
    const opened = (await page.request({ t: 'tcp.listen', id: 10, host: '127.0.0.1', port: 0 })) as OpenedMsg;
    expect(opened).toMatchObject({ t: 'opened', kind: 'tcp-server' });
    const port = opened.local.port;
    const clients: Awaited<ReturnType<typeof tcpClient>>[] = [];
    const accepted: AcceptedMsg[] = [];
    for (let i = 0; i < 3; i++) {
      const next = page.next((m) => m.t === 'accepted');
      const c = await tcpClient(port);
      const a = (await next) as AcceptedMsg;
      expect(a.server).toBe(10);
      expect(a.remote).toEqual({ address: '127.0.0.1', port: c.localPort, family: 'IPv4' });
      expect(a.id).toBeGreaterThanOrEqual(0x8000_0000);
      c.write(`hello from client ${i}`);
      clients.push(c);
      accepted.push(a);
    }
    // Held paused: nothing delivered before the page grants credit. Observed, not waited for: each
    // credited connection's bytes come through the gateway while those not yet credited, whose
    // clients wrote earlier still, have delivered nothing.
    expect(accepted.every((a) => page.bytes(a.id).length === 0)).toBe(true);
    for (const [i, a] of accepted.entries()) {
      page.credit(a.id, 65536);
      await page.until(() => page.bytes(a.id).toString() === `hello from client ${i}`);
      expect(accepted.slice(i + 1).every((later) => page.bytes(later.id).length === 0)).toBe(true);
      page.write(a.id, Buffer.from(`reply to ${i}`));
    }
    for (const [i, c] of clients.entries()) await waitFor(() => c.data().toString() === `reply to ${i}`);
    // Closing the listener leaves accepted connections open.
    expect(await page.request({ t: 'close', id: 10 })).toMatchObject({ t: 'closed', id: 10 });
    page.write(accepted[0]!.id, Buffer.from('!'));
    await waitFor(() => clients[0]!.data().toString() === 'reply to 0!');
    for (const c of clients) c.destroy();
    await page.close();
  });

  it('reports ADDRESS_IN_USE for a taken port', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const reply = await page.request({ t: 'tcp.listen', id: 11, host: '127.0.0.1', port: echo.port });
    expect(reply).toMatchObject({ t: 'error', code: 'ADDRESS_IN_USE', osCode: 'EADDRINUSE', fatal: true });
    await page.close();
  });
});

describe('flow control', () => {
  it('a socket the page does not read pauses alone: bounded memory while 1 GiB is pushed, the other socket keeps echoing', async () => {
    let pushed = 0;
    let pushing = true;
    // A peer that pushes 1 GiB as fast as the kernel takes it.
    const firehose = net.createServer((s) => {
      const block = Buffer.alloc(256 * 1024, 0x61);
      const pump = () => {
        while (pushing && pushed < 1 << 30) {
          pushed += block.length;
          if (!s.write(block)) return void s.once('drain', pump);
        }
        s.end();
      };
      s.on('error', () => {});
      pump();
    });
    await new Promise<void>((r) => firehose.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    page.autoCredit = false;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    await page.request({ t: 'tcp.connect', id: 20, host: '127.0.0.1', port: (firehose.address() as net.AddressInfo).port, credit: 256 * 1024 });
    await page.request({ t: 'tcp.connect', id: 21, host: '127.0.0.1', port: echo.port, credit: 1 << 20 });
    let maxRss = 0;
    for (let i = 0; i < 20; i++) {
      page.write(21, Buffer.from(`ping ${i}`));
      await page.until(() => page.bytes(21).toString().endsWith(`ping ${i}`));
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 25));
    }
    const deliveredUnread = page.bytes(20).length;
    // The gateway stops after one window (plus at most one read of overdraw).
    expect(deliveredUnread).toBeLessThanOrEqual(256 * 1024 + 65536);
    expect(pushed).toBeLessThan(64 << 20); // the kernel's buffers, not 1 GiB
    expect(maxRss - rssBefore).toBeLessThan(100 << 20);
    // Granting credit resumes exactly that socket.
    page.credit(20, 256 * 1024);
    await page.until(() => page.bytes(20).length > deliveredUnread);
    pushing = false;
    await page.close();
    firehose.close();
  });

  it('a page that sends past its send window gets FLOW_VIOLATION and the socket is closed', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'tcp.connect', id: 30, host: '127.0.0.1', port: echo.port })) as OpenedMsg;
    const err = page.next((m) => m.t === 'error' && m.id === 30);
    const closed = page.next((m) => m.t === 'closed' && m.id === 30);
    // The whole window and one byte more, back to back: no Ack can come in between.
    page.write(30, Buffer.alloc(opened.sendWindow));
    page.write(30, Buffer.alloc(1));
    expect(await err).toMatchObject({ code: 'FLOW_VIOLATION', fatal: true });
    expect(await closed).toMatchObject({ error: 'FLOW_VIOLATION', bytesOut: opened.sendWindow });
    await page.close();
  });
});

describe('pages that go away', () => {
  it('a page that drops its WebSocket leaves no sockets behind', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await page.request({ t: 'tcp.listen', id: 40, host: '127.0.0.1', port: 0 });
    for (let id = 41; id < 46; id++) await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: echo.port });
    await page.request({ t: 'udp.bind', id: 46, host: '127.0.0.1', port: 0 });
    const echoConns = () => new Promise<number>((r) => echo.getConnections((_e, n) => r(n)));
    expect(await echoConns()).toBeGreaterThanOrEqual(5);
    await waitFor(() => gw.stats().sockets === 7, 1000, 'seven sockets');
    page.ws.terminate(); // no close handshake: the tab vanished
    await waitFor(() => gw.stats().sockets === 0 && gw.stats().pages === 0, 1000, 'sockets closed within a second');
    for (let i = 0; i < 50 && (await echoConns()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await echoConns()).toBe(0);
  });
});
