/**
 * Issue 13 item 6: a burst of datagrams through the library and a real gateway arrives as exactly
 * that many datagrams — each its own length, bytes, source and seq — although the gateway packs
 * them into Batch frames (protocol v2); and a page that offers only v1 still gets one frame each.
 */
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SocketGateway } from '../../client/lib/index.js';
import { MAX_UNREAD_DATAGRAMS } from '../../client/lib/udp-socket.js';
import { Frame, type OpenedMsg } from '../../shared/protocol.js';
import { gatewayFixture } from '../helpers/gateway-fixture.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

const N = 600;
/** Datagram i: (i % 700) + 1 bytes, each byte (i + k) & 0xff — a length and content no neighbour shares. */
const datagram = (i: number) => Uint8Array.from({ length: (i % 700) + 1 }, (_, k) => (i + k) & 0xff);

const fixture = gatewayFixture();

/** Sends all N datagrams from one socket in one turn of the event loop (a burst the gateway reads back to back). */
async function burst(to: number): Promise<dgram.Socket> {
  const sender = dgram.createSocket('udp4');
  await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
  sender.setSendBufferSize(4 << 20);
  for (let i = 0; i < N; i++) sender.send(datagram(i), to, '127.0.0.1');
  return sender;
}

describe('UDP burst through the library (v2 batches)', () => {
  it(`${N} datagrams sent in one burst arrive as ${N}, each with its own boundary, source, seq and time, in fewer WebSocket messages`, async () => {
    let messages = 0;
    let batches = 0;
    // The library's WebSocket, counting the binary messages the gateway sent it.
    class CountingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        // The library sets binaryType 'arraybuffer', so binary data comes as an ArrayBuffer.
        this.on('message', (data: ArrayBuffer, isBinary: boolean) => {
          if (!isBinary) return;
          messages++;
          if (new Uint8Array(data)[0] === Frame.Batch) batches++;
        });
      }
    }
    const { gw } = fixture;
    const gateway = await SocketGateway.connect(gw.origin, { token: gw.token, WebSocket: CountingWebSocket as never });
    const socket = new gateway.UDPSocket({ localAddress: '127.0.0.1', extras: { chunks: true } });
    const { readable, localPort } = await socket.opened;
    const sender = await burst(localPort);
    const reader = readable.getReader();
    const got = [];
    while (got.length < N) {
      const { value, done } = await reader.read();
      if (done) break;
      got.push(value);
    }
    for (let i = 0; i < N; i++) {
      const m = got[i]!;
      expect(m.data, `datagram ${i}`).toEqual(datagram(i));
      expect(m).toMatchObject({ remoteAddress: '127.0.0.1', remotePort: sender.address().port, seq: i });
      if (i > 0) expect(m.time!).toBeGreaterThanOrEqual(got[i - 1]!.time!);
    }
    expect(socket.stats).toMatchObject({ messagesIn: N, dropped: 0 });
    // The point of v2: the burst travelled in far fewer messages than datagrams.
    expect(batches).toBeGreaterThan(0);
    expect(messages).toBeLessThan(N / 2);
    sender.close();
    reader.releaseLock();
    await socket.close();
    await gateway.close?.();
  });

  it('a page that offers only sockgate.v1 gets welcome version 1 and one Datagram frame per datagram', async () => {
    const { gw } = fixture;
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', port: 0 })) as OpenedMsg;
    const sender = await burst(opened.local.port);
    await page.until(() => (page.received.get(1)?.length ?? 0) === N, 10_000);
    const got = page.received.get(1)!;
    expect(got.map((d) => d.payload.length)).toEqual(Array.from({ length: N }, (_, i) => datagram(i).length));
    expect(page.binaryKinds.has(Frame.Batch)).toBe(false);
    expect(page.messages.find((m) => m.t === 'welcome')).toMatchObject({ version: 1 });
    sender.close();
    await page.close();
  });

  it(`a flood of empty datagrams at a page that does not read queues at most ${MAX_UNREAD_DATAGRAMS} (credit cannot bound them), drops and counts the rest, and the socket reads on`, async () => {
    const { gw } = fixture;
    const gateway = await SocketGateway.connect(gw.origin, { token: gw.token, WebSocket });
    const socket = new gateway.UDPSocket({ localAddress: '127.0.0.1' });
    const { readable, localPort } = await socket.opened;
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
    const empty = new Uint8Array(0);
    const seen = () => socket.stats.messagesIn + socket.stats.droppedUnread;
    // Paced bursts (the kernel drops what the gateway's buffer cannot hold), until well past the bound.
    for (let sent = 0; sent < 200_000 && seen() < MAX_UNREAD_DATAGRAMS + 5000; sent += 500) {
      for (let i = 0; i < 500; i++) sender.send(empty, localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 5));
    }
    let last = -1;
    while (seen() !== last) {
      last = seen();
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(socket.stats.messagesIn).toBe(MAX_UNREAD_DATAGRAMS);
    expect(socket.stats.droppedUnread).toBeGreaterThan(4000);
    const reader = readable.getReader();
    for (let i = 0; i < MAX_UNREAD_DATAGRAMS; i++) expect((await reader.read()).value!.data.byteLength).toBe(0);
    sender.send(Buffer.from('after'), localPort, '127.0.0.1');
    expect(new TextDecoder().decode((await reader.read()).value!.data)).toBe('after');
    sender.close();
    reader.releaseLock();
    await socket.close();
  });
});
