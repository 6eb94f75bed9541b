/**
 * sockgate behind Debian's HAProxy with docs/DEPLOY.md's config (TLS with a self-signed
 * certificate, `timeout tunnel`, `option forwardfor`, the /api/health check): the library's page
 * connects over wss through it, a socket echoes, the connection outlives `timeout client` while
 * idle (the tunnel timeout governs an upgraded WebSocket), and the audit line names the
 * browser's address, not the proxy's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { freePort, selfSignedCert } from '../helpers/nginx.js';
import { echoServer } from '../helpers/peers.js';
import { echoRoundTrip, openLoadPage } from './deploy-kit.js';

const HAPROXY_BIN = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';
const TEMPLATE = path.join(import.meta.dirname, '..', 'fixtures', 'deploy', 'haproxy.cfg');
const TOKEN = 'haproxy-class-token';

let dir: string;
let gw: GatewayProcess;
let haproxy: ChildProcess;
let port: number;
let ca: Buffer;
let echo: Awaited<ReturnType<typeof echoServer>>;
let log = '';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-haproxy-'));
  const { pem: cert, key } = selfSignedCert(dir);
  ca = cert;
  // HAProxy wants the certificate and its key in one file.
  const pemFile = path.join(dir, 'lab.pem');
  fs.writeFileSync(pemFile, Buffer.concat([cert, fs.readFileSync(key)]));
  [echo, port] = await Promise.all([echoServer(), freePort()]);
  // As docs/DEPLOY.md section 1: the public origin is allowed (its Host too), the proxy trusted.
  gw = await spawnGateway(['--port', '0', '--allow-origin', `https://127.0.0.1:${port}`, '--trust-proxy', '127.0.0.2/32'], { token: TOKEN });
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, fs.readFileSync(TEMPLATE, 'utf8').replaceAll('@@SHORT@@', '1s').replaceAll('@@PORT@@', String(port)).replaceAll('@@PEM@@', pemFile).replaceAll('@@UPSTREAM@@', String(gw.port)));
  // -db: stay in the foreground (no daemon, no service), so this test owns and ends the process.
  haproxy = spawn(HAPROXY_BIN, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  haproxy.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  haproxy.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await new Promise<boolean>((r) => net.connect(port, '127.0.0.1', function (this: net.Socket) { this.destroy(); r(true); }).on('error', () => r(false))))) {
    if (haproxy.exitCode !== null || Date.now() > deadline) throw new Error(`haproxy did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 20_000);

afterAll(async () => {
  if (haproxy && haproxy.exitCode === null) {
    const exited = new Promise((r) => haproxy.once('exit', r));
    haproxy.kill('SIGTERM');
    await exited;
  }
  await gw?.stop();
  echo?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** GET through the proxy over TLS, trusting exactly its certificate. */
function get(p: string): Promise<{ status: number; body: string; cookies: string[] }> {
  return new Promise((resolve, reject) => {
    https
      .get(`https://127.0.0.1:${port}${p}`, { ca }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body, cookies: ([] as string[]).concat(res.headers['set-cookie'] ?? []) }));
      })
      .on('error', reject);
  });
}

describe('behind HAProxy (docs/DEPLOY.md config)', () => {
  it('answers /api/health (its health check) and sets a Secure cookie over TLS', async () => {
    const health = await get('/api/health');
    expect(health.status, log).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ok: true, name: 'sockgate' });
    const pageRes = await get(`/?token=${TOKEN}`);
    expect(pageRes.status).toBe(200);
    expect(pageRes.cookies.find((c) => c.startsWith('sockgate'))).toMatch(/;\s*Secure/i);
  });

  it('a page over wss echoes, stays open past timeout client while idle, and is logged with the browser address', async () => {
    const page = await openLoadPage(`https://127.0.0.1:${port}`, TOKEN, ca, echo.port, 1);
    try {
      const s = page.sockets[0]!;
      expect(await echoRoundTrip(s, new TextEncoder().encode('through haproxy'))).toBeGreaterThan(0);
      // Idle for longer than `timeout client 1s`: only `timeout tunnel` applies to the upgraded connection.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await echoRoundTrip(s, new Uint8Array(4096).fill(5))).toBeGreaterThan(0);
    } finally {
      page.gateway.close();
    }
    const pageLines = gw.stderr().split('\n').filter((l) => / page /.test(l));
    expect(pageLines.length).toBeGreaterThan(0);
    for (const l of pageLines) expect(l).toMatch(/ from=127\.0\.0\.1( |$)/);
  }, 20_000);
});
