import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Frame, GATEWAY_ID_BASE, encodeCounter, encodeData, type AcceptedMsg, type ClosedMsg, type ErrorMsg, type OpenedMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { openFds, tcpClient, waitFor } from '../helpers/peers.js';
import { blasterPeer, echoPeer } from './hostile-peers-kit.js';
import { echoRoundTrips } from './latency.js';

/**
 * Pages that attack the gateway: floods, oversized frames, garbage, other pages' sockets,
 * writes after close, credit lies, and a page that stops reading. Each must be refused with
 * a clear error or closed with a defined code, and other pages must not notice.
 */

const LIMITS = { socketsPerPage: 16, pages: 6, sendWindow: 256 * 1024, receiveWindow: 256 * 1024 };
let gw: Gateway;
let echo: Awaited<ReturnType<typeof echoPeer>>;
/** A well-behaved page that checks, after every attack, that the gateway still serves it. */
let bystander: ProtocolClient;
/** This process's descriptors (gateway, peers and pages all live here) once the bystander is up. */
let fdsAtStart: number;

beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null, limits: LIMITS });
  echo = await echoPeer();
  bystander = await ProtocolClient.connect(gw.origin, gw.token);
  expect(await bystander.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
  fdsAtStart = openFds();
});
afterAll(async () => {
  await bystander.close();
  await gw.close();
  await echo.close();
});

/** The bystander page still gets an echo back, promptly. */
async function bystanderStillServed(): Promise<void> {
  const [rtt] = await echoRoundTrips(bystander, 1, 1);
  expect(rtt).toBeLessThan(1000);
}

/** Errors (in order) this page received after index `from`. */
const errorsOf = (page: ProtocolClient, from = 0) => page.messages.slice(from).filter((m): m is ErrorMsg => m.t === 'error');

describe('floods', () => {
  it('opens past the socket limit get LIMIT naming --max-sockets; closing one frees a slot', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => page.request({ t: 'udp.bind', id: i + 1, host: '127.0.0.1' })));
    const opened = replies.filter((r) => r.t === 'opened');
    const limited = replies.filter((r) => r.t === 'error') as ErrorMsg[];
    expect(opened).toHaveLength(LIMITS.socketsPerPage);
    expect(limited).toHaveLength(40 - LIMITS.socketsPerPage);
    for (const e of limited) expect(e).toMatchObject({ code: 'LIMIT', message: expect.stringContaining('--max-sockets 16') });
    expect(gw.stats().sockets).toBe(LIMITS.socketsPerPage + 1); // + the bystander's
    expect(await page.request({ t: 'close', id: (opened[0] as OpenedMsg).id })).toMatchObject({ t: 'closed' });
    expect(await page.request({ t: 'udp.bind', id: 100, host: '127.0.0.1' })).toMatchObject({ t: 'opened' });
    expect(await page.request({ t: 'udp.bind', id: 101, host: '127.0.0.1' })).toMatchObject({ code: 'LIMIT' });
    await page.close();
    await waitFor(() => gw.stats().sockets === 1, 5000, 'the flood page to be torn down');
    await bystanderStillServed();
  });

  it('connections accepted past the limit are refused at once, not queued', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const listening = (await page.request({ t: 'tcp.listen', id: 1, host: '127.0.0.1', port: 0 })) as OpenedMsg;
    const clients = await Promise.all(Array.from({ length: 30 }, () => tcpClient(listening.local.port)));
    await page.until(() => page.messages.filter((m) => m.t === 'accepted').length + errorsOf(page).length >= 30);
    expect(page.messages.filter((m) => m.t === 'accepted')).toHaveLength(LIMITS.socketsPerPage - 1);
    expect(errorsOf(page).every((e) => e.code === 'LIMIT' && e.id === 1)).toBe(true);
    // The refused connections are closed by the gateway, not left hanging.
    await waitFor(() => clients.filter((c) => c.destroyed || c.readableEnded).length >= 30 - (LIMITS.socketsPerPage - 1), 5000, 'refused connections to close');
    for (const c of clients) c.destroy();
    await page.close();
  });

  it('pages past --max-pages are closed with 4001; the others keep working', async () => {
    const pages: ProtocolClient[] = [];
    // The bystander holds one slot.
    for (let i = 1; i < LIMITS.pages; i++) pages.push(await ProtocolClient.connect(gw.origin, gw.token));
    const extra = await Promise.allSettled([ProtocolClient.connect(gw.origin, gw.token), ProtocolClient.connect(gw.origin, gw.token)]);
    for (const r of extra) {
      // The upgrade completes and the socket is closed at once with 4001 (before or after welcome).
      if (r.status === 'fulfilled') {
        await waitFor(() => r.value.closeCode !== undefined);
        expect(r.value.closeCode).toBe(4001);
      } else {
        expect(String(r.reason)).toMatch(/4001/);
      }
    }
    await bystanderStillServed();
    for (const p of pages) await p.close();
    await waitFor(() => gw.stats().pages === 1);
  });
});

