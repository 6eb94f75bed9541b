import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { echoServer, waitFor } from '../helpers/peers.js';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null });
});
afterAll(() => gw.close());

describe('HTTP API', () => {
  it('GET /api/health answers without a token; /api/interfaces needs it and gives directed broadcast addresses', async () => {
    const health = await (await fetch(`${gw.origin}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, name: 'sockgate', protocol: 'sockgate.v1' });
    expect((await fetch(`${gw.origin}/api/interfaces`)).status).toBe(401);
    const res = await fetch(`${gw.origin}/api/interfaces`, { headers: { Authorization: `Bearer ${gw.token}` } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const { interfaces } = await res.json();
    const lo = interfaces.find((i: { address: string }) => i.address === '127.0.0.1');
    expect(lo).toMatchObject({ name: 'lo', family: 'IPv4', netmask: '255.0.0.0', broadcast: '127.255.255.255' });
  });

  it('opening the page with ?token= sets an HttpOnly SameSite cookie that then authorises the API', async () => {
    const res = await fetch(gw.url, { redirect: 'manual' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/sockgate_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const api = await fetch(`${gw.origin}/api/interfaces`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(api.status).toBe(200);
  });
});

describe('TLS to the target', () => {
  let server: tls.Server;
  let port: number;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=lab.local',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = tls.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (s) => {
      s.on('error', () => {});
      s.end(`hello over TLS, SNI ${(s as tls.TLSSocket & { servername?: string }).servername}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as import('node:net').AddressInfo).port;
  });
  afterAll(() => server.close());

  it('a self-signed certificate is refused with TLS unless insecure is set; servername is sent as SNI', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const refused = await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port, tls: { servername: 'lab.local' } });
    expect(refused).toMatchObject({ t: 'error', code: 'TLS', osCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port, tls: { servername: 'lab.local', insecure: true } })).toMatchObject({ t: 'opened' });
    await page.next((m) => m.t === 'eof' && m.id === 2);
    expect(page.bytes(2).toString()).toBe('hello over TLS, SNI lab.local');
    await page.close();
  });
});

describe('timeouts and heartbeats', () => {
  it('a connect that gets no answer ends with TIMED_OUT', async () => {
    // A Python listener with a full accept queue: Linux drops further SYNs, so connects hang.
    const py = spawn('python3', ['-c', `
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
print(s.getsockname()[1], flush=True)
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(s.getsockname())
    except BlockingIOError: pass
    fill.append(c)
time.sleep(30)
`]);
    const port = await new Promise<number>((r) => py.stdout.once('data', (d) => r(Number(String(d).trim()))));
    await new Promise((r) => setTimeout(r, 200));
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const started = Date.now();
    const reply = await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port, timeoutMs: 700 });
    expect(reply).toMatchObject({ t: 'error', code: 'TIMED_OUT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    py.kill();
    await page.close();
  });

  it('a socket idle past --idle-timeout is closed with IDLE_TIMEOUT', async () => {
    const idle = await startGateway({ port: 0, audit: null, limits: { idleTimeoutMs: 300 } });
    const echo = await echoServer();
    const page = await ProtocolClient.connect(idle.origin, idle.token);
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port });
    // A busy socket of the same page, echoing every 100 ms, must outlive the idle one.
    await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port: echo.port });
    let pings = 0;
    const busy = setInterval(() => page.write(2, Buffer.from(`p${pings++};`)), 100);
    try {
      const err = await page.next((m) => m.t === 'error' && m.id === 1, 3000);
      expect(err).toMatchObject({ code: 'IDLE_TIMEOUT', fatal: true });
      expect(await page.next((m) => m.t === 'closed' && m.id === 1)).toMatchObject({ error: 'IDLE_TIMEOUT' });
      // Three more idle periods: the busy socket is still open and still echoes.
      const sent = pings;
      await page.until(() => pings >= sent + 9 && page.bytes(2).toString().endsWith(`p${pings - 1};`), 5000);
      expect(page.messages.some((m) => (m.t === 'error' || m.t === 'closed') && m.id === 2)).toBe(false);
      expect(idle.stats().sockets).toBe(1);
    } finally {
      clearInterval(busy);
    }
    await page.close();
    await idle.close();
    echo.close();
  });

  it('a page that stops answering pings is dropped and its sockets closed', async () => {
    const hb = await startGateway({ port: 0, audit: null, heartbeatMs: 200 });
    const echo = await echoServer();
    const page = await ProtocolClient.connect(hb.origin, hb.token);
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port });
    // A live page (its ws answers every ping) on the same gateway, idle on purpose: answering pings is enough.
    const live = await ProtocolClient.connect(hb.origin, hb.token);
    await live.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port });
    let pings = 0;
    live.ws.on('ping', () => pings++);
    expect(hb.stats().sockets).toBe(2);
    // Stop reading: pings go unanswered, as with a frozen or vanished tab.
    (page.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    await waitFor(() => hb.stats().sockets === 1 && hb.stats().pages === 1, 3000, 'the silent page to be dropped');
    // The live page answered pings all along and is kept: five more heartbeats, still there and working.
    const seen = pings;
    await waitFor(() => pings >= seen + 5, 3000, 'five more pings to the live page');
    expect(hb.stats()).toMatchObject({ pages: 1, sockets: 1 });
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    live.write(1, Buffer.from('still here'));
    await live.until(() => live.bytes(1).toString() === 'still here');
    await live.close();
    page.ws.terminate();
    await hb.close();
    echo.close();
  });
});

describe('limits', () => {
  it('sockets per page: the next open gets LIMIT naming the flag', async () => {
    const small = await startGateway({ port: 0, audit: null, limits: { socketsPerPage: 2 } });
    const page = await ProtocolClient.connect(small.origin, small.token);
    await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', port: 0 });
    await page.request({ t: 'udp.bind', id: 2, host: '127.0.0.1', port: 0 });
    const reply = await page.request({ t: 'udp.bind', id: 3, host: '127.0.0.1', port: 0 });
    expect(reply).toMatchObject({ t: 'error', code: 'LIMIT', message: expect.stringContaining('--max-sockets 2') });
    await page.close();
    await small.close();
  });

  it('pages per gateway: the next page is closed with 4001', async () => {
    const small = await startGateway({ port: 0, audit: null, limits: { pages: 1 } });
    const first = await ProtocolClient.connect(small.origin, small.token);
    const second = await ProtocolClient.connect(small.origin, small.token).catch((e: Error) => e);
    expect(String(second)).toContain('4001');
    await first.close();
    await small.close();
  });
});
