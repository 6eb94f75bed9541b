/**
 * Issue 12's composer and wording defects in Chromium over real loopback sockets: each socket
 * keeps its own composer state (defect 3); the Encoding control shows what a preset or a history
 * pick will send (defect 4); the server's "To" list shows whole addresses at 800×600 and a
 * client row's Send says what it will send and asks (defect 7); events stamped in order, failed
 * datagrams marked as not sent, "1 line", hex checked as typed, Times 0, deleting any snippet,
 * saving filtered or all lines (defect 10). One browser and one gateway for the file.
 */
import fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { echoServer, tcpClient, udpPeer, waitFor } from '../helpers/peers.js';
import { logLines, newTcpClient, newTcpServer, newUdp, openPage, send, waitForLine } from './page-driver.js';

let gateway: Gateway;
let browser: Browser;
let echo: net.Server & { port: number };
/** A server that greets each client the moment it connects (data right behind "Connected"). */
let greeter: net.Server;

beforeAll(async () => {
  greeter = createServer((s) => s.end('welcome\n'));
  await new Promise<void>((r) => greeter.listen(0, '127.0.0.1', r));
  // 127.0.0.9 is denied, so a datagram to it fails at the gateway (nothing leaves the host).
  [gateway, browser, echo] = await Promise.all([startGateway({ port: 0, audit: null, deny: ['127.0.0.9/32'] }), launchChromium(), echoServer()]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  echo?.close();
  greeter?.close();
});

const item = (page: Page, title: string) => page.locator(`[data-testid=socket-item][data-title="${title}"]`);
const value = (page: Page, id: string) => page.getByTestId(id).inputValue();

describe('composer state per socket', () => {
  let shared: Page | undefined;
  test('Times, interval, framing, encoding, UDP target and text stay with their socket (defect 3)', async () => {
    const page = (shared = await openPage(browser, gateway.url));
    const peer = await udpPeer();
    const udpPort = await newUdp(page);
    await page.getByTestId('composer-input').fill('for the UDP socket');
    await page.getByTestId('encoding').selectOption('gbk');
    await page.getByTestId('framing').selectOption('len-!I');
    await page.getByTestId('repeat').fill('3');
    await page.getByTestId('interval').fill('50');
    await page.getByTestId('udp-host').fill('127.0.0.1');
    await page.getByTestId('udp-port').fill(String(peer.port));

    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    expect([await value(page, 'repeat'), await value(page, 'interval'), await value(page, 'framing'), await value(page, 'encoding'), await value(page, 'composer-input')])
      .toEqual(['1', '1000', 'none', 'utf-8', 'hello\\n']);
    await page.getByTestId('composer-input').fill('once');
    await page.getByTestId('send').click();
    await waitForLine(page, 'in', 'once');
    await page.waitForTimeout(200);
    expect(await logLines(page, 'out').count(), 'the TCP socket sent once, unframed').toBe(1);
    expect(await page.getByTestId('bytes-out').textContent()).toBe('4 B');

    await item(page, `127.0.0.1:${udpPort}`).click();
    expect([await value(page, 'repeat'), await value(page, 'interval'), await value(page, 'framing'), await value(page, 'encoding'), await value(page, 'udp-port'), await value(page, 'composer-input')])
      .toEqual(['3', '50', 'len-!I', 'gbk', String(peer.port), 'for the UDP socket']);
    await page.getByTestId('send').click();
    await waitFor(() => peer.got.length === 3, 5000, 'three framed datagrams');
    expect(peer.got[0]!.data.readUInt32BE(0)).toBe(peer.got[0]!.data.byteLength - 4);
    peer.socket.close();
  }, 20_000);

  test('a preset or a history pick sets the Encoding control to what is sent (defect 4)', async () => {
    // The same page as above, a new socket of its own.
    const page = shared!;
    const peer = await udpPeer();
    await newUdp(page);
    // Picked by hand once, a select's option no longer follows its `selected` attribute.
    await page.getByTestId('encoding').selectOption('gbk');
    await page.getByTestId('encoding').selectOption('utf-8');
    await page.getByTestId('preset').selectOption('ipmsg-text');
    expect(await value(page, 'encoding')).toBe('gbk');
    await page.getByTestId('udp-port').fill(String(peer.port));
    await page.getByTestId('send').click();
    await waitFor(() => peer.got.length === 1, 5000, 'the IPMSG datagram');
    // 你好 in GBK is C4 E3 BA C3.
    expect(peer.got[0]!.data.includes(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]))).toBe(true);
    await page.getByTestId('encoding').selectOption('latin1');
    await page.getByTestId('history').selectOption('0');
    expect(await value(page, 'encoding')).toBe('gbk');
    peer.socket.close();
    await page.context().close();
  }, 20_000);
});

