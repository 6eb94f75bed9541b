/**
 * Screenshots of the issue-16 panels (the handshake on the wire beside the TCP states, the recv()
 * modes with a pending read) in English and Chinese, light and dark, at 1440×900 and 800×600,
 * into test-artifacts/. Asserts that nothing in the panel is wider than the panel at each size.
 */
import { execFileSync } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { openPage } from '../app/page-driver.js';

let gateway: Gateway;
let browser: Browser;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
  gateway = await startGateway({ port: 0, audit: null });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe('wire panel screenshots', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      it(`${locale} ${theme}`, async () => {
        const page = await openPage(browser, `${gateway.origin}/?token=${encodeURIComponent(gateway.token)}`, { locale, theme });
        try {
          await page.locator('[data-testid="nav-lab"]').click();
          await page.locator('[data-testid="capture-toggle"]').setChecked(true);
          await page.locator('[data-testid="play-messages"]').fill('hello\nworld');
          await page.locator('[data-testid="send-button"]').click();
          await expect.poll(() => page.locator('[data-testid^="segment-"]').count()).toBeGreaterThanOrEqual(5);
          await page.locator('[data-testid="tcp-close-client"]').click();
          await page.locator('[data-testid="tcp-close-accepted"]').click();
          await page.locator('[data-testid="capture-outcome"]').waitFor();
          for (const [w, h] of [
            [1440, 900],
            [800, 600],
          ] as const) {
            await page.setViewportSize({ width: w, height: h });
            await page.locator('[data-testid="wire-panel"]').scrollIntoViewIfNeeded();
            await page.waitForTimeout(150);
            await page.screenshot({ path: artifactPath(`wire-${locale}-${theme}-${w}x${h}.png`) });
            // Nothing inside the panel is wider than the panel (the diagram and the filter wrap).
            const panel = page.locator('[data-testid="wire-panel"]');
            expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
          }
          // The recv() modes with a read pending.
          await page.locator('[data-testid="knob-manual"]').setChecked(true);
          await page.locator('[data-testid="new-connection"]').click();
          await page.locator('[data-testid="lab-stage"][data-status="idle"]').waitFor();
          await page.locator('[data-testid="knob-recv-mode"]').selectOption('timeout');
          await page.locator('[data-testid="recv-button"]').click();
          await page.locator('[data-testid="recv-pending"]').scrollIntoViewIfNeeded();
          await page.screenshot({ path: artifactPath(`recv-pending-${locale}-${theme}-800x600.png`) });
          await page.setViewportSize({ width: 1440, height: 900 });
          await page.locator('[data-testid="recv-pending"]').scrollIntoViewIfNeeded();
          await page.screenshot({ path: artifactPath(`recv-pending-${locale}-${theme}-1440x900.png`) });
        } finally {
          await page.context().close();
        }
      });
    }
  }
});
