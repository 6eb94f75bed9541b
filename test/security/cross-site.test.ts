import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../shared/protocol.js';
import { tokensEqual } from '../../server/access-control.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { spawnGateway } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { echoServer } from '../helpers/peers.js';

/** Sends one hand-written HTTP request (so every header is exactly ours) and returns status and headers. */
function rawRequest(port: number, lines: string[], host = '127.0.0.1'): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => s.write(`${lines.join('\r\n')}\r\n\r\n`));
    let data = '';
    s.on('data', (d) => {
      data += d.toString();
      if (/\r\n\r\n/.test(data) && (data.startsWith('HTTP/1.1 101') || /Content-Length: (\d+)/i.test(data))) {
        const len = Number(/Content-Length: (\d+)/i.exec(data)?.[1] ?? 0);
        const [head, body = ''] = data.split('\r\n\r\n');
        if (data.startsWith('HTTP/1.1 101') || Buffer.byteLength(body) >= len) {
          s.destroy();
          resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)![1]), head: head!, body });
        }
      }
    });
    s.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), head, body });
    });
    s.on('error', reject);
  });
}

const upgradeLines = (path: string, host: string, extra: string[] = [], protocol = SUBPROTOCOL) => [
  `GET ${path} HTTP/1.1`,
  `Host: ${host}`,
  'Upgrade: websocket',
  'Connection: Upgrade',
  `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
  'Sec-WebSocket-Version: 13',
  `Sec-WebSocket-Protocol: ${protocol}`,
  ...extra,
];

let gw: Gateway;
const audit: string[] = [];

beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: (l) => audit.push(l), allowOrigins: ['http://lab.example:8080'] });
});
afterAll(() => gw.close());

describe('Origin: a page from another site cannot open the WebSocket', () => {
  it('refuses foreign origins with 403 even when the attacker knows the token', async () => {
    const host = `127.0.0.1:${gw.port}`;
    const foreign = [
      'http://evil.example',
      'https://evil.example',
      'null', // sandboxed iframe, file:// page, data: URL
      `http://127.0.0.1:${gw.port + 1 === 65536 ? 1 : gw.port + 1}`, // another local dev server
      `http://127.0.0.1:${gw.port}.evil.example`,
      `http://127.0.0.1:${gw.port}@evil.example`,
      `http://evil.example/http://127.0.0.1:${gw.port}`,
      `ws://127.0.0.1:${gw.port}`,
      `http://localhost:${gw.port}`, // a different origin from the one the Host names
      'http://lab.example', // the allowed extra origin is exact: port matters
      'http://lab.example:8080.evil.example',
    ];
    for (const origin of foreign) {
      for (const path of [`/ws?token=${gw.token}`, `/websockify?token=${gw.token}&target=127.0.0.1:7`]) {
        const res = await rawRequest(gw.port, upgradeLines(path, host, [`Origin: ${origin}`], path.startsWith('/ws') ? SUBPROTOCOL : 'binary'));
        expect(res.status, `${origin} ${path}`).toBe(403);
      }
    }
    // The gateway's own origin and the --allow-origin one are let in.
    for (const origin of [gw.origin, 'http://lab.example:8080', 'HTTP://LAB.EXAMPLE:8080']) {
      const res = await rawRequest(gw.port, upgradeLines(`/ws?token=${gw.token}`, host, [`Origin: ${origin}`]));
      expect(res.status, origin).toBe(101);
    }
    expect(audit.some((l) => l.includes('refused') && l.includes('origin=http://evil.example') && l.includes('status=403'))).toBe(true);
  });

  it('real Chromium: a page on another origin, holding the token, can neither open the WebSocket nor read /api/*', async () => {
    let browser: Browser | undefined;
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(evil.address() as net.AddressInfo).port}/`);
      const result = await page.evaluate(
        async ({ origin, token, subprotocol }) => {
          const read = async (path: string) => {
            try {
              const r = await fetch(origin + path, { credentials: 'include' });
              return `read ${r.status}: ${(await r.text()).slice(0, 40)}`;
            } catch (e) {
              return `blocked: ${(e as Error).name}`;
            }
          };
          const ws = await new Promise<string>((resolve) => {
            const s = new globalThis.WebSocket(`${origin.replace('http', 'ws')}/ws?token=${token}`, subprotocol);
            s.onopen = () => resolve('open');
            s.onclose = (e) => resolve(`closed ${e.code}`);
          });
          return { ws, policy: await read(`/api/policy?token=${token}`), interfaces: await read(`/api/interfaces?token=${token}`), health: await read('/api/health') };
        },
        { origin: gw.origin, token: gw.token, subprotocol: SUBPROTOCOL },
      );
      expect(result).toEqual({ ws: 'closed 1006', policy: 'blocked: TypeError', interfaces: 'blocked: TypeError', health: 'blocked: TypeError' });
      expect(audit.some((l) => l.includes('refused') && l.includes(`origin=http://127.0.0.1:${(evil.address() as net.AddressInfo).port}`))).toBe(true);
    } finally {
      await browser?.close();
      evil.close();
    }
  });
});

