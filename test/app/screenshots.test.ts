/**
 * Screenshots of the main views — a TCP client talking to an echo server, a TCP server with two
 * clients, a UDP socket with peers, the new-socket dialog and the lab view — in light and dark,
 * English and Chinese, saved to test-artifacts/ for people to look at. Each also asserts what
 * the picture must show, so a broken view fails here rather than only looking wrong.
 */
import dgram from 'node:dgram';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { artifactPath } from '../helpers/browser.js';
import { tcpClient } from '../helpers/peers.js';
import { newTcpClient, newTcpServer, newUdp, openPage, send, waitForLine } from './page-driver.js';
import { browserFixture } from '../helpers/browser-fixture.js';

const f = browserFixture();

const combos = [
  { theme: 'light', locale: 'en' },
  { theme: 'dark', locale: 'en' },
  { theme: 'light', locale: 'zh-CN' },
  { theme: 'dark', locale: 'zh-CN' },
] as const;

async function select(page: Page, kind: string): Promise<void> {
  await page.locator(`[data-testid=socket-item][data-kind=${kind}]`).first().click();
  await page.locator(`[data-testid=socket-header]`).waitFor();
}

describe('screenshots', () => {
  for (const { theme, locale } of combos) {
    test(`main views, ${theme}, ${locale}`, async () => {
      const page = await openPage(f.browser, f.gateway.url, { theme, locale });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
      const suffix = `${theme}-${locale}`;

      // A TCP server with two real clients talking.
      const port = await newTcpServer(page);
      const a = await tcpClient(port);
      const b = await tcpClient(port);
      a.write('GET /status HTTP/1.0\r\n\r\n');
      b.write(Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0a])); // 你好\n in GBK
      await expect.poll(() => page.getByTestId('client-row').count()).toBe(2);
      await page.getByTestId('composer-input').fill('welcome to the chat room\\n');
      await page.getByTestId('send').click();
      await expect.poll(() => b.data().length).toBeGreaterThan(0);

      // A UDP socket that a peer talks to.
      const udpPort = await newUdp(page, '127.0.0.1', true);
      const peer = dgram.createSocket('udp4');
      await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
      for (const m of ['1:100:alice:lab-pc:32:hello', 'ping', 'temperature=21.5']) peer.send(m, udpPort, '127.0.0.1');
      await waitForLine(page, 'in', 'temperature');

      // A TCP client to the echo server: text, hex and a burst of small writes.
      await newTcpClient(page, '127.0.0.1', f.echo.port);
      await waitForLine(page, 'event', locale === 'en' ? /Connected/ : /已连接/);
      await send(page, 'hello, echo\\n');
      await send(page, '48 45 4C 4C 4F 0D 0A', { hex: true });
      await page.getByTestId('mode-text').click();
      await page.getByTestId('composer-input').fill('msg\\n');
      await page.getByTestId('repeat').fill('5');
      await page.getByTestId('interval').fill('0');
      await page.getByTestId('send').click();
      await expect.poll(() => page.locator('[data-testid=log-line][data-dir=in]').count()).toBeGreaterThanOrEqual(3);
      await page.getByTestId('repeat').fill('1');
      await page.waitForTimeout(1100); // one full second for the rate graph
      await page.screenshot({ path: artifactPath(`page-tcp-client-${suffix}.png`) });

      await select(page, 'server');
      await page.getByTestId('clients').waitFor();
      await page.screenshot({ path: artifactPath(`page-tcp-server-${suffix}.png`) });

      if (suffix === 'light-en') {
        await select(page, 'accepted');
        await page.screenshot({ path: artifactPath(`page-accepted-client-${suffix}.png`) });
      }

      await select(page, 'udp');
      await page.getByTestId('peers').waitFor();
      await page.screenshot({ path: artifactPath(`page-udp-${suffix}.png`) });

      await page.getByTestId('new-udp').click();
      await page.getByTestId('new-socket-dialog').waitFor();
      const options = await page.getByTestId('udp-address').locator('option').allTextContents();
      expect(options.some((o) => o.startsWith('127.0.0.1'))).toBe(true);
      await page.screenshot({ path: artifactPath(`page-new-socket-dialog-${suffix}.png`) });
      await page.keyboard.press('Escape');

      await page.getByTestId('nav-lab').click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: artifactPath(`page-lab-${suffix}.png`) });

      a.destroy();
      b.destroy();
      peer.close();
      await page.context().close();
    });
  }
});