describe('server view', () => {
  test('the To list shows whole addresses at 800×600; a client row Send says what and asks (defect 7)', async () => {
    const page = await openPage(browser, gateway.url);
    await page.setViewportSize({ width: 800, height: 600 });
    const port = await newTcpServer(page);
    const a = await tcpClient(port);
    const b = await tcpClient(port);
    await expect.poll(() => page.getByTestId('client-row').count()).toBe(2);
    const target = page.getByTestId('server-target');
    await target.selectOption({ label: `127.0.0.1:${a.localPort}` });
    const fit = await target.evaluate((el: HTMLSelectElement) => {
      const ctx = document.createElement('canvas').getContext('2d')!;
      const cs = getComputedStyle(el);
      ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
      const need = Math.max(...[...el.options].map((o) => ctx.measureText(o.text).width));
      const box = el.getBoundingClientRect();
      // Chromium's arrow takes about 20 px inside the padding.
      return { need, room: el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20, right: box.right };
    });
    expect(fit.room, 'the longest client address fits the list').toBeGreaterThanOrEqual(fit.need);
    expect(fit.right).toBeLessThanOrEqual(800);
    // The whole page fits the window: no sideways scroll, every row's Kick on screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    for (const kick of await page.getByTestId('client-kick').all()) expect((await kick.boundingBox())!.x + (await kick.boundingBox())!.width).toBeLessThanOrEqual(800);

    await page.getByTestId('mode-text').click();
    await page.getByTestId('composer-input').fill('only you\\n');
    await page.locator(`[data-testid=client-row][data-peer="127.0.0.1:${b.localPort}"] [data-testid=client-send]`).click();
    const ask = page.getByTestId('send-confirm');
    await expect.poll(() => ask.textContent()).toContain(`127.0.0.1:${b.localPort}`);
    expect(await ask.textContent()).toMatch(/9 B.*only you\\n/);
    await page.waitForTimeout(300);
    expect(b.data().length, 'nothing goes before the yes').toBe(0);
    await page.getByTestId('send-confirm-yes').click();
    await waitFor(() => b.data().toString() === 'only you\n', 5000, 'B gets its message');
    expect(a.data().length).toBe(0);
    expect(await ask.count()).toBe(0);
    a.destroy();
    b.destroy();
    await page.context().close();
  }, 20_000);
});

describe('wording and order (defect 10)', () => {
  let order: Page | undefined;
  test('"Connected" comes first and is not stamped after the data that followed it', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', (greeter.address() as AddressInfo).port);
    await waitForLine(page, 'in', 'welcome');
    order = page;
    const lines = await logLines(page).evaluateAll((els) => els.map((e) => ({ kind: e.getAttribute('data-event') ?? e.getAttribute('data-dir'), time: e.querySelector('.t')!.textContent! })));
    const connected = lines.findIndex((l) => l.kind === 'connected');
    const data = lines.findIndex((l) => l.kind === 'in');
    expect(connected).toBeGreaterThanOrEqual(0);
    expect(connected).toBeLessThan(data);
    expect(lines[connected]!.time <= lines[data]!.time, `${lines[connected]!.time} ≤ ${lines[data]!.time}`).toBe(true);
  }, 20_000);

  test('a refused datagram is marked not sent and not counted; one line / one byte; hex checked as typed', async () => {
    const page = order!;
    await newUdp(page);
    await expect.poll(() => page.getByTestId('log-count').textContent()).toBe('1 line');
    await page.getByTestId('udp-host').fill('127.0.0.9');
    await page.getByTestId('udp-port').fill('9');
    await page.getByTestId('mode-hex').click();
    await page.getByTestId('composer-input').fill('41 4');
    // Said before Send: what is wrong and where.
    await expect.poll(() => page.getByTestId('composer-error').textContent()).toMatch(/not valid hex.*character 4/);
    await page.getByTestId('composer-input').fill('41');
    expect(await page.getByTestId('composer-error').count()).toBe(0);
    await page.getByTestId('send').click();
    await waitForLine(page, 'event', /datagram to 127\.0\.0\.9:9 not sent/);
    await expect.poll(() => page.locator('[data-testid=log-line][data-dir=out][data-failed=true]').count()).toBe(1);
    await expect.poll(() => page.getByTestId('bytes-out').textContent()).toBe('0 B');
    await page.locator('[data-testid=log-line][data-dir=out]').click();
    expect(await page.getByTestId('log-detail').textContent()).toMatch(/1 byte(?!s)[\s\S]*Not sent/);
    await page.context().close();
  }, 20_000);

  test('Times 0 offers "until stopped"; any snippet can be deleted; saving a filtered log says which lines', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await page.getByTestId('repeat').fill('0');
    await expect.poll(() => page.getByTestId('times-zero').count()).toBe(1);
    expect(await page.getByTestId('send').isDisabled()).toBe(true);
    await page.getByTestId('times-forever').click();
    expect(await page.getByTestId('repeat-forever').isChecked()).toBe(true);
    await page.getByTestId('repeat-forever').uncheck();
    await page.getByTestId('repeat').fill('1');

    for (const name of ['one', 'two', 'three']) {
      await page.getByTestId('composer-input').fill(name);
      await page.getByTestId('snippet-save').click();
      await page.getByTestId('snippet-name').fill(name);
      await page.getByTestId('snippet-name').press('Enter');
    }
    await page.getByTestId('snippet-manage').click();
    await page.locator('[data-testid=snippet-item][data-name=two] [data-testid=snippet-delete]').click();
    expect(await page.getByTestId('snippet-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['one', 'three']);

    await send(page, 'apple');
    await waitForLine(page, 'in', 'apple');
    await send(page, 'pear');
    await waitForLine(page, 'in', 'pear');
    await page.getByTestId('log-filter').fill('apple');
    const scope = page.getByTestId('log-save-scope');
    expect(await scope.locator('option').allTextContents()).toEqual(['Filtered lines only (2)', 'All lines (6)']);
    const [shown] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-save-text').click()]);
    expect(fs.readFileSync((await shown.path())!, 'utf8').split('\n')).toHaveLength(2);
    await scope.selectOption('all');
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByTestId('log-save-text').click()]);
    expect(fs.readFileSync((await all.path())!, 'utf8')).toMatch(/apple[\s\S]*pear/);
    await page.context().close();
  }, 20_000);
});