describe('/api/*: no permissive CORS, token required', () => {
  it('real Chromium: a page on another port of this host (same site, so the SameSite cookie goes along) cannot POST to /api', async () => {
    let browser: Browser | undefined;
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(gw.url); // the user opened sockgate: the token cookie is set
      await page.goto(`http://127.0.0.1:${(evil.address() as net.AddressInfo).port}/`);
      const sent = await page.evaluate(async (origin) => {
        // A blind write: no-cors needs no preflight and carries the same-site cookie.
        const r = await fetch(`${origin}/api/labs/start`, { method: 'POST', mode: 'no-cors', credentials: 'include' }).then(() => 'sent', (e: Error) => e.name);
        return r;
      }, gw.origin);
      expect(sent).toBe('sent');
      await new Promise((r) => setTimeout(r, 300));
      const labs = (await (await fetch(`${gw.origin}/api/labs?token=${gw.token}`)).json()) as { running: boolean };
      expect(labs.running).toBe(false);
      // The same request from the gateway's own page works.
      await page.goto(gw.origin + '/');
      const own = await page.evaluate(async () => (await fetch('/api/labs/start', { method: 'POST' })).status);
      expect(own).toBe(200);
      await fetch(`${gw.origin}/api/labs/stop?token=${gw.token}`, { method: 'POST' });
    } finally {
      await browser?.close();
      evil.close();
    }
  });

  it('sends no CORS headers to any origin, on simple requests and on preflights', async () => {
    for (const path of ['/api/policy', '/api/interfaces', '/api/health', `/api/policy?token=${gw.token}`]) {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await rawRequest(gw.port, [
          `${method} ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${gw.port}`,
          'Origin: http://evil.example',
          'Access-Control-Request-Method: GET',
          'Access-Control-Request-Headers: authorization',
          'Connection: close',
        ]);
        expect(res.head, `${method} ${path}`).not.toMatch(/access-control-allow/i);
        expect(res.status, `${method} ${path}`).toBe(403); // a foreign Origin gets nothing from /api
      }
    }
  });

  it('refuses /api/policy and /api/interfaces without the token (401), and with a wrong or truncated one', async () => {
    for (const auth of ['', '?token=', '?token=wrong', `?token=${gw.token.slice(0, -1)}`, `?token=${gw.token}x`]) {
      for (const path of ['/api/policy', '/api/interfaces']) {
        const res = await fetch(`${gw.origin}${path}${auth}`);
        expect(res.status, `${path}${auth}`).toBe(401);
        expect(await res.text()).not.toContain('rules');
      }
    }
    expect((await fetch(`${gw.origin}/api/policy`, { headers: { authorization: `Bearer ${gw.token}` } })).status).toBe(200);
    expect((await fetch(`${gw.origin}/api/policy`, { headers: { cookie: `sockgate_token=${gw.token}` } })).status).toBe(200);
  });

  it('the token cookie is HttpOnly and SameSite=Strict, so other sites never send it and scripts never read it', async () => {
    const res = await fetch(`${gw.origin}/?token=${gw.token}`);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sockgate_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    // The page URL carries the token: it must never leave in a Referer header.
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // A wrong token sets no cookie.
    expect((await fetch(`${gw.origin}/?token=nope`)).headers.get('set-cookie')).toBeNull();
  });
});

