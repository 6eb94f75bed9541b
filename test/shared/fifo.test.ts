import { describe, expect, it } from 'vitest';
import { Fifo } from '../../shared/fifo.js';

describe('Fifo', () => {
  it('gives items back in order across compactions, with peek, length and clear', () => {
    const q = new Fifo<number>();
    expect([q.length, q.peek(), q.shift()]).toEqual([0, undefined, undefined]);
    const out: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head passes the compaction point many times.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 700; i++) q.push(next++);
      for (let i = 0; i < 500; i++) out.push(q.shift()!);
      expect(q.length).toBe(next - out.length);
      expect(q.peek()).toBe(out.length);
    }
    while (q.length > 0) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    q.push(1);
    q.clear();
    expect([q.length, q.shift()]).toEqual([0, undefined]);
  });

  it('drains a 20,000-entry queue (past V8’s large-object size) in order', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 20_000; i++) q.push(i);
    let sum = 0;
    while (q.length > 0) sum += q.shift()!;
    expect(sum).toBe((20_000 * 19_999) / 2);
  });
});
