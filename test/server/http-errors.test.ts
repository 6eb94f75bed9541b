import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';

/** Sends `text` on a fresh loopback connection and resolves with everything the gateway sent back until it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.setTimeout(3000, () => s.destroy(new Error('no answer in 3 s')));
  });
}

const TOKEN = 'tok-http-errors';
const lines: string[] = [];
let gw: Gateway;

beforeAll(async () => {
  gw = await startGateway({ port: 0, token: TOKEN, audit: (l) => lines.push(l) });
  gw.app.get('/test-throws', () => {
    throw new TypeError('secret detail /home/user/file.ts');
  });
  gw.app.get('/test-413', (_req, _res, next) => next(Object.assign(new Error('too big detail'), { status: 413 })));
  gw.app.get('/test-bad-status', (_req, _res, next) => next(Object.assign(new Error('weird'), { status: 302 })));
  gw.app.get('/test-late', (_req, res, next) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('partial');
    next(new Error('after headers'));
  });
});
afterAll(() => gw.close());

const get = (path: string, method = 'GET') =>
  raw(gw.port, `${method} ${path}?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${gw.port}\r\nConnection: close\r\n\r\n`);

describe('http-errors', () => {
  it('an error a route throws is a 500 with a short message, no stack, path or token, and is logged by name', async () => {
    const answer = await get('/test-throws');
    expect(answer).toMatch(/^HTTP\/1\.1 500 /);
    expect(answer).toContain('X-Content-Type-Options: nosniff');
    expect(answer.split('\r\n\r\n')[1]).toBe('500 internal error (logged by the gateway)\n');
    for (const leak of ['secret', '/home', '.ts', TOKEN, 'TypeError', ' at ']) expect(answer).not.toContain(leak);
    const logged = lines.find((l) => l.includes('http-error'));
    expect(logged).toContain('TypeError');
    expect(logged).toContain('/test-throws');
    expect(logged).not.toContain('secret');
    expect(logged).not.toContain(TOKEN);
  });

  it('a 4xx error keeps its status with the standard reason; a non-error status becomes 500', async () => {
    const answer = await get('/test-413');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.split('\r\n\r\n')[1]).toBe('413 payload too large\n');
    expect(answer).not.toContain('detail');
    expect(await get('/test-bad-status')).toMatch(/^HTTP\/1\.1 500 /);
  });

  it('what no route answers is a 404; under /api/ the body is JSON with a code; HEAD has no body', async () => {
    const page = await get('/no-such-route-here');
    expect(page).toMatch(/^HTTP\/1\.1 404 /);
    expect(page.split('\r\n\r\n')[1]).toBe('404 not found\n');
    const api = await get('/api/no-such-route');
    expect(api).toMatch(/^HTTP\/1\.1 404 /);
    expect(api).toContain('application/json');
    expect(JSON.parse(api.split('\r\n\r\n')[1]!)).toEqual({ error: 'not found', code: 'NOT_FOUND' });
    const head = await get('/no-such-route-here', 'HEAD');
    expect(head).toMatch(/^HTTP\/1\.1 404 /);
    expect(head.split('\r\n\r\n')[1]).toBe('');
  });

  it('an error after the headers went out cuts the connection instead of appending an error page', async () => {
    const answer = await get('/test-late');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).not.toContain('internal error');
  });

  it('a malformed request gets a bare 400 and a closed connection', async () => {
    const answer = await raw(gw.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Line\r\n\r\n');
    expect(answer).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const huge = await raw(gw.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
  });
});
