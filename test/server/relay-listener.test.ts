import crypto from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { OpenedMsg, RelayPairClosedMsg } from '../../shared/protocol.js';
import { gatewayFixture } from '../helpers/gateway-fixture.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { closedPort, tcpClient, waitFor } from '../helpers/peers.js';

const f = gatewayFixture();

async function openRelay(page: ProtocolClient, id: number, targetPort: number, extra: Record<string, unknown> = {}): Promise<OpenedMsg> {
  const opened = await page.request({ t: 'relay.listen', id, host: '127.0.0.1', port: 0, targetHost: '127.0.0.1', targetPort, ...extra });
  expect(opened).toMatchObject({ t: 'opened', id, kind: 'relay', remote: { address: '127.0.0.1', port: targetPort } });
  return opened as OpenedMsg;
}

describe('relay mode', () => {
  it('forwards a client to its target and reports every read of both directions with its boundaries', async () => {
    const page = await ProtocolClient.connect(f.gw.origin, f.gw.token);
    const opened = await openRelay(page, 1, f.echoPort);
    const connected = page.next((m) => m.t === 'relay.connected');
    const client = await tcpClient(opened.local.port);
    expect(await page.next((m) => m.t === 'relay.pair')).toMatchObject({ id: 1, pair: 1, client: { address: '127.0.0.1', port: client.localPort } });
    expect(await connected).toMatchObject({ id: 1, pair: 1, target: { address: '127.0.0.1', port: f.echoPort } });
    client.write('hello');
    await waitFor(() => client.data().length === 5);
    client.write('world!');
    await waitFor(() => client.data().length === 11);
    expect(client.data().toString()).toBe('helloworld!');
    const reads = page.relayReads.map((r) => [r.pair, r.dir, r.seq, r.size, r.payload.toString()]);
    expect(reads).toEqual([
      [1, 'up', 0, 5, 'hello'],
      [1, 'down', 0, 5, 'hello'],
      [1, 'up', 1, 6, 'world!'],
      [1, 'down', 1, 6, 'world!'],
    ]);
    expect(page.relayReads[0]!.time).toBeGreaterThan(Date.now() - 10_000);
    // FIN passes through: the client ends, the echo server ends back, the pair closes.
    const closed = page.next((m) => m.t === 'relay.pair-closed');
    client.end();
    const done = (await closed) as RelayPairClosedMsg;
    expect(done).toMatchObject({ pair: 1, bytesUp: 11, bytesDown: 11, readsUp: 2, readsDown: 2 });
    expect(done.error).toBeUndefined();
    expect(page.messages.filter((m) => m.t === 'relay.fin').map((m) => (m as { dir: string }).dir)).toEqual(['up', 'down']);
    expect(await page.request({ t: 'close', id: 1 })).toMatchObject({ t: 'closed', id: 1, bytesIn: 11, bytesOut: 11 });
    await page.close();
  });

  it('copies bytes up to logBytes, then sizes only', async () => {
    const page = await ProtocolClient.connect(f.gw.origin, f.gw.token);
    const opened = await openRelay(page, 2, f.echoPort, { logBytes: 10 });
    const client = await tcpClient(opened.local.port);
    await page.next((m) => m.t === 'relay.connected');
    client.write('0123456789abcdef');
    await waitFor(() => client.data().length === 16);
    expect(page.relayReads.map((r) => [r.dir, r.size, r.payload.toString()])).toEqual([
      ['up', 16, '0123456789'],
      ['down', 16, ''],
    ]);
    client.destroy();
    await page.close();
  });

  it('the target policy: a denied target is DENIED with its rule; a low listen port too; an unreachable target fails the pair, not the relay', async () => {
    const page = await ProtocolClient.connect(f.gw.origin, f.gw.token);
    const denied = await page.request({ t: 'relay.listen', id: 3, host: '127.0.0.1', port: 0, targetHost: '169.254.169.254', targetPort: 80 });
    expect(denied).toMatchObject({ t: 'error', id: 3, code: 'DENIED', fatal: true });
    expect((denied as { rule?: string }).rule).toMatch(/metadata|link-local|169\.254/);
    const low = await page.request({ t: 'relay.listen', id: 4, host: '127.0.0.1', port: 80, targetHost: '127.0.0.1', targetPort: f.echoPort });
    expect(low).toMatchObject({ t: 'error', code: 'DENIED' });
    const bad = await page.request({ t: 'relay.listen', id: 5, host: '127.0.0.1', port: 0, targetHost: '127.0.0.1', targetPort: f.echoPort, logBytes: -1 });
    expect(bad).toMatchObject({ t: 'error', code: 'BAD_OPTION' });
    const opened = await openRelay(page, 6, await closedPort());
    const client = await tcpClient(opened.local.port);
    const gone = new Promise((r) => client.once('close', r));
    expect(await page.next((m) => m.t === 'relay.pair-closed')).toMatchObject({ id: 6, error: 'REFUSED' });
    await gone;
    expect(await page.request({ t: 'close', id: 6 })).toMatchObject({ t: 'closed', id: 6 });
    await page.close();
  });

  it('keeps forwarding at the peers’ pace while the page does not read; reads are left unreported (seq gaps) instead of queued', async () => {
    const page = await ProtocolClient.connect(f.gw.origin, f.gw.token);
    const opened = await openRelay(page, 7, f.echoPort, { logBytes: 64 << 20 });
    const client = await tcpClient(opened.local.port);
    await page.next((m) => m.t === 'relay.connected');
    page.ws.pause(); // the page stops reading its WebSocket
    const data = crypto.randomBytes(16 << 20);
    for (let at = 0; at < data.length; at += 4000) client.write(data.subarray(at, at + 4000));
    await waitFor(() => client.data().length === data.length, 30_000, 'all bytes echoed through the relay');
    expect(client.data().equals(data)).toBe(true);
    page.ws.resume();
    const closed = page.next((m) => m.t === 'relay.pair-closed', 20_000);
    client.end();
    const c = (await closed) as RelayPairClosedMsg;
    expect(c.bytesUp).toBe(data.length);
    const reported = page.relayReads.filter((r) => r.dir === 'up').length;
    expect(reported).toBeLessThan(c.readsUp); // some reads were not reported: the page was slow
    const copied = page.relayReads.reduce((n, r) => n + r.payload.length, 0);
    expect(copied).toBeLessThan(2 * data.length); // the page got copies of only part of the traffic
    await page.close();
  }, 40_000);

  it('closing the page closes the relay and its pairs', async () => {
    const page = await ProtocolClient.connect(f.gw.origin, f.gw.token);
    const opened = await openRelay(page, 8, f.echoPort);
    const client = await tcpClient(opened.local.port);
    await page.next((m) => m.t === 'relay.connected');
    const gone = new Promise((r) => client.once('end', r)); // the gateway closed its end
    await page.close();
    await gone;
    await expect(tcpClient(opened.local.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
