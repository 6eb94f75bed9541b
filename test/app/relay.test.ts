/**
 * Relay mode end to end in Chromium over real loopback sockets: a Python client talks to a Python
 * server through the page's relay, and the relay view shows each read of both directions as its
 * own line with its size; a denied target is refused with the policy's rule; closing the page
 * closes the relay's sockets; screenshots of the form and the view.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { openPage } from './page-driver.js';

const PY = path.resolve('test/fixtures/python');
let gateway: Gateway;
let browser: Browser;
let server: ChildProcess;
let serverPort: number;

beforeAll(async () => {
  server = spawn('python3', [path.join(PY, 'upper_server.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
  serverPort = await new Promise<number>((resolve) => server.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  [gateway, browser] = await Promise.all([startGateway({ port: 0, audit: null }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  server?.kill();
});

/** Opens a relay to 127.0.0.1:`targetPort` through the form; returns the port it listens on. */
async function newRelay(page: Page, targetHost: string, targetPort: number): Promise<number> {
  await page.getByTestId('new-relay').click();
  await page.getByTestId('relay-local-port').fill('0');
  await page.getByTestId('relay-target-host').fill(targetHost);
  await page.getByTestId('relay-target-port').fill(String(targetPort));
  await page.getByTestId('relay-start').click();
  await page.locator('[data-testid=relay-header][data-state=open], [data-testid=relay-header][data-state=failed]').waitFor();
  const title = (await page.getByTestId('relay-title').textContent()) ?? '';
  return Number(/:(\d+) →/.exec(title)?.[1] ?? 0);
}

const runClient = (port: number, ...words: string[]) => promisify(execFile)('python3', [path.join(PY, 'chat_client.py'), String(port), ...words], { timeout: 10_000 });

describe('relay mode in the page', () => {
  test('a Python client and a Python server through the relay: every read of both directions is its own line', async () => {
    const page = await openPage(browser, gateway.url);
    const port = await newRelay(page, '127.0.0.1', serverPort);
    expect(port).toBeGreaterThan(0);
    const { stdout } = await runClient(port, 'hello', 'sticky packets');
    expect(stdout).toBe('HELLO\nSTICKY PACKETS\n');
    const pair = page.locator('[data-testid=relay-pair][data-pair="1"][data-state=closed]');
    await pair.waitFor();
    expect(await pair.getByTestId('pair-up').textContent()).toMatch(/19 B \/ 2 FIN/);
    expect(await pair.getByTestId('pair-down').textContent()).toMatch(/19 B \/ 2 FIN/);
    // Client → target reads are RX lines, target → client TX lines, each with its own size.
    const lines = page.locator('[data-testid=log-line][data-dir=in], [data-testid=log-line][data-dir=out]');
    await expect.poll(() => lines.count()).toBe(4);
    const shown = await lines.evaluateAll((els) => els.map((e) => [e.getAttribute('data-dir'), e.getAttribute('data-bytes'), e.querySelector('[data-testid=log-text]')?.textContent]));
    expect(shown).toEqual([
      ['in', '5', 'hello'],
      ['out', '5', 'HELLO'],
      ['in', '14', 'sticky packets'],
      ['out', '14', 'STICKY PACKETS'],
    ]);
    await page.context().close();
  });

  test('the policy denies a relay to a denied target and names the rule', async () => {
    const page = await openPage(browser, gateway.url);
    await newRelay(page, '169.254.169.254', 80);
    const error = page.getByTestId('relay-error');
    await expect.poll(() => error.textContent()).toMatch(/DENIED.*169\.254/);
    await page.context().close();
  });

  test('closing the page closes the relay and the sockets of its pairs', async () => {
    const page = await openPage(browser, gateway.url);
    const port = await newRelay(page, '127.0.0.1', serverPort);
    const client = net.connect({ port, host: '127.0.0.1' });
    await new Promise((r) => client.once('connect', r));
    await page.locator('[data-testid=relay-pair][data-state=open]').waitFor();
    const ended = new Promise((r) => client.once('close', r));
    client.on('error', () => {});
    await page.context().close();
    await ended;
    await expect(new Promise((resolve, reject) => net.connect({ port, host: '127.0.0.1' }).once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });

  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshots ${locale} ${theme}`, async () => {
        const page = await openPage(browser, gateway.url, { locale, theme });
        await page.getByTestId('new-relay').click();
        await page.getByTestId('relay-form').waitFor();
        await page.screenshot({ path: artifactPath(`relay-form-${locale}-${theme}-1440x900.png`) });
        const port = await newRelay(page, '127.0.0.1', serverPort);
        await runClient(port, 'hello', '粘包 sticky');
        await page.locator('[data-testid=relay-pair][data-state=closed]').waitFor();
        await page.screenshot({ path: artifactPath(`relay-${locale}-${theme}-1440x900.png`) });
        await page.setViewportSize({ width: 800, height: 600 });
        await page.screenshot({ path: artifactPath(`relay-${locale}-${theme}-800x600.png`) });
        const header = (await page.getByTestId('relay-header').boundingBox())!;
        expect(header.x + header.width).toBeLessThanOrEqual(800);
        await page.getByTestId('new-relay').click();
        await page.screenshot({ path: artifactPath(`relay-form-${locale}-${theme}-800x600.png`) });
        await page.context().close();
      });
});
