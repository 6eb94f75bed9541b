import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher } from '../../../client/app/model/frame-batcher.js';

afterEach(() => vi.useRealTimers());

describe('frame-batcher', () => {
  it('in Node (no requestAnimationFrame, no document) coalesces calls into one run 50 ms later', () => {
    expect(typeof requestAnimationFrame).toBe('undefined');
    vi.useFakeTimers();
    let runs = 0;
    const b = new FrameBatcher(() => runs++);
    b.schedule();
    b.schedule();
    b.schedule();
    vi.advanceTimersByTime(49);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(500);
    expect(runs).toBe(1);
  });

  it('schedules again after a run, and a schedule from inside the callback gets its own run', () => {
    vi.useFakeTimers();
    let runs = 0;
    const b: FrameBatcher = new FrameBatcher(() => {
      runs++;
      if (runs === 1) b.schedule();
    });
    b.schedule();
    vi.advanceTimersByTime(50);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(50);
    expect(runs).toBe(2);
    vi.advanceTimersByTime(200);
    expect(runs).toBe(2);
    b.schedule();
    vi.advanceTimersByTime(50);
    expect(runs).toBe(3);
  });

  it('settles with real timers too (as model tests rely on)', async () => {
    let runs = 0;
    const b = new FrameBatcher(() => runs++);
    for (let i = 0; i < 100; i++) b.schedule();
    await new Promise((r) => setTimeout(r, 120));
    expect(runs).toBe(1);
  });
});
