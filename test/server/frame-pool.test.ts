import { describe, expect, it } from 'vitest';
import { FramePool } from '../../server/frame-pool.js';

describe('FramePool', () => {
  it('serves frames in its range from reused buffers, others as plain new buffers', () => {
    const pool = new FramePool(1024, 100, 4);
    const small = pool.take(99);
    expect(pool.owns(small)).toBe(false);
    expect(pool.owns(Buffer.alloc(1024))).toBe(false); // same size, not ours
    const a = pool.take(500);
    expect(a.length).toBe(500);
    expect(pool.owns(a)).toBe(true);
    pool.give(a);
    const b = pool.take(1024);
    expect(b.buffer).toBe(a.buffer);
    expect(pool.owns(pool.take(1025))).toBe(false);
  });

  it('keeps at most maxFree buffers, and none after idleMs without a frame taken', async () => {
    const pool = new FramePool(1024, 100, 2, 50);
    const frames = [pool.take(200), pool.take(200), pool.take(200)];
    for (const f of frames) pool.give(f);
    expect(pool.idle).toBe(2);
    await new Promise((r) => setTimeout(r, 80));
    expect(pool.idle).toBe(0);
  });

  it('a pool in use keeps its buffers past idleMs', async () => {
    const pool = new FramePool(1024, 100, 2, 50);
    pool.give(pool.take(200));
    const busy = setInterval(() => pool.give(pool.take(200)), 10);
    await new Promise((r) => setTimeout(r, 130));
    clearInterval(busy);
    expect(pool.idle).toBe(1);
  });
});
