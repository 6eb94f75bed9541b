/**
 * What every session shares (socket-session.ts), seen through a TCP client: ids, the one `change`
 * per frame, a socket the library refuses to create, close on a session that has ended.
 */
import { describe, expect, it, vi } from 'vitest';
import { TcpSession } from '../../../client/app/model/tcp-session.js';
import { scriptedGateway } from '../../helpers/fake-gateway.js';

describe('SocketSession (common)', () => {
  it('gives each session its own increasing id', async () => {
    const { gateway } = await scriptedGateway();
    const a = TcpSession.connect(gateway, { host: '127.0.0.1', port: 7 });
    const b = TcpSession.connect(gateway, { host: '127.0.0.1', port: 7 });
    expect(b.id).toBeGreaterThan(a.id);
  });

  it('coalesces many changes into one change event', async () => {
    const { gateway, end } = await scriptedGateway();
    const s = TcpSession.connect(gateway, { host: '127.0.0.1', port: 7 });
    const connect = end.last('tcp.connect');
    end.opened(connect, 'tcp', { address: '127.0.0.1', port: 5000 }, { address: '127.0.0.1', port: 7 });
    await vi.waitFor(() => expect(s.state).toBe('open'));
    await new Promise((r) => setTimeout(r, 80));
    let changes = 0;
    s.addEventListener('change', () => changes++);
    for (let i = 0; i < 50; i++) end.chunk(connect.id!, i, new Uint8Array([i]));
    await vi.waitFor(() => expect(s.counters.msgsIn).toBe(50));
    await new Promise((r) => setTimeout(r, 80));
    // One per 50 ms batch in Node; 50 reads arrive well inside one or two batches.
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThan(5);
  });

  it('fails at once when the library refuses the options (no request goes out)', async () => {
    const { gateway, end } = await scriptedGateway();
    // keepAliveDelay under 1 s is the spec's TypeError (a port would wrap, as WebIDL's unsigned short does).
    const s = TcpSession.connect(gateway, { host: '127.0.0.1', port: 7, keepAliveDelay: 10 });
    expect(s.state).toBe('failed');
    expect(s.error).toMatchObject({ name: 'TypeError' });
    expect(end.requests().filter((r) => r.t === 'tcp.connect')).toHaveLength(0);
    await s.ended;
    await s.close();
    expect(s.state).toBe('failed');
  });

  it('close on a closed session does nothing more', async () => {
    const { gateway, end } = await scriptedGateway();
    const s = TcpSession.connect(gateway, { host: '127.0.0.1', port: 7 });
    const connect = end.last('tcp.connect');
    await s.close();
    await s.close();
    expect(s.state).toBe('closed');
    expect(end.about('close', connect.id!)).toHaveLength(1);
    expect(s.log.entries.filter((e) => e.event === 'closed')).toHaveLength(1);
  });
});
