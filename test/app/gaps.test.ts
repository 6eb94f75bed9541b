/**
 * The page end to end in Chromium for what the first round left open: multicast join/receive/leave
 * on loopback with an explicit interface, TLS to a self-signed target (refused in the UI language,
 * accepted with "accept self-signed"), and the gateway's count of UDP datagrams dropped for want of
 * page credit. Multicast never leaves loopback: every join names 127.0.0.1 and the sender's
 * IP_MULTICAST_IF is 127.0.0.1 with TTL 0.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { logLines, newUdp, openPage, waitForLine } from './page-driver.js';

let gateway: Gateway;
/** A gateway with a tiny receive window, so a flood outruns the page's credit. */
let narrow: Gateway;
let browser: Browser;

beforeAll(async () => {
  [gateway, narrow, browser] = await Promise.all([
    startGateway({ port: 0, audit: null }),
    startGateway({ port: 0, audit: null, limits: { receiveWindow: 4096 } }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([gateway?.close(), narrow?.close()]);
});

/** Sends `text` to group:port from a loopback-only multicast sender. */
async function multicastSender(): Promise<{ send: (text: string, group: string, port: number) => Promise<void>; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  socket.setMulticastInterface('127.0.0.1');
  socket.setMulticastTTL(0);
  socket.setMulticastLoopback(true);
  return {
    send: (text, group, port) => new Promise<void>((resolve, reject) => socket.send(text, port, group, (e) => (e ? reject(e) : resolve()))),
    close: () => socket.close(),
  };
}

function portOf(title: string | null): number {
  const m = /:(\d+)$/.exec(title ?? '');
  if (!m) throw new Error(`no port in ${title}`);
  return Number(m[1]);
}

/** What the page's library says about the shown socket (read through the view's session). */
function libraryStats(page: Page) {
  return page.locator('socket-view').evaluate((el) => {
    const s = (el as unknown as { session: { libraryStats?: { messagesIn: number; dropped: number }; counters: { msgsIn: number } } }).session;
    return { messagesIn: s.libraryStats!.messagesIn, dropped: s.libraryStats!.dropped, shownIn: s.counters.msgsIn };
  });
}

describe('page gaps', () => {
  test('multicast: join 239.255.x.y on 127.0.0.1 from the dialog, receive a Node sender\'s datagram, leave and join from the UDP view', async () => {
    const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const page = await openPage(browser, gateway.url);
    await page.getByTestId('new-udp').click();
    // Datagrams to a group carry the group as destination, so the socket binds the wildcard address.
    await page.getByTestId('udp-address').selectOption('0.0.0.0');
    await page.getByTestId('udp-bind-port').fill('');
    await page.getByTestId('udp-groups').fill(group);
    await page.getByTestId('udp-mcast-if').selectOption('127.0.0.1');
    await page.getByTestId('udp-mcast-ttl').fill('0');
    await page.getByTestId('udp-mcast-loop').setChecked(true);
    await page.getByTestId('dialog-open').click();
    await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
    const port = portOf(await page.getByTestId('socket-title').textContent());
    const row = page.locator(`[data-testid=group-row][data-group="${group}"]`);
    await row.waitFor();
    await waitForLine(page, 'event', `${group} @ 127.0.0.1`);
    expect(await page.getByTestId('group-iface').textContent()).toContain('127.0.0.1');

    const sender = await multicastSender();
    await sender.send('hello, group', group, port);
    const rx = await waitForLine(page, 'in', 'hello, group');
    expect(await rx.getAttribute('data-bytes')).toBe('12');
    await expect.poll(() => page.getByTestId('bytes-in').textContent()).toBe('12 B');
    await page.screenshot({ path: artifactPath('page-udp-multicast-en.png') });

    await row.getByTestId('group-leave').click();
    await expect.poll(() => page.getByTestId('group-row').count()).toBe(0);
    await waitForLine(page, 'event', /Left multicast group/);
    // Out of the group, the kernel no longer delivers the group's datagrams to this socket.
    await sender.send('after leave', group, port);
    await new Promise((r) => setTimeout(r, 400));
    expect(await logLines(page, 'in').filter({ hasText: 'after leave' }).count()).toBe(0);

    await page.getByTestId('group-input').fill(group);
    await page.getByTestId('group-join').click();
    await row.waitFor();
    await sender.send('joined again', group, port);
    await waitForLine(page, 'in', 'joined again');
    await expect.poll(() => libraryStats(page).then((s) => s.messagesIn)).toBe(2);
    sender.close();
    await page.context().close();
  });

  describe('TLS to a self-signed target', () => {
    let server: tls.Server;
    let port: number;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-page-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=lab.local',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
      server = tls.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (s) => {
        s.on('error', () => {});
        s.end(`hello over TLS, SNI ${(s as tls.TLSSocket & { servername?: string }).servername}`);
      });
      server.on('tlsClientError', () => {});
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(() => {
      server?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function connect(page: Page, selfSigned: boolean): Promise<void> {
      await page.getByTestId('new-tcp').click();
      await page.getByTestId('tcp-host').fill('127.0.0.1');
      await page.getByTestId('tcp-port').fill(String(port));
      await page.getByTestId('tcp-tls').setChecked(true);
      await page.getByTestId('tcp-server-name').fill('lab.local');
      await page.getByTestId('tcp-self-signed').setChecked(selfSigned);
      await page.getByTestId('dialog-open').click();
    }

    test('without "accept self-signed" the TLS error shows in the UI language; with it the reply arrives (SNI sent)', async () => {
      const page = await openPage(browser, gateway.url);
      await connect(page, false);
      const error = page.getByTestId('socket-error');
      await expect.poll(() => error.textContent()).toContain('TLS');
      expect(await error.textContent()).toContain('The TLS handshake failed.');
      const line = await waitForLine(page, 'event', /TLS handshake failed/);
      expect(await line.getAttribute('data-code')).toBe('TLS');
      await page.getByTestId('language').selectOption('zh-CN');
      await expect.poll(() => error.textContent()).toContain('TLS 握手失败');
      await expect.poll(() => logLines(page, 'event').filter({ hasText: 'TLS 握手失败' }).count()).toBeGreaterThan(0);

      await connect(page, true);
      await waitForLine(page, 'in', 'hello over TLS, SNI lab.local');
      await page.context().close();
    });
  });

  test('UDP flood past the page\'s credit: the view shows the dropped count the library reports, in both languages', async () => {
    const page = await openPage(browser, narrow.url);
    const port = await newUdp(page);
    expect(await page.getByTestId('dropped').textContent()).toBe('dropped: 0');
    const kernelBefore = rcvbufErrors();
    const SENT = 20_000;
    const started = Date.now();
    // A worker thread floods from its own event loop, so the gateway (in this process) keeps reading meanwhile.
    const failed = await flood(port, SENT);
    const sendMs = Date.now() - started;
    // Let what the gateway forwarded reach the page, then close so the gateway reports its count.
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const { messagesIn } = await libraryStats(page);
      // Nothing left unread in the gateway socket's kernel buffer: every datagram is counted somewhere.
      if (messagesIn === last && receiveQueue(port) === 0) break;
      last = messagesIn;
    }
    // The count is live: it shows before the socket closes.
    const shown = page.getByTestId('dropped');
    await expect.poll(async () => Number(await shown.getAttribute('data-dropped'))).toBeGreaterThan(0);
    await page.getByTestId('close').click();
    // The gateway's final count comes with its 'closed'; then the view shows the library's number.
    // (Both are polled: a number read once before the poll was the view's count before the final one.)
    await page.locator('[data-testid=socket-header][data-state=closed]').waitFor();
    await expect.poll(async () => `${(await libraryStats(page)).dropped} shown ${await shown.getAttribute('data-dropped')}`).toMatch(/^(\d+) shown \1$/);
    const lib = await libraryStats(page);
    expect(await shown.textContent()).toBe(`dropped: ${lib.dropped}`);
    expect(lib.shownIn).toBe(lib.messagesIn);
    const kernelLost = SENT - failed - lib.messagesIn - lib.dropped;
    expect(kernelLost).toBeGreaterThanOrEqual(0); // received + dropped + kernel-lost ≤ sent
    const kernelDelta = rcvbufErrors() - kernelBefore;
    // Loopback loses datagrams only to full receive buffers; other sockets can only add to the host's count.
    expect(kernelDelta).toBeGreaterThanOrEqual(kernelLost);
    console.log(`UDP flood: sent ${SENT} in ${sendMs} ms (send errors ${failed}), page received ${lib.messagesIn}, gateway dropped ${lib.dropped}, lost before the gateway read them ${kernelLost} (host RcvbufErrors +${kernelDelta})`);
    await page.getByTestId('language').selectOption('zh-CN');
    await expect.poll(() => shown.textContent()).toBe(`丢弃: ${lib.dropped}`);
    await page.context().close();
  });
});

/** Sends `count` 100-byte datagrams to 127.0.0.1:port as fast as a worker thread can; resolves with the send errors. */
function flood(port: number, count: number): Promise<number> {
  const code = `
    const dgram = require('node:dgram');
    const { parentPort, workerData } = require('node:worker_threads');
    const socket = dgram.createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      let done = 0, failed = 0;
      for (let i = 0; i < workerData.count; i++) {
        const payload = Buffer.alloc(100, i % 256);
        payload.writeUInt32BE(i, 0);
        socket.send(payload, workerData.port, '127.0.0.1', (e) => {
          if (e) failed++;
          if (++done === workerData.count) { socket.close(); parentPort.postMessage(failed); }
        });
      }
    });`;
  const worker = new Worker(code, { eval: true, workerData: { port, count } });
  return new Promise<number>((resolve, reject) => {
    worker.once('message', (failed: number) => resolve(failed));
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
}

/** Bytes waiting in the receive buffer of the UDP socket bound to 127.0.0.1:port (/proc/net/udp). */
function receiveQueue(port: number): number {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = fs.readFileSync('/proc/net/udp', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[1] === local);
  if (!row) throw new Error(`no UDP socket on 127.0.0.1:${port}`);
  return parseInt(row[4]!.split(':')[1]!, 16);
}

/** The host's UDP receive-buffer overflows so far (/proc/net/snmp), for the report only. */
function rcvbufErrors(): number {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [head, values] = lines.map((l) => l.split(/\s+/));
  const i = head!.indexOf('RcvbufErrors');
  return i < 0 ? 0 : Number(values![i]);
}
