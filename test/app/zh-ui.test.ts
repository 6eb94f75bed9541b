/**
 * Issue 12, defect 8 (Chinese UI): walks the page in zh-CN at 800×600 — welcome, the dialog's three
 * tabs, a TCP client with an error, a server, a UDP socket, the relay form and view, the lab
 * views — and fails on any visible English (zh-walk.ts) or any text that overflows its box.
 */
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { browserFixture } from '../helpers/browser-fixture.js';
import { closedPort } from '../helpers/peers.js';
import { newTcpClient, newTcpServer, newUdp, openPage, send, waitForLine } from './page-driver.js';
import { overflowing, visibleEnglish, type Finding } from './zh-walk.js';

const f = browserFixture();

test('zh-CN at 800×600: no English left on any view, nothing overflows', async () => {
  const page: Page = await openPage(f.browser, f.gateway.url, { locale: 'zh-CN' });
  await page.setViewportSize({ width: 800, height: 600 });
  const english: Finding[] = [];
  const over: string[] = [];
  const look = async (step: string) => {
    for (const f of await visibleEnglish(page)) english.push({ ...f, where: `${step}: ${f.where}` });
    for (const o of await overflowing(page)) over.push(`${step}: ${o}`);
  };
  await look('welcome');
  for (const tab of ['tcp', 'server', 'udp']) {
    await page.getByTestId(`new-${tab}`).click();
    await look(`dialog ${tab}`);
    await page.keyboard.press('Escape');
  }
  await newTcpClient(page, '127.0.0.1', await closedPort());
  await waitForLine(page, 'event', /REFUSED/);
  await look('tcp refused');
  await newTcpClient(page, '127.0.0.1', f.echo.port);
  await send(page, 'hi');
  await waitForLine(page, 'in', 'hi');
  await look('tcp echo');
  await page.getByTestId('tools-toggle').click();
  await look('tools drawer');
  await page.getByTestId('tools-toggle').click();
  await page.getByTestId('traffic-tools').click();
  await look('files and capture');
  await page.getByTestId('traffic-tools').click();
  await newTcpServer(page);
  await look('server');
  await newUdp(page);
  await look('udp');
  await page.getByTestId('new-relay').click();
  await look('relay form');
  await page.getByTestId('relay-target-host').fill('169.254.169.254');
  await page.getByTestId('relay-start').click();
  await page.getByTestId('relay-error').waitFor();
  await look('relay denied');
  for (const view of ['lab', 'course']) {
    await page.getByTestId(`nav-${view}`).click();
    await page.waitForTimeout(300);
    await look(`${view} view`);
  }
  const uniq = (xs: string[]) => [...new Set(xs)];
  if (process.env.ZH_DUMP) console.log(JSON.stringify({ english: uniq(english.map((f) => `${f.where} — ${f.text}`)), over: uniq(over) }, null, 1));
  expect(uniq(english.map((f) => `${f.where} — ${f.text}`))).toEqual([]);
  expect(uniq(over)).toEqual([]);
  await page.context().close();
}, 60_000);
