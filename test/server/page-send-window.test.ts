import { describe, expect, it } from 'vitest';
import { decodeFrame, Frame } from '../../shared/protocol.js';
import { AckBatcher } from '../../server/page-send-window.js';
import { WindowBudget } from '../../shared/window-budget.js';

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

  it('grows a window-limited socket (credit nearly spent, little held here) by doubling, within max and the budgets', async () => {
    const { acks, sent } = batcher();
    const gateway = new WindowBudget(250);
    const page = new WindowBudget(1000, gateway);
    const grew: number[] = [];
    const w = acks.open(1, 100, { max: 800, budget: page, grew: (_id, window) => grew.push(window) });
    w.spend(90); // 7/8 or more of the window spent: the page is held back by it
    w.written(90);
    await turn();
    expect(sent).toEqual([{ id: 1, bytes: 90 }]);
    expect(grew).toEqual([200]);
    expect(w.window).toBe(200);
    w.spend(200);
    w.written(200);
    await turn();
    // The gateway's budget (250) is the smaller: 100 + 100 + 150 = 350, not 400.
    expect(grew).toEqual([200, 350]);
    expect(gateway.used).toBe(250);
    expect(page.used).toBe(250);
    w.retire();
    expect(gateway.used).toBe(0);
    expect(page.used).toBe(0);
  });

  it('does not grow while the gateway still holds much of the window (a slow target), or for a page that is not held back', async () => {
    const { acks } = batcher();
    const grew: number[] = [];
    const w = acks.open(1, 100, { max: 800, budget: new WindowBudget(1000), grew: (_id, window) => grew.push(window) });
    w.spend(100);
    w.written(50); // 50 still waits for the target: more window would only queue more here
    await turn();
    w.written(50);
    w.spend(10); // light use afterwards: never near the window
    w.written(10);
    await turn();
    expect(grew).toEqual([]);
  });

  it('a shrink from the page gives the growth back; one above the window, below the start or below what waits here is BAD_OPTION', async () => {
    const { acks } = batcher();
    const budget = new WindowBudget(1000);
    const w = acks.open(1, 100, { max: 800, budget, grew: () => {} });
    w.spend(100);
    w.written(100);
    await turn();
    expect(w.window).toBe(200);
    w.spend(150);
    for (const bad of [201, 99, 149]) expect(() => w.shrinkTo(bad)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    w.shrinkTo(150);
    expect(w.window).toBe(150);
    expect(budget.used).toBe(50);
    expect(() => w.spend(1)).toThrow(expect.objectContaining({ code: 'FLOW_VIOLATION' }));
  });
});
