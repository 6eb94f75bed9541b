/**
 * Issue 16 item 8 in Chromium over real loopback sockets: any TCP socket of the workspace reads
 * as the course's programs do. Against the course's remote-command server
 * (test/fixtures/python/remote_command_server.py): manual recv(1024) once per command shows the
 * leftover of the 2,560-byte `dir` answer arriving as the answer to `whoami`; a recv waits
 * visibly, a second press says so in words; non-blocking and timeout raise what Python raises;
 * n = 1024 without presses cuts the answer into 1024, 1024, 512; with the struct version the
 * decoded answer opens whole, copies and saves. Also the defects: send to all skips a client
 * that has ended its side (no RESET), and two clients to one address differ in the socket list.
 */
import fs from 'node:fs';
import net from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath } from '../helpers/browser.js';
import { browserFixture } from '../helpers/browser-fixture.js';
import { waitFor } from '../helpers/peers.js';
import { startPython, stopPythons, type PythonPeer } from '../helpers/python-peer.js';
import { logLines, newTcpClient, newTcpServer, openPage } from './page-driver.js';
import { visibleEnglish } from './zh-walk.js';

const f = browserFixture();
let plain: PythonPeer;
let framed: PythonPeer;
let page: Page;

beforeAll(async () => {
  [plain, framed] = await Promise.all([startPython('remote_command_server.py', 'plain'), startPython('remote_command_server.py', 'struct')]);
});
afterAll(() => stopPythons());

const receiver = () => page.getByTestId('socket-receiver');
const result = () => receiver().getByTestId('recv-result').textContent();
const rx = () => logLines(page, 'in');

