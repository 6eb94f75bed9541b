/**
 * The teacher's view (issue 14 item 3) against a real gateway process: a page with a TCP socket to
 * a loopback echo server shows up live with its socket and bytes; the close-socket and close-page
 * buttons reach the page (it hears the close) and the row goes away. Screenshots in en / zh-CN,
 * light / dark go to test-artifacts/admin-*.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hashToken, serializeGrantsFile } from '../../server/grants/grants-file.js';
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

test("the revoke button cuts the student's page with the reason, and the grants list shows it revoked", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-admin-revoke-'));
  const file = path.join(dir, 'grants.json');
  const token = 'alice-token-0123456789abcdef';
  const record = (id: string, t: string) => ({ id, name: id, tokenHash: hashToken(t), allow: [`connect:127.0.0.1:${echo.port}`], limits: {}, revoked: false });
  fs.writeFileSync(file, serializeGrantsFile({ grantsMayWiden: false, grants: [record('alice', token), record('bob', 'bob-token-0123456789abcdef')] }));
  const gw = await spawnGateway(['--port', '0', '--admin-token', 'A', '--grants', file]);
  const view = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await view.goto(`${gw.origin}/admin/?admin_token=A`);
    const student = await ProtocolClient.connect(gw.origin, token);
    clients.push(student);
    expect(await student.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    const group = view.locator('[data-testid=admin-group]', { hasText: 'alice' });
    await group.locator('[data-testid=admin-socket-row]').waitFor({ timeout: 5_000 });
    const status = view.locator('[data-testid=admin-grant-row][data-grant=alice] [data-testid=admin-grant-status]');
    expect(await status.getAttribute('data-revoked')).toBe('false');
    for (const locale of ['en', 'zh-CN'] as const) {
      await view.evaluate((l) => localStorage.setItem('sockgate.locale', l), locale);
      await view.reload();
      await group.locator('[data-testid=admin-socket-row]').waitFor();
      // Kind and state speak the page's language too.
      const kind = group.locator('[data-kind=tcp]');
      await expect.poll(() => kind.textContent()).toBe(locale === 'en' ? 'TCP' : 'TCP 连接');
      expect(await group.locator('[data-state=open]').textContent()).toBe(locale === 'en' ? 'open' : '已连接');
      await view.screenshot({ path: artifactPath(`admin-grants-${locale}.png`), fullPage: true });
    }
    await view.evaluate(() => localStorage.setItem('sockgate.locale', 'en'));
    await view.reload();
    await group.locator('[data-testid=admin-socket-row]').waitFor();

    const clicked = Date.now();
    await group.locator('[data-testid=admin-revoke]').click();
    await expect.poll(() => student.closeCode, { timeout: 2_000 }).toBe(4003);
    expect(Date.now() - clicked).toBeLessThan(1_500);
    expect(student.closeReason).toMatch(/grant "alice" was revoked/);
    await expect.poll(() => status.getAttribute('data-revoked'), { timeout: 5_000 }).toBe('true');
    expect(await status.textContent()).toBe('revoked or expired');
    expect(await view.locator('[data-testid=admin-grant-row][data-grant=alice] [data-testid=admin-revoke-grant]').isDisabled()).toBe(true);
    expect(await view.locator('[data-testid=admin-grant-row][data-grant=bob] [data-testid=admin-grant-status]').getAttribute('data-revoked')).toBe('false');
    await expect.poll(() => group.count(), { timeout: 5_000 }).toBe(0);
    // The file says so too, and the token no longer admits.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).grants.find((g: { id: string }) => g.id === 'alice').revoked).toBe(true);
    await view.screenshot({ path: artifactPath('admin-grants-revoked.png'), fullPage: true });
    await view.setViewportSize({ width: 800, height: 600 });
    await view.evaluate(() => localStorage.setItem('sockgate.theme', 'dark'));
    await view.reload();
    await view.locator('[data-testid=admin-grant-row]').first().waitFor();
    await view.screenshot({ path: artifactPath('admin-grants-800-dark.png') });
  } finally {
    await view.close();
    await gw.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
