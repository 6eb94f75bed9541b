/**
 * The page end to end in real Chromium against a running gateway and real loopback peers:
 * TCP echo (text and hex, byte counts), a TCP server with two real clients, UDP bind/receive/reply,
 * broadcast to 127.255.255.255, GBK round trip, language switch, a denied target.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import type net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { echoServer, tcpClient, udpPeer, waitFor } from '../helpers/peers.js';
import { newTcpClient, newTcpServer, newUdp, openPage, send, waitForLine } from './page-driver.js';

let gateway: Gateway;
let browser: Browser;
let echo: net.Server & { port: number };
const audit: string[] = [];

beforeAll(async () => {
  [gateway, browser, echo] = await Promise.all([startGateway({ port: 0, audit: (line) => audit.push(line) }), launchChromium(), echoServer()]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  echo?.close();
});

describe('sockgate page', () => {
  test('TCP echo: text and hex each come back as their own lines with correct byte counts', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await send(page, 'hello\\n');
    const rx = await waitForLine(page, 'in', 'hello\\n');
    expect(await rx.getAttribute('data-bytes')).toBe('6');
    expect(await rx.getByTestId('log-hex').textContent()).toBe('68 65 6C 6C 6F 0A');
    expect(await (await waitForLine(page, 'out', 'hello')).getAttribute('data-bytes')).toBe('6');

    await send(page, '41 42 0x43 \\x44', { hex: true });
    const rx2 = await waitForLine(page, 'in', 'ABCD');
    expect(await rx2.getAttribute('data-bytes')).toBe('4');
    expect(await rx2.getByTestId('log-hex').textContent()).toBe('41 42 43 44');
    await expect.poll(() => page.getByTestId('bytes-in').textContent()).toBe('10 B');
    await expect.poll(() => page.getByTestId('bytes-out').textContent()).toBe('10 B');
    await page.screenshot({ path: artifactPath('page-tcp-echo-light-en.png') });

    // The log saves as JSON (and text) with every line's bytes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-save-json').click()]);
    const saved = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { dir: string; bytes: number; hex?: string; event?: string }[];
    expect(saved.filter((l) => l.dir === 'in').map((l) => [l.bytes, l.hex])).toEqual([
      [6, '68 65 6C 6C 6F 0A'],
      [4, '41 42 43 44'],
    ]);
    expect(saved.some((l) => l.event === 'connected')).toBe(true);
    const [text] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-save-text').click()]);
    expect(fs.readFileSync((await text.path())!, 'utf8')).toMatch(/\tRX\t127\.0\.0\.1:\d+\t4\tABCD\t41 42 43 44/);
    await page.context().close();
  });

  test('TCP server in the page: two real clients, send to one, send to all, kick one', async () => {
    const page = await openPage(browser, gateway.url);
    const port = await newTcpServer(page);
    const a = await tcpClient(port);
    const b = await tcpClient(port);
    await expect.poll(() => page.getByTestId('client-row').count()).toBe(2);
    a.write('from A');
    await waitForLine(page, 'in', 'from A');

    await page.getByTestId('mode-text').click();
    await page.getByTestId('escapes').setChecked(true);
    await page.getByTestId('composer-input').fill('only you\\n');
    await page.locator(`[data-testid=client-row][data-peer="127.0.0.1:${a.localPort}"] [data-testid=client-send]`).click();
    // The row's Send says what goes where and asks first (issue 12, defect 7).
    await page.getByTestId('send-confirm-yes').click();
    await waitFor(() => a.data().toString() === 'only you\n', 5000, 'A gets its message');

    await page.getByTestId('composer-input').fill('everyone\\n');
    await page.getByTestId('server-target').selectOption('all');
    await page.getByTestId('send').click();
    await waitFor(() => a.data().toString().endsWith('everyone\n') && b.data().toString() === 'everyone\n', 5000, 'both get the broadcast');
    expect(b.data().toString()).toBe('everyone\n');

    // The helper's clients are half-open capable: a kick shows up as the end of B's stream (FIN).
    const endedB = new Promise<void>((resolve) => b.once('end', () => resolve()));
    await page.locator(`[data-testid=client-row][data-peer="127.0.0.1:${b.localPort}"] [data-testid=client-kick]`).click();
    await endedB;
    await waitForLine(page, 'event', /Kicked/);
    await expect.poll(() => page.locator('[data-testid=client-row] [data-testid=client-kick]').count()).toBe(1);
    await page.screenshot({ path: artifactPath('page-tcp-server-light-en.png') });
    a.destroy();
    b.destroy();
    await page.context().close();
  });

  test('UDP: bind, receive from a real sender, reply from the peers table', async () => {
    const page = await openPage(browser, gateway.url);
    const port = await newUdp(page);
    const peer = await udpPeer();
    peer.socket.send('ping?', port, '127.0.0.1');
    const rx = await waitForLine(page, 'in', 'ping?');
    expect(await rx.getAttribute('data-bytes')).toBe('5');
    const row = page.locator(`[data-testid=peer-row][data-peer="127.0.0.1:${peer.port}"]`);
    await row.waitFor();
    await page.getByTestId('mode-text').click();
    await page.getByTestId('composer-input').fill('pong!');
    await row.getByTestId('peer-reply').click();
    await waitFor(() => peer.got.length === 1, 5000, 'the reply');
    expect(peer.got[0]!.data.toString()).toBe('pong!');
    expect(peer.got[0]!.port).toBe(port);
    await page.screenshot({ path: artifactPath('page-udp-light-en.png') });
    peer.socket.close();
    await page.context().close();
  });

  test('UDP broadcast to 127.255.255.255 arrives at a listener', async () => {
    const listener = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const got: Buffer[] = [];
    listener.on('message', (m) => got.push(m));
    await new Promise<void>((r) => listener.bind(0, '0.0.0.0', r));
    const page = await openPage(browser, gateway.url);
    await newUdp(page, '127.0.0.1', true);
    await page.getByTestId('broadcast-pick').selectOption('127.255.255.255');
    await expect.poll(() => page.getByTestId('udp-host').inputValue()).toBe('127.255.255.255');
    await page.getByTestId('udp-port').fill(String(listener.address().port));
    await send(page, 'hello, everyone');
    await waitFor(() => got.length > 0, 5000, 'the broadcast');
    expect(got[0]!.toString()).toBe('hello, everyone');
    await waitForLine(page, 'out', 'hello, everyone');
    listener.close();
    await page.context().close();
  });

  test('a datagram the policy denies shows its error in the log, and the socket stays open', async () => {
    const page = await openPage(browser, gateway.url);
    await newUdp(page);
    await page.getByTestId('udp-host').fill('8.8.8.8'); // denied before any packet leaves
    await page.getByTestId('udp-port').fill('53');
    await send(page, 'not sent');
    await waitForLine(page, 'event', /DENIED/);
    const peer = await udpPeer();
    await page.getByTestId('udp-host').fill('127.0.0.1');
    await page.getByTestId('udp-port').fill(String(peer.port));
    await send(page, 'still works');
    await waitFor(() => peer.got.length === 1, 5000, 'the datagram after the denial');
    peer.socket.close();
    await page.context().close();
  });

  test('GBK text round trip through an echo server, decoded after the fact', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await send(page, '你好，世界', { encoding: 'gbk', escapes: false });
    const gbkHex = 'C4 E3 BA C3 A3 AC CA C0 BD E7';
    const rx = logLinesWithHex(page, 'in', gbkHex);
    await rx.waitFor();
    expect(await rx.getAttribute('data-bytes')).toBe('10');
    expect(new TextDecoder('gbk').decode(Buffer.from(gbkHex.replaceAll(' ', ''), 'hex'))).toBe('你好，世界');
    // As UTF-8 the bytes are not text; switching the log's decoding shows the words.
    expect(await rx.getByTestId('log-text').textContent()).not.toContain('你好');
    await page.getByTestId('log-encoding').selectOption('gbk');
    await expect.poll(() => rx.getByTestId('log-text').textContent()).toBe('你好，世界');
    await page.context().close();
  });

  test('language switch: the UI changes at once and is remembered', async () => {
    const page = await openPage(browser, gateway.url);
    await expect.poll(() => page.getByTestId('nav-lab').textContent()).toContain('Sticky-packet lab');
    await page.getByTestId('language').selectOption('zh-CN');
    await expect.poll(() => page.getByTestId('nav-lab').textContent()).toContain('粘包实验');
    expect(await page.getByTestId('nav-workspace').textContent()).toContain('工作区');
    expect(await page.getByTestId('new-tcp').textContent()).toContain('TCP 客户端');
    await page.reload();
    await expect.poll(() => page.getByTestId('nav-workspace').textContent()).toContain('工作区');
    await page.getByTestId('language').selectOption('en');
    await expect.poll(() => page.getByTestId('nav-workspace').textContent()).toContain('Workspace');
    await page.context().close();
  });

  test('a denied target (8.8.8.8) shows the policy error, in the UI language', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '8.8.8.8', 53);
    const error = page.getByTestId('socket-error');
    await expect.poll(() => error.textContent()).toContain('DENIED');
    expect(await error.textContent()).toContain("Denied by the gateway's target policy");
    await waitForLine(page, 'event', /DENIED/);
    expect(audit.some((line) => /deny/.test(line) && line.includes('8.8.8.8'))).toBe(true);
    await page.getByTestId('language').selectOption('zh-CN');
    await expect.poll(() => error.textContent()).toContain('被网关的目标策略拒绝');
    await page.context().close();
  });
});


describe('composer', () => {
  test('keyboard only: open a TCP client and send with Ctrl+Enter', async () => {
    const page = await openPage(browser, gateway.url);
    await page.getByTestId('new-tcp').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('tcp-host').waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('127.0.0.1');
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(echo.port));
    await page.keyboard.press('Enter');
    await waitForLine(page, 'event', /Connected/);
    await page.getByTestId('composer-input').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('typed\\n');
    await page.keyboard.press('Control+Enter');
    const rx = await waitForLine(page, 'in', 'typed');
    expect(await rx.getAttribute('data-bytes')).toBe('6');
    await page.context().close();
  });

  test("length-prefix framing puts struct '!I' in front; repeats in one write arrive together", async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await page.getByTestId('preset').selectOption('length-json');
    expect(await page.getByTestId('composer-input').inputValue()).toBe('{"cmd": "echo", "data": "hello"}');
    await page.getByTestId('repeat').fill('3');
    await page.getByTestId('one-write').check();
    await page.getByTestId('send').click();
    // 3 × (4-byte length 0x20 + 32 bytes) in one write: one TX line of 108 bytes.
    const tx = page.locator('[data-testid=log-line][data-dir=out][data-bytes="108"]');
    await tx.waitFor();
    expect(await tx.getByTestId('log-hex').textContent()).toMatch(/^00 00 00 20 7B 22 63 6D 64 22/);
    await expect.poll(() => page.getByTestId('bytes-in').textContent()).toBe('108 B');
    await page.context().close();
  });

  test('IPMSG/FeiQ preset: a GBK text message arrives at a UDP listener', async () => {
    const listener = await udpPeer();
    const page = await openPage(browser, gateway.url);
    await newUdp(page);
    await page.getByTestId('preset').selectOption('ipmsg-text');
    expect(await page.getByTestId('udp-port').inputValue()).toBe('2425');
    expect(await page.getByTestId('encoding').inputValue()).toBe('gbk');
    // The preset's port is FeiQ's 2425; this test's listener is on loopback at its own port.
    await page.getByTestId('udp-host').fill('127.0.0.1');
    await page.getByTestId('udp-port').fill(String(listener.port));
    await page.getByTestId('send').click();
    await waitFor(() => listener.got.length === 1, 5000, 'the IPMSG datagram');
    const text = new TextDecoder('gbk').decode(listener.got[0]!.data);
    expect(text).toMatch(/^1:\d+:sockgate:lab-pc:32:你好，来自 sockgate$/);
    listener.socket.close();
    await page.context().close();
  });

  test('a cyclic send stops when asked; snippets and history survive a reload', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await page.getByTestId('composer-input').fill('tick\\n');
    await page.getByTestId('repeat').fill('1000');
    await page.getByTestId('interval').fill('50');
    await page.getByTestId('send').click();
    await expect.poll(() => page.locator('[data-testid=log-line][data-dir=out]').count()).toBeGreaterThanOrEqual(3);
    await page.getByTestId('stop').click();
    await page.getByTestId('stop').waitFor({ state: 'detached' });
    // Displays redraw a few times a second: let them settle, then nothing more may go out.
    await page.waitForTimeout(400);
    const outLines = page.locator('[data-testid=log-line][data-dir=out]');
    const sentAtStop = await page.getByTestId('bytes-out').textContent();
    const linesAtStop = await outLines.count();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('bytes-out').textContent()).toBe(sentAtStop);
    expect(await outLines.count()).toBe(linesAtStop);
    expect(linesAtStop).toBeLessThan(100);

    await page.getByTestId('snippet-save').click();
    await page.getByTestId('snippet-name').fill('tick every 50 ms');
    await page.getByTestId('snippet-name').press('Enter');
    await page.reload();
    await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
    await newTcpClient(page, '127.0.0.1', echo.port);
    const snippets = await page.getByTestId('snippets').locator('option').allTextContents();
    expect(snippets).toContain('tick every 50 ms');
    const history = await page.getByTestId('history').locator('option').allTextContents();
    expect(history).toContain('tick\\n');
    await page.context().close();
  });
});

describe('presets against real peers', () => {
  test('Redis PING to a real redis-server answers +PONG; HTTP GET to the gateway answers 200', async () => {
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    try {
      await waitForPort(port);
      const page = await openPage(browser, gateway.url);
      await newTcpClient(page, '127.0.0.1', port);
      await waitForLine(page, 'event', /Connected/);
      await page.getByTestId('preset').selectOption('redis-ping');
      await page.getByTestId('send').click();
      const pong = await waitForLine(page, 'in', '+PONG\\r\\n');
      expect(await pong.getAttribute('data-bytes')).toBe('7');

      await newTcpClient(page, '127.0.0.1', gateway.port);
      await waitForLine(page, 'event', /Connected/);
      await page.getByTestId('preset').selectOption('http-get');
      expect(await page.getByTestId('composer-input').inputValue()).toContain('Host: 127.0.0.1');
      await page.getByTestId('send').click();
      await waitForLine(page, 'in', /HTTP\/1\.1 200 OK/);
      await waitForLine(page, 'event', /Peer closed its side/);
      await page.context().close();
    } finally {
      redis.kill();
    }
  });
});

describe('lab services as quick targets', () => {
  test("the dialog starts the gateway's lab services and connects to its echo with one click", async () => {
    const page = await openPage(browser, gateway.url);
    await page.getByTestId('new-tcp').click();
    await page.getByTestId('start-labs').click();
    await page.locator('[data-testid=lab-target][data-name=tcp-echo]').click();
    await page.getByTestId('dialog-open').click();
    await waitForLine(page, 'event', /Connected/);
    await send(page, 'lab echo\\n');
    const rx = await waitForLine(page, 'in', 'lab echo');
    expect(await rx.getAttribute('data-bytes')).toBe('9');
    await page.context().close();
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

function logLinesWithHex(page: import('playwright-core').Page, dir: 'in' | 'out', hex: string) {
  return page.locator(`[data-testid=log-line][data-dir=${dir}]`).filter({ has: page.getByTestId('log-hex').filter({ hasText: hex }) }).last();
}
