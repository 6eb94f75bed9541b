/**
 * The workspace log in Chromium against a real gateway (issue 12): switching from a scrolled long
 * log to a short one shows the short one's lines (defect 1); the log keeps a usable height in
 * small and split-screen windows (defect 2); log lines open from the keyboard and the composer
 * has the focus once a socket opens (defect 9). Also screenshots of a long log at 1440×900 and
 * 800×600, light and dark, English and Chinese.
 */
import dgram from 'node:dgram';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { artifactPath } from '../helpers/browser.js';
import { logLines, newTcpClient, newUdp, openPage, send, waitForLine } from './page-driver.js';
import { browserFixture } from '../helpers/browser-fixture.js';

const f = browserFixture();

/** Sends about `count` datagrams to 127.0.0.1:port and waits until the page has (nearly) all. */
async function fill(page: Page, port: number, count: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  // In batches the page confirms (its count) before the next: UDP on a busy machine may drop.
  for (let i = 0; i < count; i += 250) {
    const n = Math.min(count, i + 250);
    for (let k = i; k < n; k++) s.send(`line ${String(k).padStart(5, '0')} of a long log`, port, '127.0.0.1');
    await expect.poll(async () => Number(((await page.getByTestId('log-count').textContent()) ?? '').replace(/\D/g, '')), { timeout: 3000, interval: 20 }).toBeGreaterThan(n - 25);
  }
  s.close();
}

/** The element that has the keyboard focus, through shadow roots: its test id. */
const focusedTestId = (page: Page) =>
  page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('data-testid') ?? el?.tagName ?? null;
  });

