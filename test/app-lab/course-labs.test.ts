/**
 * The course labs (issue 16) in real Chromium, through the real page (dist/public) and a real
 * gateway, over loopback sockets: asserts what the page shows. One browser and one page for
 * the file; screenshots in English and Chinese go to test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';

let gateway: Gateway;
let browser: Browser;
let page: Page;

const attr = (testid: string, name: string) => page.locator(`[data-testid="${testid}"]`).getAttribute(name);

async function showLab(id: string): Promise<void> {
  await page.locator(`[data-testid="course-lab-${id}"]`).click();
  await expect.poll(() => attr('course-lab-view', 'data-lab')).toBe(id);
}

async function setLanguage(locale: 'en' | 'zh-CN'): Promise<void> {
  await page.locator('[data-testid="language"]').selectOption(locale);
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}

describe('course labs (Chromium)', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
    gateway = await startGateway({ port: 0, audit: null });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
    page.on('pageerror', (err) => console.error('[page error]', err));
    await page.goto(`${gateway.origin}/?token=${encodeURIComponent(gateway.token)}`);
    await setLanguage('en');
    await page.locator('[data-testid="nav-course"]').click();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  describe('loop vs threaded vs select', () => {
    const client = (server: string, n: number) => `conc-client-${server}-${n}`;

    it('three clients at once: the loop server answers #1 only, #2 and #3 are connected and in the accept queue; threaded and select answer all', async () => {
      await showLab('concurrency');
      await page.locator('[data-testid="conc-run"]').click();
      // Clients are numbered 1-3 (loop), 4-6 (threaded), 7-9 (select).
      for (const n of [4, 5, 6]) await expect.poll(() => attr(client('threaded', n), 'data-state'), { timeout: 8000 }).toBe('served');
      for (const n of [7, 8, 9]) await expect.poll(() => attr(client('select', n), 'data-state')).toBe('served');
      await expect.poll(() => attr(client('loop', 1), 'data-state')).toBe('served');
      expect(await attr(client('loop', 1), 'data-reply')).toBe('HELLO FROM CLIENT 1');
      // The kernel's view: two connections completed and waiting for accept().
      await expect.poll(() => attr('conc-queue-loop', 'data-queue')).toBe('2');
      expect(await attr(client('loop', 2), 'data-state')).toBe('waiting');
      expect(await attr(client('loop', 3), 'data-state')).toBe('waiting');
      expect(await attr('conc-queue-threaded', 'data-queue')).toBe('0');
      expect(await attr('conc-queue-select', 'data-queue')).toBe('0');
      await page.screenshot({ path: artifactPath('course-concurrency-en.png') });

      await page.locator(`[data-testid="conc-close-loop-1"]`).click();
      await expect.poll(() => attr(client('loop', 2), 'data-state')).toBe('served');
      expect(await attr(client('loop', 2), 'data-reply')).toBe('HELLO FROM CLIENT 2');
      expect(await attr(client('loop', 3), 'data-state')).toBe('waiting');
      await expect.poll(() => attr('conc-queue-loop', 'data-queue')).toBe('1');
    });

    it('filling the backlog: listen(5) queues 6, the next client stays in connect() (SYN_SENT) until a slot frees', async () => {
      // Replaces the loop server's clients with 8 new ones: 1 served, 6 queued, 1 SYN dropped.
      await page.locator('[data-testid="conc-fill-loop"]').click();
      await expect.poll(() => attr('conc-queue-loop', 'data-queue'), { timeout: 5000 }).toBe('6');
      await expect.poll(() => attr('conc-queue-loop', 'data-syn-sent')).toBe('1');
      await expect.poll(() => page.locator('[data-testid^="conc-client-loop-"][data-state="connecting"]').count()).toBe(1);
      await setLanguage('zh-CN');
      await page.screenshot({ path: artifactPath('course-concurrency-zh-CN.png') });
      await setLanguage('en');
      await page.locator('[data-testid="conc-close-all"]').click();
      await expect.poll(() => attr('conc-queue-loop', 'data-queue'), { timeout: 5000 }).toBe('0');
    });
  });
});
