/**
 * UdpSession over a scripted gateway: binding, the peers table, sends to any host:port, groups
 * joined at bind and by hand, SO_BROADCAST, drops, the end, and closing or removing it while it
 * is still opening.
 */
import { describe, expect, it, vi } from 'vitest';
import { Frame } from '../../../shared/protocol.js';
import { UdpSession } from '../../../client/app/model/udp-session.js';
import { scriptedGateway, type FakeGatewayEnd } from '../../helpers/fake-gateway.js';

const bytes = (s: string) => new TextEncoder().encode(s);

async function binding(options: Partial<Parameters<typeof UdpSession.bindSocket>[1]> = {}) {
  const { gateway, end } = await scriptedGateway();
  const s = UdpSession.bindSocket(gateway, { address: '127.0.0.1', port: 2425, ...options });
  const bind = end.last('udp.bind');
  return { s, end, bind, id: bind.id! };
}

async function bound(options: Partial<Parameters<typeof UdpSession.bindSocket>[1]> = {}) {
  const c = await binding(options);
  c.end.opened(c.bind, 'udp', { address: '127.0.0.1', port: 2425 });
  return c;
}

/** Answers the next `udp.join`/`udp.leave` with ok. */
async function answer(end: FakeGatewayEnd, t: string, n: number) {
  await vi.waitFor(() => expect(end.requests().filter((r) => r.t === t).length).toBeGreaterThanOrEqual(n));
  end.ok(end.requests().filter((r) => r.t === t)[n - 1]!);
}

