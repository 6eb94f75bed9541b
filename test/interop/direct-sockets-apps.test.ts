// Real Direct Sockets apps, unmodified apart from the one polyfill <script> line, in Debian's
// Chromium against real loopback services: GoogleChromeLabs' telnet-client (its terminal and its
// TCPServerSocket echo server) and guest271314's HTTP/WebSocket server, reached with curl and ws.
// The apps are served from their own origin, allowed with --allow-origin, as a user would host them.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAppServer, type AppServer } from '../helpers/app-server.js';
import { launchChromium } from '../helpers/browser.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const TELNET = fixture('telnet-client/');
const HTTP_WS = fixture('direct-sockets-http-ws-server/assets/');
/** guest271314's server listens on this fixed port (its source hard-codes it). */
const HTTP_WS_PORT = 44818;

let gw: GatewayProcess;
let app: AppServer;
let foreign: AppServer;
let browser: Browser;
let built: string;
let lineService: ChildProcessWithoutNullStreams;
let linePort: number;

/** Bundles telnet-client's two entry points as its webpack config does, xterm from vendor/. */
async function buildTelnetClient(outdir: string): Promise<void> {
  const vendored: Record<string, string> = {
    xterm: `${TELNET}vendor/xterm/lib/xterm.js`,
    'xterm/css/xterm.css': `${TELNET}vendor/xterm/css/xterm.css`,
    'xterm-addon-fit': `${TELNET}vendor/xterm-addon-fit/lib/xterm-addon-fit.js`,
  };
  await build({
    entryPoints: { main: `${TELNET}src/index.ts`, echoServer: `${TELNET}src/echo.ts` },
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    logLevel: 'error',
    // The app's own TypeScript settings, not this repo's (its type-only imports must be dropped).
    tsconfigRaw: { compilerOptions: { target: 'ES2020' } },
    plugins: [
      {
        name: 'vendored-deps',
        setup(b) {
          b.onResolve({ filter: /^xterm/ }, (args) => (vendored[args.path] ? { path: vendored[args.path] } : undefined));
        },
      },
    ],
  });
  for (const page of ['index.html', 'echo.html']) fs.copyFileSync(`${TELNET}src/${page}`, path.join(outdir, page));
}

/** Python's line service on loopback; resolves with its port. */
async function startLineService(): Promise<number> {
  lineService = spawn('python3', ['-u', fixture('python/line_service.py')]);
  const first = await new Promise<string>((resolve, reject) => {
    lineService.once('error', reject);
    lineService.once('exit', (code) => reject(new Error(`line_service.py exited with ${code}`)));
    createInterface({ input: lineService.stdout }).once('line', resolve);
  });
  return Number(first);
}

beforeAll(async () => {
  built = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-apps-'));
  const polyfillTag = () => `<script src="${gw.origin}/sockgate/polyfill.js?token=${gw.token}"></script>`;
  // What webpack's HtmlWebpackPlugin adds for each page (defer scripts and the extracted CSS).
  const bundleTags: Record<string, string> = {
    'index.html': '<link href="main.css" rel="stylesheet"><script defer src="main.js"></script>',
    'echo.html': '<script defer src="echoServer.js"></script>',
  };
  const tags = (file: string) =>
    polyfillTag() + (file.startsWith(built) ? (bundleTags[path.basename(file)] ?? '') : '');
  [app, foreign] = await Promise.all([
    startAppServer({ '/telnet/': built, '/http-ws/': HTTP_WS }, tags),
    startAppServer({}, tags),
  ]);
  [gw, linePort, browser] = await Promise.all([
    spawnGateway(['--port', '0', '--allow-origin', app.origin]),
    startLineService(),
    launchChromium(),
    buildTelnetClient(built),
  ]).then(([g, p, b]) => [g, p, b] as const);
});

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  lineService?.kill();
  await Promise.all([app?.close(), foreign?.close()]);
  if (built) fs.rmSync(built, { recursive: true, force: true });
});

/** A page that reports its errors to the test output instead of hiding them. */
async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error(`page error on ${url}: ${err.message}`));
  await page.goto(url);
  return page;
}

/** The terminal's contents, through the app's own "Download output" button. */
async function terminalText(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  return fs.readFileSync(await download.path(), 'utf8');
}

