/**
 * Adaptive windows (docs/PROTOCOL.md, "Adaptive windows") through the library against a real
 * gateway and real loopback sockets: a window-limited upload or download grows its window up to
 * --window-max, growth stays within --page-window-budget, an idle socket gives its growth back,
 * a target that does not read never makes the window grow, and every byte arrives in order.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SocketGateway } from '../../client/lib/index.js';
import { WINDOW_IDLE_MS } from '../../client/lib/adaptive-windows.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import type { ErrorMsg, OpenedMsg } from '../../shared/protocol.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { waitFor } from '../helpers/peers.js';

const TOKEN = 'adaptive-windows';
const START = 64 * 1024;
const MAX = 1024 * 1024;
const PAGE_BUDGET = 384 * 1024;

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    port: 0, audit: null, token: TOKEN,
    limits: { sendWindow: START, receiveWindow: START, windowMax: MAX, pageWindowBudget: PAGE_BUDGET },
  });
});
afterAll(async () => {
  await gateway?.close();
});

/** A pattern byte for offset i, so order and loss both show. */
const pattern = (offset: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (offset + i) % 251);

/** A server that checks what it reads against the pattern; `paused` ones never read. */
async function sink(paused = false) {
  const state = { bytes: 0, bad: -1, server: undefined as unknown as net.Server, port: 0 };
  state.server = net.createServer((c) => {
    if (paused) return c.pause();
    c.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (state.bad < 0 && d[i] !== (state.bytes + i) % 251) state.bad = state.bytes + i;
      state.bytes += d.length;
    });
  });
  await new Promise<void>((r) => state.server.listen(0, '127.0.0.1', r));
  state.port = (state.server.address() as net.AddressInfo).port;
  return state;
}

async function upload(gw: SocketGateway, port: number, total: number, sample: (s: { sendWindow?: number }) => void) {
  const socket = new gw.TCPSocket('127.0.0.1', port);
  const { writable } = await socket.opened;
  const writer = writable.getWriter();
  for (let at = 0; at < total; at += 32 * 1024) {
    await writer.write(pattern(at, 32 * 1024));
    sample(socket.stats);
  }
  writer.releaseLock();
  return socket;
}

