/**
 * Protocol v2's outbox against a real gateway and a real TCP echo (issue 13 items 4 and 7): every
 * socket's Acks of one turn share a message with the turn's small reads, and in a 64-byte
 * ping-pong the Ack of each write rides with its echo — one message per round trip, not two —
 * while a v1 page still gets them apart. Also the AckBatcher's deferral rules on their own.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ACK_DEFER_MS, AckBatcher } from '../../server/page-send-window.js';
import { SUBPROTOCOL, SUBPROTOCOL_V2, decodeFrame, Frame } from '../../shared/protocol.js';
import { gatewayFixture } from '../helpers/gateway-fixture.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

const fixture = gatewayFixture();

/** `rounds` ping-pongs of 64 bytes; the binary messages the page received meanwhile. */
async function pingPong(protocol: string | string[], rounds: number): Promise<{ messages: number; acked: number; echoed: number }> {
  const { gw } = fixture;
  const page = await ProtocolClient.connect(gw.origin, gw.token, { protocol });
  await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: fixture.echoPort, noDelay: true });
  let messages = 0;
  page.ws.on('message', (_d, isBinary) => void (isBinary && messages++));
  for (let i = 1; i <= rounds; i++) {
    page.write(1, new Uint8Array(64).fill(i));
    await page.until(() => (page.received.get(1) ?? []).reduce((n, c) => n + c.payload.length, 0) >= 64 * i, 5_000);
  }
  // Whatever Ack still waits goes within ACK_DEFER_MS.
  await page.until(() => (page.acked.get(1) ?? 0) === 64 * rounds, 5_000);
  const result = { messages, acked: page.acked.get(1)!, echoed: page.received.get(1)!.reduce((n, c) => n + c.payload.length, 0) };
  await page.close();
  return result;
}

describe('page outbox (v2)', () => {
  it('a v2 ping-pong costs the page about one message per round trip (the Ack rides with the echo); v1 gets two', async () => {
    const v2 = await pingPong([SUBPROTOCOL_V2, SUBPROTOCOL], 40);
    const v1 = await pingPong(SUBPROTOCOL, 40);
    expect(v2).toMatchObject({ acked: 64 * 40, echoed: 64 * 40 });
    expect(v1).toMatchObject({ acked: 64 * 40, echoed: 64 * 40 });
    expect(v1.messages).toBeGreaterThanOrEqual(80);
    // An echo may come back in two reads or outrun nothing; allow a few extra, never v1's two per round.
    expect(v2.messages).toBeLessThanOrEqual(48);
  });
});

describe('AckBatcher deferral', () => {
  const collect = () => {
    const sent: number[] = [];
    const acks = new AckBatcher(
      (frame) => {
        const f = decodeFrame(frame);
        if (f.kind === Frame.Ack) sent.push(f.bytes);
      },
      () => {},
    );
    return { acks, sent };
  };

  it('a roomy window waits when the turn may wait, then goes with the next turn that sends something, or after ACK_DEFER_MS', async () => {
    const { acks, sent } = collect();
    const w = acks.open(1, 1000);
    w.spend(10);
    w.written(10);
    acks.turnEnded(true);
    expect(sent).toEqual([]);
    acks.turnEnded(false); // a turn that sends the page something
    expect(sent).toEqual([10]);
    w.spend(20);
    w.written(20);
    acks.turnEnded(true);
    expect(sent).toEqual([10]);
    await new Promise((r) => setTimeout(r, ACK_DEFER_MS + 20));
    expect(sent).toEqual([10, 20]);
  });

  it('a window past a quarter outstanding is acknowledged at once, even when the turn could wait', () => {
    const { acks, sent } = collect();
    const w = acks.open(1, 1000);
    w.spend(300);
    w.written(300);
    acks.turnEnded(true);
    expect(sent).toEqual([300]);
    acks.clear();
  });
});

describe('page outbox: a listening page gets a stream of small reads in few messages', () => {
  /** A TCP server that writes `count` 64-byte writes, at least `gapMs` apart (checked every turn), to whoever connects. */
  async function ticker(count: number, gapMs: number): Promise<{ port: number; server: net.Server; writes: () => number }> {
    let writes = 0;
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      let last = 0;
      const tick = () => {
        if (writes >= count || socket.destroyed) return;
        if (performance.now() - last >= gapMs) {
          socket.write(new Uint8Array(64).fill(writes++ & 0xff));
          last = performance.now();
        }
        setImmediate(tick);
      };
      tick();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as net.AddressInfo).port, server, writes: () => writes };
  }

  async function listen(protocol: string | string[], count: number, gapMs: number) {
    const { gw } = fixture;
    const src = await ticker(count, gapMs);
    const page = await ProtocolClient.connect(gw.origin, gw.token, { protocol });
    let messages = 0;
    page.ws.on('message', (_d, isBinary) => void (isBinary && messages++));
    await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: src.port, noDelay: true });
    await page.until(() => page.bytes(1).length >= 64 * count, 10_000);
    const reads = page.received.get(1)!;
    const result = { messages, reads: reads.length, seqs: reads.map((r) => r.seq), bytes: page.bytes(1) };
    await page.close();
    src.server.close();
    return result;
  }

  it('v2: reads every ~0.2 ms share messages (each still its own read, in order, every byte); v1 gets one message per read', async () => {
    const count = 600;
    const v2 = await listen([SUBPROTOCOL_V2, SUBPROTOCOL], count, 0.2);
    const v1 = await listen(SUBPROTOCOL, count, 0.2);
    const expected = Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.alloc(64, i & 0xff)));
    for (const run of [v1, v2]) {
      expect(run.bytes.equals(expected)).toBe(true);
      // The gateway's read counter: every read delivered once, in order, none merged by the relay.
      expect(run.seqs).toEqual(run.seqs.map((_, i) => run.seqs[0]! + i));
    }
    if (process.env.OUTBOX_DEBUG) console.log({ v1: [v1.messages, v1.reads], v2: [v2.messages, v2.reads] });
    expect(v1.messages).toBeGreaterThanOrEqual(v1.reads);
    // Many reads per message once the stream is going (the first STREAM_MESSAGES go alone).
    expect(v2.reads).toBeGreaterThan(100);
    expect(v2.messages).toBeLessThan(v2.reads / 3);
  });
});