describe('workspace log', () => {
  test('a scrolled long log, then a socket with a short log: its own header and lines, no error (defect 1)', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const longPort = await newUdp(page);
    await fill(page, longPort, 3000);
    const shortPort = await newUdp(page);
    await page.locator(`[data-testid=socket-item][data-title="127.0.0.1:${longPort}"]`).click();
    const longCount = await page.getByTestId('log-count').textContent();
    expect(Number(longCount?.replace(/\D/g, ''))).toBeGreaterThan(2900);
    // Scroll the long log to its middle, as a user reading it would.
    const box = (await page.getByTestId('log-lines').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -6000);
    // A line opened too, as a user reading would.
    await logLines(page, 'in').nth(3).click();
    await page.getByTestId('log-detail').waitFor();
    await page.getByTestId('log-jump').waitFor();
    await page.locator(`[data-testid=socket-item][data-title="127.0.0.1:${shortPort}"]`).click();
    await expect.poll(() => page.getByTestId('socket-title').textContent()).toBe(`127.0.0.1:${shortPort}`);
    await expect.poll(() => logLines(page).count()).toBe(1);
    expect(await logLines(page).first().getAttribute('data-event')).toBe('bound');
    expect(await page.getByTestId('log-count').textContent()).toMatch(/^1\D/);
    expect(await page.getByTestId('log-jump').count()).toBe(0);
    // And back: the long log shows its newest lines again.
    await page.locator(`[data-testid=socket-item][data-title="127.0.0.1:${longPort}"]`).click();
    await expect.poll(() => page.getByTestId('log-count').textContent()).toBe(longCount);
    await expect.poll(async () => Number(await logLines(page).last().getAttribute('data-n'))).toBeGreaterThan(2900);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 30_000);

  test('the log keeps at least five lines of height at 800×600, 1280×720 and split screens (defect 2)', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', f.echo.port);
    await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
    // The UDP view has the most above the log (groups and peers); a line's details take room too.
    const port = await newUdp(page);
    const peer = dgram.createSocket('udp4');
    peer.send('hello from a peer', port, '127.0.0.1');
    await waitForLine(page, 'in', 'hello from a peer');
    peer.close();
    await logLines(page, 'in').first().click();
    for (const [width, height] of [[800, 600], [1280, 720], [960, 1080], [683, 768], [1440, 900]] as const) {
      await page.setViewportSize({ width, height });
      // The element itself, not only the list inside it (which a collapsed, clipping host hides).
      const log = page.locator('socket-log');
      await expect.poll(async () => (await log.boundingBox())?.height ?? 0, { message: `${width}×${height}` }).toBeGreaterThanOrEqual(26 + 5 * 22);
      const list = (await page.getByTestId('log-lines').boundingBox())!;
      const host = (await log.boundingBox())!;
      expect(host.y + host.height - list.y, `${width}×${height}: lines inside the log`).toBeGreaterThanOrEqual(5 * 22);
      // On screen, not pushed below the window's bottom edge; Send is reachable by scrolling.
      expect(list.y + 5 * 22, `${width}×${height}`).toBeLessThanOrEqual(height);
      await page.getByTestId('send').scrollIntoViewIfNeeded();
      const composer = (await page.getByTestId('send').boundingBox())!;
      expect(composer.y + composer.height, `${width}×${height}: Send on screen`).toBeLessThanOrEqual(height + 1);
      await page.getByTestId('log-lines').scrollIntoViewIfNeeded();
    }
    await page.context().close();
  }, 30_000);

  test('a line pressed while the list still scrolls opens that line; a drag across lines opens none', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    const port = await newUdp(page);
    await fill(page, port, 500);
    const list = page.getByTestId('log-lines');
    await list.evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
    await page.getByTestId('log-jump').waitFor();
    const row = logLines(page, 'in').nth(6);
    const pressed = await row.getAttribute('data-n');
    const text = (await row.textContent())!.match(/line \d{5}/)![0];
    const box = (await row.boundingBox())!;
    // Pressed on a line, then the rows move under the still pointer (as a smooth scroll or a trim
    // does) before the release: the browser clicks the rows' common parent, not a line.
    await page.mouse.move(box.x + 40, box.y + box.height / 2);
    await page.mouse.down();
    await list.evaluate((el) => { el.scrollTop -= 5 * 22; });
    await expect.poll(() => row.getAttribute('data-n')).not.toBe(pressed);
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('log-detail').textContent()).toContain(text);
    // Pressed on one line and dragged to another (selecting text): no line opens or closes.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('log-detail').count()).toBe(0);
    const a = (await logLines(page, 'in').nth(8).boundingBox())!;
    await page.mouse.move(a.x + 40, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(a.x + 120, a.y + a.height / 2 + 3 * 22, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(100);
    expect(await page.getByTestId('log-detail').count()).toBe(0);
    await page.context().close();
  }, 30_000);

  test('a long read\'s row formats what its text and hex columns show, fills them, and shows more in a wider window; its details the whole read', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    const port = await newUdp(page);
    const body = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' '); // 1,389 bytes of ASCII
    const s = dgram.createSocket('udp4');
    s.send(body, port, '127.0.0.1');
    await logLines(page, 'in').first().waitFor();
    s.close();
    // What each column formats, and whether that fills it (the cut is past the column's edge).
    const row = () =>
      logLines(page, 'in').first().evaluate((el) => {
        const cell = (id: string) => el.querySelector(`[data-testid=${id}]`) as HTMLElement;
        const [x, h] = [cell('log-text'), cell('log-hex')];
        return { text: x.textContent!.length, hex: h.textContent!.length, textFull: x.scrollWidth > x.clientWidth, hexFull: h.scrollWidth > h.clientWidth };
      });
    const narrow = await row();
    expect(narrow.textFull && narrow.hexFull).toBe(true);
    expect(narrow.text).toBeLessThan(600);
    expect(body.startsWith(await logLines(page, 'in').first().getByTestId('log-text').textContent() as string)).toBe(true);
    await page.setViewportSize({ width: 2400, height: 900 });
    await expect.poll(async () => (await row()).text).toBeGreaterThan(narrow.text);
    const wide = await row();
    expect(wide.hex).toBeGreaterThan(narrow.hex);
    expect(wide.textFull && wide.hexFull).toBe(true);
    await logLines(page, 'in').first().click();
    await expect.poll(() => page.getByTestId('log-detail').locator('pre').first().textContent()).toBe(body);
    await page.context().close();
  }, 30_000);

  test('the composer has the focus once a socket opens; log lines open and close from the keyboard (defect 9)', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', f.echo.port);
    await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
    await expect.poll(() => focusedTestId(page)).toBe('composer-input');
    // Typing goes straight into the composer.
    await page.keyboard.type('first');
    await page.getByTestId('send').click();
    await waitForLine(page, 'in', 'first');
    await send(page, 'second');
    await waitForLine(page, 'in', 'second');
    await page.getByTestId('log-lines').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('log-detail').textContent()).toContain('second');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('log-detail').count()).toBe(0);
    // Up two lines (past the TX line of "second") to the echo of "first".
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('log-detail').textContent()).toMatch(/RX[\s\S]*first/);
    await page.context().close();
  }, 30_000);
});

describe('screenshots of a long log', () => {
  // Two pages, each shot at both sizes: light English and dark Chinese cover both themes and languages.
  for (const { theme, locale } of [{ theme: 'light', locale: 'en' }, { theme: 'dark', locale: 'zh-CN' }] as const) {
    test(`1440×900 and 800×600, ${theme}, ${locale}`, async () => {
      const page = await openPage(f.browser, f.gateway.url, { theme, locale });
      const port = await newUdp(page);
      await fill(page, port, 400);
      for (const [width, height] of [[1440, 900], [800, 600]] as const) {
        await page.setViewportSize({ width, height });
        await page.getByTestId('log-lines').scrollIntoViewIfNeeded();
        await expect.poll(() => logLines(page, 'in').count()).toBeGreaterThanOrEqual(5);
        await page.screenshot({ path: artifactPath(`log-long-${width}x${height}-${theme}-${locale}.png`) });
      }
      await page.context().close();
    }, 20_000);
  }
});
