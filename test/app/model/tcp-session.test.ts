/**
 * TcpSession over a scripted gateway (FakeWebSocket): every state a TCP client goes through, and
 * closing or removing it while it is still opening.
 */
import { describe, expect, it, vi } from 'vitest';
import { TcpSession } from '../../../client/app/model/tcp-session.js';
import { scriptedGateway, type FakeGatewayEnd } from '../../helpers/fake-gateway.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const events = (s: TcpSession) => s.log.entries.filter((e) => e.dir === 'event').map((e) => e.event);

async function connecting(): Promise<{ s: TcpSession; end: FakeGatewayEnd; connect: ReturnType<FakeGatewayEnd['last']> }> {
  const { gateway, end } = await scriptedGateway();
  const s = TcpSession.connect(gateway, { host: '127.0.0.1', port: 7 });
  return { s, end, connect: end.last('tcp.connect') };
}

async function connected() {
  const c = await connecting();
  c.end.opened(c.connect, 'tcp', { address: '127.0.0.1', port: 5000 }, { address: '127.0.0.1', port: 7 });
  await vi.waitFor(() => expect(c.s.state).toBe('open'));
  return { ...c, id: c.connect.id! };
}

describe('TcpSession', () => {
  it('opening → open: addresses from the gateway, a connecting and a connected line', async () => {
    const { s, connect } = await connecting();
    expect(s.state).toBe('opening');
    expect(s.kind).toBe('tcp');
    expect(s.title).toBe('127.0.0.1:7');
    expect(connect).toMatchObject({ host: '127.0.0.1', port: 7 });
    expect(s.canSend).toBe(false);
    const { s: open } = await connected();
    expect(open.local).toBe('127.0.0.1:5000');
    expect(open.canSend).toBe(true);
    expect(events(open)).toEqual(['connecting', 'connected']);
  });

  it('opening → failed: the gateway refuses, the error is kept and logged once', async () => {
    const { s, end, connect } = await connecting();
    end.error(connect, 'REFUSED', 'connection refused');
    await s.ended;
    expect(s.state).toBe('failed');
    expect(s.error).toMatchObject({ sockgateCode: 'REFUSED' });
    expect(s.log.entries.filter((e) => e.event === 'error')).toMatchObject([{ code: 'REFUSED', detail: 'connection refused' }]);
    expect(s.canSend).toBe(false);
  });

  it('open: each chunk is its own log line with the gateway seq and time; writes go out as Data frames', async () => {
    const { s, end, id } = await connected();
    end.chunk(id, 0, bytes('ab'), 1000);
    end.chunk(id, 1, bytes('cde'), 2000);
    await vi.waitFor(() => expect(s.counters.msgsIn).toBe(2));
    expect(s.counters.bytesIn).toBe(5);
    expect(s.log.entries.filter((e) => e.dir === 'in')).toMatchObject([
      { seq: 0, time: 1000, size: 2, peer: '127.0.0.1:7' },
      { seq: 1, time: 2000, size: 3 },
    ]);
    await s.send({ payload: bytes('hello'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'self' } });
    expect(end.data(id).map((d) => new TextDecoder().decode(d))).toEqual(['hello']);
    expect(s.counters).toMatchObject({ bytesOut: 5, msgsOut: 1 });
  });

  it('open → closing → closed: close() sends close, the gateway confirms, one closed line', async () => {
    const { s, end, id } = await connected();
    const closing = s.close();
    expect(s.state).toBe('closing');
    await closing;
    expect(s.state).toBe('closed');
    expect(end.about('close', id)).toHaveLength(1);
    expect(events(s).filter((e) => e === 'closed')).toHaveLength(1);
    expect(s.canSend).toBe(false);
  });

  it('peer FIN → half-closed (still writable); our FIN then → closed', async () => {
    const { s, end, id } = await connected();
    end.eof(id);
    await vi.waitFor(() => expect(s.state).toBe('half-closed'));
    expect(events(s)).toContain('peer-closed');
    expect(s.canSend).toBe(true);
    const halfClosing = s.halfClose();
    await vi.waitFor(() => expect(end.about('end', id)).toHaveLength(1));
    end.ok(end.last('end'));
    await halfClosing;
    await s.ended;
    expect(s.state).toBe('closed');
    expect(events(s)).toEqual(['connecting', 'connected', 'peer-closed', 'half-closed', 'closed']);
  });

  it('our FIN first → half-closed and not writable; the peer FIN then → closed', async () => {
    const { s, end, id } = await connected();
    const halfClosing = s.halfClose();
    await vi.waitFor(() => expect(end.about('end', id)).toHaveLength(1));
    end.ok(end.last('end'));
    await halfClosing;
    expect(s.state).toBe('half-closed');
    expect(s.canSend).toBe(false);
    end.eof(id);
    await s.ended;
    expect(s.state).toBe('closed');
  });

  it('the gateway closes the socket (peer gone): the session ends closed', async () => {
    const { s, end, id } = await connected();
    end.closed(id);
    await s.ended;
    expect(s.state).toBe('closed');
  });

  it('an error while open (RESET) is logged once and the session ends closed with its code', async () => {
    const { s, end, id } = await connected();
    end.error({ t: 'error', id }, 'RESET', 'connection reset by peer');
    end.closed(id, { error: 'RESET' });
    await s.ended;
    expect(s.state).toBe('closed');
    expect(s.error).toMatchObject({ sockgateCode: 'RESET' });
    expect(s.log.entries.filter((e) => e.event === 'error')).toHaveLength(1);
    expect(s.log.entries.at(-1)).toMatchObject({ event: 'closed', code: 'RESET' });
  });

  // The defect of issue 11: close() while opening only set 'closing'; the open then set 'open'
  // again and the socket lived on at the gateway with nothing referring to it.
  it('close while opening aborts the open at the gateway and ends closed', async () => {
    const { s, end, connect } = await connecting();
    const closing = s.close();
    expect(end.about('close', connect.id!)).toHaveLength(1);
    await closing;
    expect(s.state).toBe('closed');
    // A late `opened` (the gateway answered before it saw the close) does not bring it back.
    end.opened(connect, 'tcp', { address: '127.0.0.1', port: 5000 }, { address: '127.0.0.1', port: 7 });
    await new Promise((r) => setTimeout(r, 10));
    expect(s.state).toBe('closed');
    expect(events(s)).toEqual(['connecting', 'closed']);
    expect(s.log.entries.some((e) => e.event === 'error')).toBe(false);
  });

  it('close while the opened answer is on its way: the opened socket is closed again', async () => {
    const { s, end, connect } = await connecting();
    end.opened(connect, 'tcp', { address: '127.0.0.1', port: 5000 }, { address: '127.0.0.1', port: 7 });
    await s.close();
    expect(s.state).toBe('closed');
    expect(end.about('close', connect.id!)).toHaveLength(1);
    expect(events(s)).toEqual(['connecting', 'closed']);
  });

  it('remove while opening aborts the open too', async () => {
    const { s, end, connect } = await connecting();
    await s.remove();
    expect(s.state).toBe('closed');
    expect(end.about('close', connect.id!)).toHaveLength(1);
  });

  it('close while opening stops at closed when the gateway holds its answer', async () => {
    const { s, end, connect } = await connecting();
    end.autoClose = false;
    await s.close();
    // The library settles the open with AbortError at once; the gateway's `closed` releases the id later.
    expect(s.state).toBe('closed');
    expect(end.about('close', connect.id!)).toHaveLength(1);
  });
});
