import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../server/gateway.js';
import { endpointKey, lookupTcpStates, parseProcNetTcp, readTcpTable, type TcpStateResult } from '../../server/tcp-states.js';
import type { Address } from '../../shared/protocol.js';
import type { ProtocolClient } from '../helpers/protocol-client.js';
import { expectReply, gatewayWithPage, recv, socketPair } from './fixture.js';

const ep = (a: Address) => (a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);

describe('live TCP states from /proc/net/tcp', () => {
  let gateway: Gateway;
  let page: ProtocolClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ gateway, page, close } = await gatewayWithPage()));
  afterAll(() => close());

  const states = async (...pairs: string[]): Promise<TcpStateResult[]> => {
    const q = pairs.map((p) => `pair=${encodeURIComponent(p)}`).join('&');
    const res = await fetch(`${gateway.origin}/api/tcp-states?${q}`, { headers: { Authorization: `Bearer ${gateway.token}` } });
    const body = (await res.json()) as { available: boolean; results: TcpStateResult[] };
    expect(body.available).toBe(true);
    return body.results;
  };
  /** Polls until the state of the first pair is `want` (state changes follow packets by microseconds). */
  const until = async (want: string | null, ...pairs: string[]) => {
    for (let i = 0; i < 100; i++) {
      const r = await states(...pairs);
      if (r[0]!.state === want) return r;
      await new Promise((res) => setTimeout(res, 20));
    }
    return states(...pairs);
  };

  it('shows LISTEN, then ESTABLISHED on both ends, CLOSE_WAIT and FIN_WAIT2 after a page-initiated close, then TIME_WAIT', async () => {
    const { server, listening, writer, opened, reader } = await socketPair(page);
    const local = ep(opened.local);
    const remote = ep(opened.remote!);
    const [listener] = await states(ep(listening.local));
    expect(listener).toMatchObject({ state: 'LISTEN', peer: null });

    const [est] = await states(`${local},${remote}`);
    expect(est).toMatchObject({ state: 'ESTABLISHED', peer: { state: 'ESTABLISHED', local: remote, remote: local } });

    // The page closes its dialled socket: FIN goes out, the accepted end (still open) sits in CLOSE_WAIT.
    const closed = page.next((m) => m.t === 'closed' && m.id === writer);
    page.sendText(JSON.stringify({ t: 'close', id: writer }));
    await closed;
    const [half] = await until('FIN_WAIT2', `${local},${remote}`);
    expect(half).toMatchObject({ state: 'FIN_WAIT2', peer: { state: 'CLOSE_WAIT' } });

    // The other side closes too: the side that closed first waits in TIME_WAIT, the other is gone.
    page.sendText(JSON.stringify({ t: 'close', id: reader }));
    const [tw] = await until('TIME_WAIT', `${local},${remote}`);
    expect(tw!.state).toBe('TIME_WAIT');
    expect(tw!.timerMs).toBeGreaterThan(0);
    expect(tw!.peer).toBeNull();
    expectReply(await page.request({ t: 'close', id: server }), 'closed');
    const [gone] = await until(null, ep(listening.local));
    expect(gone!.state).toBeNull();
  });

  it('in manual mode the gateway holds at most ~80 KiB; the rest waits in the kernel (rxQueue) and TCP slows the sender', async () => {
    const { writer, reader, accepted } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: true }), 'ok');
    for (let i = 0; i < 8; i++) page.write(writer, Buffer.alloc(32 * 1024, 0x61 + i));
    await new Promise((r) => setTimeout(r, 300));
    const first = await recv(page, reader, 1);
    expect(first.data.toString()).toBe('a');
    expect(first.ok.buffered).toBeLessThanOrEqual(16 * 1024 + 64 * 1024);
    const [kernel] = await states(`${ep(accepted.local)},${ep(accepted.remote)}`);
    expect(kernel!.state).toBe('ESTABLISHED');
    // What the page wrote and has not read is in the gateway's buffer, the reader's kernel receive
    // queue, the writer's kernel send queue, or (when the kernel is full) the writer's Node buffer.
    expect(first.ok.buffered! + kernel!.rxQueue! + (kernel!.peer?.txQueue ?? 0)).toBeLessThanOrEqual(256 * 1024 - 1);
    expect(kernel!.rxQueue!).toBeGreaterThan(0);
  });

  it('answers 400 for a malformed pair and 401 without the token', async () => {
    const bad = await fetch(`${gateway.origin}/api/tcp-states?pair=nonsense`, { headers: { Authorization: `Bearer ${gateway.token}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_OPTION' });
    const anon = await fetch(`${gateway.origin}/api/tcp-states?pair=127.0.0.1:1`);
    expect(anon.status).toBe(401);
  });

  it('parses kernel lines: byte order, IPv6, IPv4-mapped addresses, queues and timers', () => {
    const le = os.endianness() === 'LE';
    const v4 = le ? '0100007F' : '7F000001';
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      `   0: ${v4}:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0`,
      `   1: ${v4}:9C40 ${v4}:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0`,
      `   2: ${v4}:1F90 ${v4}:9C41 01 0000000A:00000014 00:00000000 00000000     0        0 7 1 0 20 4 30 10 -1`,
    ].join('\n');
    const entries = parseProcNetTcp(text);
    expect(entries).toEqual([
      { local: '127.0.0.1:8080', remote: '0.0.0.0:0', state: 'LISTEN', txQueue: 0, rxQueue: 0 },
      { local: '127.0.0.1:40000', remote: '127.0.0.1:8080', state: 'TIME_WAIT', txQueue: 0, rxQueue: 0, timerMs: 60_000 },
      { local: '127.0.0.1:8080', remote: '127.0.0.1:40001', state: 'ESTABLISHED', txQueue: 10, rxQueue: 20 },
    ]);
    const word = (hex: string) => (le ? hex.match(/../g)!.reverse().join('') : hex);
    const loop6 = '00000000' + '00000000' + '00000000' + word('00000001');
    const mapped = '00000000' + '00000000' + word('0000FFFF') + word('7F000001');
    const six = parseProcNetTcp(`header\n 0: ${loop6}:0050 ${mapped}:1234 01 00000000:00000000 00:00000000 00000000 0 0 9 1 0`);
    expect(six[0]).toMatchObject({ local: '[::1]:80', remote: '127.0.0.1:4660', state: 'ESTABLISHED' });
    expect(endpointKey('::ffff:127.0.0.1', 5)).toBe('127.0.0.1:5');
    expect(lookupTcpStates(entries, [{ local: '127.0.0.1:8080', remote: '127.0.0.1:40001' }])[0]).toMatchObject({ state: 'ESTABLISHED', rxQueue: 20, peer: null });
  });

  it('says unavailable where the kernel publishes no table', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-proc-'));
    expect(await readTcpTable(empty)).toBeUndefined();
    fs.rmSync(empty, { recursive: true });
  });
});