describe('Host: DNS rebinding against a loopback gateway', () => {
  it('a forged Host is refused with 421 for the page, the API and both WebSocket endpoints — even with the token', async () => {
    for (const host of ['evil.example', `evil.example:${gw.port}`, `127.0.0.1.evil.example:${gw.port}`, `127.0.0.2:${gw.port}`, `[::2]:${gw.port}`, `127.0.0.1:${gw.port}@evil.example`, '']) {
      const lines = host === '' ? [] : [`Host: ${host}`];
      for (const path of ['/', `/?token=${gw.token}`, '/api/health', `/api/policy?token=${gw.token}`]) {
        const res = await rawRequest(gw.port, [`GET ${path} HTTP/1.1`, ...lines, 'Connection: close']);
        // A request without Host is malformed HTTP/1.1: Node answers 400 before the gateway sees it.
        expect(res.status, `${host} ${path}`).toBe(host === '' ? 400 : 421);
      }
      if (host === '') continue;
      const ws = await rawRequest(gw.port, upgradeLines(`/ws?token=${gw.token}`, host, [`Origin: http://${host}`]));
      expect(ws.status, host).toBe(421);
      const wsf = await rawRequest(gw.port, upgradeLines(`/websockify?token=${gw.token}&target=127.0.0.1:7`, host, [], 'binary'));
      expect(wsf.status, host).toBe(421);
    }
    for (const host of [`127.0.0.1:${gw.port}`, `localhost:${gw.port}`, `LOCALHOST:${gw.port}`]) {
      expect((await rawRequest(gw.port, ['GET /api/health HTTP/1.1', `Host: ${host}`, 'Connection: close'])).status, host).toBe(200);
    }
  });

  it('a tokenless loopback gateway (--token "") is still safe from rebinding: matching Origin and Host of the attacker get 421', async () => {
    const open = await startGateway({ port: 0, token: '', audit: null });
    try {
      const evil = `rebind.evil.example:${open.port}`;
      // What a rebound page sends: its own origin, its own host name, both consistent.
      expect((await rawRequest(open.port, upgradeLines('/ws', evil, [`Origin: http://${evil}`]))).status).toBe(421);
      expect((await rawRequest(open.port, ['GET /api/policy HTTP/1.1', `Host: ${evil}`, 'Connection: close'])).status).toBe(421);
      // The same request naming the gateway is served: the Host check is what stopped it.
      expect((await rawRequest(open.port, upgradeLines('/ws', `127.0.0.1:${open.port}`, [`Origin: ${open.origin}`]))).status).toBe(101);
    } finally {
      await open.close();
    }
  });

  it('real Chromium, real rebinding: a page of evil.test whose name now resolves to 127.0.0.1 gets nothing from a tokenless gateway', async () => {
    const lines: string[] = [];
    const open = await startGateway({ port: 0, token: '', audit: (l) => lines.push(l) });
    let browser: Browser | undefined;
    try {
      const { chromium } = await import('playwright-core');
      const { CHROMIUM } = await import('../helpers/browser.js');
      // evil.test resolves to the gateway's loopback address: the state after the rebind.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--host-resolver-rules=MAP evil.test 127.0.0.1'],
      });
      const page = await browser.newPage();
      const evilOrigin = `http://evil.test:${open.port}`;
      // Loading the gateway's page or API under the rebound name: the browser really resolves
      // evil.test to 127.0.0.1 and sends Host: evil.test — the gateway refuses to serve it.
      expect((await page.goto(`${evilOrigin}/`))?.status()).toBe(421);
      expect((await page.goto(`${evilOrigin}/api/policy`))?.status()).toBe(421);
      expect(lines.some((l) => l.includes(' page '))).toBe(false);
      // The attacker's own server served a page earlier (before the rebind); from it, neither
      // the API nor the WebSocket gives anything (Chromium's Private Network Access may stop
      // the request before the gateway's Host check does; both outcomes leave the attacker empty-handed).
      await page.route(`${evilOrigin}/`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>rebound</title>' }));
      await page.goto(`${evilOrigin}/`);
      const result = await page.evaluate(async () => {
        const api = await fetch('/api/policy').then((r) => `${r.status}`, (e: Error) => `blocked ${e.name}`);
        const ws = await new Promise<string>((resolve) => {
          const s = new globalThis.WebSocket(`ws://${location.host}/ws`, 'sockgate.v1');
          s.onopen = () => resolve('open');
          s.onclose = (e) => resolve(`closed ${e.code}`);
        });
        return { api, ws };
      });
      expect(['421', 'blocked TypeError']).toContain(result.api);
      expect(result.ws).toBe('closed 1006');
      expect(lines.some((l) => l.includes(' page '))).toBe(false);
    } finally {
      await browser?.close();
      await open.close();
    }
  });
});

