import { describe, expect, it } from 'vitest';
import { ChunkQueue } from '../../../shared/framing/chunk-queue.js';
import { fromHex } from './chunks.js';

describe('ChunkQueue', () => {
  it('takes, skips and peeks across chunk boundaries, tracking the stream offset', () => {
    const queue = new ChunkQueue();
    queue.push(fromHex('01 02'));
    queue.push(new Uint8Array(0));
    queue.push(fromHex('03'));
    queue.push(fromHex('04 05 06'));
    const head = new Uint8Array(4);
    queue.peekInto(head, 4);
    expect(head).toEqual(fromHex('01 02 03 04'));
    expect(queue.take(3)).toEqual(fromHex('01 02 03'));
    queue.skip(1);
    expect([queue.length, queue.offset]).toEqual([2, 4]);
    expect(queue.take(2)).toEqual(fromHex('05 06'));
    expect(() => queue.take(1)).toThrow(RangeError);
  });

  it('stays correct while compacting a long list of consumed chunks', () => {
    const queue = new ChunkQueue();
    for (let i = 0; i < 5000; i++) queue.push(Uint8Array.of(i & 0xff));
    const wrong: number[] = [];
    for (let i = 0; i < 4999; i++) if (queue.take(1)[0] !== (i & 0xff)) wrong.push(i);
    expect(wrong).toEqual([]);
    queue.push(Uint8Array.of(7));
    expect(queue.take(2)).toEqual(Uint8Array.of(4999 & 0xff, 7));
    expect(queue.offset).toBe(5001);
  });
});