/** Sets a number field of the receiver and fires its change. */
async function setNumber(testId: string, value: number): Promise<void> {
  const input = receiver().getByTestId(testId);
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

/** Types `text` into the composer (no line ending, no framing) and sends it. */
async function command(text: string): Promise<void> {
  await page.getByTestId('line-ending').selectOption('none');
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('send').click();
}

async function connectTo(port: number, expand = true): Promise<void> {
  await newTcpClient(page, '127.0.0.1', port);
  await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
  // The receiver shows one line until asked (or until it is off its defaults).
  expect(await receiver().locator('receiver-controls').count()).toBe(0);
  if (expand) await receiver().getByTestId('recv-expand').click();
}

describe('the course receiver in the workspace (Chromium)', () => {
  beforeAll(async () => {
    page = await openPage(f.browser, `${f.gateway.origin}/?token=${encodeURIComponent(f.gateway.token)}`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: f.gateway.origin });
  });

  afterAll(() => page?.context().close());

  it("manual recv(1024), once per command: the rest of dir's answer comes back as whoami's", async () => {
    await connectTo(plain.port);
    await receiver().getByTestId('knob-manual').setChecked(true);
    await setNumber('knob-recv-n', 1024);
    await expect.poll(() => receiver().getByTestId('recv-shape').textContent()).toBe('data = sock.recv(1024)');
    // A recv before anything was sent waits, visibly; a second press says so in the page's words.
    await receiver().getByTestId('recv-button').click();
    await expect.poll(() => receiver().getByTestId('recv-pending').textContent()).toMatch(/recv\(1024\) is blocked, waiting for data/);
    await receiver().getByTestId('recv-button').click();
    await expect.poll(result).toBe('recv(1024) is still waiting; one recv() at a time on a socket.');
    await receiver().screenshot({ path: artifactPath('receiver-pending-en.png') });
    await command('dir');
    await expect.poll(result).toMatch(/^recv\(1024\) returned 1024 bytes\./);
    expect(await receiver().getByTestId('recv-pending').count()).toBe(0);
    await command('whoami');
    // Both answers are queued at the gateway now; the next recv(1024) is the one the client reads as whoami's answer.
    await page.waitForTimeout(150);
    await receiver().getByTestId('recv-button').click();
    await expect.poll(() => rx().count()).toBe(2);
    const second = (await rx().nth(1).getByTestId('log-text').textContent())!;
    expect(second).not.toContain('student');
    expect(second).toMatch(/file_0\d\d\.txt/);
    await receiver().getByTestId('recv-button').click();
    await expect.poll(() => rx().count()).toBe(3);
    expect(await rx().nth(2).getAttribute('data-bytes')).toBe(String(512 + 'course\\student\n'.length));
    // The row shows what its column fits (the rest of dir's listing first); the line's details the whole read, whoami's answer last.
    expect(await rx().nth(2).getByTestId('log-text').textContent()).toMatch(/^.*file_\d+\.txt\\n/);
    await rx().nth(2).click();
    await expect.poll(() => page.getByTestId('log-detail').locator('pre').first().textContent()).toMatch(/^.*file_\d+\.txt\\n.*course\\student\\n$/s);
    await page.keyboard.press('Escape');
  });

  it('non-blocking with nothing queued raises BlockingIOError; with a timeout, socket.timeout after t', async () => {
    await receiver().getByTestId('knob-recv-mode').selectOption('nonblocking');
    await receiver().getByTestId('recv-button').click();
    await expect.poll(result).toMatch(/^BlockingIOError: \[Errno 11\] Resource temporarily unavailable/);
    await receiver().getByTestId('knob-recv-mode').selectOption('timeout');
    await setNumber('knob-recv-timeout', 400);
    await expect.poll(() => receiver().getByTestId('recv-shape').textContent()).toBe('sock.settimeout(0.4); data = sock.recv(1024)');
    await receiver().getByTestId('recv-button').click();
    await expect.poll(() => receiver().getByTestId('recv-pending').textContent()).toMatch(/times out after 400 ms/);
    await expect.poll(result, { timeout: 3000 }).toMatch(/^socket\.timeout: timed out — nothing arrived within 400 ms/);
    // No raw protocol text anywhere in the view.
    expect(await page.getByTestId('socket-receiver').textContent()).not.toMatch(/socket \d+:|one at a time$/);
    await page.setViewportSize({ width: 800, height: 600 });
    await page.screenshot({ path: artifactPath('receiver-workspace-800x600-en.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByTestId('close').click();
  });

  it('n = 1024 without presses reads like a recv(1024) loop: dir arrives as 1024, 1024, 512', async () => {
    await connectTo(plain.port);
    await setNumber('knob-recv-n', 1024);
    await expect.poll(() => receiver().getAttribute('data-active')).toBe('true');
    await command('dir');
    await expect.poll(() => rx().evaluateAll((ls) => ls.map((l) => l.getAttribute('data-bytes')))).toEqual(['1024', '1024', '512']);
    // The course's loop server serves one client at a time: let the next one in.
    await page.getByTestId('close').click();
    // Open again: the new connection reads the same way.
    await page.getByTestId('reopen').click();
    await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
    await expect.poll(() => receiver().getByTestId('recv-shape').textContent()).toBe('while True: data = sock.recv(1024)');
    await page.getByTestId('close').click();
  });

  it('the struct version, decoded with struct "i": the 2,560-byte answer opens whole, copies and saves', async () => {
    await connectTo(framed.port);
    await command('dir');
    await expect.poll(() => rx().evaluateAll((ls) => ls.reduce((n, l) => n + Number(l.getAttribute('data-bytes')), 0))).toBe(2564);
    await page.getByTestId('framing').selectOption('len-i');
    const line = rx().filter({ hasText: 'Directory of' });
    await expect.poll(() => line.getAttribute('data-bytes')).toBe('2560');
    await line.click();
    const view = page.locator('socket-view');
    await view.getByTestId('whole-open').click();
    const text = view.getByTestId('whole-text');
    await expect.poll(() => text.textContent().then((t) => t?.length)).toBe(2560);
    const whole = (await text.textContent())!;
    expect(whole.startsWith('Directory of C:\\course\n2026/12/02')).toBe(true);
    expect(whole.split('\n').length).toBeGreaterThan(60);
    await view.getByTestId('whole-dialog').screenshot({ path: artifactPath('receiver-whole-en.png') });
    await view.getByTestId('whole-copy').click();
    await expect.poll(() => view.getByTestId('whole-status').textContent()).toBe('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(whole);
    const [download] = await Promise.all([page.waitForEvent('download'), view.getByTestId('whole-save-bin').click()]);
    expect(fs.readFileSync((await download.path())!, 'latin1')).toBe(whole);
    await view.getByTestId('whole-close').click();
    await page.getByTestId('framing').selectOption('none');
  });

  it('two clients to the same address differ in the socket list by their local port', async () => {
    const items = page.locator(`[data-testid=socket-item][data-kind=tcp][data-title="127.0.0.1:${plain.port}"]`);
    await expect.poll(() => items.count()).toBe(2);
    const via = await items.getByTestId('socket-via').allTextContents();
    expect(via).toHaveLength(2);
    expect(via[0]).toMatch(/^from :\d+$/);
    expect(via[0]).not.toBe(via[1]);
  });

  it("send to all skips a client that ended its side: the course's reconnect-per-message chat gets no RESET", async () => {
    const port = await newTcpServer(page);
    const stay = net.connect(port, '127.0.0.1');
    let stayGot = '';
    stay.on('data', (d) => (stayGot += d.toString()));
    await page.locator('[data-testid=client-row]').first().waitFor();
    // The course's chat client: connect, send one message, close — a new connection per message.
    const once = net.connect(port, '127.0.0.1', () => once.end('hi from a one-shot client'));
    once.on('finish', () => once.destroy());
    once.resume();
    await expect.poll(() => logLines(page, 'event').evaluateAll((ls) => ls.filter((l) => l.getAttribute('data-event') === 'peer-closed').length)).toBe(1);
    await waitFor(() => once.destroyed, 5000, 'the one-shot client closed');
    // Twice: the first write to a closed peer only earns its RST; the next one fails on it.
    await command('to everyone');
    await waitFor(() => stayGot === 'to everyone', 5000, 'the live client got the message');
    await page.waitForTimeout(200);
    await command(' again');
    await waitFor(() => stayGot === 'to everyone again', 5000, 'the live client got the second message');
    await page.waitForTimeout(300);
    // Neither an error line nor a close with a code (RESET, BROKEN_PIPE) on the server's log.
    const events = await logLines(page, 'event').evaluateAll((ls) => ls.map((l) => `${l.getAttribute('data-event')} ${l.getAttribute('data-code')}`.trim()));
    expect(events.filter((e) => e.startsWith('error') || /^closed \S/.test(e))).toEqual([]);
    stay.destroy();
  });

  it("the lab index's timeouts entry opens a workspace socket already reading with recv(1024) and settimeout(2)", async () => {
    await page.getByTestId('nav-course').click();
    await page.getByTestId('course-lab-index').click();
    await page.getByTestId('idx-setup-timeouts').click();
    await expect.poll(() => page.getByTestId('nav-workspace').getAttribute('aria-current')).toBe('page');
    await expect.poll(() => receiver().getByTestId('recv-shape').textContent(), { timeout: 5000 }).toBe('sock.settimeout(2); data = sock.recv(1024)');
    await page.getByTestId('close').click();
  });

  it("the lab's picture: a decoded struct 'i' message opens whole", async () => {
    await page.getByTestId('nav-lab').click();
    await page.getByTestId('scenario-length-header').click();
    await expect.poll(() => page.getByTestId('lab-stage').getAttribute('data-status'), { timeout: 8000 }).toBe('done');
    await page.locator('[data-testid=decoded-block]').first().click();
    const whole = page.getByTestId('lab-whole-message');
    await expect.poll(() => whole.getByTestId('whole-text').textContent()).toBe('hello');
    expect(await whole.getByTestId('whole-size').textContent()).toBe('5 bytes');
    await whole.getByTestId('whole-close').click();
  });
});

describe('the receiver in Chinese (Chromium)', () => {
  it('says everything in Chinese: the controls, the pending recv, what it returned, the whole message', async () => {
    page = await openPage(f.browser, `${f.gateway.origin}/?token=${encodeURIComponent(f.gateway.token)}`, { locale: 'zh-CN', theme: 'dark' });
    try {
      await connectTo(framed.port);
      await receiver().getByTestId('knob-manual').setChecked(true);
      await setNumber('knob-recv-n', 1024);
      await receiver().getByTestId('recv-button').click();
      await expect.poll(() => receiver().getByTestId('recv-pending').textContent()).toMatch(/recv\(1024\) 阻塞中，等待数据/);
      await receiver().getByTestId('recv-button').click();
      await expect.poll(result).toBe('recv(1024) 还在等待；一个套接字一次只能有一个 recv()。');
      await receiver().screenshot({ path: artifactPath('receiver-pending-zh-CN.png') });
      expect(await visibleEnglish(page)).toEqual([]);
      await command('dir');
      await expect.poll(result).toMatch(/^recv\(1024\) 返回了 1024 字节。/);
      await page.screenshot({ path: artifactPath('receiver-workspace-zh-CN-dark.png') });
      await rx().first().click();
      await page.locator('socket-view').getByTestId('whole-open').click();
      await page.locator('socket-view').getByTestId('whole-dialog').screenshot({ path: artifactPath('receiver-whole-zh-CN.png') });
      // What the user typed (the composer's history) and what the server sent are theirs, not the page's.
      expect((await visibleEnglish(page)).filter((x) => x.where !== 'option in history')).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
