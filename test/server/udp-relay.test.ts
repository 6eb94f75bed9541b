import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { udpPeer, waitFor } from '../helpers/peers.js';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null });
});
afterAll(() => gw.close());

describe('UDP', () => {
  it('sends and receives datagrams with correct source addresses, one frame per datagram', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', port: 0 })) as OpenedMsg;
    expect(opened).toMatchObject({ t: 'opened', kind: 'udp', local: { address: '127.0.0.1', family: 'IPv4' } });
    const peer = await udpPeer();
    page.sendTo(1, '127.0.0.1', peer.port, Buffer.from('to peer'));
    await waitFor(() => peer.got.length === 1);
    expect(peer.got[0]).toMatchObject({ address: '127.0.0.1', port: opened.local.port });
    expect(peer.got[0]!.data.toString()).toBe('to peer');
    peer.socket.send('one', opened.local.port, '127.0.0.1');
    peer.socket.send('two', opened.local.port, '127.0.0.1');
    await page.until(() => (page.received.get(1)?.length ?? 0) === 2);
    const [a, b] = page.received.get(1)!;
    expect([a!.payload.toString(), b!.payload.toString()]).toEqual(['one', 'two']);
    expect(a).toMatchObject({ host: '127.0.0.1', port: peer.port, seq: 0 });
    expect(b!.seq).toBe(1);
    peer.socket.close();
    await page.close();
  });

  it('broadcast to 127.255.255.255 reaches a socket bound to 0.0.0.0; without broadcast: true it is PERMISSION', async () => {
    const listener = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const got: Buffer[] = [];
    listener.on('message', (m) => got.push(m));
    await new Promise<void>((r) => listener.bind(0, '0.0.0.0', r));
    const port = listener.address().port;
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await page.request({ t: 'udp.bind', id: 2, host: '127.0.0.1', port: 0 });
    const refused = page.next((m) => m.t === 'error' && m.id === 2);
    page.sendTo(2, '127.255.255.255', port, Buffer.from('no flag'));
    expect(await refused).toMatchObject({ code: 'PERMISSION', osCode: 'EACCES' });
    expect(await page.request({ t: 'set', id: 2, broadcast: true })).toMatchObject({ t: 'ok' });
    page.sendTo(2, '127.255.255.255', port, Buffer.from('hello everyone'));
    await waitFor(() => got.length === 1);
    expect(got[0]!.toString()).toBe('hello everyone');
    listener.close();
    await page.close();
  });

  it('joins a multicast group and receives over loopback; leaves it again', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({
      t: 'udp.bind', id: 3, host: '0.0.0.0', port: 0, reuseAddr: true, multicastLoopback: true, multicastInterface: '127.0.0.1',
    })) as OpenedMsg;
    const group = '239.255.77.1';
    expect(await page.request({ t: 'udp.join', id: 3, group, interface: '127.0.0.1' })).toMatchObject({ t: 'ok', op: 'udp.join' });
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
    sender.setMulticastInterface('127.0.0.1');
    sender.setMulticastLoopback(true);
    sender.send('to the group', opened.local.port, group);
    await page.until(() => (page.received.get(3)?.length ?? 0) >= 1);
    expect(page.received.get(3)![0]!.payload.toString()).toBe('to the group');
    expect(page.received.get(3)![0]!.host).toBe('127.0.0.1');
    expect(await page.request({ t: 'udp.leave', id: 3, group, interface: '127.0.0.1' })).toMatchObject({ t: 'ok', op: 'udp.leave' });
    sender.close();
    await page.close();
  });

  it('a denied destination is refused between datagrams to an allowed one (the last allowed destination is remembered, nothing else)', async () => {
    const allowed = await udpPeer();
    const denied = await udpPeer();
    const strict = await startGateway({ port: 0, audit: null, deny: [`127.0.0.1:${denied.port}`] });
    try {
      const page = await ProtocolClient.connect(strict.origin, strict.token);
      await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', port: 0 });
      const refusals = () => page.messages.filter((m) => m.t === 'error' && m.id === 1);
      for (let i = 0; i < 3; i++) {
        page.sendTo(1, '127.0.0.1', allowed.port, Buffer.from(`a${i}`));
        page.sendTo(1, '127.0.0.1', denied.port, Buffer.from(`d${i}`));
      }
      await waitFor(() => allowed.got.length === 3 && refusals().length === 3);
      expect(allowed.got.map((g) => g.data.toString())).toEqual(['a0', 'a1', 'a2']);
      expect(refusals()).toEqual(Array(3).fill(expect.objectContaining({ code: 'DENIED' })));
      await page.until(() => page.acked.get(1) === 12);
      expect(denied.got).toEqual([]);
      await page.close();
    } finally {
      allowed.socket.close();
      denied.socket.close();
      await strict.close();
    }
  });

  it('a datagram over 65,507 bytes gets TOO_BIG and its credit back', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await page.request({ t: 'udp.bind', id: 4, host: '127.0.0.1', port: 0 });
    const err = page.next((m) => m.t === 'error' && m.id === 4);
    page.sendTo(4, '127.0.0.1', 9, Buffer.alloc(65_508));
    expect(await err).toMatchObject({ code: 'TOO_BIG' });
    await page.until(() => page.acked.get(4) === 65_508);
    await page.close();
  });

  it('datagrams past the page credit are dropped, counted live, and the count survives a gateway shutdown', async () => {
    const own = await startGateway({ port: 0, audit: null });
    const page = await ProtocolClient.connect(own.origin, own.token);
    const opened = (await page.request({ t: 'udp.bind', id: 6, host: '127.0.0.1', port: 0, credit: 0 })) as OpenedMsg;
    const peer = await udpPeer();
    const live = page.next((m) => m.t === 'dropped' && m.id === 6);
    for (let i = 0; i < 5; i++) peer.socket.send(`d${i}`, opened.local.port, '127.0.0.1');
    expect(await live).toMatchObject({ dropped: expect.any(Number) });
    await waitFor(() => page.messages.some((m) => m.t === 'dropped' && m.dropped === 5), 3000, 'all five counted');
    const closed = page.next((m) => m.t === 'closed' && m.id === 6);
    await own.close();
    expect(await closed).toMatchObject({ dropped: 5, error: 'SHUTDOWN' });
    expect(page.received.get(6)).toBeUndefined();
    peer.socket.close();
  });

  it('paces a send loop to the per-socket rate and loses nothing', async () => {
    const slow = await startGateway({ port: 0, audit: null, limits: { udpDatagramsPerSecond: 200 } });
    const page = await ProtocolClient.connect(slow.origin, slow.token);
    await page.request({ t: 'udp.bind', id: 5, host: '127.0.0.1', port: 0 });
    const peer = await udpPeer();
    const started = Date.now();
    for (let i = 0; i < 300; i++) page.sendTo(5, '127.0.0.1', peer.port, Buffer.from(`m${i}`));
    await waitFor(() => peer.got.length === 300, 10_000, '300 datagrams');
    const elapsed = Date.now() - started;
    // 200 tokens to start with, then 200/s: the last 100 need about half a second.
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(peer.got.map((g) => g.data.toString())).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    peer.socket.close();
    await page.close();
    await slow.close();
  });
});