describe('adaptive windows', () => {
  it('an upload to a target that reads grows its send window, within --window-max; idle, it gives the growth back', async () => {
    const target = await sink();
    const gw = await SocketGateway.connect(gateway.url, { token: TOKEN, WebSocket });
    let most = 0;
    const total = 24 << 20;
    const socket = await upload(gw, target.port, total, (s) => (most = Math.max(most, s.sendWindow ?? 0)));
    await waitFor(() => target.bytes === total, 20_000, 'every byte at the target');
    expect(target.bad).toBe(-1);
    expect(most).toBeGreaterThan(START);
    expect(most).toBeLessThanOrEqual(MAX);
    // Idle: the growth goes back, and the page's budget with it.
    await waitFor(() => socket.stats.sendWindow === START, 4 * WINDOW_IDLE_MS, 'the send window back at its start');
    await waitFor(() => gateway.stats().windowGrowth === 0, 2000, 'the page budget given back');
    await socket.close();
    gw.close();
    target.server.close();
  }, 30_000);

  it('two uploads at once grow only as far as --page-window-budget allows, together', async () => {
    const target = await sink();
    const gw = await SocketGateway.connect(gateway.url, { token: TOKEN, WebSocket });
    const windows = [START, START];
    let mostTogether = 0;
    const record = (i: number) => (s: { sendWindow?: number }) => {
      windows[i] = s.sendWindow ?? START;
      mostTogether = Math.max(mostTogether, windows[0]! + windows[1]! - 2 * START);
    };
    const sockets = await Promise.all([upload(gw, target.port, 12 << 20, record(0)), upload(gw, target.port, 12 << 20, record(1))]);
    expect(mostTogether).toBeGreaterThan(0);
    expect(mostTogether).toBeLessThanOrEqual(PAGE_BUDGET);
    expect(gateway.stats().windowGrowth).toBeLessThanOrEqual(PAGE_BUDGET);
    await Promise.all(sockets.map((s) => s.close()));
    await waitFor(() => gateway.stats().windowGrowth === 0, 2000, 'closed sockets give their growth back');
    gw.close();
    target.server.close();
  }, 30_000);

  it('a target that stops reading stops the growth: once the kernel buffers are full the window stays as it was', async () => {
    const target = await sink(true);
    const gw = await SocketGateway.connect(gateway.url, { token: TOKEN, WebSocket });
    const socket = new gw.TCPSocket('127.0.0.1', target.port);
    const writer = (await socket.opened).writable.getWriter();
    // Writes the kernel's buffers take, then the send window, then the writer waits for credit.
    let sent = 0;
    const writing = (async () => {
      for (;;) {
        await writer.write(pattern(sent, 32 * 1024));
        sent += 32 * 1024;
      }
    })().catch(() => {});
    // Stalled: no write completes for half a second (a busy machine can pause a live one shorter).
    let last = -1;
    for (let waited = 0; sent === 0 || sent !== last; waited += 500) {
      if (waited > 20_000) throw new Error('the writer never stalled');
      last = sent;
      await new Promise((r) => setTimeout(r, 500));
    }
    // Growth happened only while the kernel took the bytes at once (the target's buffers filling).
    const atStall = socket.stats.sendWindow!;
    expect(atStall).toBeLessThanOrEqual(MAX);
    await new Promise((r) => setTimeout(r, 1.5 * WINDOW_IDLE_MS));
    expect(sent).toBe(last);
    expect(socket.stats.sendWindow).toBe(atStall);
    // What it grew is what /metrics shows of the gateway's budget in use.
    const metrics = await (await fetch(`${gateway.origin}/metrics`, { headers: { authorization: `Bearer ${gateway.adminToken}` } })).text();
    expect(metrics).toContain(`sockgate_send_window_growth_bytes ${atStall - START}\n`);
    expect(metrics).toContain(`sockgate_send_window_budget_bytes ${gateway.limits.windowBudget}\n`);
    await writer.abort(new Error('done')).catch(() => {});
    await writing;
    writer.releaseLock();
    await socket.close();
    gw.close();
    target.server.close();
  }, 30_000);

  it('a download the page reads as fast as it comes grows the receive window; idle, it shrinks back', async () => {
    const total = 24 << 20;
    const source = net.createServer((c) => {
      let at = 0;
      const more = () => {
        while (at < total) {
          const n = Math.min(256 * 1024, total - at);
          const ok = c.write(pattern(at, n));
          at += n;
          if (!ok) return void c.once('drain', more);
        }
      };
      more();
    });
    await new Promise<void>((r) => source.listen(0, '127.0.0.1', r));
    const gw = await SocketGateway.connect(gateway.url, { token: TOKEN, WebSocket });
    const socket = new gw.TCPSocket('127.0.0.1', (source.address() as net.AddressInfo).port);
    const reader = (await socket.opened).readable.getReader();
    let got = 0;
    let bad = -1;
    let most = 0;
    while (got < total) {
      const { value } = await reader.read();
      for (let i = 0; i < value!.length; i++) if (bad < 0 && value![i] !== (got + i) % 251) bad = got + i;
      got += value!.length;
      most = Math.max(most, socket.stats.receiveWindow ?? 0);
    }
    expect(bad).toBe(-1);
    expect(most).toBeGreaterThan(START);
    expect(most).toBeLessThanOrEqual(MAX);
    await waitFor(() => socket.stats.receiveWindow === START, 4 * WINDOW_IDLE_MS, 'the receive window back at its start');
    reader.releaseLock();
    await socket.close();
    gw.close();
    source.close();
  }, 30_000);

  it('window messages a page should not send get specific errors and the socket keeps working', async () => {
    const target = await sink();
    const page = await ProtocolClient.connect(gateway.origin, TOKEN);
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: target.port })) as OpenedMsg;
    expect(opened.sendWindow).toBe(START);
    const refused = async (msg: object, pattern: RegExp) => {
      page.sendText(JSON.stringify({ t: 'window', id: 1, ...msg }));
      const e = (await page.next((m) => m.t === 'error')) as ErrorMsg;
      expect(e.code).toBe('BAD_OPTION');
      expect(e.message).toMatch(pattern);
    };
    await refused({ receiveWindow: MAX + 1 }, /receiveWindow" must be 1–1048576/);
    await refused({ receiveWindow: 0 }, /receiveWindow" must be 1–/);
    await refused({ sendWindow: START + 1 }, /can shrink only to 65536–65536 bytes, got 65537/);
    await refused({ sendWindow: START - 1 }, /can shrink only to/);
    page.write(1, pattern(0, 1000));
    await waitFor(() => target.bytes === 1000, 5000, 'a write after the refusals');
    await page.close();
    target.server.close();
  });
});
