/**
 * lab-extras over a scripted transport: the receiver knobs and recv(n) send the gateway's `set`
 * and `recv` with their numbers normalised, and resolve with its answer.
 */
import { describe, expect, it } from 'vitest';
import { recv, setReceiveMode } from '../../client/lib/lab-extras.js';
import { TCPSocket } from '../../client/lib/index.js';
import { fakeGateway, lastJson, tcpOpened } from '../helpers/fake-gateway.js';

async function openTcp() {
  const [gw, ws] = await fakeGateway();
  const socket = new gw.TCPSocket('127.0.0.1', 7);
  const connect = lastJson(ws);
  const id = connect.id as number;
  ws.receive(tcpOpened(id, connect.ref));
  await socket.opened;
  return { ws, socket, id };
}

describe('lab extras', () => {
  it('setReceiveMode sends set with whole, non-negative numbers and resolves on ok', async () => {
    const { ws, socket, id } = await openTcp();
    const setting = setReceiveMode(socket, { manualRecv: 1 as unknown as boolean, readDelayMs: -5.5, readSize: 0.2 });
    const set = lastJson(ws);
    expect(set).toEqual({ t: 'set', id, ref: set.ref, manualRecv: true, readDelayMs: 0, readSize: 1 });
    ws.receive({ t: 'ok', id, ref: set.ref, op: 'set' });
    await expect(setting).resolves.toBeUndefined();
  });

  it('recv(n) asks for at most n bytes and resolves with what the gateway delivered and still holds', async () => {
    const { ws, socket, id } = await openTcp();
    const receiving = recv(socket, 1024.9);
    const request = lastJson(ws);
    expect(request).toMatchObject({ t: 'recv', id, max: 1024 });
    ws.receive({ t: 'ok', id, ref: request.ref, op: 'recv', bytes: 1024, buffered: 3000 });
    await expect(receiving).resolves.toEqual({ bytes: 1024, buffered: 3000 });
  });

  it('needs a socket of a connected gateway', async () => {
    await expect(recv(Object.create(TCPSocket.prototype) as TCPSocket, 1)).rejects.toThrow(/lab extras need a TCPSocket of SocketGateway.connect\(\)/);
  });
});
