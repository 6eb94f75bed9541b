import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionCap } from '../../server/connection-cap.js';

const servers: http.Server[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const srv of servers.splice(0)) await new Promise((r) => srv.close(r));
});

async function capped(max: number): Promise<{ cap: ConnectionCap; port: number }> {
  const cap = new ConnectionCap(max);
  const srv = http.createServer((_req, res) => res.end('ok'));
  srv.on('connection', cap.admit);
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { cap, port: (srv.address() as net.AddressInfo).port };
}

/** Connects and resolves once the server either answered `GET /` or closed the connection. */
function request(port: number): Promise<{ socket: net.Socket; answer: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.once('error', reject);
    socket.once('connect', () => {
      const answer = new Promise<string>((done) => {
        let text = '';
        socket.on('data', (d) => {
          text += d.toString('latin1');
          if (text.includes('\r\n\r\nok')) done(text);
        });
        socket.on('error', () => done(text));
        socket.on('close', () => done(text));
      });
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      resolve({ socket, answer });
    });
  });
}

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('connection-cap', () => {
  it('serves up to the cap, refuses connections past it, and admits again once one closes', async () => {
    const { cap, port } = await capped(2);
    const a = await request(port);
    const b = await request(port);
    expect(await a.answer).toContain('200 OK');
    expect(await b.answer).toContain('200 OK');
    expect(cap.count).toBe(2);

    const c = await request(port);
    expect(await c.answer).toBe('');
    await until(() => c.socket.destroyed || c.socket.readableEnded);
    expect(cap.refused).toBe(1);
    expect(cap.count).toBe(2);

    a.socket.destroy();
    await until(() => cap.count === 1);
    const d = await request(port);
    expect(await d.answer).toContain('200 OK');
    expect(cap.count).toBe(2);
    expect(cap.refused).toBe(1);
  });

  it('release() stops counting a socket once (as when it becomes a WebSocket), and its close then counts nothing', async () => {
    const cap = new ConnectionCap(1);
    const srv = net.createServer();
    const accepted: net.Socket[] = [];
    srv.on('connection', (s) => {
      cap.admit(s);
      accepted.push(s);
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const one = net.connect(port, '127.0.0.1');
      sockets.push(one);
      await until(() => accepted.length === 1);
      expect(cap.count).toBe(1);
      cap.release(accepted[0]!);
      cap.release(accepted[0]!);
      expect(cap.count).toBe(0);
      const two = net.connect(port, '127.0.0.1');
      sockets.push(two);
      await until(() => accepted.length === 2);
      expect(cap.count).toBe(1);
      expect(cap.refused).toBe(0);
      one.destroy();
      await until(() => accepted[0]!.destroyed);
      await new Promise((r) => setTimeout(r, 20));
      expect(cap.count).toBe(1);
    } finally {
      for (const s of accepted) s.destroy();
      await new Promise((r) => srv.close(r));
    }
  });

  it('a cap of 0 means no cap', async () => {
    const { cap, port } = await capped(0);
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => request(port)));
    for (const r of all) expect(await r.answer).toContain('200 OK');
    expect(cap.count).toBe(5);
    expect(cap.refused).toBe(0);
  });
});
