import type net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { launchChromium } from './browser.js';
import { echoServer } from './peers.js';

/**
 * Debian's Chromium, an in-process gateway and a TCP echo on loopback for one test file of the
 * page: started together before its tests, stopped after them. Read the fields inside tests.
 */
export function browserFixture(): { readonly gateway: Gateway; readonly browser: Browser; readonly echo: net.Server & { port: number } } {
  const f = {} as { gateway: Gateway; browser: Browser; echo: net.Server & { port: number } };
  beforeAll(async () => {
    [f.gateway, f.browser, f.echo] = await Promise.all([startGateway({ port: 0, audit: null }), launchChromium(), echoServer()]);
  });
  afterAll(async () => {
    await f.browser?.close();
    await f.gateway?.close();
    f.echo?.close();
  });
  return f;
}
