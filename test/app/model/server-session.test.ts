/**
 * ServerSession over a scripted gateway: listening, accepting clients (each its own session whose
 * traffic also counts on the server), sending to one or all, kicking, pruning, removing, and
 * closing or removing it while it is still opening.
 */
import { describe, expect, it, vi } from 'vitest';
import { ServerSession } from '../../../client/app/model/server-session.js';
import { scriptedGateway } from '../../helpers/fake-gateway.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const CLIENT_A = 0x8000_0001;
const CLIENT_B = 0x8000_0002;

async function listening() {
  const { gateway, end } = await scriptedGateway();
  const s = ServerSession.listen(gateway, { address: '127.0.0.1', port: 9000 });
  const listen = end.last('tcp.listen');
  return { s, end, listen, id: listen.id! };
}

async function withClients() {
  const c = await listening();
  c.end.opened(c.listen, 'tcp-server', { address: '127.0.0.1', port: 9000 });
  await vi.waitFor(() => expect(c.s.state).toBe('open'));
  c.end.accepted(c.id, CLIENT_A, { address: '127.0.0.1', port: 50001 });
  c.end.accepted(c.id, CLIENT_B, { address: '127.0.0.1', port: 50002 });
  await vi.waitFor(() => expect(c.s.clients.map((x) => x.state)).toEqual(['open', 'open']));
  const [a, b] = c.s.clients as [(typeof c.s.clients)[0], (typeof c.s.clients)[0]];
  return { ...c, a, b };
}

describe('ServerSession', () => {
  it('opening → open: listening line, the bound address, nothing to send to yet', async () => {
    const { s, end, listen } = await listening();
    expect(s.state).toBe('opening');
    expect(listen).toMatchObject({ host: '127.0.0.1', port: 9000 });
    end.opened(listen, 'tcp-server', { address: '127.0.0.1', port: 9000 });
    await vi.waitFor(() => expect(s.state).toBe('open'));
    expect(s.title).toBe('127.0.0.1:9000');
    expect(s.canSend).toBe(false);
    expect(s.log.entries.map((e) => e.event)).toEqual(['listening']);
  });

  it('opening → failed: address in use', async () => {
    const { s, end, listen } = await listening();
    end.error(listen, 'ADDRESS_IN_USE', 'address in use');
    await s.ended;
    expect(s.state).toBe('failed');
    expect(s.error).toMatchObject({ sockgateCode: 'ADDRESS_IN_USE' });
  });

  it('accepts clients as accepted sessions with their peer, logged on both', async () => {
    const { s, a, b } = await withClients();
    expect([a.kind, b.kind]).toEqual(['accepted', 'accepted']);
    expect([a.remote, b.remote]).toEqual(['127.0.0.1:50001', '127.0.0.1:50002']);
    expect(a.parent).toBe(s);
    expect(s.canSend).toBe(true);
    expect(s.log.entries.filter((e) => e.event === 'accepted').map((e) => e.peer)).toEqual(['127.0.0.1:50001', '127.0.0.1:50002']);
    expect(a.log.entries.map((e) => e.event)).toEqual(['accepted']);
  });

  it("a client's traffic counts on the client and on the server; reset zeroes both", async () => {
    const { s, end, a } = await withClients();
    end.chunk(CLIENT_A, 0, bytes('ping'));
    await vi.waitFor(() => expect(a.counters.msgsIn).toBe(1));
    expect(s.counters).toMatchObject({ bytesIn: 4, msgsIn: 1 });
    expect(s.log.entries.filter((e) => e.dir === 'in')).toMatchObject([{ peer: '127.0.0.1:50001', size: 4 }]);
    s.resetCounters();
    expect(a.counters).toEqual({ bytesIn: 0, bytesOut: 0, msgsIn: 0, msgsOut: 0 });
    expect(s.counters).toEqual({ bytesIn: 0, bytesOut: 0, msgsIn: 0, msgsOut: 0 });
  });

  it('sends to one client or to all; a target the server cannot reach is an error line', async () => {
    const { s, end, a } = await withClients();
    await s.send({ payload: bytes('one'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'client', id: a.id } });
    await s.send({ payload: bytes('all'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'all' } });
    expect(end.data(CLIENT_A).map(text)).toEqual(['one', 'all']);
    expect(end.data(CLIENT_B).map(text)).toEqual(['all']);
    expect(s.counters).toMatchObject({ msgsOut: 3, bytesOut: 9 });
    await s.send({ payload: bytes('x'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'self' } });
    expect(s.log.entries.at(-1)).toMatchObject({ event: 'error' });
  });

  it('kick closes one client (logged as kicked); prune forgets it; the others stay', async () => {
    const { s, end, a, b } = await withClients();
    await s.kick(a.id);
    expect(a.state).toBe('closed');
    expect(end.about('close', CLIENT_A)).toHaveLength(1);
    expect(a.log.entries.at(-1)).toMatchObject({ event: 'kicked' });
    expect(s.clients).toHaveLength(2);
    s.pruneClients();
    expect(s.clients).toEqual([b]);
    expect(b.state).toBe('open');
  });

  it("a client that ends (peer gone) closes; removing it takes it off the server's list", async () => {
    const { s, end, a, b } = await withClients();
    end.closed(CLIENT_B);
    await b.ended;
    expect(b.state).toBe('closed');
    await b.remove();
    expect(s.clients).toEqual([a]);
  });

  it('close stops listening but leaves the clients; closeAll closes them too', async () => {
    const { s, end, id, a, b } = await withClients();
    await s.close();
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
    expect([a.state, b.state]).toEqual(['open', 'open']);
    await s.closeAll();
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
  });

  it('close while opening aborts the listen and ends closed', async () => {
    const { s, end, id } = await listening();
    await s.close();
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
  });

  it('remove while opening aborts the listen too', async () => {
    const { s, end, id } = await listening();
    await s.remove();
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
  });
});
