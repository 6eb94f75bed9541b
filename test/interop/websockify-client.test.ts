// websockify compatibility with websockify's own Python client (Debian python3-websockify): it
// sends `Host: 127.0.0.1` without the port and drops the query string, so the gateway takes the
// token from the path (/websockify/TOKEN) and the target from --websockify-target.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GATEWAY_BIN, spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';

const run = promisify(execFile);
const CLIENT = fileURLToPath(new URL('../fixtures/python/websockify_client.py', import.meta.url));
// Debian's python3-websockify lives in the system interpreter, not in a pyenv one on PATH.
const PYTHON = '/usr/bin/python3';
const hasWebsockify = fs.existsSync('/usr/lib/python3/dist-packages/websockify/websocket.py');

let echo: net.Server;
let gp: GatewayProcess;
let tmp: string;

beforeAll(async () => {
  echo = net.createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoPort = (echo.address() as net.AddressInfo).port;
  gp = await spawnGateway(['--port', '0', '--websockify-target', `127.0.0.1:${echoPort}`]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-websockify-'));
});
afterAll(async () => {
  await gp?.stop();
  echo?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Raw upgrade request with exactly these headers; resolves with the status line. */
function upgradeStatus(port: number, requestPath: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`GET ${requestPath} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) {
        resolve(got.split('\r\n')[0]!);
        s.destroy();
      }
    });
    s.on('error', reject);
  });
}

describe.skipIf(!hasWebsockify)("websockify's own Python client", () => {
  it('round-trips bytes exactly, up to a 2 MiB message, with the token in the path and a port-less Host', async () => {
    const sizes = [1, 100, 65_536, 2 << 20, 7, 300_000];
    const sent = randomBytes(sizes.reduce((a, b) => a + b, 0));
    const inFile = path.join(tmp, 'in.bin');
    const outFile = path.join(tmp, 'out.bin');
    fs.writeFileSync(inFile, sent);
    const url = `ws://127.0.0.1:${gp.port}/websockify/${gp.token}`;
    const { stdout } = await run(PYTHON, [CLIENT, url, inFile, outFile, ...sizes.map(String)], { timeout: 30_000 });
    expect(stdout.trim()).toBe(`ok ${sent.length}`);
    expect(fs.readFileSync(outFile).equals(sent)).toBe(true);
    expect(gp.stderr()).toMatch(/open .*kind=websockify/);
  }, 40_000);

  it('refuses a wrong token in the path', async () => {
    const inFile = path.join(tmp, 'one.bin');
    fs.writeFileSync(inFile, 'x');
    const url = `ws://127.0.0.1:${gp.port}/websockify/not-the-token`;
    await expect(run(PYTHON, [CLIENT, url, inFile, path.join(tmp, 'none.bin'), '1'], { timeout: 15_000 })).rejects.toThrow(/denied: 401/);
    // The path carries tokens: neither the right nor a wrong one is written to the audit log.
    expect(gp.stderr()).toMatch(/refused .*status=401/);
    expect(gp.stderr()).not.toContain('not-the-token');
    expect(gp.stderr()).not.toContain(gp.token);
  }, 20_000);

  it('accepts port-less loopback Host names but refuses a port-less non-loopback Host (421)', async () => {
    const p = `/websockify/${gp.token}`;
    expect(await upgradeStatus(gp.port, p, '127.0.0.1')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgradeStatus(gp.port, p, 'localhost')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgradeStatus(gp.port, p, '[::1]')).toBe('HTTP/1.1 101 Switching Protocols');
    // DNS rebinding: the attacker's page carries its own name, with or without a port.
    for (const host of ['evil.example', '127.0.0.1.evil.example', 'localhost.evil.example', '10.0.0.1', '127.0.0.1:1', 'localhost:']) {
      expect(await upgradeStatus(gp.port, p, host), host).toMatch(/^HTTP\/1\.1 421 /);
    }
  });
});

describe('--websockify-target', () => {
  it('is still subject to the target policy: denied before any connect', async () => {
    let accepted = 0;
    const tripwire = net.createServer((s) => {
      accepted++;
      s.destroy();
    });
    await new Promise<void>((resolve) => tripwire.listen(0, '127.0.0.1', resolve));
    const port = (tripwire.address() as net.AddressInfo).port;
    const denied = await spawnGateway(['--port', '0', '--quiet', '--deny', `127.0.0.1/32:${port}`, '--websockify-target', `127.0.0.1:${port}`]);
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${denied.port}/websockify/${denied.token}`, ['binary']);
      const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
        ws.on('close', (code, why) => resolve({ code, reason: why.toString() }));
        ws.on('error', reject);
      });
      expect(closed.code).toBe(1011);
      expect(closed.reason).toMatch(/^DENIED/);
      expect(accepted).toBe(0);
    } finally {
      await denied.stop();
      tripwire.close();
    }
  });

  it('refuses a malformed value at start with exit code 2', async () => {
    const err = await run(process.execPath, [GATEWAY_BIN, '--port', '0', '--websockify-target', 'no-port']).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: expect.stringContaining('--websockify-target must be HOST:PORT') });
  });
});