describe('the token', () => {
  it('never appears in the audit log, whatever path it came by and whatever was refused', async () => {
    const lines: string[] = [];
    const g = await startGateway({ port: 0, audit: (l) => lines.push(l) });
    const echo = await echoServer();
    try {
      const page = await ProtocolClient.connect(g.origin, g.token);
      await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port });
      await page.request({ t: 'tcp.connect', id: 2, host: '169.254.169.254', port: 80 });
      await page.request({ t: 'close', id: 1 });
      await page.close();
      // Bearer and cookie paths, and refusals that carry near-miss tokens.
      const bearer = new WebSocket(`${g.origin.replace('http', 'ws')}/ws`, SUBPROTOCOL, { headers: { authorization: `Bearer ${g.token}` } });
      await new Promise((r) => bearer.once('open', r));
      bearer.close();
      for (const bad of [g.token.slice(0, -1), `${g.token}0`, g.token.toUpperCase()]) {
        await rawRequest(g.port, upgradeLines(`/ws?token=${bad}`, `127.0.0.1:${g.port}`));
      }
      await rawRequest(g.port, upgradeLines(`/ws?token=${g.token}`, `127.0.0.1:${g.port}`, ['Origin: http://evil.example']));
      await rawRequest(g.port, upgradeLines(`/ws?token=${g.token}`, 'evil.example'));
      await rawRequest(g.port, upgradeLines(`/nowhere?token=${g.token}`, `127.0.0.1:${g.port}`));
      await rawRequest(g.port, upgradeLines(`/websockify?token=${g.token}&target=127.0.0.1:1`, `127.0.0.1:${g.port}`, [], 'binary'));
      await rawRequest(g.port, upgradeLines(`/ws?token=${g.token}`, `127.0.0.1:${g.port}`, [], 'not-sockgate'));
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await g.close();
      echo.close();
    }
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes(' deny '))).toBe(true);
    expect(lines.some((l) => l.includes(' refused '))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(g.token);
    expect(all).not.toContain(encodeURIComponent(g.token));
    expect(all).not.toContain(g.token.slice(0, 16)); // nor the near misses, nor a prefix
    expect(all.toLowerCase()).not.toContain(g.token.toLowerCase().slice(0, 16));
  });

  it('the CLI prints the URL with the token once on stdout (like Jupyter); its stderr log never has it', async () => {
    const gp = await spawnGateway(['--port', '0'], { token: `tok-${crypto.randomBytes(12).toString('hex')}` });
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    await page.request({ t: 'tcp.connect', id: 1, host: '8.8.8.8', port: 53 });
    await page.close();
    await rawRequest(gp.port, upgradeLines(`/ws?token=${gp.token}`, `127.0.0.1:${gp.port}`, ['Origin: http://evil.example']));
    await gp.stop();
    expect(gp.stderr()).toContain(' deny ');
    expect(gp.stderr()).not.toContain(gp.token);
  });

  it('is compared in constant time: HMAC both sides with a fresh key, then crypto.timingSafeEqual', async () => {
    const hmac = vi.spyOn(crypto, 'createHmac');
    const safe = vi.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(tokensEqual('secret-token', 'secret-token')).toBe(true);
      expect(tokensEqual('secret-tokem', 'secret-token')).toBe(false);
      expect(tokensEqual('s', 'secret-token')).toBe(false); // lengths differ: no early exit on length either
      expect(tokensEqual('', 'secret-token')).toBe(false);
      expect(safe).toHaveBeenCalledTimes(4);
      for (const [a, b] of safe.mock.calls) {
        // Equal-length digests, whatever the inputs' lengths were.
        expect(Buffer.isBuffer(a) && Buffer.isBuffer(b)).toBe(true);
        expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
      }
      expect(hmac).toHaveBeenCalledTimes(8);
      for (let i = 0; i < 8; i += 2) {
        expect(hmac.mock.calls[i]![0]).toBe('sha256');
        expect(hmac.mock.calls[i]![1]).toBe(hmac.mock.calls[i + 1]![1]); // one key per comparison
      }
      expect(hmac.mock.calls[0]![1]).not.toEqual(hmac.mock.calls[2]![1]); // a fresh key each time
      // The gateway's own checks go through it: a wrong token on the WebSocket is one more comparison.
      const before = safe.mock.calls.length;
      await rawRequest(gw.port, upgradeLines('/ws?token=wrong', `127.0.0.1:${gw.port}`));
      expect(safe.mock.calls.length).toBe(before + 1);
    } finally {
      hmac.mockRestore();
      safe.mockRestore();
    }
    // And nothing else in access-control compares the token with == or ===.
    const source = fs.readFileSync(new URL('../../server/access-control.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/(given|token)\s*[!=]==?\s*(this\.)?(expected|token)\b(?!\s*===?\s*'')/);
  });
});
