/**
 * The library's side of adaptive windows against a scripted gateway: the `window` message's two
 * fields are inputs from the network, so every value that is not a whole number above the current
 * window and within `limits.windowMax` (0, -1, NaN as JSON null, 2^31, 2^32, 2^53, above the max,
 * fractions, strings, objects) changes nothing — no credit, no message — and valid ones grow
 * exactly as far as they say.
 */
import { describe, expect, it } from 'vitest';
import { SocketGateway } from '../../client/lib/index.js';
import { Frame } from '../../shared/protocol.js';
import { lastJson, sentFrames, tcpOpened } from '../helpers/fake-gateway.js';
import { FakeWebSocket, welcome } from '../helpers/fake-websocket.js';

const MAX = 8000;

async function openTcp() {
  const connecting = SocketGateway.connect('http://127.0.0.1:1', { token: 't', WebSocket: FakeWebSocket });
  const ws = FakeWebSocket.last!;
  ws.open();
  ws.receive({ ...welcome, limits: { ...welcome.limits, windowMax: MAX } });
  const gw = await connecting;
  const socket = new gw.TCPSocket('127.0.0.1', 7);
  const connect = lastJson(ws);
  const id = connect.id as number;
  ws.receive(tcpOpened(id, connect.ref, 1000));
  const info = await socket.opened;
  return { ws, socket, id, info };
}

const BAD = [0, -1, 999, 1000, null, 1000.5, 2 ** 31, 2 ** 32, 2 ** 53, MAX + 1, 1e308, '2000', { n: 2000 }, [2000], true];

describe('window messages from the gateway', () => {
  it('a send window that is not a whole number above the current one and within windowMax changes nothing', async () => {
    const { ws, socket, id, info } = await openTcp();
    const sent = ws.sent.length;
    for (const sendWindow of BAD) ws.receive({ t: 'window', id, sendWindow });
    expect(socket.stats.sendWindow).toBe(1000);
    expect(ws.sent.length).toBe(sent);
    // Only the window's credit is there: a 1,500-byte write sends 1,000 now and waits for the rest.
    const writer = info.writable.getWriter();
    void writer.write(new Uint8Array(1500));
    await new Promise((r) => setTimeout(r, 10));
    const data = () => sentFrames(ws).filter((f) => f.kind === Frame.Data).reduce((n, f) => n + (f as { payload: Uint8Array }).payload.byteLength, 0);
    expect(data()).toBe(1000);
    // A valid growth is credit at once.
    ws.receive({ t: 'window', id, sendWindow: 3000 });
    expect(socket.stats.sendWindow).toBe(3000);
    await new Promise((r) => setTimeout(r, 10));
    expect(data()).toBe(1500);
    writer.releaseLock();
  });

  it('a suggested receive window that is not valid sends nothing; a valid one is announced, then granted', async () => {
    const { ws, socket, id } = await openTcp();
    const sent = ws.sent.length;
    for (const receiveWindow of BAD) ws.receive({ t: 'window', id, receiveWindow });
    expect(ws.sent.length).toBe(sent);
    expect(socket.stats.receiveWindow).toBe(1000);
    ws.receive({ t: 'window', id, receiveWindow: 4000 });
    expect(socket.stats.receiveWindow).toBe(4000);
    expect(ws.json().at(-1)).toEqual({ t: 'window', id, receiveWindow: 4000 });
    expect(sentFrames(ws).at(-1)).toEqual({ kind: Frame.Credit, id, bytes: 3000 });
  });
});
