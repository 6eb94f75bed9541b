import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOG_CAP, LogStore } from '../../../client/app/model/log-store.js';

afterEach(() => vi.useRealTimers());

const line = (size = 1) => ({ time: 1, dir: 'in' as const, peer: '127.0.0.1:7', size, bytes: new Uint8Array(size) });

describe('log-store', () => {
  it('numbers lines from 1, keeps them in order, and adds event lines with their fields', () => {
    const log = new LogStore();
    expect(log.add(line()).n).toBe(1);
    expect(log.add(line(2)).n).toBe(2);
    const ev = log.event('closed', { peer: '127.0.0.1:9', code: 'RESET', detail: 'by peer' });
    expect(ev).toMatchObject({ n: 3, dir: 'event', event: 'closed', peer: '127.0.0.1:9', code: 'RESET', detail: 'by peer', size: 0 });
    expect(log.event('info').peer).toBe('');
    expect(log.entries.map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });

  it('sends one change event for many lines, then another for later lines or a clear', () => {
    vi.useFakeTimers();
    const log = new LogStore();
    let changes = 0;
    log.addEventListener('change', () => changes++);
    for (let i = 0; i < 1000; i++) log.add(line());
    expect(changes).toBe(0);
    vi.advanceTimersByTime(100);
    expect(changes).toBe(1);
    log.add(line());
    vi.advanceTimersByTime(100);
    expect(changes).toBe(2);
    const before = log.entries;
    log.clear();
    expect(log.entries).not.toBe(before);
    expect(log.entries).toEqual([]);
    expect(before).toHaveLength(1001);
    vi.advanceTimersByTime(100);
    expect(changes).toBe(3);
    // Numbering goes on after a clear.
    expect(log.add(line()).n).toBe(1002);
  });

  it('at the cap drops the oldest tenth, counts it, and replaces the array', () => {
    const log = new LogStore();
    for (let i = 0; i < LOG_CAP; i++) log.add(line());
    expect(log.entries).toHaveLength(LOG_CAP);
    expect(log.dropped).toBe(0);
    const full = log.entries;
    log.add(line());
    const cut = Math.floor(LOG_CAP / 10);
    expect(log.dropped).toBe(cut);
    expect(log.entries).not.toBe(full);
    expect(log.entries).toHaveLength(LOG_CAP + 1 - cut);
    expect(log.entries[0]!.n).toBe(cut + 1);
    expect(log.entries.at(-1)!.n).toBe(LOG_CAP + 1);
    log.clear();
    expect(log.dropped).toBe(0);
  });
});
