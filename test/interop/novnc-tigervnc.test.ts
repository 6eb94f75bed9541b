// noVNC's full client (Debian's /usr/share/novnc/vnc.html, unmodified) reaches a real TigerVNC
// desktop through the gateway's /websockify in Chromium: the first frame is drawn, and a line
// typed into the page reaches the xterm on that display (which writes it to a file).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { waitFor } from '../helpers/peers.js';
import { freePort } from '../helpers/loopback-ports.js';

const NOVNC = '/usr/share/novnc/';
let gw: GatewayProcess;
let app: AppServer;
let browser: Browser;
let vnc: ChildProcess;
let xterm: ChildProcess;
let vncPort: number;
let display: string;
let dir: string;

/** The first X display number with no server socket. */
function freeDisplay(): string {
  for (let n = 40; n < 100; n++) if (!fs.existsSync(`/tmp/.X11-unix/X${n}`) && !fs.existsSync(`/tmp/.X${n}-lock`)) return `:${n}`;
  throw new Error('no free X display between :40 and :99');
}

async function untilListening(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-vnc-'));
  vncPort = await freePort();
  display = freeDisplay();
  // The VNC server is its own X server (Xvnc): no password, loopback only, no X over TCP.
  vnc = spawn('Xtigervnc', [display, '-rfbport', String(vncPort), '-localhost', '-SecurityTypes', 'None', '-geometry', '800x600', '-depth', '24', '-nolisten', 'tcp', '-AlwaysShared'], { stdio: 'ignore' });
  app = await startAppServer({ '/novnc/': NOVNC }, () => '');
  [gw, browser] = await Promise.all([spawnGateway(['--port', '0', '--allow-origin', app.origin]), launchChromium(), untilListening(vncPort)]).then(([g, b]) => [g, b] as const);
  // Whatever line is typed into the xterm ends up in typed.txt.
  xterm = spawn('xterm', ['-geometry', '80x24+0+0', '-bg', 'white', '-fg', 'black', '-e', 'sh', '-c', `read line; printf '%s' "$line" > ${dir}/typed.txt; sleep 30`], {
    env: { ...process.env, DISPLAY: display },
    stdio: 'ignore',
  });
});

afterAll(async () => {
  await browser?.close();
  xterm?.kill();
  vnc?.kill();
  await gw?.stop();
  await app?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('noVNC vnc.html → /websockify → TigerVNC', () => {
  it('shows the desktop and a typed line reaches the xterm', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 750 } });
    page.on('pageerror', (err) => console.error(`noVNC page error: ${err.message}`));
    const wsPath = encodeURIComponent(`websockify?target=127.0.0.1:${vncPort}&token=${gw.token}`);
    await page.goto(`${app.origin}/novnc/vnc.html?host=127.0.0.1&port=${gw.port}&path=${wsPath}&autoconnect=true&resize=off`);
    await page.waitForFunction(() => document.documentElement.classList.contains('noVNC_connected'), null, { timeout: 15_000 });
    expect(await page.textContent('#noVNC_status')).toMatch(/Connected/);

    // The first frame: the xterm's white background, painted into noVNC's canvas.
    const canvas = page.locator('#noVNC_container canvas');
    await expect.poll(
      () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          const px = c.getContext('2d')!.getImageData(100, 100, 1, 1).data;
          return `${c.width}x${c.height} ${px[0]},${px[1]},${px[2]}`;
        }),
      { timeout: 10_000 },
    ).toBe('800x600 255,255,255');
    // Without a window manager the X focus follows the pointer: click inside the xterm first.
    await canvas.click({ position: { x: 100, y: 100 } });
    await page.keyboard.type('typed in noVNC');
    await page.keyboard.press('Enter');
    await waitFor(() => fs.existsSync(`${dir}/typed.txt`), 10_000, 'the xterm to write typed.txt');
    expect(fs.readFileSync(`${dir}/typed.txt`, 'utf8')).toBe('typed in noVNC');
    await page.screenshot({ path: artifactPath('novnc-tigervnc.png') });
    expect(gw.stderr()).toMatch(/websockify/);
    await page.close();
  });
});
