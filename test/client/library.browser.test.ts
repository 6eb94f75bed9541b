/**
 * The library suite in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * the suite is bundled with esbuild into a page on the gateway's own origin, so the page's
 * WebSocket passes the Origin check; the Node side provides the loopback peers.
 */
import fs from 'node:fs';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { createSuitePeers } from '../helpers/suite-peers.js';
import { librarySuite } from './library-suite.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);

let gateway: Gateway;
let browser: Browser;
let page: Page;
let peers: ReturnType<typeof createSuitePeers> | undefined;

describe.skipIf(!haveChromium)('client library (Chromium)', () => {
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, audit: null });
    const bundle = await build({
      entryPoints: [new URL('./library-suite.browser.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      logLevel: 'silent',
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => console.error('[page error]', err));
    await page.exposeFunction('__sockgatePeer', async (method: string, args: unknown[]) => {
      const fn = (peers as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
      if (!fn) throw new Error(`no peer method ${method}`);
      return fn(...args);
    });
    // The gateway itself serves the suite page (its `app` takes extra routes), so the page has
    // the gateway's origin and the token in its URL, exactly like the real page.
    const script = bundle.outputFiles[0]!.text;
    gateway.app.get('/__library-suite.js', (_req, res) => void res.type('application/javascript').send(script));
    gateway.app.get('/__library-suite', (_req, res) =>
      void res.type('html').send('<!doctype html><title>sockgate library suite</title><script src="/__library-suite.js"></script>'),
    );
    await page.goto(`${gateway.origin}/__library-suite?token=${encodeURIComponent(gateway.token)}`);
    await page.waitForFunction(() => Boolean(window.__sockgateSuite));
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  afterEach(async () => {
    await peers?.dispose();
  });

  it('connect() with no url and no token in a page the gateway served uses its cookie', async () => {
    const other = await browser.newPage();
    try {
      // Opening the gateway's URL with ?token= sets the HttpOnly cookie for its origin.
      await other.goto(gateway.url);
      await other.goto(`${gateway.origin}/__library-suite`);
      await other.waitForFunction(() => Boolean(window.__sockgateSuite));
      const result = await other.evaluate(() => window.__sockgateSuite.run('connect: welcome gives version, gateway name and limits'));
      if (!result.ok) throw new Error(`in Chromium: ${result.error}`);
    } finally {
      await other.close();
    }
  });

  for (const testCase of librarySuite) {
    it(testCase.name, { timeout: 30_000 }, async () => {
      peers = createSuitePeers(() => gateway.stats().sockets);
      const result = await page.evaluate((name) => window.__sockgateSuite.run(name), testCase.name);
      if (!result.ok) throw new Error(`in Chromium: ${result.error}`);
    });
  }
});
