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

describe('log-store time order (issue 16: sent lines carry the page clock, reads the gateway time)', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const text = (log: LogStore, n: number) => new TextDecoder().decode(log.bytesOf(n));

  it('a read that happened before a send but arrived after it goes above the send, byte-exact, times kept', () => {
    const log = new LogStore();
    log.append('in', 100, 'p', bytes('r1'), 1);
    const s1 = log.append('out', 105, 'p', bytes('s1'));
    const s2 = log.append('out', 106, 'p', bytes('s2'));
    expect([s1, s2]).toEqual([2, 3]);
    // The gateway read r2 at 103 and r3 at 105.5: before s1 and before s2.
    expect(log.append('in', 103, 'p', bytes('r2'), 2)).toBe(2);
    expect(log.append('in', 105.5, 'p', bytes('r3'), 3)).toBe(4);
    const rows = [1, 2, 3, 4, 5].map((n) => [log.dirOf(n), log.timeOf(n), text(log, n), log.seqOf(n)]);
    expect(rows).toEqual([
      ['in', 100, 'r1', 1],
      ['in', 103, 'r2', 2],
      ['out', 105, 's1', undefined],
      ['in', 105.5, 'r3', 3],
      ['out', 106, 's2', undefined],
    ]);
    for (let n = 2; n <= 5; n++) expect(log.timeOf(n)).toBeGreaterThanOrEqual(log.timeOf(n - 1));
  });

  it('markFailed still finds a sent line that moved, and a failure moves with its line', () => {
    const log = new LogStore();
    const s1 = log.append('out', 10, 'p', bytes('s1'));
    const s2 = log.append('out', 11, 'p', bytes('s2'));
    log.markFailed(s1, 'denied s1');
    log.append('in', 5, 'p', bytes('r'), 1);
    log.append('in', 6, 'p', bytes('r'), 2);
    log.markFailed(s2, 'denied s2');
    expect([1, 2, 3, 4].map((n) => [text(log, n), log.failedOf(n)])).toEqual([
      ['r', undefined],
      ['r', undefined],
      ['s1', 'denied s1'],
      ['s2', 'denied s2'],
    ]);
  });

  it('never moves a read past an event or another read, and an event is not pulled above the line before it', () => {
    const log = new LogStore();
    log.append('out', 10, 'p', bytes('s'));
    log.add({ time: 20, dir: 'event', peer: 'p', size: 0, event: 'connected' });
    log.append('in', 5, 'p', bytes('r'), 1);
    expect([1, 2, 3].map((n) => log.dirOf(n))).toEqual(['out', 'event', 'in']);
    // The event happened no later than the read, but not before the send above it.
    expect(log.timeOf(2)).toBe(10);
    log.append('in', 4, 'p', bytes('r2'), 2);
    expect(log.dirOf(4)).toBe('in');
  });

  it('moves lines only within a block and at most 64 back', () => {
    const log = new LogStore();
    for (let i = 0; i < 100; i++) log.append('out', 1000 + i, 'p', bytes('s'));
    log.append('in', 1, 'p', bytes('r'), 1);
    expect(log.dirOf(101 - 64)).toBe('in');
    const across = new LogStore();
    for (let i = 0; i < BLOCK_LINES; i++) across.append('out', 1000, 'p', bytes('s'));
    across.append('in', 1, 'p', bytes('r'), 1);
    expect(across.dirOf(BLOCK_LINES + 1)).toBe('in');
    expect(text(across, BLOCK_LINES + 1)).toBe('r');
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
