/**
 * Issue 12, defect 5 in Chromium over real loopback sockets: a socket's chosen framing splits
 * what arrives — three length-prefixed messages in one TCP write and one message split over two
 * writes become four log lines, the raw reads stay one click away, a corrupt length is one clear
 * error line (then the reads show as they came, nothing hangs), and a delimited UDP datagram is
 * split too. Also screenshots of the decoded view, of a client row's Send asking first and of the
 * composer's checks (hex as typed, Times 0, the snippet list), at
 * 1440×900 and 800×600, light English and dark Chinese.
 */
import dgram from 'node:dgram';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { tcpClient, waitFor } from '../helpers/peers.js';
import { logLines, newTcpClient, newTcpServer, newUdp, openPage, waitForLine } from './page-driver.js';

let gateway: Gateway;
let browser: Browser;
let server: net.Server;
/** The connections the page made to `server`, newest last. */
const peers: Socket[] = [];

beforeAll(async () => {
  server = createServer((s) => peers.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  [gateway, browser] = await Promise.all([startGateway({ port: 0, audit: null }), launchChromium()]);
});

afterAll(async () => {
  for (const p of peers) p.destroy();
  await browser?.close();
  await gateway?.close();
  server?.close();
});

/** struct.pack('!I', len(b)) + b */
const framed = (text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
};

const rxTexts = (page: Page) => logLines(page, 'in').getByTestId('log-text').allTextContents();

/** Connects the page to `server` and returns the server's end once the page shows Connected. */
async function connect(page: Page): Promise<Socket> {
  const before = peers.length;
  await newTcpClient(page, '127.0.0.1', (server.address() as AddressInfo).port);
  await page.locator('[data-testid=log-line][data-event=connected]').waitFor();
  await waitFor(() => peers.length > before, 5000, 'the connection');
  return peers.at(-1)!;
}

describe('received framing', () => {
  test("length prefix '!I': one line per message, raw reads a click away, a corrupt length is one error line", async () => {
    const page = await openPage(browser, gateway.url);
    const peer = await connect(page);
    // Before the framing is chosen: it re-reads what already arrived.
    peer.write(Buffer.concat([framed('one'), framed('two'), framed('three')]));
    await waitForLine(page, 'in', 'three');
    expect(await logLines(page, 'in').count(), 'one read, one line').toBe(1);
    await page.getByTestId('framing').selectOption('len-!I');
    await expect.poll(() => rxTexts(page)).toEqual(['one', 'two', 'three']);
    expect(await page.getByTestId('log-view-decoded').getAttribute('aria-pressed')).toBe('true');

    // A message split over two writes waits, bounded, for its rest.
    const split = framed('four, sent in two writes');
    peer.write(split.subarray(0, 9));
    await new Promise((r) => setTimeout(r, 150));
    peer.write(split.subarray(9));
    await expect.poll(() => rxTexts(page)).toEqual(['one', 'two', 'three', 'four, sent in two writes']);

    await page.getByTestId('log-view-raw').click();
    await expect.poll(() => logLines(page, 'in').count()).toBe(3);
    expect((await logLines(page, 'in').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bytes'))))).reduce((a, b) => a + b)).toBe(
      framed('one').length + framed('two').length + framed('three').length + split.length,
    );
    await page.getByTestId('log-view-decoded').click();

    // 0xFFFFFFFF bytes follow: far past the bound, so an error now, not a wait.
    peer.write(Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('junk')]));
    const error = await waitForLine(page, 'event', /FRAME_TOO_LARGE/);
    expect(await error.getAttribute('data-event')).toBe('error');
    peer.write('after the error');
    await waitForLine(page, 'in', 'after the error');
    await page.context().close();
  }, 20_000);

  test('delimiter \\n on UDP: each datagram is split on its own', async () => {
    const page = await openPage(browser, gateway.url);
    const port = await newUdp(page);
    await page.getByTestId('framing').selectOption('delim-lf');
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.send('alpha\nbeta\n', port, '127.0.0.1', () => r()));
    await expect.poll(() => rxTexts(page)).toEqual(['alpha', 'beta']);
    // A datagram that ends inside a message is said to be truncated, not held for the next one.
    await new Promise<void>((r) => s.send('gamma\ndel', port, '127.0.0.1', () => r()));
    await waitForLine(page, 'event', /TRUNCATED/);
    expect(await rxTexts(page)).toEqual(['alpha', 'beta', 'gamma']);
    s.close();
    await page.context().close();
  }, 20_000);
});

describe('screenshots', () => {
  for (const { theme, locale } of [{ theme: 'light', locale: 'en' }, { theme: 'dark', locale: 'zh-CN' }] as const) {
    test(`decoded log and a client Send that asks, 1440×900 and 800×600, ${theme}, ${locale}`, async () => {
      const page = await openPage(browser, gateway.url, { theme, locale });
      const peer = await connect(page);
      await page.getByTestId('framing').selectOption('len-!I');
      peer.write(Buffer.concat(['hello', 'sticky', 'packets', '粘包'].map(framed)));
      await expect.poll(() => logLines(page, 'in').count()).toBe(4);
      for (const [width, height] of [[1440, 900], [800, 600]] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('log-lines').scrollIntoViewIfNeeded();
        await page.screenshot({ path: artifactPath(`receive-framing-${width}x${height}-${theme}-${locale}.png`) });
      }
      const port = await newTcpServer(page);
      const client = await tcpClient(port);
      await expect.poll(() => page.getByTestId('client-row').count()).toBe(1);
      await page.getByTestId('client-send').click();
      await page.getByTestId('send-confirm').waitFor();
      for (const [width, height] of [[1440, 900], [800, 600]] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('send-confirm').scrollIntoViewIfNeeded();
        await page.screenshot({ path: artifactPath(`client-send-confirm-${width}x${height}-${theme}-${locale}.png`) });
      }
      // The composer's new states: hex checked as typed, Times 0's offer, the snippet list.
      await page.getByTestId('send-confirm-no').click();
      await page.getByTestId('snippet-save').click();
      await page.getByTestId('snippet-name').fill('greeting');
      await page.getByTestId('snippet-name').press('Enter');
      await page.getByTestId('mode-hex').click();
      await page.getByTestId('composer-input').fill('48 49 4');
      await page.getByTestId('repeat').fill('0');
      await page.getByTestId('snippet-manage').click();
      await page.getByTestId('times-zero').waitFor();
      for (const [width, height] of [[1440, 900], [800, 600]] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('composer-error').scrollIntoViewIfNeeded();
        await page.screenshot({ path: artifactPath(`composer-checks-${width}x${height}-${theme}-${locale}.png`) });
      }
      client.destroy();
      await page.context().close();
    }, 20_000);
  }
});
