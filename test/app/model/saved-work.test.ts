import { describe, expect, it } from 'vitest';
import { LogStore } from '../../../client/app/model/log-store.js';
import { boundWork, logLines, type SavedSocket } from '../../../client/app/model/saved-work.js';

const line = (time: number, size: number) => ({ time, dir: 'in' as const, peer: '', size, bytes: new Uint8Array(size) });
const socket = (times: number[], size: number): SavedSocket => ({ kind: 'tcp', title: 't', options: {}, lines: times.map((t) => line(t, size)), dropped: 0 });

describe('saved work bounds (defect 6)', () => {
  it('caps lines per socket and bytes over all sockets, oldest first, counting what it dropped', () => {
    const [a, b] = boundWork([socket([1, 3, 5, 7], 100), socket([2, 4, 6, 8], 100)], 500, 3);
    // 3 lines each after the line cap (1 and 2 dropped), then 600 B > 500: the oldest (3) goes.
    expect(a!.lines.map((l) => l.time)).toEqual([5, 7]);
    expect(b!.lines.map((l) => l.time)).toEqual([4, 6, 8]);
    expect([a!.dropped, b!.dropped]).toEqual([2, 1]);
  });

  it('takes a log with its payloads copied and its own drops counted', () => {
    const log = new LogStore();
    log.append('in', 1, 'p', new Uint8Array([1, 2]));
    log.event('closed', { detail: 'x' });
    const { lines, dropped } = logLines(log);
    expect(lines).toMatchObject([{ dir: 'in', size: 2, bytes: new Uint8Array([1, 2]) }, { dir: 'event', event: 'closed', detail: 'x' }]);
    expect(dropped).toBe(0);
    log.clear();
    expect(lines[0]!.bytes).toEqual(new Uint8Array([1, 2]));
  });
});
