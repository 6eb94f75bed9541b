/**
 * A listener without SO_REUSEADDR (server/plain-bind.ts): the socket Python bound plainly, handed
 * to Node. With a TIME_WAIT left on the port, Node's own listen (SO_REUSEADDR always on) binds and
 * the plain bind fails EADDRINUSE — the lesson of the course's SO_REUSEADDR lab.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenWithoutReuseAddr } from '../../server/plain-bind.js';
import { readTcpTable } from '../../server/tcp-states.js';
import { timeWaitPort } from '../helpers/loopback-ports.js';

const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  delete process.env.SOCKGATE_PYTHON;
});

const listening = (s: net.Server) => new Promise<void>((r) => (s.listening ? r() : s.once('listening', () => r())));
const closeServer = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));


describe('listenWithoutReuseAddr', () => {
  it('hands over a listening socket that accepts (paused, half-open allowed)', async () => {
    const server = await listenWithoutReuseAddr({ host: '127.0.0.1', port: 0, backlog: 5, ipv6Only: false });
    closers.push(() => closeServer(server));
    await listening(server);
    const { port } = server.address() as net.AddressInfo;
    expect(port).toBeGreaterThan(0);
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const c = net.connect(port, '127.0.0.1');
    closers.push(() => c.destroy());
    const s = await accepted;
    expect(s.isPaused()).toBe(true);
    expect((server as net.Server & { allowHalfOpen: boolean }).allowHalfOpen).toBe(true);
    s.end('bye');
    s.resume();
    c.setEncoding('utf8');
    expect(await new Promise((r) => c.once('data', r))).toBe('bye');
  });

  it('with only a TIME_WAIT on the port: the plain bind fails EADDRINUSE, Node\'s listen (SO_REUSEADDR) succeeds', async () => {
    const port = await timeWaitPort();
    const rows = (await readTcpTable())?.filter((r) => r.local.endsWith(`:${port}`)) ?? [];
    expect(rows.map((r) => r.state)).toContain('TIME_WAIT');
    await expect(listenWithoutReuseAddr({ host: '127.0.0.1', port, backlog: 5, ipv6Only: false })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const node = net.createServer();
    await new Promise<void>((resolve, reject) => node.once('error', reject).listen(port, '127.0.0.1', resolve));
    await closeServer(node);
  });

  it('without python3 says exactly that', async () => {
    process.env.SOCKGATE_PYTHON = '/nonexistent/python3';
    await expect(listenWithoutReuseAddr({ host: '127.0.0.1', port: 0, backlog: 5, ipv6Only: false })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('needs python3'),
    });
  });
});
