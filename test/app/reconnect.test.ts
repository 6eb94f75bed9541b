/**
 * The page says plainly when the gateway connection drops and when it is back: a real gateway
 * process is stopped under an open page, then started again on the same port.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { echoServer } from '../helpers/peers.js';
import { newTcpClient, openPage, waitForLine } from './page-driver.js';
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

test('a banner when the gateway goes away, sockets marked lost, and a notice when it is back', async () => {
  const port = await freePort();
  const echo = await echoServer();
  gateway = await spawnGateway(['--port', String(port), '--quiet'], { token: 'reconnect-test' });
  const page = await openPage(browser, `${gateway.origin}/?token=reconnect-test`);
  await newTcpClient(page, '127.0.0.1', echo.port);
  await waitForLine(page, 'event', /Connected/);

  await gateway.stop();
  gateway = undefined;
  await page.getByTestId('banner-lost').waitFor();
  expect(await page.getByTestId('banner-lost').textContent()).toContain('Connection to the gateway lost');
  await page.locator('[data-testid=gateway-status][data-state=reconnecting]').waitFor();
  // The open socket died with the connection, and says why.
  await waitForLine(page, 'event', /CONNECTION_LOST|SHUTDOWN/);
  await page.screenshot({ path: artifactPath('page-gateway-lost-light-en.png') });

  gateway = await spawnGateway(['--port', String(port), '--quiet'], { token: 'reconnect-test' });
  await page.getByTestId('banner-back').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
  // And the page works again on the new connection.
  await newTcpClient(page, '127.0.0.1', echo.port);
  await expect.poll(() => page.locator('[data-testid=socket-header][data-state=open]').count()).toBe(1);
  echo.close();
  await page.context().close();
}, 45_000);
