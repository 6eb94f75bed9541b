/**
 * Gateway behaviour the library relies on, checked on the raw wire (no library in between).
 * docs/PROTOCOL.md: `opened` answers `tcp.connect`, then Chunks and `eof` follow for that id.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFrame, SUBPROTOCOL } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
});
afterAll(() => gateway?.close());

/** Opens a raw page connection and logs, in arrival order, what arrives for socket 1. */
async function rawPage() {
  const ws = new WebSocket(`${gateway.origin.replace('http', 'ws')}/ws?token=${gateway.token}`, SUBPROTOCOL);
  const order: string[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) order.push(`frame:${decodeFrame(new Uint8Array(data)).kind}`);
    else order.push(JSON.parse(data.toString()).t);
  });
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, order };
}

describe('gateway conformance the library relies on (raw protocol)', () => {
  // The library builds a socket's streams when `opened` arrives; `ws` delivers the messages of
  // one TCP read back to back, so anything sent before `opened` would be lost.
  it('sends opened before the Chunk and eof of a peer that writes and ends at once', async () => {
    const server = net.createServer((s) => s.end('bye'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const { ws, order } = await rawPage();
    try {
      ws.send(JSON.stringify({ t: 'tcp.connect', id: 1, ref: 1, host: '127.0.0.1', port }));
      await expect.poll(() => order.includes('eof') && order.includes('opened'), { timeout: 5000 }).toBe(true);
      const relevant = order.filter((e) => e !== 'welcome');
      expect(relevant.slice(0, 3)).toEqual(['opened', 'frame:2', 'eof']);
    } finally {
      ws.close();
      server.close();
    }
  });

  // PROTOCOL.md: `close` → `closed` echoing the request's ref, also while the socket is opening.
  it('answers close of a socket that is still opening with closed carrying that ref', async () => {
    // A name that takes a second to resolve keeps the open pending; it resolves to loopback.
    const slow = await startGateway({
      port: 0,
      audit: null,
      lookup: async () => {
        await new Promise((r) => setTimeout(r, 1000));
        return ['127.0.0.1'];
      },
    });
    const ws = new WebSocket(`${slow.origin.replace('http', 'ws')}/ws?token=${slow.token}`, SUBPROTOCOL);
    const replies: Array<{ t: string; ref?: number }> = [];
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) replies.push(JSON.parse(data.toString()));
    });
    await new Promise((resolve) => ws.once('open', resolve));
    try {
      ws.send(JSON.stringify({ t: 'tcp.connect', id: 2, ref: 10, host: 'slow.test', port: 9 }));
      await new Promise((r) => setTimeout(r, 100));
      ws.send(JSON.stringify({ t: 'close', id: 2, ref: 11 }));
      await expect.poll(() => replies.some((m) => m.t === 'closed'), { timeout: 5000 }).toBe(true);
      expect(replies.find((m) => m.t === 'closed')).toMatchObject({ ref: 11 });
    } finally {
      ws.close();
      await slow.close();
    }
  });
});
