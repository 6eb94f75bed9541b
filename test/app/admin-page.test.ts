/**
 * The teacher's view (issue 14 item 3) against a real gateway process: a page with a TCP socket to
 * a loopback echo server shows up live with its socket and bytes; the close-socket and close-page
 * buttons reach the page (it hears the close) and the row goes away. Screenshots in en / zh-CN,
 * light / dark go to test-artifacts/admin-*.png.
 */
import { execFileSync } from 'node:child_process';
import type net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { echoServer } from '../helpers/peers.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

let gp: GatewayProcess;
let browser: Browser;
let page: Page;
let echo: net.Server & { port: number };
const clients: ProtocolClient[] = [];

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
  [gp, browser, echo] = await Promise.all([spawnGateway(['--port', '0', '--admin-token', 'A']), launchChromium(), echoServer()]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await browser?.close();
  await gp?.stop();
  echo?.close();
});

async function pageWithEcho(): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(gp.origin, gp.token);
  clients.push(c);
  const opened = await c.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port });
  expect(opened.t).toBe('opened');
  const payload = Buffer.from('hello admin');
  c.write(1, payload);
  await c.until(() => c.bytes(1).equals(payload));
  return c;
}

test('the admin page lists a live page and its socket, and closes both', async () => {
  // Without the admin token the API refuses: the page itself holds no secret.
  expect((await fetch(`${gp.origin}/admin/api/state`)).status).toBe(401);
  await page.goto(`${gp.origin}/admin/?admin_token=A`);
  await page.evaluate(() => localStorage.setItem('sockgate.theme', 'light'));
  const first = await pageWithEcho();
  const row = page.locator('[data-testid=admin-page-row]');
  await expect.poll(() => row.count(), { timeout: 5_000 }).toBe(1);
  const socketRow = row.locator('[data-testid=admin-socket-row]');
  await expect.poll(() => socketRow.textContent(), { timeout: 5_000 }).toContain(`127.0.0.1:${echo.port}`);
  // Byte counts arrive with the next live update, which may come after the row itself.
  await expect.poll(() => socketRow.textContent(), { timeout: 5_000 }).toContain('11 B');
  expect(await row.textContent()).toContain('127.0.0.1');
  // No grants file: revoking is disabled and says why.
  const revoke = page.locator('[data-testid=admin-revoke]');
  expect(await revoke.isDisabled()).toBe(true);
  expect(await revoke.getAttribute('title')).toMatch(/grants file/);

  for (const locale of ['en', 'zh-CN'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate(([l, t]) => {
        localStorage.setItem('sockgate.locale', l!);
        localStorage.setItem('sockgate.theme', t!);
      }, [locale, theme]);
      await page.reload();
      await socketRow.waitFor();
      await expect.poll(() => page.locator('sockgate-admin header').textContent()).toContain(locale === 'en' ? 'live pages' : '在线页面');
      await page.screenshot({ path: artifactPath(`admin-${locale}-${theme}.png`) });
    }
  }
  await page.evaluate(() => localStorage.setItem('sockgate.locale', 'en'));
  await page.reload();
  await socketRow.waitFor();

  const told = first.next((m) => m.t === 'error' && 'id' in m && m.id === 1);
  await page.locator('[data-testid=admin-close-socket]').click();
  expect(JSON.stringify(await told)).toContain('closed by the gateway operator');
  await expect.poll(() => socketRow.count(), { timeout: 5_000 }).toBe(0);
  expect(await row.count()).toBe(1);

  await page.locator('[data-testid=admin-close-page]').click();
  await expect.poll(() => first.closeCode, { timeout: 5_000 }).not.toBeUndefined();
  await expect.poll(() => row.count(), { timeout: 5_000 }).toBe(0);
  expect(await page.locator('[data-testid=admin-empty]').count()).toBe(1);
}, 30_000);

test('every admin msg() id has a Chinese template, and no template is left over', async () => {
  const fs = await import('node:fs');
  const { templates } = await import('../../client/admin/locales/zh-CN.js');
  const source = fs.readFileSync('client/admin/sockgate-admin.ts', 'utf8');
  const ids = new Set([...source.matchAll(/id: '(admin\.[\w.]+)'/g)].map((m) => m[1]!));
  expect(ids.size).toBeGreaterThan(20);
  expect([...ids].filter((id) => !(id in templates))).toEqual([]);
  expect(Object.keys(templates).filter((id) => !ids.has(id))).toEqual([]);
});
