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

describe('gateway ordering (raw protocol)', () => {
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
});
