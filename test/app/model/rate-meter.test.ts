import { afterEach, describe, expect, it, vi } from 'vitest';
import { RATE_SECONDS, RateMeter } from '../../../client/app/model/rate-meter.js';

afterEach(() => vi.useRealTimers());

/** Starts the clock at a whole second so each step lands in a known bucket. */
function clock(): (seconds: number) => void {
  vi.useFakeTimers({ toFake: ['Date'] });
  let t = 1_700_000_000_000;
  vi.setSystemTime(t);
  return (seconds) => {
    t += seconds * 1000;
    vi.setSystemTime(t);
  };
}

describe('rate-meter', () => {
  it('sums bytes per second, in and out apart, and leaves the running second out', () => {
    const tick = clock();
    const m = new RateMeter();
    m.addIn(100);
    m.addIn(50);
    m.addOut(7);
    expect(m.series().in.at(-1)).toBe(0); // the running second is partial
    tick(1);
    m.addIn(1);
    let s = m.series();
    expect(s.in.at(-1)).toBe(150);
    expect(s.out.at(-1)).toBe(7);
    tick(1);
    s = m.series();
    expect(s.in.slice(-2)).toEqual([150, 1]);
    expect(s.out.slice(-2)).toEqual([7, 0]);
  });

  it('gives the complete seconds oldest first, and forgets what is older than the window', () => {
    const tick = clock();
    const m = new RateMeter();
    for (let i = 1; i <= 5; i++) {
      m.addOut(i);
      tick(1);
    }
    const s = m.series();
    expect(s.out.length).toBe(RATE_SECONDS - 1);
    expect(s.out.slice(-5)).toEqual([1, 2, 3, 4, 5]);
    expect(s.out.slice(0, -5).every((v) => v === 0)).toBe(true);
    tick(RATE_SECONDS - 5);
    expect(m.series().out.slice(-5)).toEqual([0, 0, 0, 0, 0]);
    // Now 60 s after the first second: it fell out of the window, the next four are still in.
    expect(m.series().out.slice(0, 4)).toEqual([2, 3, 4, 5]);
    expect(m.series().out.reduce((a, b) => a + b, 0)).toBe(2 + 3 + 4 + 5);
    // A jump far past the window clears every bucket, and counting resumes cleanly.
    m.addIn(9);
    tick(10 * RATE_SECONDS);
    m.addIn(3);
    tick(1);
    const after = m.series();
    expect(after.in.reduce((a, b) => a + b, 0)).toBe(3);
    expect(after.in.at(-1)).toBe(3);
  });
});
