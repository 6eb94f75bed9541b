/**
 * The "Files & capture" panel end to end in Chromium over real loopback sockets: a 10 MiB file
 * sent through a TCP client to an echo server and saved back byte-exact as .bin; a pcapng export
 * of two echoed sends and a close read back by tshark; JSON Lines that parse; screenshots.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { artifactPath } from '../helpers/browser.js';
import { newTcpClient, openPage, send, waitForLine } from './page-driver.js';
import { browserFixture } from '../helpers/browser-fixture.js';

const f = browserFixture();

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function saved(page: Page, testid: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return fs.readFileSync((await d.path())!);
}

describe('files and capture panel', () => {
  test('a 10 MiB file goes out and the echoed bytes save as .bin with the same sha256', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', f.echo.port);
    await waitForLine(page, 'event', /Connected/);
    const file = randomBytes(10 * 1024 * 1024);
    await page.getByTestId('traffic-tools').click();
    await page.getByTestId('file-input').setInputFiles({ name: 'ten.bin', mimeType: 'application/octet-stream', buffer: file });
    await page.getByTestId('file-send').click();
    await page.locator('[data-testid=file-status][data-state=done]').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('file-status').getAttribute('data-sent')).toBe(String(file.length));
    await expect.poll(() => page.getByTestId('recv-kept').getAttribute('data-bytes'), { timeout: 10_000 }).toBe(String(file.length));
    expect(sha(await saved(page, 'save-bin'))).toBe(sha(file));
    await page.context().close();
  });

  test('pcapng of two echoed sends and a close reads back in tshark; JSON Lines parse', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', f.echo.port);
    await waitForLine(page, 'event', /Connected/);
    await send(page, 'first');
    await waitForLine(page, 'in', 'first');
    await send(page, 'second!');
    await waitForLine(page, 'in', 'second!');
    await page.getByTestId('close').click();
    await page.locator('[data-testid=socket-header][data-state=closed]').waitFor();
    await page.getByTestId('traffic-tools').click();
    const pcap = artifactPath('capture-two-sends.pcapng');
    fs.writeFileSync(pcap, await saved(page, 'export-pcapng'));
    const rows = execFileSync('/usr/bin/tshark', ['-r', pcap, '-T', 'fields', '-e', 'tcp.flags', '-e', 'data'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    const payloads = rows.map((r) => r[1]).filter(Boolean).map((h) => Buffer.from(h!, 'hex').toString());
    expect(payloads).toEqual(['first', 'first', 'second!', 'second!']);
    // Handshake, four data segments, FIN-ACK each way, the last ACK.
    expect(rows.map((r) => r[0])).toEqual(['0x0002', '0x0012', '0x0010', '0x0018', '0x0018', '0x0018', '0x0018', '0x0011', '0x0011', '0x0010']);
    const lines = (await saved(page, 'export-jsonl')).toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    await page.context().close();
  });

  for (const locale of ['en', 'zh-CN'] as const)
    for (const theme of ['light', 'dark'] as const)
      test(`screenshots ${locale} ${theme}`, async () => {
        const page = await openPage(f.browser, f.gateway.url, { locale, theme });
        await newTcpClient(page, '127.0.0.1', f.echo.port);
        await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
        await send(page, 'hello');
        await waitForLine(page, 'in', 'hello');
        await page.getByTestId('traffic-tools').click();
        // The panel redraws on a 250 ms watcher: wait for the echo to show before the picture.
        await page.locator('[data-testid=recv-kept][data-bytes="5"]').waitFor();
        await page.screenshot({ path: artifactPath(`capture-${locale}-${theme}-1440x900.png`) });
        await page.setViewportSize({ width: 800, height: 600 });
        await page.getByTestId('traffic-tools').click();
        await page.getByTestId('traffic-tools').click();
        await page.getByTestId('traffic-panel').waitFor();
        await page.screenshot({ path: artifactPath(`capture-${locale}-${theme}-800x600.png`) });
        const box = (await page.getByTestId('traffic-panel').boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(800);
        await page.context().close();
      });
});
