/**
 * The page end to end in real Chromium against a running gateway and real loopback peers:
 * TCP echo (text and hex, byte counts), a TCP server with two real clients, UDP bind/receive/reply,
 * broadcast to 127.255.255.255, GBK round trip, language switch, a denied target.
 */
import dgram from 'node:dgram';
import type net from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { echoServer, tcpClient, udpPeer, waitFor } from '../helpers/peers.js';
import { newTcpClient, newTcpServer, newUdp, openPage, send, waitForLine } from './page-driver.js';

let gateway: Gateway;
let browser: Browser;
let echo: net.Server & { port: number };

beforeAll(async () => {
  [gateway, browser, echo] = await Promise.all([startGateway({ port: 0, audit: null }), launchChromium(), echoServer()]);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  echo?.close();
});

describe('sockgate page', () => {
  test('TCP echo: text and hex each come back as their own lines with correct byte counts', async () => {
    const page = await openPage(browser, gateway.url);
    await newTcpClient(page, '127.0.0.1', echo.port);
    await waitForLine(page, 'event', /Connected/);
    await send(page, 'hello\\n');
    const rx = await waitForLine(page, 'in', 'hello\\n');
    expect(await rx.getAttribute('data-bytes')).toBe('6');
    expect(await rx.getByTestId('log-hex').textContent()).toBe('68 65 6C 6C 6F 0A');
    expect(await (await waitForLine(page, 'out', 'hello')).getAttribute('data-bytes')).toBe('6');

    await send(page, '41 42 0x43 \\x44', { hex: true });
    const rx2 = await waitForLine(page, 'in', 'ABCD');
    expect(await rx2.getAttribute('data-bytes')).toBe('4');
    expect(await rx2.getByTestId('log-hex').textContent()).toBe('41 42 43 44');
    await expect.poll(() => page.getByTestId('bytes-in').textContent()).toBe('10 B');
    await expect.poll(() => page.getByTestId('bytes-out').textContent()).toBe('10 B');
    await page.screenshot({ path: artifactPath('page-tcp-echo-light-en.png') });
    await page.context().close();
  });
});
