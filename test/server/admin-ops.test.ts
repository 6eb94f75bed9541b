import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SUBPROTOCOL } from '../../shared/protocol.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { echoServer, waitFor } from '../helpers/peers.js';

const ADMIN = 'admin-secret-9f3';
const PAGE = 'page-secret-17c';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to the gateway on loopback; `localAddress` picks the TCP peer address it sees. */
function call(origin: string, p: string, opts: { method?: string; headers?: Record<string, string>; localAddress?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${origin}${p}`, { method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.localAddress }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/**
 * Prometheus's own parser and linter: `promtool check metrics` (Debian's prometheus package, installed
 * by .ci/run) reads the exposition text on stdin; resolves with its exit status and what it printed.
 */
function promtool(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

/** A small Prometheus text-format parser (promtool checks the format; this reads the values): HELP/TYPE per family, samples with labels; throws on a malformed line. */
function parseProm(text: string) {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'HELP' ? help : type).set(meta[2]!, meta[3]!);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+]+|NaN|[+-]Inf)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;
    let lm: RegExpExecArray | null;
    const body = m[2] ?? '';
    while (labelRe.lastIndex < body.length && (lm = labelRe.exec(body))) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    if (labelRe.lastIndex !== body.length) throw new Error(`bad labels: ${line}`);
    if (!type.has(m[1]!)) throw new Error(`sample ${m[1]} before its TYPE line`);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
  return { help, type, samples, value };
}

describe('admin operations over a real gateway process', () => {
  let gw: GatewayProcess;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let dir: string;
  let auditFile: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-admin-'));
    auditFile = path.join(dir, 'audit.jsonl');
    echo = await echoServer();
    gw = await spawnGateway(['--port', '0', '--admin-token', ADMIN, '--deny', '127.0.0.9/32', '--audit-format', 'jsonl', '--audit-log', auditFile, '--trust-proxy', '127.0.0.2/32'], { token: PAGE });
  });
  afterAll(async () => {
    await gw?.stop();
    echo?.close();
  });

  const metrics = async () => {
    const r = await call(gw.origin, '/metrics', { headers: bearer(ADMIN) });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const checked = await promtool(r.body);
    // Exit 0 and nothing printed: it parses, and not even a lint warning.
    expect(checked, r.body).toEqual({ code: 0, output: '' });
    return parseProm(r.body);
  };

  it('/metrics wants the admin token, and its counters move with real traffic', async () => {
    expect((await call(gw.origin, '/metrics')).status).toBe(401);
    expect((await call(gw.origin, '/metrics', { headers: bearer(PAGE) })).status).toBe(401);
    expect((await call(gw.origin, `/metrics?token=${PAGE}`)).status).toBe(401);
    const before = await metrics();
    for (const fam of ['sockgate_pages', 'sockgate_sockets_opened_total', 'sockgate_bytes_out_total', 'sockgate_denials_total']) {
      expect(before.help.get(fam)).toBeTruthy();
      expect(before.type.get(fam)).toMatch(/^(gauge|counter)$/);
    }
    const page = await ProtocolClient.connect(gw.origin, PAGE);
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    page.write(1, Buffer.from('hello metrics'));
    await page.until(() => page.bytes(1).length === 13);
    expect(await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.9', port: 80 })).toMatchObject({ code: 'DENIED' });
    const after = await metrics();
    expect(after.value('sockgate_pages')).toBe(before.value('sockgate_pages') + 1);
    expect(after.value('sockgate_sockets', { kind: 'tcp' })).toBe(before.value('sockgate_sockets', { kind: 'tcp' }) + 1);
    expect(after.value('sockgate_sockets_opened_total', { kind: 'tcp' })).toBe(before.value('sockgate_sockets_opened_total', { kind: 'tcp' }) + 1);
    expect(after.value('sockgate_bytes_out_total')).toBe(before.value('sockgate_bytes_out_total') + 13);
    expect(after.value('sockgate_bytes_in_total')).toBe(before.value('sockgate_bytes_in_total') + 13);
    expect(after.value('sockgate_denials_total')).toBe(before.value('sockgate_denials_total') + 1);
    await page.close();
  });

  it('promtool rejects a broken exposition (so its pass above means something)', async () => {
    expect((await promtool('# TYPE x counter\nx{a="1" 3\n')).code).not.toBe(0);
    expect((await promtool('# TYPE x_total counter\nx_total{le="1"} not-a-number\n')).code).not.toBe(0);
  });

  it('/metrics counts a /websockify stream\'s bytes while it is live, not only at its close', async () => {
    const before = await metrics();
    const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/websockify?token=${PAGE}&target=127.0.0.1:${echo.port}`, 'binary');
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const got: Buffer[] = [];
    ws.on('message', (d: Buffer) => got.push(d));
    ws.send(Buffer.alloc(1000, 7));
    await waitFor(() => Buffer.concat(got).length === 1000, 5000, 'the echo');
    const live = await metrics();
    expect(live.value('sockgate_websockify_connections')).toBe(before.value('sockgate_websockify_connections') + 1);
    expect(live.value('sockgate_bytes_out_total')).toBe(before.value('sockgate_bytes_out_total') + 1000);
    expect(live.value('sockgate_bytes_in_total')).toBe(before.value('sockgate_bytes_in_total') + 1000);
    ws.close();
    await new Promise((r) => ws.once('close', r));
    // The target side closes after the WebSocket (its audit line, which used to carry the count, comes then).
    await new Promise((r) => setTimeout(r, 300));
    // Its close adds nothing on top: the bytes were counted once, as they moved.
    const after = await metrics();
    expect(after.value('sockgate_bytes_out_total')).toBe(before.value('sockgate_bytes_out_total') + 1000);
  });

  it('the admin API lists the page, closes one socket, then the whole page; Origin and token are checked', async () => {
    const page = await ProtocolClient.connect(gw.origin, PAGE);
    await page.request({ t: 'tcp.connect', id: 7, host: '127.0.0.1', port: echo.port });
    await page.request({ t: 'tcp.connect', id: 8, host: '127.0.0.1', port: echo.port });
    page.write(7, Buffer.from('abcdef'));
    await page.until(() => page.bytes(7).length === 6);

    expect((await call(gw.origin, '/admin/api/state')).status).toBe(401);
    expect((await call(gw.origin, '/admin/api/state', { headers: bearer(PAGE) })).status).toBe(401);
    expect((await call(gw.origin, '/admin/api/state', { headers: { ...bearer(ADMIN), Origin: 'http://elsewhere.example' } })).status).toBe(403);
    // The admin token is not the page token: /api (past the public /health) wants the page's.
    expect((await call(gw.origin, '/api/policy', { headers: bearer(ADMIN) })).status).toBe(401);
    expect((await call(gw.origin, '/api/policy', { headers: bearer(PAGE) })).status).toBe(200);
    await expect(ProtocolClient.connect(gw.origin, ADMIN)).rejects.toThrow(/401/);

    type State = { pages: { id: string; sockets: { id: number; bytesIn: number; bytesOut: number }[] }[] };
    
    const state = JSON.parse((await call(gw.origin, '/admin/api/state', { headers: bearer(ADMIN) })).body) as State;
    const mine = state.pages.find((p) => p.sockets.some((s) => s.id === 7) && p.sockets.some((s) => s.id === 8));
    expect(mine).toBeDefined();
    expect(mine!.sockets.find((s) => s.id === 7)).toMatchObject({ bytesIn: 6, bytesOut: 6 });

    const closed7 = page.next((m) => m.t === 'closed' && m.id === 7);
    const err7 = page.next((m) => m.t === 'error' && (m as { id?: number }).id === 7);
    const r = await call(gw.origin, `/admin/api/pages/${mine!.id}/sockets/7/close`, { method: 'POST', headers: bearer(ADMIN) });
    expect(r.status).toBe(200);
    expect(await err7).toMatchObject({ code: 'SHUTDOWN' });
    expect(await closed7).toMatchObject({ id: 7 });
    expect(page.ws.readyState).toBe(WebSocket.OPEN);
    expect((await call(gw.origin, `/admin/api/pages/${mine!.id}/sockets/7/close`, { method: 'POST', headers: bearer(ADMIN) })).status).toBe(404);

    const shutdown = page.next((m) => m.t === 'shutdown');
    const wsClosed = new Promise((res) => page.ws.once('close', res));
    expect((await call(gw.origin, `/admin/api/pages/${mine!.id}/close`, { method: 'POST', headers: bearer(ADMIN) })).status).toBe(200);
    expect(await shutdown).toMatchObject({ reason: expect.stringContaining('operator') });
    await wsClosed;
    expect(page.closeCode).toBe(1001);
  });

  it('--trust-proxy: X-Forwarded-For and -Proto count only from a trusted peer', async () => {
    const upgrade = (localAddress: string) =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/ws?token=${PAGE}`, SUBPROTOCOL, { localAddress, headers: { 'X-Forwarded-For': '198.51.100.7, 203.0.113.9' } });
        ws.once('message', () => (ws.close(), resolve()));
        ws.once('error', reject);
      });
    const pageLines = () => fs.readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'page');
    const seen = pageLines().length;
    await upgrade('127.0.0.2');
    await upgrade('127.0.0.1');
    await waitFor(() => pageLines().length === seen + 2, 5000, 'two page lines');
    // Rightmost untrusted entry, so the client-written 198.51.100.7 proves nothing.
    expect(pageLines().slice(seen).map((e) => e.from)).toEqual(['203.0.113.9', '127.0.0.1']);

    const secure = async (localAddress: string) => {
      const r = await call(gw.origin, `/?token=${PAGE}`, { localAddress, headers: { 'X-Forwarded-Proto': 'https' } });
      const cookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('sockgate'));
      expect(cookie).toBeDefined();
      return /;\s*Secure/i.test(cookie!);
    };
    expect(await secure('127.0.0.2')).toBe(true);
    expect(await secure('127.0.0.1')).toBe(false);
  });

  it('the JSON Lines audit file parses line by line, has the events, and never a token', async () => {
    const text = fs.readFileSync(auditFile, 'utf8');
    expect(text).not.toContain(PAGE);
    expect(text).not.toContain(ADMIN);
    const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; time: string });
    for (const e of events) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    const names = new Set(events.map((e) => e.event));
    for (const want of ['page', 'open', 'close', 'deny', 'admin-close-socket', 'admin-close-page']) expect(names).toContain(want);
  });
});

describe('--trust-proxy absent', () => {
  it('a forwarded address from any peer is ignored', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-admin-'));
    const file = path.join(dir, 'audit.jsonl');
    const gw = await spawnGateway(['--port', '0', '--admin-token', ADMIN, '--audit-format', 'jsonl', '--audit-log', file], { token: PAGE });
    try {
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/ws?token=${PAGE}`, SUBPROTOCOL, { localAddress: '127.0.0.2', headers: { 'X-Forwarded-For': '203.0.113.9' } });
        ws.once('message', () => (ws.close(), resolve()));
        ws.once('error', reject);
      });
      const line = () => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === 'page');
      await waitFor(() => line() !== undefined, 5000, 'page line');
      expect(line()!.from).toBe('127.0.0.2');
      const r = await call(gw.origin, `/?token=${PAGE}`, { localAddress: '127.0.0.2', headers: { 'X-Forwarded-Proto': 'https' } });
      expect(String(r.headers['set-cookie'])).not.toMatch(/Secure/i);
    } finally {
      await gw.stop();
    }
  });
});
