/**
 * The decoded view of a socket's log (issue 12, defect 5) and the log's ordering rules (defect
 * 10), in Node: messages split across reads and peers, the bound on a partial message, a
 * corrupt length as one error line, datagrams decoded alone, events stamped no later than the
 * read after them, a sent line marked as not sent.
 */
import { describe, expect, test } from 'vitest';
import { LogStore } from '../../../client/app/model/log-store.js';
import { RECEIVE_MAX_FRAME, ReceivedFraming } from '../../../client/app/model/received-framing.js';

const be32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const frame = (text: string) => {
  const body = new TextEncoder().encode(text);
  return new Uint8Array([...be32(body.length), ...body]);
};
const texts = (store: LogStore) => store.entries.filter((e) => e.dir === 'in').map((e) => new TextDecoder().decode(e.bytes));

describe('ReceivedFraming', () => {
  test('each peer has its own decoder; a message split over reads is one line; events and sent lines are copied in order', () => {
    const raw = new LogStore();
    const f = new ReceivedFraming(raw, false);
    f.use('len-!I');
    const a = frame('from a');
    raw.event('accepted', { peer: 'A' });
    raw.append('in', 1, 'A', a.subarray(0, 3));
    raw.append('in', 2, 'B', frame('from b'));
    raw.append('out', 3, 'A', new Uint8Array([1]));
    raw.append('in', 4, 'A', a.subarray(3));
    expect(texts(f.lines)).toEqual(['from b', 'from a']);
    expect(f.lines.entries.map((e) => e.dir)).toEqual(['event', 'in', 'out', 'in']);
  });

  test('choosing the framing re-reads what arrived; none stops decoding', () => {
    const raw = new LogStore();
    const f = new ReceivedFraming(raw, false);
    raw.append('in', 1, 'P', new Uint8Array([...frame('one'), ...frame('two')]));
    expect(f.active).toBe(false);
    f.use('len-!I');
    expect(texts(f.lines)).toEqual(['one', 'two']);
    f.use('none');
    expect(f.active).toBe(false);
  });

  test('a length past the bound is one error line at once, then that peer shows its reads as they came', () => {
    const raw = new LogStore();
    const f = new ReceivedFraming(raw, false);
    f.use('len-!I');
    raw.append('in', 1, 'P', new Uint8Array([...be32(RECEIVE_MAX_FRAME + 1), 1, 2]));
    const error = f.lines.entries.find((e) => e.event === 'error');
    expect(error?.code).toBe('FRAME_TOO_LARGE');
    raw.append('in', 2, 'P', new TextEncoder().encode('raw'));
    expect(texts(f.lines)).toEqual(['raw']);
  });

  test('a peer that closes inside a message gets a TRUNCATED line; a datagram is decoded on its own', () => {
    const raw = new LogStore();
    const f = new ReceivedFraming(raw, false);
    f.use('delim-lf');
    raw.append('in', 1, 'P', new TextEncoder().encode('a\nhal'));
    raw.event('peer-closed', { peer: 'P' });
    expect(texts(f.lines)).toEqual(['a']);
    expect(f.lines.entries.map((e) => e.event ?? e.dir)).toEqual(['in', 'peer-closed', 'error']);
    expect(f.lines.entries.at(-1)?.code).toBe('TRUNCATED');

    const udp = new LogStore();
    const g = new ReceivedFraming(udp, true);
    g.use('delim-lf');
    udp.append('in', 1, 'Q', new TextEncoder().encode('x\ny'));
    udp.append('in', 2, 'Q', new TextEncoder().encode('z\n'));
    // The second datagram decodes although the first ended inside a message.
    expect(texts(g.lines)).toEqual(['x', 'z']);
    expect(g.lines.entries.filter((e) => e.code === 'TRUNCATED')).toHaveLength(1);
  });
});

describe('LogStore ordering and failed sends', () => {
  test('an event is stamped no later than the read logged after it; the read keeps its time', () => {
    const log = new LogStore();
    log.add({ time: 1000, dir: 'event', peer: '', size: 0, event: 'connected' });
    log.append('in', 990, 'P', new Uint8Array([1]));
    log.append('in', 995, 'P', new Uint8Array([2]));
    expect(log.entries.map((e) => e.time)).toEqual([990, 990, 995]);
  });

  test('a sent line can be marked as not sent, with its reason', () => {
    const log = new LogStore();
    const n = log.append('out', 1, 'P', new Uint8Array([1]));
    log.markFailed(n, 'denied');
    expect(log.failedOf(n)).toBe('denied');
    log.clear();
    expect(log.failedOf(n)).toBeUndefined();
  });
});
