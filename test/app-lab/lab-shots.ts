/** Screenshots of one lab view in English and Chinese, light and dark, at 1440×900 and 800×600 (to test-artifacts/). */
import type { Page } from 'playwright-core';
import { artifactPath } from '../helpers/browser.js';

/** The sizes every lab screenshot is taken at. */
export const SHOT_SIZES = [
  { width: 1440, height: 900 },
  { width: 800, height: 600 },
] as const;

/** Switches the page's language through its menu and waits for `<html lang>`. */
export async function setLanguage(page: Page, locale: 'en' | 'zh-CN'): Promise<void> {
  await page.locator('[data-testid="language"]').selectOption(locale);
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}

/**
 * Takes `name-{en|zh-CN}-{light|dark}-{W}x{H}.png` of the page as it is, then puts back English,
 * light and the first size. `ready` runs after each switch (e.g. to wait for a re-render).
 */
export async function labShots(page: Page, name: string, ready: () => Promise<void> = async () => {}): Promise<string[]> {
  const files: string[] = [];
  for (const locale of ['en', 'zh-CN'] as const) {
    await setLanguage(page, locale);
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
      for (const size of SHOT_SIZES) {
        await page.setViewportSize(size);
        await ready();
        const file = artifactPath(`${name}-${locale}-${theme}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        files.push(file);
      }
    }
  }
  await setLanguage(page, 'en');
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  await page.setViewportSize(SHOT_SIZES[0]);
  return files;
}
