/**
 * sockgate deployed as docs/DEPLOY.md says: Debian's nginx on loopback with a self-signed
 * certificate, TLS to the browser, one `upstream` of two gateway processes. The page is driven
 * through it in Chromium (https + wss), pages spread over both gateways, and one gateway is
 * stopped mid-run: its pages are told, reconnect through nginx to the other, and nothing hangs.
 * The 200-page × 5-socket load figure of docs/DEPLOY.md is test/soak/deploy-load.soak.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTcpClient, openPage, send, waitForLine } from '../app/page-driver.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { GATEWAY_BIN, spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { freePort, NGINX_TEMPLATE, startNginx, type Nginx } from '../helpers/nginx.js';
import { echoServer } from '../helpers/peers.js';
import { echoRoundTrip, openLoadPage, pagesOn, type LoadPage } from './deploy-kit.js';

const TOKEN = 'class-token';
/** Node pages spread over the two gateways (the class of 200; the soak adds the load figure). */
const PAGES = 200;
const ADMIN = 'teacher-admin-token';
let studentLink: URL;
let nginx: Nginx;
let gateways: GatewayProcess[] = [];
let echo: Awaited<ReturnType<typeof echoServer>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  echo = await echoServer();
  const publicPort = await freePort();
  const origin = `https://127.0.0.1:${publicPort}`;
  // One grants file both gateways read: the student's link works on whichever the proxy picks.
  const grants = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-deploy-')), 'grants.json');
  const out = execFileSync(process.execPath, [GATEWAY_BIN, 'grant', 'add', '--grants', grants, '--name', 'alice', '--allow', `connect:127.0.0.1:${echo.port}`, '--url', origin], { encoding: 'utf8' });
  studentLink = new URL(out.trimEnd().split('\n').at(-1)!);
  const flags = ['--port', '0', '--max-pages', String(PAGES + 8), '--allow-origin', origin, '--trust-proxy', '127.0.0.2/32', '--grants', grants, '--admin-token', ADMIN];
  gateways = await Promise.all([0, 1].map(() => spawnGateway(flags, { token: TOKEN })));
  nginx = await startNginx(gateways.map((g) => g.port), { port: publicPort });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  await Promise.all(gateways.map((g) => g.stop()));
  echo?.close();
});

