import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { echoServer } from '../helpers/peers.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const children: Array<ReturnType<typeof spawn>> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Runs `npm start -- args` exactly as the README says and resolves with the printed URL. */
function npmStart(args: string[]): Promise<{ url: string; child: ReturnType<typeof spawn>; stderr: () => string }> {
  const child = spawn('npm', ['start', '--silent', '--', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${out} stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /sockgate ready: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stderr: () => err });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

describe('sockgate CLI', () => {
  it('npm start prints a URL with the token whose page loads in Chromium', async () => {
    const { url, child } = await npmStart(['--port', '0', '--token', 'T0k3n']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=T0k3n$/);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const res = await page.goto(url);
      expect(res?.status()).toBe(200);
      await page.waitForFunction(() => document.querySelector('sockgate-app') !== null && customElements.get('sockgate-app') !== undefined);
      await page.screenshot({ path: artifactPath('cli-first-page.png') });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    process.kill(-child.pid!, 'SIGTERM');
  });

  it('SIGTERM tells every page and closes its sockets with their byte counts', async () => {
    const { url, child } = await npmStart(['--port', '0', '--token', 'T', '--quiet']);
    const origin = new URL(url).origin;
    const echo = await echoServer();
    const page = await ProtocolClient.connect(origin, 'T');
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port });
    page.write(1, Buffer.from('12345'));
    await page.until(() => page.bytes(1).length === 5);
    const shutdown = page.next((m) => m.t === 'shutdown');
    const closed = page.next((m) => m.t === 'closed');
    const exited = new Promise((r) => child.on('exit', r));
    const wsClosed = new Promise((r) => page.ws.once('close', r));
    process.kill(-child.pid!, 'SIGTERM');
    expect(await closed).toMatchObject({ id: 1, bytesIn: 5, bytesOut: 5, error: 'SHUTDOWN' });
    expect(await shutdown).toMatchObject({ t: 'shutdown', reason: expect.stringContaining('SIGTERM') });
    await Promise.all([exited, wsClosed]);
    expect(page.closeCode).toBe(1001);
    echo.close();
  });

  it('rejects an unknown option and a bad config file with a clear message and exit code 2', () => {
    const bin = path.join(root, 'dist', 'sockgate.js');
    const unknown = spawnSync(process.execPath, [bin, '--prot', '1'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--prot'");
    const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-')), 'bad.json');
    fs.writeFileSync(cfg, JSON.stringify({ alow: ['10.0.0.0/8'] }));
    const bad = spawnSync(process.execPath, [bin, '--config', cfg], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown key "alow"');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const flag of ['--host', '--port', '--token', '--allow', '--deny', '--config', '--allow-origin', '--labs']) expect(help.stdout).toContain(flag);
  });

  it('applies --deny and --config rules', async () => {
    const cfg = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-')), 'policy.json');
    fs.writeFileSync(cfg, JSON.stringify({ deny: ['127.0.0.2/32'], limits: { socketsPerPage: 2 } }));
    const { url, child } = await npmStart(['--port', '0', '--token', 'T', '--quiet', '--config', cfg, '--deny', '127.0.0.3:1-1000']);
    const page = await ProtocolClient.connect(new URL(url).origin, 'T');
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.2', port: 80 })).toMatchObject({ code: 'DENIED', rule: '--deny 127.0.0.2/32' });
    expect(await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.3', port: 999 })).toMatchObject({ code: 'DENIED', rule: '--deny 127.0.0.3:1-1000' });
    expect((page.messages[0] as { limits: { socketsPerPage: number } }).limits.socketsPerPage).toBe(2);
    await page.close();
    process.kill(-child.pid!, 'SIGTERM');
  });
});