describe('malformed traffic', () => {
  it('a binary frame over the frame limit closes that page with 1009; a text frame too', async () => {
    for (const frame of [Buffer.alloc(gw.limits.frameBytes + 1), 'x'.repeat(gw.limits.frameBytes + 1)]) {
      const page = await ProtocolClient.connect(gw.origin, gw.token);
      page.ws.send(frame);
      await waitFor(() => page.closeCode !== undefined, 5000);
      expect(page.closeCode).toBe(1009);
    }
    await bystanderStillServed();
  });

  it('a control message over its own limit (but under the frame limit) gets TOO_BIG, and the page stays', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    page.sendText(JSON.stringify({ t: 'tcp.connect', id: 5, ref: 9, host: '127.0.0.1', port: 1, pad: 'x'.repeat(gw.limits.controlMessageBytes) }));
    const err = (await page.next((m) => m.t === 'error')) as ErrorMsg;
    expect(err).toMatchObject({ code: 'TOO_BIG', message: expect.stringContaining(`limit of ${gw.limits.controlMessageBytes}`) });
    expect(await page.request({ t: 'tcp.connect', id: 5, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    await page.close();
  });

  it('unknown types, frames in the wrong direction and truncated frames get BAD_MESSAGE; the page keeps working', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    // Binary frames below name an open socket, so the error is about the frame, not the id.
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    const texts = [
      '{"t":"tcp.explode","id":1}',
      '{"t":"__proto__","id":1}',
      '{"t":"constructor","id":1}',
      '{"t":"hasOwnProperty","id":1}',
      '{"t":"welcome","version":1}', // a gateway→page message sent the wrong way
      '{"id":1}',
      '[]',
      '"tcp.connect"',
      'null',
      '{',
      '\u0000\uffff',
      '['.repeat(10_000), // deep nesting within the control limit
      '{"t":"tcp.connect","id":3,"host":"127.0.0.1","port":1,"__proto__":{"polluted":true}}', // parsed as data, no pollution
    ];
    const binaries = [
      Buffer.from([0x09, 0, 0, 0, 1]), // reserved kind (0x07 is Batch, 0x08 RelayRead)
      Buffer.from([0xff, 0, 0, 0, 1, 9, 9]),
      Buffer.from([Frame.Chunk, 0, 0, 0, 1, ...new Uint8Array(12)]), // gateway→page kinds
      Buffer.from([Frame.Datagram, 0, 0, 0, 1, ...new Uint8Array(20)]),
      Buffer.from([Frame.Ack, 0, 0, 0, 1, 0, 0, 0, 1]),
      Buffer.from([Frame.Credit, 0, 0, 0, 1, 0]), // truncated credit
      Buffer.from([Frame.SendTo, 0, 0, 0, 1, 0]), // truncated sendto
      Buffer.from([Frame.SendTo, 0, 0, 0, 1, 0, 7, 200, 0x31]), // address runs past the end
      Buffer.from([]),
      Buffer.from([Frame.Data, 0, 0]),
    ];
    const from = page.messages.length;
    for (const t of texts) page.sendText(t);
    for (const b of binaries) page.sendBinary(b);
    await page.until(() => errorsOf(page, from).length >= texts.length + binaries.length - 1);
    await new Promise((r) => setTimeout(r, 50));
    const errors = errorsOf(page, from);
    // The polluting connect parses "__proto__" as an own key, which the schema does not have:
    // BAD_MESSAGE naming it (before unknown keys were refused it was a connect to a closed port,
    // REFUSED), never a crash or a polluted prototype.
    expect(errors.map((e) => e.code).sort()).toEqual([...Array(texts.length + binaries.length).fill('BAD_MESSAGE')].sort());
    expect(errors.some((e) => e.id === 3 && e.message.includes('"__proto__"'))).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(page.closeCode).toBeUndefined();
    expect(await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    page.write(2, Buffer.from('still here'));
    await page.until(() => page.bytes(2).toString() === 'still here');
    await page.close();
    await bystanderStillServed();
  });
});

describe("another page's sockets", () => {
  it('socket ids are per page: frames and requests naming another page’s sockets get UNKNOWN_SOCKET and touch nothing', async () => {
    const owner = await ProtocolClient.connect(gw.origin, gw.token);
    const intruder = await ProtocolClient.connect(gw.origin, gw.token);
    expect(await owner.request({ t: 'tcp.connect', id: 7, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    const server = (await owner.request({ t: 'tcp.listen', id: 8, host: '127.0.0.1', port: 0 })) as OpenedMsg;
    const client = await tcpClient(server.local.port);
    const accepted = (await owner.next((m) => m.t === 'accepted')) as AcceptedMsg;
    expect(accepted.id).toBeGreaterThanOrEqual(GATEWAY_ID_BASE);
    const from = intruder.messages.length;
    for (const id of [7, 8, accepted.id]) {
      intruder.sendBinary(encodeData(id, Buffer.from('injected')));
      intruder.sendBinary(encodeCounter(Frame.Credit, id, 1 << 20));
      for (const msg of [{ t: 'close', id }, { t: 'end', id }, { t: 'set', id, noDelay: true }, { t: 'udp.join', id, group: '224.0.0.251' }] as const) {
        expect(await intruder.request(msg as never), `${msg.t} ${id}`).toMatchObject({ t: 'error', code: 'UNKNOWN_SOCKET', id });
      }
    }
    await intruder.until(() => errorsOf(intruder, from).length >= 18);
    expect(errorsOf(intruder, from).every((e) => e.code === 'UNKNOWN_SOCKET')).toBe(true);
    // The intruder can use id 7 for its own socket; the two never mix.
    expect(await intruder.request({ t: 'tcp.connect', id: 7, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    owner.write(7, Buffer.from('owner'));
    intruder.write(7, Buffer.from('intruder'));
    await owner.until(() => owner.bytes(7).length >= 5);
    await intruder.until(() => intruder.bytes(7).length >= 8);
    await new Promise((r) => setTimeout(r, 50));
    expect(owner.bytes(7).toString()).toBe('owner');
    expect(intruder.bytes(7).toString()).toBe('intruder');
    expect(client.data().length).toBe(0); // nothing injected into the accepted connection
    expect(owner.received.get(accepted.id)).toBeUndefined(); // the intruder's credit did not unpause it
    client.write('to owner');
    await new Promise((r) => setTimeout(r, 50));
    expect(owner.received.get(accepted.id)).toBeUndefined();
    client.destroy();
    await owner.close();
    await intruder.close();
  });
});

describe('writes after close or end', () => {
  it('get INVALID_STATE (closing or ended) or UNKNOWN_SOCKET (gone), and no byte reaches the peer', async () => {
    const received: Buffer[] = [];
    const sink = await (async () => {
      const { default: net } = await import('node:net');
      // Half-open on purpose (the page ends its side first); the sink closes its side in turn.
      const srv = net.createServer({ allowHalfOpen: true }, (s) => s.on('data', (d) => received.push(d)).on('end', () => s.end()).on('error', () => {}));
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      return srv;
    })();
    const port = (sink.address() as net.AddressInfo).port;
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port });
    page.write(1, Buffer.from('before'));
    expect(await page.request({ t: 'end', id: 1 })).toMatchObject({ t: 'ok', op: 'end' });
    page.write(1, Buffer.from('after-end'));
    const afterEnd = (await page.next((m) => m.t === 'error' && m.id === 1)) as ErrorMsg;
    expect(afterEnd).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('write after end') });

    await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port });
    const closed = page.next((m) => m.t === 'closed' && m.id === 2);
    page.sendText(JSON.stringify({ t: 'close', id: 2 }));
    page.write(2, Buffer.from('while-closing'));
    await closed;
    page.write(2, Buffer.from('after-closed'));
    page.credit(2, 100);
    await page.until(() => errorsOf(page).filter((e) => e.id === 2).length >= 3);
    const codes = errorsOf(page).filter((e) => e.id === 2).map((e) => e.code);
    expect(['INVALID_STATE', 'UNKNOWN_SOCKET']).toContain(codes[0]);
    expect(codes.slice(1)).toEqual(['UNKNOWN_SOCKET', 'UNKNOWN_SOCKET']);
    await new Promise((r) => setTimeout(r, 100));
    expect(Buffer.concat(received).toString()).toBe('before');
    await page.close();
    sink.close();
  });
});

describe('credit abuse', () => {
  it('sending past the send window → FLOW_VIOLATION, the socket is closed, the peer never gets the excess', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })) as OpenedMsg;
    expect(opened.sendWindow).toBe(LIMITS.sendWindow);
    const error = page.next((m) => m.t === 'error' && m.id === 1);
    const closed = page.next((m) => m.t === 'closed' && m.id === 1);
    page.write(1, Buffer.alloc(opened.sendWindow + 1));
    expect(await error).toMatchObject({ code: 'FLOW_VIOLATION', fatal: true });
    expect(await closed).toMatchObject({ error: 'FLOW_VIOLATION', bytesOut: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(page.bytes(1).length).toBe(0); // the echo peer never saw a byte of it
    // Other sockets of the same page are unaffected.
    await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port: echo.port });
    page.write(2, Buffer.from('fine'));
    await page.until(() => page.bytes(2).toString() === 'fine');
    await page.close();
  });

  it('granting more receive credit than the window → FLOW_VIOLATION error, credit clamped to the window', async () => {
    const blaster = await blasterPeer();
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    page.autoCredit = false;
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: blaster.port, credit: 0 });
    page.credit(1, 0xffff_ffff);
    const err = (await page.next((m) => m.t === 'error' && m.id === 1)) as ErrorMsg;
    expect(err).toMatchObject({ code: 'FLOW_VIOLATION', message: expect.stringContaining('clamped') });
    expect(err.fatal).toBeUndefined();
    // The peer sends without end; without more credit the page gets at most one window (+ one read).
    await new Promise((r) => setTimeout(r, 300));
    const got = page.bytes(1).length;
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThanOrEqual(LIMITS.receiveWindow + 65536);
    await new Promise((r) => setTimeout(r, 200));
    expect(page.bytes(1).length).toBe(got); // paused, not trickling
    await page.close();
    await blaster.close();
  });
  it('UDP too: a grant past the window is clamped with FLOW_VIOLATION, and no more than a window of datagrams is delivered', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    page.autoCredit = false;
    const opened = (await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', credit: 0 })) as OpenedMsg;
    page.credit(1, 0xffff_ffff);
    expect(await page.next((m) => m.t === 'error' && m.id === 1)).toMatchObject({ code: 'FLOW_VIOLATION', message: expect.stringContaining('clamped') });
    const { default: dgram } = await import('node:dgram');
    const flooder = dgram.createSocket('udp4');
    const payload = Buffer.alloc(1000);
    for (let i = 0; i < 600; i++) await new Promise<void>((r) => flooder.send(payload, opened.local.port, '127.0.0.1', () => r()));
    await new Promise((r) => setTimeout(r, 200));
    const delivered = (page.received.get(1) ?? []).length;
    expect(delivered * payload.length).toBeLessThanOrEqual(LIMITS.receiveWindow);
    expect(delivered).toBeGreaterThan(0);
    // 600 datagrams were offered: what the kernel did not drop and did not fit is counted as dropped.
    const closed = (await page.request({ t: 'close', id: 1 })) as ClosedMsg;
    expect(closed.bytesIn).toBe(delivered * payload.length);
    flooder.close();
    await page.close();
  });
});