describe('UdpSession', () => {
  it('opening → open: bound line with SO_BROADCAST, the bind request carries the options', async () => {
    const { s, bind } = await bound({ broadcast: true, reuseAddr: true });
    expect(bind).toMatchObject({ host: '127.0.0.1', port: 2425, broadcast: true, reuseAddr: true });
    await vi.waitFor(() => expect(s.state).toBe('open'));
    expect(s.canSend).toBe(true);
    expect(s.broadcast).toBe(true);
    expect(s.log.entries.map((e) => [e.event, e.detail])).toEqual([['bound', '127.0.0.1:2425 · SO_BROADCAST']]);
  });

  it('opening → failed: address in use', async () => {
    const { s, end, bind } = await binding();
    end.error(bind, 'ADDRESS_IN_USE', 'address in use');
    await s.ended;
    expect(s.state).toBe('failed');
  });

  it('datagrams fill the peers table by address:port and count in; reset keeps the peers', async () => {
    const { s, end, id } = await bound();
    end.datagram(id, 0, '127.0.0.1', 5000, bytes('hi'));
    end.datagram(id, 1, '127.0.0.1', 5000, bytes('again'));
    end.datagram(id, 2, '127.0.0.2', 6000, bytes('x'));
    await vi.waitFor(() => expect(s.counters.msgsIn).toBe(3));
    expect(s.peers.get('127.0.0.1:5000')).toMatchObject({ datagrams: 2, bytes: 7 });
    expect(s.peers.get('127.0.0.2:6000')).toMatchObject({ datagrams: 1, bytes: 1 });
    expect(s.log.entries.filter((e) => e.dir === 'in').map((e) => [e.peer, e.seq])).toEqual([
      ['127.0.0.1:5000', 0],
      ['127.0.0.1:5000', 1],
      ['127.0.0.2:6000', 2],
    ]);
    s.resetCounters();
    expect(s.peers.get('127.0.0.1:5000')).toMatchObject({ datagrams: 0, bytes: 0 });
    expect(s.counters.msgsIn).toBe(0);
  });

  it('sends go to the host:port asked for; a TCP target is an error line', async () => {
    const { s, end, id } = await bound();
    await vi.waitFor(() => expect(s.state).toBe('open'));
    await s.send({ payload: bytes('hello'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'udp', host: '127.0.0.1', port: 7 } });
    const out = end.frames().filter((f) => f.kind === Frame.SendTo && f.id === id);
    expect(out).toMatchObject([{ host: '127.0.0.1', port: 7 }]);
    expect(s.log.entries.filter((e) => e.dir === 'out')).toMatchObject([{ peer: '127.0.0.1:7', size: 5 }]);
    await s.send({ payload: bytes('x'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'self' } });
    expect(s.log.entries.at(-1)).toMatchObject({ event: 'error' });
  });

  it('joins the groups asked for at bind on the multicast interface, then leaves one by hand', async () => {
    const { s, end } = await bound({ groups: ['239.1.2.3'], multicastInterface: '127.0.0.1' });
    await answer(end, 'udp.join', 1);
    expect(end.last('udp.join')).toMatchObject({ group: '239.1.2.3', interface: '127.0.0.1' });
    await vi.waitFor(() => expect(s.groups).toEqual(['239.1.2.3']));
    const joining = s.joinGroup('239.9.9.9');
    await answer(end, 'udp.join', 2);
    await joining;
    expect(s.groups).toEqual(['239.1.2.3', '239.9.9.9']);
    const leaving = s.leaveGroup('239.1.2.3');
    await answer(end, 'udp.leave', 1);
    await leaving;
    expect(s.groups).toEqual(['239.9.9.9']);
    expect(s.log.entries.filter((e) => e.dir === 'event').map((e) => [e.event, e.detail])).toEqual([
      ['bound', '127.0.0.1:2425'],
      ['joined', '239.1.2.3 @ 127.0.0.1'],
      ['joined', '239.9.9.9 @ 127.0.0.1'],
      ['left', '239.1.2.3'],
    ]);
  });

  it('a refused join is an error line and changes no groups', async () => {
    const { s, end } = await bound();
    await vi.waitFor(() => expect(s.state).toBe('open'));
    const joining = s.joinGroup('239.1.2.3');
    await vi.waitFor(() => expect(end.requests().some((r) => r.t === 'udp.join')).toBe(true));
    end.error(end.last('udp.join'), 'BAD_OPTION', 'not a multicast address', false);
    await joining;
    expect(s.groups).toEqual([]);
    expect(s.log.entries.at(-1)).toMatchObject({ event: 'error', code: 'BAD_OPTION' });
    expect(s.state).toBe('open');
  });

  it('SO_BROADCAST can be turned on and off on the open socket', async () => {
    const { s, end } = await bound();
    await vi.waitFor(() => expect(s.state).toBe('open'));
    const setting = s.setBroadcast(true);
    await vi.waitFor(() => expect(end.requests().some((r) => r.t === 'set')).toBe(true));
    expect(end.last('set')).toMatchObject({ broadcast: true });
    end.ok(end.last('set'));
    await setting;
    expect(s.broadcast).toBe(true);
    expect(s.log.entries.at(-1)).toMatchObject({ event: 'info', detail: 'SO_BROADCAST on' });
  });

  it('reports the drops the gateway counts', async () => {
    const { s, end, id } = await bound();
    await vi.waitFor(() => expect(s.state).toBe('open'));
    end.ws.receive({ t: 'dropped', id, dropped: 12 });
    expect(s.dropped).toBe(12);
    expect(s.libraryStats?.dropped).toBe(12);
  });

  it('open → closing → closed: the groups are gone with the socket', async () => {
    const { s, end, id } = await bound({ groups: ['239.1.2.3'] });
    await answer(end, 'udp.join', 1);
    await vi.waitFor(() => expect(s.groups).toEqual(['239.1.2.3']));
    expect(s.state).toBe('open');
    await s.close();
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
    expect(s.groups).toEqual([]);
    expect(s.canSend).toBe(false);
  });

  it('the gateway closes the socket on an error: logged once, closed with the code', async () => {
    const { s, end, id } = await bound();
    await vi.waitFor(() => expect(s.state).toBe('open'));
    end.error({ t: 'error', id }, 'NETWORK', 'network down');
    end.closed(id, { error: 'NETWORK' });
    await s.ended;
    expect(s.state).toBe('closed');
    expect(s.log.entries.filter((e) => e.event === 'error')).toHaveLength(1);
    expect(s.log.entries.at(-1)).toMatchObject({ event: 'closed', code: 'NETWORK' });
  });

  it('close while opening aborts the bind and ends closed', async () => {
    const { s, end, id } = await binding();
    await s.close();
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
    expect(s.log.entries.map((e) => e.event)).toEqual(['closed']);
  });

  it('remove while opening aborts the bind too', async () => {
    const { s, end, id } = await binding();
    await s.remove();
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
  });
});
