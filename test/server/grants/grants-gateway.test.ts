import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GATEWAY_BIN, spawnGateway, type GatewayProcess } from '../../helpers/gateway-process.js';
import { echoServer, waitFor } from '../../helpers/peers.js';
import { ProtocolClient } from '../../helpers/protocol-client.js';

const run = promisify(execFile);

/** `sockgate grant …` as a teacher runs it; resolves with stdout. */
async function grant(...args: string[]): Promise<string> {
  return (await run(process.execPath, [GATEWAY_BIN, 'grant', ...args])).stdout;
}

/** The token in the link on the last line `grant add` printed. */
function tokenOf(out: string): string {
  const last = out.trimEnd().split('\n').at(-1)!;
  const url = new URL(last);
  expect(url.origin).toBe('http://127.0.0.1:9');
  return url.searchParams.get('token')!;
}

describe('grants over a real gateway process', () => {
  let dir: string;
  let file: string;
  let gw: GatewayProcess;
  let allowed: Awaited<ReturnType<typeof echoServer>>;
  let other: Awaited<ReturnType<typeof echoServer>>;
  let denied: Awaited<ReturnType<typeof echoServer>>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    [allowed, other, denied] = await Promise.all([echoServer(), echoServer(), echoServer()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-grants-'));
    file = path.join(dir, 'grants.json');
    const common = ['--grants', file, '--url', 'http://127.0.0.1:9'];
    tokens.alice = tokenOf(await grant('add', ...common, '--name', 'alice', '--allow', `connect:127.0.0.1:${allowed.port}`));
    tokens.bob = tokenOf(await grant('add', ...common, '--name', 'bob', '--allow', `connect:127.0.0.1:${denied.port}`));
    tokens.carol = tokenOf(await grant('add', ...common, '--name', 'carol', '--websockify-target', `127.0.0.1:${allowed.port}`));
    gw = await spawnGateway(['--port', '0', '--grants', file, '--deny', `127.0.0.1/32:${denied.port}`]);
  });

  afterAll(async () => {
    await gw?.stop();
    for (const s of [allowed, other, denied]) s?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores only salted hashes, never a printed token', () => {
    const text = fs.readFileSync(file, 'utf8');
    for (const t of Object.values(tokens)) {
      expect(t.length).toBeGreaterThan(16);
      expect(text).not.toContain(t);
    }
    expect(text).toMatch(/"tokenHash": ?"sha256:/);
  });

  it("a grant's page reaches its loopback port and is denied another, with a reason", async () => {
    const page = await ProtocolClient.connect(gw.origin, tokens.alice!);
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: allowed.port })).toMatchObject({ t: 'opened' });
    page.write(1, Buffer.from('hi'));
    await page.until(() => page.bytes(1).toString() === 'hi');
    const reply = (await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port: other.port })) as { t: string; message?: string };
    expect(reply.t).toBe('error');
    expect(JSON.stringify(reply)).toMatch(/alice|grant/i);
    await page.close();
  });

  it('a --deny rule beats a grant that allows the port', async () => {
    const page = await ProtocolClient.connect(gw.origin, tokens.bob!);
    const reply = await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: denied.port });
    expect(reply).toMatchObject({ t: 'error' });
    await page.close();
  });

  it("/api/policy shown to a grant's page is the grant's rules, then the gateway's", async () => {
    const api = (p: string, token: string, method = 'GET') => fetch(`${gw.origin}/api${p}`, { method, headers: { Authorization: `Bearer ${token}` } });
    const mine = (await (await api('/policy', tokens.alice!)).json()) as { rules: string[]; grant: { name: string; allow: string[] }; limits: { socketsPerPage: number } };
    expect(mine.grant).toMatchObject({ name: 'alice', allow: [`connect:127.0.0.1:${allowed.port}`] });
    expect(mine.rules[0]).toBe(`grant alice connect:127.0.0.1:${allowed.port}`);
    expect(mine.rules[1]).toMatch(/^grant alice: deny everything else, and only where the gateway policy also allows/);
    expect(mine.rules).toContain(`--deny 127.0.0.1/32:${denied.port}`);
    const operator = (await (await api('/policy', gw.token)).json()) as { rules: string[]; grant?: unknown };
    expect(operator.grant).toBeUndefined();
    expect(operator.rules.some((r) => r.includes('alice'))).toBe(false);
  });

  it("a grant's token may list the lab services but not start or stop them (the operator's may)", async () => {
    const api = (p: string, token: string, method = 'GET') => fetch(`${gw.origin}/api${p}`, { method, headers: { Authorization: `Bearer ${token}` } });
    expect((await api('/labs', tokens.alice!)).status).toBe(200);
    for (const p of ['/labs/start', '/labs/course/start', '/labs/stop']) {
      const r = await api(p, tokens.alice!, 'POST');
      expect(r.status, p).toBe(403);
      expect(((await r.json()) as { error: string }).error).toMatch(/grant "alice" cannot start or stop the gateway's lab services/);
    }
    expect((await api('/labs/stop', gw.token, 'POST')).status).toBe(200);
  });

  it('a wrong token is refused', async () => {
    await expect(ProtocolClient.connect(gw.origin, 'not-a-grant-token')).rejects.toThrow();
  });

  it('/websockify with ?token= only dials the pinned target', async () => {
    const ws = new WebSocket(`${gw.origin.replace(/^http/, 'ws')}/websockify?token=${encodeURIComponent(tokens.carol!)}`, 'binary');
    const got: Buffer[] = [];
    ws.on('message', (d: Buffer) => got.push(d));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send(Buffer.from('pinned'));
    await waitFor(() => Buffer.concat(got).toString() === 'pinned', 5000, 'echo via pinned target');
    ws.close();
  });

  it('an invalid edit keeps the old grants and is logged as grants-rejected', async () => {
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, '{"grants": [ broken');
    try {
      await waitFor(() => gw.stderr().includes('grants-rejected'), 5000, 'grants-rejected in the audit log');
      const page = await ProtocolClient.connect(gw.origin, tokens.alice!);
      expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: allowed.port })).toMatchObject({ t: 'opened' });
      await page.close();
    } finally {
      fs.writeFileSync(file, good);
    }
  });

  it('revoke (CLI) closes the live page within 1 s with 4003 and a reason', async () => {
    const page = await ProtocolClient.connect(gw.origin, tokens.alice!);
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: allowed.port })).toMatchObject({ t: 'opened' });
    const closed = new Promise<number>((resolve) => page.ws.once('close', () => resolve(Date.now())));
    const out = await grant('revoke', '--grants', file, 'alice');
    expect(out).toMatch(/^revoked: /);
    const revokedAt = Date.now();
    const at = await closed;
    expect(at - revokedAt).toBeLessThan(1000);
    expect(page.closeCode).toBe(4003);
    expect(page.closeReason).toMatch(/alice.*revoked/);
    await expect(ProtocolClient.connect(gw.origin, tokens.alice!)).rejects.toThrow();
  });
});