describe('behind nginx (TLS, two gateways in one upstream)', () => {
  it('serves the page over https and its WebSocket over wss; a socket opened there echoes', async () => {
    const sockets: string[] = [];
    // The student's own link, as `sockgate grant add` printed it with --url set to the proxy's origin.
    expect(studentLink.origin).toBe(nginx.origin);
    page = await openPage(browser, studentLink.href, { ignoreHTTPSErrors: true, onWebSocket: (url) => sockets.push(url) });
    expect(page.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(sockets.length).toBeGreaterThan(0);
    for (const url of sockets) expect(url).toMatch(new RegExp(`^wss://127\\.0\\.0\\.1:${nginx.port}/`));
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await send(page, 'through nginx');
    await waitForLine(page, 'in', 'through nginx');
    const cookies = await page.context().cookies();
    const cookie = cookies.find((c) => c.name === 'sockgate_token');
    expect(cookie?.value).toBe(studentLink.searchParams.get('token'));
    // nginx said X-Forwarded-Proto: https from a trusted address: the cookie is Secure.
    expect(cookie?.secure).toBe(true);
    // nginx dials from 127.0.0.2 (trusted); the audit line names the browser's own address.
    const pageLine = gateways.map((g) => g.stderr()).join('').split('\n').find((l) => / page /.test(l) && l.includes(`origin=${nginx.origin}`));
    expect(pageLine).toMatch(/ from=127\.0\.0\.1( |$)/);
    expect(pageLine).toMatch(/ name=alice( |$)/);
    const health = await page.evaluate(async () => (await fetch('/api/health')).json());
    expect(health).toMatchObject({ ok: true, name: 'sockgate' });
    await page.screenshot({ path: artifactPath('deploy-behind-nginx.png') });
    expect(nginx.errorLog()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });

  it('spreads pages over both gateways; when one stops, its pages are told and come back on the other', async () => {
    const payload = new TextEncoder().encode('ping over wss');
    const pages: LoadPage[] = [];
    // Opened 20 at a time, as a class arriving: nginx's round robin spreads them.
    for (let i = 0; i < PAGES; i += 20) pages.push(...(await Promise.all(Array.from({ length: 20 }, () => openLoadPage(nginx.origin, TOKEN, nginx.ca, echo.port, 5)))));
    const counts = await Promise.all(gateways.map(pagesOn));
    // The Node pages plus the Chromium page of the first test.
    expect(counts[0]! + counts[1]!).toBe(PAGES + 1);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    await Promise.all(pages.map(async (p) => { for (const s of p.sockets) await echoRoundTrip(s, payload); }));
    // Each gateway's own admin view lists the pages that landed on it, alice's under her grant.
    const views = await Promise.all(gateways.map(async (g) => (await (await fetch(`${g.origin}/admin/api/state`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { pages: { grant?: { name: string }; socketCount: number }[] }));
    expect(views.map((v) => v.pages.length)).toEqual(counts);
    expect(views.flatMap((v) => v.pages).filter((p) => p.grant?.name === 'alice')).toHaveLength(1);

    // Stop the gateway the Chromium page is on (its audit line names the page's Origin).
    const victim = gateways.find((g) => g.stderr().includes(`origin=${nginx.origin}`)) ?? gateways[0]!;
    const survivor = gateways.find((g) => g !== victim)!;
    const onVictim = counts[gateways.indexOf(victim)]!;
    const told: Promise<string>[] = pages.map(
      (p) => new Promise((resolve) => p.gateway.addEventListener('shutdown', (e) => resolve((e as Event & { reason: string }).reason), { once: true })),
    );
    const closed = pages.map((p) => p.gateway.closed);
    expect(await victim.stop()).toBe(0);

    // Every page whose gateway stopped was told why before its connection closed, within seconds.
    const settled = await Promise.race([
      Promise.all(closed.map((c, i) => Promise.race([c.then(() => i), new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]))),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('pages hang after their gateway stopped')), 8_000)),
    ]);
    const lost = settled.filter((i) => i >= 0);
    expect(lost.length).toBe(onVictim - (victim.stderr().includes(`origin=${nginx.origin}`) ? 1 : 0));
    for (const i of lost) expect(await told[i]).toMatch(/gateway stopped/);

    // They reconnect through the same nginx address and land on the survivor; their sockets echo.
    await Promise.all(
      lost.map(async (i) => {
        await pages[i]!.gateway.close().catch(() => {});
        pages[i] = await openLoadPage(nginx.origin, TOKEN, nginx.ca, echo.port, 5);
      }),
    );
    await Promise.all(pages.map(async (p) => { for (const s of p.sockets) await echoRoundTrip(s, payload); }));
    expect(await pagesOn(survivor)).toBe(PAGES + 1);

    // The Chromium page reconnected by itself (its banner), and a new socket there echoes.
    await page.locator('[data-testid=gateway-status][data-state=open]').waitFor({ timeout: 15_000 });
    await newTcpClient(page, '127.0.0.1', echo.port);
    await send(page, 'after failover');
    await waitForLine(page, 'in', 'after failover');
    await Promise.all(pages.map((p) => p.gateway.close()));
  });

  it('documents the proxy configuration the test runs, directive for directive', () => {
    const tested = fs.readFileSync(NGINX_TEMPLATE, 'utf8').split('# --- sockgate: from here on as in docs/DEPLOY.md ---')[1]!;
    const docs = fs.readFileSync('docs/DEPLOY.md', 'utf8').replace(/[ \t]+/g, ' ');
    const directives = tested.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => /^(proxy_|map |keepalive )/.test(l));
    expect(directives.length).toBeGreaterThan(10);
    // A directive with a test-only value (@@…@@) must be named in the docs; the rest appear verbatim.
    for (const d of directives) expect(docs, d).toContain(d.includes('@@') ? d.split(' ')[0]! : d);
  });
});
