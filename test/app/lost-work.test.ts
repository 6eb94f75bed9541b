/**
 * Issue 12, defect 6 (lost work) in Chromium over real loopback sockets: a reload that would close
 * a live socket asks first (beforeunload) and none is asked with nothing open; after a reload the
 * sockets are offered again with their logs from IndexedDB; after a gateway restart "Reopen all"
 * opens every lost socket with its settings.
 */
import type net from 'node:net';
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { echoServer, freePort } from '../helpers/peers.js';
import { newTcpClient, newUdp, openPage, send, waitForLine } from './page-driver.js';

let browser: Browser;
let echo: net.Server & { port: number };

beforeAll(async () => {
  [browser, echo] = await Promise.all([launchChromium(), echoServer()]);
});
afterAll(async () => {
  await browser?.close();
  echo?.close();
});

/** Reloads and records the beforeunload dialog, if one came; `accept` decides whether the reload goes on. */
async function reload(page: Page, accept: boolean): Promise<Dialog | undefined> {
  let dialog: Dialog | undefined;
  const onDialog = (d: Dialog) => {
    dialog = d;
    void (accept ? d.accept() : d.dismiss());
  };
  page.on('dialog', onDialog);
  if (accept) await page.reload();
  else await page.reload({ timeout: 2_000 }).catch(() => undefined);
  page.off('dialog', onDialog);
  return dialog;
}

describe('lost work', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, audit: null });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  test('no warning with nothing open; a reload that would close a live socket warns first', async () => {
    const page = await openPage(browser, gateway.url);
    await page.getByTestId('new-tcp').click(); // a user gesture, as beforeunload needs
    await page.keyboard.press('Escape');
    expect(await reload(page, true)).toBeUndefined();
    await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    const asked = await reload(page, false);
    expect(asked?.type()).toBe('beforeunload');
    // Stayed: the socket is still open.
    expect(await page.locator('[data-testid=socket-header][data-state=open]').count()).toBe(1);
    await page.context().close();
  });

  test('after a reload each socket is offered again and its log comes back from IndexedDB', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await send(page, 'before reload');
    await waitForLine(page, 'in', 'before reload');
    await newUdp(page);
    await page.waitForTimeout(2_500); // the keeper saves every 2 s
    await reload(page, true);
    await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
    const restored = page.getByTestId('restored-socket');
    await expect.poll(() => restored.count()).toBe(2);
    expect(await restored.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['tcp', 'udp']);
    await restored.first().getByTestId('reopen-restored').click();
    await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
    await waitForLine(page, 'in', 'before reload'); // the old line, restored
    await waitForLine(page, 'event', /lines restored from before the reload/);
    await waitForLine(page, 'event', /Connected/);
    await expect.poll(() => restored.count()).toBe(1);
    await page.getByTestId('reopen-all').click();
    await expect.poll(() => page.locator('[data-testid=socket-item][data-state=open]').count()).toBe(2);
    await expect.poll(() => page.getByTestId('lost-work').count()).toBe(0);
    await page.context().close();
  });

  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshots of the reopen offer, ${locale} ${theme}`, async () => {
        const page = await openPage(browser, gateway.url, { locale, theme });
        await newTcpClient(page, '127.0.0.1', echo.port);
        await waitForLine(page, 'event', locale === 'en' ? /Connected/ : /已连接/);
        await page.waitForTimeout(2_300);
        await reload(page, true);
        await page.getByTestId('restored-socket').first().waitFor();
        await page.screenshot({ path: artifactPath(`lost-work-${locale}-${theme}-1440x900.png`) });
        await page.setViewportSize({ width: 800, height: 600 });
        await page.screenshot({ path: artifactPath(`lost-work-${locale}-${theme}-800x600.png`) });
        const bar = (await page.getByTestId('lost-work').boundingBox())!;
        expect(bar.x + bar.width).toBeLessThanOrEqual(290);
        await page.context().close();
      });
});

test('after a gateway restart "Reopen all" opens every lost socket with its settings', async () => {
  const port = await freePort();
  let gateway = await startGateway({ port, token: 'lost-work-test', audit: null });
  const page = await openPage(browser, `${gateway.url.replace(/\?.*$/, '')}?token=lost-work-test`);
  await newTcpClient(page, '127.0.0.1', echo.port);
  await waitForLine(page, 'event', /Connected/);
  await newUdp(page);
  await gateway.close();
  await page.locator('[data-testid=gateway-status][data-state=reconnecting]').waitFor();
  gateway = await startGateway({ port, token: 'lost-work-test', audit: null });
  await page.locator('[data-testid=gateway-status][data-state=open]').waitFor({ timeout: 15_000 });
  await page.getByTestId('lost-work').waitFor();
  expect(await page.getByTestId('lost-work').textContent()).toMatch(/2 sockets were closed/);
  await page.screenshot({ path: artifactPath('lost-work-after-restart-en-light-1440x900.png') });
  await page.getByTestId('reopen-all').click();
  await expect.poll(() => page.locator('[data-testid=socket-item][data-state=open]').count()).toBe(2);
  // Same settings: the TCP client dials the same target again, and the new one echoes.
  await expect.poll(() => page.locator(`[data-testid=socket-item][data-kind=tcp][data-state=open][data-title$=":${echo.port}"]`).count()).toBe(1);
  await page.locator('[data-testid=socket-item][data-kind=tcp][data-state=open]').click();
  await send(page, 'after restart');
  await waitForLine(page, 'in', 'after restart');
  await page.context().close();
  await gateway.close();
}, 45_000);
