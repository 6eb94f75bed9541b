/**
 * Protocol v2's outbox against a real gateway and a real TCP echo (issue 13 items 4 and 7): every
 * socket's Acks of one turn share a message with the turn's small reads, and in a 64-byte
 * ping-pong the Ack of each write rides with its echo — one message per round trip, not two —
 * while a v1 page still gets them apart. Also the AckBatcher's deferral rules on their own.
 */
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
