/**
 * Source-specific multicast on the gateway (`udp.join`/`udp.leave` with `source`): the kernel
 * delivers only what the joined source sends, over loopback (an admin-scoped group, source 127.0.0.1).
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null });
});
afterAll(() => gw.close());

async function sender(address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, address, r));
  socket.setMulticastInterface('127.0.0.1');
  socket.setMulticastLoopback(true);
  return socket;
}

describe('UDP source-specific multicast', () => {
  it('delivers only the joined source; a source that is not an IP is BAD_OPTION', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'udp.bind', id: 1, host: '0.0.0.0', port: 0, reuseAddr: true })) as OpenedMsg;
    // Admin-scoped (239/8), inside the default multicast scope; Linux keeps SSM on any group.
    const group = '239.1.77.9';
    expect(await page.request({ t: 'udp.join', id: 1, group, interface: '127.0.0.1', source: 'a-name' })).toMatchObject({ t: 'error', code: 'BAD_OPTION' });
    expect(await page.request({ t: 'udp.join', id: 1, group, interface: '127.0.0.1', source: '127.0.0.2' })).toMatchObject({ t: 'ok', op: 'udp.join' });
    const fromOne = await sender('127.0.0.1');
    fromOne.send('not joined', opened.local.port, group);
    await new Promise((r) => setTimeout(r, 300));
    expect(page.received.get(1) ?? []).toEqual([]);
    expect(await page.request({ t: 'udp.join', id: 1, group, interface: '127.0.0.1', source: '127.0.0.1' })).toMatchObject({ t: 'ok' });
    fromOne.send('joined', opened.local.port, group);
    await page.until(() => (page.received.get(1)?.length ?? 0) >= 1);
    expect(page.received.get(1)!.map((d) => [d.payload.toString(), d.host])).toEqual([['joined', '127.0.0.1']]);
    expect(await page.request({ t: 'udp.leave', id: 1, group, interface: '127.0.0.1', source: '127.0.0.1' })).toMatchObject({ t: 'ok', op: 'udp.leave' });
    fromOne.close();
    await page.close();
  });
});
