/**
 * The polyfill's routes on a real gateway: /sockgate/access answers only for the Origin sent and
 * never gives a refused origin a token verdict; /sockgate/polyfill.js needs no token.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';

let gateway: Gateway;
let publicDir: string;

beforeAll(async () => {
  // A public directory of its own, so the test controls whether the bundle exists.
  publicDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-public-'));
  fs.writeFileSync(path.join(publicDir, 'index.html'), '<!doctype html>');
  gateway = await startGateway({ port: 0, audit: null, publicDir, allowOrigins: ['https://app.example'] });
});
afterAll(async () => {
  await gateway?.close();
  fs.rmSync(publicDir, { recursive: true, force: true });
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${gateway.origin}${pathAndQuery}`, { headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('GET /sockgate/access', () => {
  it('tells a refused origin only that, even when its token is right', async () => {
    const res = await get(`/sockgate/access?token=${gateway.token}`, { Origin: 'https://evil.example' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://evil.example');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(JSON.parse(res.body)).toEqual({ originAllowed: false });
  });

  it('tells an allowed origin whether its token is right', async () => {
    const good = await get(`/sockgate/access?token=${gateway.token}`, { Origin: 'https://app.example' });
    expect(JSON.parse(good.body)).toEqual({ originAllowed: true, tokenValid: true });
    const bad = await get('/sockgate/access?token=wrong', { Origin: 'https://app.example' });
    expect(JSON.parse(bad.body)).toEqual({ originAllowed: true, tokenValid: false });
  });
});

describe('GET /sockgate/polyfill.js', () => {
  it('says how to build it when the bundle is missing, and serves it without a token once it exists', async () => {
    const missing = await get('/sockgate/polyfill.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('the polyfill is not built: run npm run build\n');
    fs.mkdirSync(path.join(publicDir, 'sockgate'));
    fs.writeFileSync(path.join(publicDir, 'sockgate', 'polyfill.js'), '/* polyfill */');
    const served = await get('/sockgate/polyfill.js', { Origin: 'https://evil.example' });
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toMatch(/^application\/javascript/);
    expect(served.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(served.body).toBe('/* polyfill */');
  });
});
