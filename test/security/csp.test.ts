/** The page under its Content-Security-Policy in real Chromium: it works, and nothing is blocked. */
import type net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PAGE_CSP } from '../../server/http-app.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { newTcpClient, openPage, send, waitForLine } from '../app/page-driver.js';
import { launchChromium } from '../helpers/browser.js';
import { echoServer } from '../helpers/peers.js';

let gateway: Gateway;
let browser: Browser;
let echo: net.Server & { port: number };

beforeAll(async () => {
  [gateway, browser, echo] = await Promise.all([startGateway({ port: 0, audit: null }), launchChromium(), echoServer()]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  echo?.close();
});

test('the page loads, connects and echoes under its CSP with no violation reported', async () => {
  const res = await fetch(gateway.url);
  expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  const page = await openPage(browser, gateway.url);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.context().addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused by CSP: ${e.violatedDirective} ${e.blockedURI}`));
  });
  // Reload so the listeners see the page from its first byte.
  await page.reload();
  await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
  await newTcpClient(page, '127.0.0.1', echo.port);
  await waitForLine(page, 'event', /Connected/);
  await send(page, 'csp\\n');
  await waitForLine(page, 'in', 'csp\\n');
  expect(violations).toEqual([]);
  await page.context().close();
});