describe('a page that goes silent', () => {
  it('is dropped by the heartbeat (close 4002) with all its sockets, while a live page stays', async () => {
    const g = await startGateway({ port: 0, audit: null, heartbeatMs: 150 });
    try {
      const silent = await ProtocolClient.connect(g.origin, g.token);
      const live = await ProtocolClient.connect(g.origin, g.token);
      for (let id = 1; id <= 5; id++) await silent.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: echo.port });
      await waitFor(() => g.stats().sockets === 5);
      // The tab is frozen: it reads nothing, so it answers no ping.
      (silent.ws as unknown as { _socket: net.Socket })._socket.pause();
      await waitFor(() => g.stats().pages === 1 && g.stats().sockets === 0, 3000, 'the silent page to be dropped');
      (silent.ws as unknown as { _socket: net.Socket })._socket.resume();
      await waitFor(() => silent.closeCode !== undefined, 3000);
      // The close frame (4002) may be cut short by the terminate that follows it.
      expect([4002, 1006]).toContain(silent.closeCode);
      expect(await live.request({ t: 'udp.bind', id: 1, host: '127.0.0.1' })).toMatchObject({ t: 'opened' });
      await live.close();
    } finally {
      await g.close();
    }
  });

  it('permessage-deflate is never negotiated (no decompression bombs)', async () => {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/ws?token=${gw.token}`, 'sockgate.v1', { perMessageDeflate: true });
    await new Promise((r) => ws.once('open', r));
    expect(ws.extensions).toBe('');
    ws.close();
  });
});

describe('nothing leaks', () => {
  it('after every attack above, this process has the descriptors it had before (/proc/self/fd), and the gateway only the bystander', async () => {
    await waitFor(() => gw.stats().pages === 1 && gw.stats().sockets === 1, 5000, 'only the bystander left');
    await waitFor(() => openFds() <= fdsAtStart, 5000, `fds (${openFds()}) to return to ${fdsAtStart}`);
    expect(openFds()).toBe(fdsAtStart);
    await bystanderStillServed();
  });
});
