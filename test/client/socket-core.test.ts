/**
 * SocketCore, what every socket shares: opening (and aborting an open), the spec's close() rules,
 * `set`, connection loss, and the binding of a socket class to its gateway. Driven through the
 * public classes over a scripted transport.
 */
import { describe, expect, it } from 'vitest';
import { TCPServerSocket, TCPSocket, UDPSocket } from '../../client/lib/index.js';
import { fakeGateway, lastJson, tcpOpened as opened } from '../helpers/fake-gateway.js';

describe('SocketCore', () => {
  it('only a class bound by SocketGateway.connect opens sockets', () => {
    expect(() => new TCPSocket('127.0.0.1', 7)).toThrow(new TypeError('TCPSocket is not bound to a gateway: use the TCPSocket of SocketGateway.connect()'));
    expect(() => new TCPServerSocket('127.0.0.1')).toThrow(/^TCPServerSocket is not bound to a gateway/);
    expect(() => new UDPSocket({ localAddress: '127.0.0.1' })).toThrow(/^UDPSocket is not bound to a gateway/);
  });

  it('close() while opening is an InvalidStateError and the open goes on', async () => {
    const [gw, ws] = await fakeGateway();
    const socket = new gw.TCPSocket('127.0.0.1', 7);
    await expect(socket.close()).rejects.toMatchObject({ name: 'InvalidStateError' });
    const connect = lastJson(ws);
    ws.receive(opened(connect.id as number, connect.ref));
    await expect(socket.opened).resolves.toMatchObject({ remotePort: 7 });
  });

  it('an aborted signal fails the open with its reason and abandons it; the late opened changes nothing', async () => {
    const [gw, ws] = await fakeGateway();
    const controller = new AbortController();
    const socket = new gw.TCPSocket('127.0.0.1', 7, { extras: { signal: controller.signal } });
    const connect = lastJson(ws);
    const reason = new Error('changed my mind');
    controller.abort(reason);
    await expect(socket.opened).rejects.toBe(reason);
    await expect(socket.closed).rejects.toBe(reason);
    expect(lastJson(ws)).toEqual({ t: 'close', id: connect.id });
    const sent = ws.sent.length;
    ws.receive(opened(connect.id as number, connect.ref));
    ws.receive({ t: 'closed', id: connect.id, bytesIn: 0, bytesOut: 0 });
    await expect(socket.opened).rejects.toBe(reason);
    expect(ws.sent.length).toBe(sent);
  });

  it('a signal aborted before the constructor fails at once without asking the gateway', async () => {
    const [gw, ws] = await fakeGateway();
    const sent = ws.sent.length;
    const socket = new gw.UDPSocket({ localAddress: '127.0.0.1', extras: { signal: AbortSignal.abort() } });
    await expect(socket.opened).rejects.toMatchObject({ name: 'AbortError' });
    expect(ws.sent.length).toBe(sent);
  });

  it('an error reply to the open rejects opened and closed with it', async () => {
    const [gw, ws] = await fakeGateway();
    const socket = new gw.TCPSocket('127.0.0.1', 7);
    const connect = lastJson(ws);
    ws.receive({ t: 'error', id: connect.id, ref: connect.ref, code: 'REFUSED', message: 'connection refused', osCode: 'ECONNREFUSED', fatal: true });
    const error = await socket.opened.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkError', sockgateCode: 'REFUSED', osCode: 'ECONNREFUSED' });
    await expect(socket.closed).rejects.toBe(error);
  });

  it('set() sends the fields and resolves on ok; refuses before the socket is open', async () => {
    const [gw, ws] = await fakeGateway();
    const socket = new gw.TCPSocket('127.0.0.1', 7);
    await expect(socket.set({ noDelay: true })).rejects.toMatchObject({ name: 'InvalidStateError', message: 'cannot set options: socket is opening' });
    const connect = lastJson(ws);
    ws.receive(opened(connect.id as number, connect.ref));
    await socket.opened;
    const setting = socket.set({ noDelay: true, corkWrites: 3 });
    const set = lastJson(ws);
    expect(set).toMatchObject({ t: 'set', id: connect.id, noDelay: true, corkWrites: 3 });
    ws.receive({ t: 'ok', id: connect.id, ref: set.ref, op: 'set' });
    await expect(setting).resolves.toBeUndefined();
  });

  it('losing the gateway fails opening and open sockets alike with CONNECTION_LOST', async () => {
    const [gw, ws] = await fakeGateway();
    const first = new gw.TCPSocket('127.0.0.1', 7);
    const connect = lastJson(ws);
    ws.receive(opened(connect.id as number, connect.ref));
    const { readable } = await first.opened;
    const second = new gw.TCPSocket('127.0.0.1', 8);
    ws.close(1006);
    await expect(second.opened).rejects.toMatchObject({ name: 'NetworkError', sockgateCode: 'CONNECTION_LOST' });
    await expect(readable.getReader().read()).rejects.toMatchObject({ sockgateCode: 'CONNECTION_LOST' });
    await expect(first.closed).rejects.toMatchObject({ sockgateCode: 'CONNECTION_LOST' });
    // A socket made after the loss fails the same way, without touching the dead transport.
    await expect(new gw.TCPSocket('127.0.0.1', 9).opened).rejects.toMatchObject({ sockgateCode: 'CONNECTION_LOST' });
  });
});
