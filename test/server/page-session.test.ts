import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL, type ErrorMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { StagedDnsServer } from '../helpers/dns-server.js';
import { closedPort, echoServer, waitFor } from '../helpers/peers.js';

/** Sends a hand-written upgrade request (so the Host header is exactly ours) and returns the status. */
function rawUpgradeStatus(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`,
      );
    });
    s.once('data', (d) => {
      resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1]));
      s.destroy();
    });
    s.once('error', reject);
  });
}

let gw: Gateway;
let dns: StagedDnsServer;
let audit: string[];

beforeAll(async () => {
  dns = await StagedDnsServer.start();
  dns.records.set('echo.lab.test', ['127.0.0.1']);
  audit = [];
  gw = await startGateway({ port: 0, audit: (l) => audit.push(l), lookup: dns.lookup() });
});
afterAll(async () => {
  await gw.close();
  dns.close();
});

describe('errors reach the page with a stable code', () => {
  it('refused port → REFUSED', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const reply = await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: await closedPort() });
    expect(reply).toMatchObject({ t: 'error', id: 1, code: 'REFUSED', osCode: 'ECONNREFUSED', fatal: true });
    await page.close();
  });

  it('a name that does not resolve → DNS_FAILURE; a name that does connects to the checked address', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const reply = await page.request({ t: 'tcp.connect', id: 2, host: 'no-such-host.lab.test', port: 80 });
    expect(reply).toMatchObject({ t: 'error', code: 'DNS_FAILURE', osCode: 'ENOTFOUND' });
    const echo = await echoServer();
    expect(await page.request({ t: 'tcp.connect', id: 3, host: 'echo.lab.test', port: echo.port })).toMatchObject({
      t: 'opened',
      remote: { address: '127.0.0.1', port: echo.port },
    });
    echo.close();
    await page.close();
  });

  it('a public address and the cloud metadata address are DENIED by name of rule, before any packet', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const pub = (await page.request({ t: 'tcp.connect', id: 4, host: '8.8.8.8', port: 53 })) as ErrorMsg;
    expect(pub).toMatchObject({ code: 'DENIED', rule: expect.stringContaining('public internet') });
    const meta = (await page.request({ t: 'tcp.connect', id: 5, host: '169.254.169.254', port: 80 })) as ErrorMsg;
    expect(meta).toMatchObject({ code: 'DENIED', rule: 'default deny 169.254.169.254/32' });
    expect(audit.some((l) => l.includes(' deny ') && l.includes('169.254.169.254:80'))).toBe(true);
    await page.close();
  });

  it('loopback denied by rule stays denied when written as 2130706433, 0x7f.1 or ::ffff:127.0.0.1', async () => {
    const strict = await startGateway({ port: 0, audit: null, deny: ['127.0.0.0/8'] });
    const page = await ProtocolClient.connect(strict.origin, strict.token);
    let id = 10;
    for (const host of ['2130706433', '0x7f.1', '127.1', '::ffff:127.0.0.1', '[::ffff:7f00:1]']) {
      const reply = (await page.request({ t: 'tcp.connect', id: id++, host, port: 80 })) as ErrorMsg;
      expect(reply, host).toMatchObject({ code: 'DENIED', rule: '--deny 127.0.0.0/8' });
    }
    await page.close();
    await strict.close();
  });

  it('listening below 1024 is denied unless allowed', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const reply = (await page.request({ t: 'tcp.listen', id: 20, host: '127.0.0.1', port: 80 })) as ErrorMsg;
    expect(reply).toMatchObject({ code: 'DENIED', rule: expect.stringContaining('privileged port') });
    await page.close();
  });
});

describe('who may connect', () => {
  const upgrade = (url: string, headers: Record<string, string> = {}, protocol: string | undefined = SUBPROTOCOL) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url, protocol ? [protocol] : [], { headers });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
  const wsUrl = () => gw.origin.replace('http', 'ws') + '/ws';

  it('no token → 401; wrong token → 401; right token → open', async () => {
    expect(await upgrade(wsUrl())).toBe(401);
    expect(await upgrade(`${wsUrl()}?token=wrong`)).toBe(401);
    expect(await upgrade(`${wsUrl()}?token=${gw.token}`)).toBe(101);
    expect(await upgrade(wsUrl(), { Authorization: `Bearer ${gw.token}` })).toBe(101);
  });

  it('a foreign Origin → 403; the gateway origin and --allow-origin → open', async () => {
    const url = `${wsUrl()}?token=${gw.token}`;
    expect(await upgrade(url, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade(url, { Origin: gw.origin })).toBe(101);
    const other = await startGateway({ port: 0, audit: null, allowOrigins: ['http://lab.example:3000'] });
    expect(await upgrade(`${other.origin.replace('http', 'ws')}/ws?token=${other.token}`, { Origin: 'http://lab.example:3000' })).toBe(101);
    await other.close();
  });

  it('a forged Host header → 421 (DNS rebinding); a missing subprotocol → 400', async () => {
    expect(await rawUpgradeStatus(gw.port, `/ws?token=${gw.token}`, 'attacker.example:80')).toBe(421);
    expect(await rawUpgradeStatus(gw.port, `/ws?token=${gw.token}`, `localhost:${gw.port}`)).toBe(101);
    expect(await upgrade(`${wsUrl()}?token=${gw.token}`, {}, 'chat')).toBe(400);
    // fetch() will not forge Host; node:http will.
    const status = await new Promise<number>((resolve) =>
      http.get({ port: gw.port, host: '127.0.0.1', path: `/api/interfaces?token=${gw.token}`, headers: { Host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }),
    );
    expect(status).toBe(421);
  });

  it('the token never appears in the audit log', () => {
    expect(audit.length).toBeGreaterThan(3);
    expect(audit.join('\n')).not.toContain(gw.token);
  });

  it('refuses to start off loopback without a token', async () => {
    await expect(startGateway({ host: '0.0.0.0', port: 0, token: '', audit: null })).rejects.toThrow(/without a token/);
  });
});

describe('hostile control messages', () => {
  it('10,000 malformed or hostile messages each get an error reply, and the page keeps working', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const types = ['tcp.connect', 'tcp.listen', 'udp.bind', 'udp.join', 'udp.leave', 'set', 'end', 'close', 'nope', '', 42];
    const hostile = fc.oneof(
      fc.string({ maxLength: 40 }), // mostly not JSON
      fc.json({ maxDepth: 2 }).filter((j) => !(j.startsWith('{') && j.includes('"t"'))),
      fc.record(
        {
          t: fc.constantFrom(...types),
          id: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(2 ** 40)),
          host: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant('8.8.8.8'), fc.constant('a b')),
          port: fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.string(), fc.constant(1.5)),
          noDelay: fc.oneof(fc.boolean(), fc.string(), fc.integer()),
          tls: fc.oneof(fc.constant('yes'), fc.record({ servername: fc.integer() })),
        },
        { requiredKeys: ['t'] },
      ).map((o) => JSON.stringify(o)),
    );
    const samples = fc.sample(hostile, 10_000);
    // Each message gets exactly one answer: an error, or `opened` for the rare valid open
    // (a `closed` follows every failed open and is not an answer of its own).
    let errors = 0;
    let opened = 0;
    page.ws.on('message', (d, bin) => {
      if (bin) return;
      const m = JSON.parse(d.toString());
      if (m.t === 'error') errors++;
      if (m.t === 'opened') opened++;
    });
    for (const s of samples) page.sendText(s);
    await page.until(() => errors + opened >= samples.length, 30_000).catch(() => {});
    expect(errors + opened).toBe(samples.length);
    expect(errors).toBeGreaterThan(samples.length * 0.95);
    const echo = await echoServer();
    expect(await page.request({ t: 'tcp.connect', id: 999, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    echo.close();
    await page.close();
    expect((await fetch(`${gw.origin}/api/health`)).ok).toBe(true);
  });

  it('a control message over the size limit gets TOO_BIG carrying its id and ref', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const err = page.next((m) => m.t === 'error');
    page.sendText(JSON.stringify({ t: 'tcp.connect', id: 77, ref: 5, host: '127.0.0.1', port: 9, pad: 'x'.repeat(gw.limits.controlMessageBytes) }));
    expect(await err).toMatchObject({ code: 'TOO_BIG', id: 77, ref: 5 });
    await page.close();
  });

  it('an unknown key is refused with BAD_MESSAGE naming it, with the id and ref; without it the same open succeeds', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const echo = await echoServer();
    const err = page.next((m) => m.t === 'error');
    page.sendText(JSON.stringify({ t: 'tcp.connect', id: 5, ref: 8, host: '127.0.0.1', port: echo.port, nodelay: true }));
    expect(await err).toMatchObject({ code: 'BAD_MESSAGE', id: 5, ref: 8, message: expect.stringContaining('"nodelay"') });
    expect(await page.request({ t: 'tcp.connect', id: 5, host: '127.0.0.1', port: echo.port, noDelay: true })).toMatchObject({ t: 'opened', id: 5 });
    echo.close();
    await page.close();
  });

  it('malformed binary frames and frames for unknown sockets get BAD_MESSAGE / UNKNOWN_SOCKET', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const bad = page.next((m) => m.t === 'error');
    page.sendBinary(new Uint8Array([0x01, 0, 0]));
    expect(await bad).toMatchObject({ code: 'BAD_MESSAGE' });
    const unknownKind = page.next((m) => m.t === 'error');
    page.sendBinary(new Uint8Array([0x7e, 0, 0, 0, 1, 9]));
    expect(await unknownKind).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringContaining('0x7e') });
    const unknown = page.next((m) => m.t === 'error');
    page.write(12345, Buffer.from('hi'));
    expect(await unknown).toMatchObject({ code: 'UNKNOWN_SOCKET', id: 12345 });
    await page.close();
  });
});

describe('page congestion', () => {
  it('a page whose WebSocket backed up is read again and its sockets resume once it drains', async () => {
    const big = await startGateway({ port: 0, audit: null, limits: { receiveWindow: 64 << 20 } });
    let pushing = true;
    const firehose = net.createServer((c) => {
      const block = Buffer.alloc(64 * 1024, 0x66);
      const pump = () => {
        while (pushing && c.write(block));
        if (pushing) c.once('drain', pump);
      };
      c.on('error', () => {});
      pump();
    });
    await new Promise<void>((r) => firehose.listen(0, '127.0.0.1', r));
    const page = await ProtocolClient.connect(big.origin, big.token);
    try {
      const raw = (page.ws as unknown as { _socket: net.Socket })._socket;
      // Not reading from the start: the 64 MiB window is far more than the 4 MiB the gateway queues per page.
      let got = 0;
      page.ws.on('message', (d: Buffer, binary) => {
        if (binary && d[0] === 0x02) got += d.length - 17;
      });
      raw.pause();
      page.sendText(JSON.stringify({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: (firehose.address() as net.AddressInfo).port, credit: 64 << 20 }));
      await new Promise((r) => setTimeout(r, 500));
      raw.resume();
      // Only a gateway that noticed the drain reads the page's credit again and unblocks the socket:
      // without it the page gets what was queued before the stop (≤ 64 MiB) and nothing more.
      await waitFor(() => got > 96 << 20, 20_000, '96 MiB through the unblocked socket');
      expect(await page.request({ t: 'set', id: 1, noDelay: true })).toMatchObject({ t: 'ok', op: 'set' });
    } finally {
      pushing = false;
      await page.close();
      firehose.close();
      await big.close();
    }
  });
});
