/**
 * The lab takes the gateway from the page's context: when the connection drops and comes back,
 * the lab forgets the sockets that died with the old one (empty picture, no TCP-state rows, stage
 * idle) and runs again on the new one. A real gateway process is stopped under the open page and
 * started again on the same port.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { openPage } from '../app/page-driver.js';
import { freePort } from '../helpers/loopback-ports.js';

let browser: Browser;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

async function runTwoSends(page: Page): Promise<void> {
  await page.locator('[data-testid="scenario-two-sends"]').click();
  const stage = page.locator('[data-testid="lab-stage"]');
  await expect.poll(() => stage.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');
  await expect.poll(() => page.locator('[data-testid="stream-picture"]').getAttribute('data-reads')).toBe('1');
}

test('after a reconnect the lab drops the old sockets and runs on the new connection', async () => {
  const port = await freePort();
  gateway = await spawnGateway(['--port', String(port), '--quiet'], { token: 'lab-reconnect' });
  const page = await openPage(browser, `${gateway.origin}/?token=lab-reconnect`);
  await page.getByTestId('nav-lab').click();
  await runTwoSends(page);
  await expect.poll(() => page.locator('[data-testid^="tcp-row-"]').count()).toBe(3);

  await gateway.stop();
  gateway = undefined;
  await page.locator('[data-testid=gateway-status][data-state=reconnecting]').waitFor();
  const stage = page.locator('[data-testid="lab-stage"]');
  await expect.poll(() => stage.getAttribute('data-status')).toBe('idle');
  await expect.poll(() => page.locator('[data-testid="stream-picture"]').getAttribute('data-written')).toBe('0');
  expect(await page.locator('[data-testid^="tcp-row-"]').count()).toBe(0);
  expect(await page.getByTestId('send-button').isDisabled()).toBe(true);

  gateway = await spawnGateway(['--port', String(port), '--quiet'], { token: 'lab-reconnect' });
  await page.locator('[data-testid=gateway-status][data-state=open]').waitFor({ timeout: 15_000 });
  await runTwoSends(page);
  await page.context().close();
}, 45_000);