/** Waits until the terminal shows `text`; fails with what it did show. */
async function waitForTerminal(page: Page, text: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let shown = '';
  while (Date.now() < deadline) {
    shown = await terminalText(page);
    if (shown.includes(text)) return shown;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the terminal never showed ${JSON.stringify(text)}; it shows:\n${shown}`);
}

/** Sends `data` on a loopback TCP connection and collects `expected` bytes back. */
function tcpRoundTrip(port: number, data: Buffer, expected: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const sock = net.connect(port, '127.0.0.1', () => sock.write(data));
    sock.setTimeout(10_000, () => sock.destroy(new Error(`only ${got} of ${expected} bytes came back`)));
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= expected) sock.end();
    });
    sock.on('error', reject);
    sock.on('close', () => (got >= expected ? resolve(Buffer.concat(chunks)) : reject(new Error(`closed after ${got} of ${expected} bytes`))));
  });
}

describe('GoogleChromeLabs telnet-client through the polyfill', () => {
  it('its terminal talks to a Python line service on loopback', async () => {
    const page = await openPage(`${app.origin}/telnet/index.html`);
    await page.fill('#host', '127.0.0.1');
    await page.fill('#port', String(linePort));
    await page.click('#connect');
    await waitForTerminal(page, 'sockgate line service ready');
    await expect.poll(() => page.textContent('#connect')).toBe('Disconnect');
    await page.click('#terminal');
    await page.keyboard.type('hello from xterm');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'you said: hello from xterm');
    await page.click('#terminal'); // the download button took the focus
    await page.keyboard.type('bye');
    await page.keyboard.press('Enter');
    // The service hangs up: the app sees the readable end and shows its own marker.
    const shown = await waitForTerminal(page, '<DISCONNECTED>');
    expect(shown).toContain('goodbye');
    expect(shown).not.toContain('<ERROR');
    await page.close();
  });

  it('its echo server (TCPServerSocket, opened in DOMContentLoaded) echoes bytes exactly, to Node and to its own terminal', async () => {
    const page = await openPage(`${app.origin}/telnet/index.html`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#server')]);
    await popup.waitForFunction(() => /Listening on|Error/.test(document.getElementById('status')?.textContent ?? ''));
    const status = (await popup.textContent('#status'))!;
    expect(status).toMatch(/^Listening on \S+ port \d+$/);
    const echoPort = Number(/port (\d+)/.exec(status)![1]);

    const sent = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff));
    const back = await tcpRoundTrip(echoPort, sent, sent.length);
    expect(back.equals(sent)).toBe(true);
    await expect.poll(() => popup.textContent('#connections')).toMatch(/4096 bytes received - Closed/);

    await page.fill('#host', '127.0.0.1');
    await page.fill('#port', String(echoPort));
    await page.click('#connect');
    await waitForTerminal(page, '<CONNECTED>');
    await page.click('#terminal');
    await page.keyboard.type('echo through two sockets');
    // Local echo is off: the words are on screen only because the echo server sent them back.
    await waitForTerminal(page, 'echo through two sockets');
    await page.click('#connect'); // Disconnect
    await waitForTerminal(page, '<DISCONNECTED>');
    await expect.poll(() => popup.textContent('#connections')).toMatch(/24 bytes received - Closed/);
    await popup.close();
    await page.close();
  });
});

describe('guest271314 direct-sockets-http-ws-server through the polyfill', () => {
  it('answers curl over HTTP and a WebSocket client on loopback', async () => {
    const page = await openPage(`${app.origin}/http-ws/index.html`);
    // The app writes its bound address into the page once TCPServerSocket has opened.
    await expect.poll(() => page.textContent('body'), { timeout: 10_000 }).toContain(`"localPort": ${HTTP_WS_PORT}`);

    const { stdout } = await promisify(execFile)('curl', ['-sS', '--max-time', '10', '-i', '-d', 'hello sockgate', `http://127.0.0.1:${HTTP_WS_PORT}/`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(stdout).toMatch(/Access-Control-Allow-Origin: \*/);
    // Its POST handler sends the body back upper-cased, chunked.
    expect(stdout.split('\r\n\r\n').slice(1).join('')).toBe('HELLO SOCKGATE');

    const ws = new WebSocket(`ws://127.0.0.1:${HTTP_WS_PORT}/`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const echoed = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send('round trip through a browser tab');
    expect(await echoed).toBe('round trip through a browser tab');
    ws.terminate();
    await page.close();
  });
});

describe('the polyfill script', () => {
  it('is served to anyone, without the token in its body', async () => {
    for (const query of [`?token=${gw.token}`, '']) {
      const res = await fetch(`${gw.origin}/sockgate/polyfill.js${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      const body = await res.text();
      expect(body).toContain('TCPServerSocket');
      expect(body).not.toContain(gw.token);
    }
  });

  it('on an origin the gateway does not allow: the classes exist at once, opened rejects with NotAllowedError and nothing connects', async () => {
    const page = await openPage(`${foreign.origin}/`);
    await page.addScriptTag({ url: `${gw.origin}/sockgate/polyfill.js?token=${gw.token}` });
    const result = await page.evaluate(async (port) => {
      const names = ['TCPSocket', 'TCPServerSocket', 'UDPSocket'].map((n) => typeof (globalThis as Record<string, unknown>)[n]);
      const Polyfilled = (globalThis as unknown as { TCPSocket: new (host: string, port: number) => { opened: Promise<unknown> } }).TCPSocket;
      const socket = new Polyfilled('127.0.0.1', port);
      const error = await socket.opened.then(
        () => undefined,
        (e: DOMException) => ({ name: e.name, message: e.message, isDOMException: e instanceof DOMException }),
      );
      return { names, error };
    }, linePort);
    expect(result.names).toEqual(['function', 'function', 'function']);
    expect(result.error).toEqual({
      name: 'NotAllowedError',
      message: `the sockgate gateway refuses pages from ${foreign.origin}: start it with --allow-origin ${foreign.origin}`,
      isDOMException: true,
    });
    expect(gw.stderr()).toContain(foreign.origin);
    await page.close();
  });

  it("on the gateway's own page, loaded without ?token=, it connects with the page's cookie", async () => {
    const page = await openPage(gw.origin + '/?token=' + gw.token); // sets the HttpOnly token cookie
    await page.goto(gw.origin + '/');
    await page.addScriptTag({ url: '/sockgate/polyfill.js' });
    const greeting = await page.evaluate(async (port) => {
      type Opened = { readable: ReadableStream<Uint8Array> };
      const handle = (globalThis as unknown as { sockgate: { TCPSocket: new (h: string, p: number) => { opened: Promise<Opened>; close(): Promise<void> } } }).sockgate;
      const socket = new handle.TCPSocket('127.0.0.1', port);
      const { readable } = await socket.opened;
      const reader = readable.getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      await socket.close();
      return new TextDecoder().decode(value);
    }, linePort);
    expect(greeting).toBe('sockgate line service ready\r\n');
    await page.close();
  });
});
