import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogFilter } from '../../../client/app/model/log-filter.js';
import { BLOCK_LINES, LOG_BYTES_CAP, LOG_CAP, LogStore } from '../../../client/app/model/log-store.js';

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

describe('log-store columns', () => {
  it('append keeps each payload byte-exact in the arena, with peer, seq and direction, across blocks', () => {
    const log = new LogStore();
    const count = BLOCK_LINES * 2 + 7;
    for (let i = 0; i < count; i++) log.append(i % 3 ? 'in' : 'out', 1000 + i, `10.0.0.${i % 5}:7`, new Uint8Array([i & 0xff, (i >> 8) & 0xff, 0x41]), i % 2 ? i : undefined);
    expect(log.length).toBe(count);
    for (const n of [1, BLOCK_LINES, BLOCK_LINES + 1, count]) {
      const i = n - 1;
      expect([...log.bytesOf(n)]).toEqual([i & 0xff, (i >> 8) & 0xff, 0x41]);
      expect(log.timeOf(n)).toBe(1000 + i);
      expect(log.peerOf(n)).toBe(`10.0.0.${i % 5}:7`);
      expect(log.dirOf(n)).toBe(i % 3 ? 'in' : 'out');
      expect(log.seqOf(n)).toBe(i % 2 ? i : undefined);
    }
    expect(() => log.bytesOf(count + 1)).toThrow(RangeError);
  });

  it('past the byte budget drops the oldest lines until a tenth is free, and counts them', () => {
    const log = new LogStore();
    const big = new Uint8Array(1024 * 1024).fill(7);
    for (let i = 0; i < 64; i++) log.append('in', i, 'p', big);
    expect(log.dropped).toBe(0);
    log.append('in', 64, 'p', big);
    expect(log.bytes).toBeLessThanOrEqual(LOG_BYTES_CAP * 0.9);
    expect(log.dropped).toBe(65 - log.length);
    expect(log.firstN).toBe(log.dropped + 1);
    expect(log.bytesOf(log.lastN).every((b) => b === 7)).toBe(true);
  });
});

describe('log-filter', () => {
  it('finds matches a slice at a time and drops those the store trims', () => {
    const log = new LogStore();
    for (let i = 0; i < 1000; i++) log.append('in', i, 'p', new TextEncoder().encode(i % 10 === 0 ? `match ${i}` : `other ${i}`));
    const f = new LogFilter(log, (s, n) => new TextDecoder().decode(s.bytesOf(n)).startsWith('match'));
    while (!f.scan(0)) {}
    expect(f.length).toBe(100);
    expect(f.at(0)).toBe(1);
    expect(f.at(99)).toBe(991);
    log.clear();
    log.append('in', 0, 'p', new TextEncoder().encode('match again'));
    expect(f.scan()).toBe(true);
    expect(f.length).toBe(1);
    expect(f.at(0)).toBe(1001);
  });
});
