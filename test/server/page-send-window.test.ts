import { describe, expect, it } from 'vitest';
import { decodeFrame, Frame } from '../../shared/protocol.js';
import { AckBatcher } from '../../server/page-send-window.js';

const turn = () => new Promise((r) => setImmediate(r));

function batcher() {
  const sent: { id: number; bytes: number }[] = [];
  const acks = new AckBatcher((frame) => {
    const f = decodeFrame(frame);
    if (f.kind !== Frame.Ack) throw new Error(`not an Ack: ${f.kind}`);
    sent.push({ id: f.id, bytes: f.bytes });
  });
  return { acks, sent };
}

describe('PageSendWindow and AckBatcher', () => {
  it('spending past the window is FLOW_VIOLATION naming the credit left', () => {
    const { acks } = batcher();
    const w = acks.open(7, 100);
    w.spend(60);
    expect(() => w.spend(41)).toThrow(expect.objectContaining({ code: 'FLOW_VIOLATION', message: expect.stringContaining('only 40 bytes') }));
  });

  it('writes of one turn share one Ack per socket, and the credit returns only as that Ack goes out', async () => {
    const { acks, sent } = batcher();
    const a = acks.open(1, 100);
    const b = acks.open(2, 100);
    a.spend(100);
    b.spend(10);
    a.written(30);
    a.written(20);
    b.written(10);
    a.written(0);
    // Before the Ack is sent the page has not been told: the credit is still spent.
    expect(() => a.spend(1)).toThrow();
    expect(sent).toEqual([]);
    await turn();
    expect(sent).toEqual([
      { id: 1, bytes: 50 },
      { id: 2, bytes: 10 },
    ]);
    a.spend(50);
    expect(() => a.spend(1)).toThrow();
  });

  it('a retired window (its socket closed) sends no Ack, also for writes completing later', async () => {
    const { acks, sent } = batcher();
    const a = acks.open(1, 100);
    a.spend(20);
    a.written(10);
    a.retire();
    a.written(10);
    await turn();
    expect(sent).toEqual([]);
  });
});
