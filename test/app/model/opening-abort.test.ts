/**
 * Close and Remove while a socket is still opening, against a real gateway in this process and a
 * real loopback peer: the session ends `closed` and the gateway holds no socket afterwards (before
 * issue 11 the open completed anyway and the gateway kept a socket nothing referred to).
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ServerSession } from '../../../client/app/model/server-session.js';
import type { Session } from '../../../client/app/model/session.js';
import { TcpSession } from '../../../client/app/model/tcp-session.js';
import { UdpSession } from '../../../client/app/model/udp-session.js';
import { SocketGateway } from '../../../client/lib/index.js';
import { startGateway, type Gateway } from '../../../server/gateway.js';

let gateway: Gateway;
let page: SocketGateway;
let peer: net.Server;
const live = new Set<net.Socket>();

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
  page = await SocketGateway.connect(gateway.origin, { token: gateway.token, WebSocket });
  peer = net.createServer((socket) => {
    live.add(socket);
    socket.on('close', () => live.delete(socket));
  });
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  page?.close();
  await gateway?.close();
  await new Promise((resolve) => peer?.close(resolve));
});

const peerPort = () => (peer.address() as net.AddressInfo).port;
const sessions: Session[] = [];
const track = (s: Session) => (sessions.push(s), s);
// A failed case must not leave its socket to the next one, which counts the gateway's sockets.
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.closeAll()));
  await vi.waitFor(() => expect(gateway.stats().sockets).toBe(0));
});

const kinds: Array<[string, () => Session]> = [
  ['TCP client', () => TcpSession.connect(page, { host: '127.0.0.1', port: peerPort() })],
  ['TCP server', () => ServerSession.listen(page, { address: '127.0.0.1', port: 0 })],
  ['UDP socket', () => UdpSession.bindSocket(page, { address: '127.0.0.1', port: 0 })],
];

describe('closing a session while it opens (real gateway)', () => {
  for (const [name, open] of kinds) {
    for (const [how, act] of [
      ['close', (s: Session) => s.close()],
      ['remove', (s: Session) => s.remove()],
    ] as const) {
      it(`${name}: ${how} while opening → closed, no socket left at the gateway`, async () => {
        const s = track(open());
        expect(s.state).toBe('opening');
        await act(s);
        expect(s.state).toBe('closed');
        await vi.waitFor(() => expect(gateway.stats().sockets).toBe(0), { timeout: 5_000 });
        await vi.waitFor(() => expect(live.size).toBe(0), { timeout: 5_000 });
        // Whatever the gateway answered late does not reopen it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(s.state).toBe('closed');
        expect(gateway.stats().sockets).toBe(0);
      });
    }
  }

  it('a session left to open still opens (the gateway is fine)', async () => {
    const s = track(TcpSession.connect(page, { host: '127.0.0.1', port: peerPort() }));
    await vi.waitFor(() => expect(s.state).toBe('open'));
    expect(gateway.stats().sockets).toBe(1);
    await s.close();
    await vi.waitFor(() => expect(gateway.stats().sockets).toBe(0));
  });
});
