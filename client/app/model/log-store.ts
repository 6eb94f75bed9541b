/**
 * The log of one socket, stored column by column so a socket can log tens of thousands of reads
 * a second without an object per line: lines live in blocks of {@link BLOCK_LINES} rows, each
 * block a set of typed arrays (time, direction, size, read counter, peer id, where the payload
 * sits) plus its own byte arena (pages the payloads are copied into, back to back). Dropping the
 * oldest lines drops whole blocks; nothing is copied. Event lines (connect, close, error…) are
 * rare and keep their words in a small map beside the columns. One `change` notification per
 * animation frame however many lines arrived.
 *
 * API (lines are addressed by their number `n`, which never changes and counts on after a clear):
 * - `append(dir, time, peer, bytes, seq?)` → n: the hot path; copies `bytes` into the arena.
 * - `event(kind, {peer, code, detail})` → LogEntry; `clear()`.
 * - `length`, `firstN`, `lastN`, `dropped`, `version` (bumps on every change).
 * - Per line: `timeOf(n)`, `dirOf(n)`, `peerOf(n)`, `sizeOf(n)`, `seqOf(n)`, `bytesOf(n)` (a view
 *   into the arena, valid until the line is dropped), `eventOf(n)`, `has(n)`.
 * - Compatible adapters (allocate; for tests, saving and the rare reader): `add(entry)` → the
 *   entry with its `n` (the object is not kept), `entry(n)` → a LogEntry, `entries` → every kept
 *   line as LogEntry objects (a new array after every change).
 */
import { FrameBatcher } from './frame-batcher.js';
import { BLOCK_LINES, Block } from './log-block.js';

export { BLOCK_LINES } from './log-block.js';

/** Which way a line went: received, sent, or a socket event (connect, close, error…). */
export type Direction = 'in' | 'out' | 'event';

/** Socket events the log shows inline. */
export type EventKind =
  | 'connecting'
  | 'connected'
  | 'listening'
  | 'bound'
  | 'accepted'
  | 'peer-closed'
  | 'half-closed'
  | 'closed'
  | 'kicked'
  | 'error'
  | 'joined'
  | 'left'
  | 'info';

/** One line of the log as an object (the adapters' shape; the store itself keeps columns). */
export interface LogEntry {
  /** Increasing per store, from 1. */
  n: number;
  /** ms since the epoch: the gateway's read time for received data, the page's clock otherwise. */
  time: number;
  dir: Direction;
  /** `address:port` of the other side, when known. */
  peer: string;
  /** The payload (in/out lines). */
  bytes?: Uint8Array;
  /** Payload length (or 0 for events). */
  size: number;
  /** The gateway's per-socket read counter (received TCP chunks and UDP datagrams). */
  seq?: number;
  event?: EventKind;
  /** Error or close code, shown next to the event. */
  code?: string;
  /** Extra words for the event line (addresses, the gateway's message…). */
  detail?: string;
}

/** The words of an event line. */
export interface LogEvent {
  event: EventKind;
  code?: string;
  detail?: string;
}

/** Lines a store keeps; the oldest tenth goes when it fills. */
export const LOG_CAP = 250_000;
/** Payload bytes a store keeps; past it the oldest lines go until a tenth of it is free. */
export const LOG_BYTES_CAP = 64 * 1024 * 1024;

const DIRS: readonly Direction[] = ['in', 'out', 'event'];
const DIR_CODE = { in: 0, out: 1, event: 2 } as const;
const NO_SEQ = 0xffffffff;
const EMPTY = new Uint8Array(0);
/** Sent lines an older read may move past (see `#placeAfterSends`). */
const MAX_REORDER = 64;
/** Moved sent lines whose first number is remembered for `markFailed`. */
const MAX_MOVED = 1024;

/** A socket's log. Listen for `change` (at most once per frame). */
export class LogStore extends EventTarget {
  /** Lines dropped from the front because of the caps. */
  dropped = 0;
  /** Bumps on every change (append, clear, trim): views compare it to know whether to redraw. */
  version = 0;
  /** Told of every line once it is stored (the decoded view of received framing listens here). */
  tap: ((n: number) => void) | undefined;
  /** Row index (from 0, never reused) of the oldest kept line and one past the newest. */
  #start = 0;
  #end = 0;
  #blocks: Block[] = [];
  /** Block number of `#blocks[0]`. */
  #block0 = 0;
  #bytes = 0;
  /** Rows of the event lines since the last data line (a few), whose times a read may pull back. */
  #eventRows: number[] = [];
  #peers: string[] = [];
  #peerIds = new Map<string, number>();
  #lastPeer = '';
  #lastPeerId = -1;
  #events = new Map<number, LogEvent>();
  /** Sent lines the gateway reported as not sent, with the reason (a denied datagram…). */
  #failed = new Map<number, string>();
  /** Where a sent line went when older reads were placed before it: number given → number now. */
  #movedTo = new Map<number, number>();
  /** The reverse: number now → number given (only for lines that moved). */
  #givenAt = new Map<number, number>();
  #entries: { version: number; list: LogEntry[] } | undefined;
  #batcher = new FrameBatcher(() => this.dispatchEvent(new Event('change')));

  /** Lines kept. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Number of the oldest kept line (equals `lastN + 1` when empty). */
  get firstN(): number {
    return this.#start + 1;
  }

  /** Number of the newest line (0 before the first). */
  get lastN(): number {
    return this.#end;
  }

  /** Payload bytes kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends a data line without allocating an object; returns its number. `size` (≥ bytes) when only a prefix was copied. */
  append(dir: 'in' | 'out', time: number, peer: string, bytes: Uint8Array, seq?: number, size?: number): number {
    const n = this.#push(DIR_CODE[dir], time, peer, bytes, seq, size);
    this.tap?.(n);
    return n;
  }

  /** Adds a line (compatible adapter: the object is numbered and returned, not kept). */
  add(entry: Omit<LogEntry, 'n'>): LogEntry {
    const line = entry as LogEntry;
    if (entry.dir === 'event') {
      line.n = this.#push(2, entry.time, entry.peer, EMPTY, undefined);
      this.#events.set(line.n, { event: entry.event ?? 'info', code: entry.code, detail: entry.detail });
    } else {
      line.n = this.#push(DIR_CODE[entry.dir], entry.time, entry.peer, entry.bytes ?? EMPTY, entry.seq);
    }
    this.tap?.(line.n);
    return line;
  }

  /** Adds an event line. */
  event(kind: EventKind, fields: { peer?: string; code?: string; detail?: string } = {}): LogEntry {
    return this.add({ time: Date.now(), dir: 'event', peer: fields.peer ?? '', size: 0, event: kind, code: fields.code, detail: fields.detail });
  }

  /** Marks sent line `n` (the number `append` returned, even if the line has moved since) as not sent after all, with `reason` (it stays, shown as failed). */
  markFailed(given: number, reason: string): void {
    const n = this.#movedTo.get(given) ?? given;
    if (!this.has(n) || this.dirOf(n) !== 'out') return;
    this.#failed.set(n, reason);
    this.#changed();
  }

  /** Why sent line `n` failed, or undefined when it did not. */
  failedOf(n: number): string | undefined {
    return this.#failed.size ? this.#failed.get(n) : undefined;
  }

  /** Empties the log (numbering goes on). */
  clear(): void {
    this.#start = this.#end;
    this.#blocks = [];
    this.#bytes = 0;
    this.#events.clear();
    this.#failed.clear();
    this.#movedTo.clear();
    this.#givenAt.clear();
    this.#eventRows.length = 0;
    this.dropped = 0;
    this.#changed();
  }

  /** True while line `n` is kept. */
  has(n: number): boolean {
    return n > this.#start && n <= this.#end;
  }

  /** ms since the epoch of line `n`. */
  timeOf(n: number): number {
    const [b, r] = this.#at(n);
    return b.time[r]!;
  }

  /** Direction of line `n`. */
  dirOf(n: number): Direction {
    const [b, r] = this.#at(n);
    return DIRS[b.dir[r]!]!;
  }

  /** Peer of line `n` (`''` when none). */
  peerOf(n: number): string {
    const [b, r] = this.#at(n);
    return this.#peers[b.peer[r]!]!;
  }

  /** Payload length of line `n`. */
  sizeOf(n: number): number {
    const [b, r] = this.#at(n);
    return b.size[r]!;
  }

  /** The gateway's read counter of line `n`, if it had one. */
  seqOf(n: number): number | undefined {
    const [b, r] = this.#at(n);
    const s = b.seq[r]!;
    return s === NO_SEQ ? undefined : s;
  }

  /** Payload of line `n`: a view into the arena (copy it to keep it past a trim or clear). */
  bytesOf(n: number): Uint8Array {
    const [b, r] = this.#at(n);
    const size = b.kept[r]!;
    if (size === 0) return EMPTY;
    return b.pages[b.page[r]!]!.subarray(b.offset[r]!, b.offset[r]! + size);
  }

  /** The words of event line `n` (undefined for data lines). */
  eventOf(n: number): LogEvent | undefined {
    return this.#events.get(n);
  }

  /** Line `n` as an object (allocates). */
  entry(n: number): LogEntry {
    const dir = this.dirOf(n);
    const base = { n, time: this.timeOf(n), dir, peer: this.peerOf(n), size: this.sizeOf(n) };
    if (dir === 'event') return { ...base, ...this.#events.get(n)! };
    const seq = this.seqOf(n);
    return { ...base, bytes: this.bytesOf(n), ...(seq !== undefined ? { seq } : {}) };
  }

  /** Every kept line as objects, oldest first (compatible adapter; a new array after each change). */
  get entries(): LogEntry[] {
    if (this.#entries?.version !== this.version) {
      const list: LogEntry[] = [];
      for (let n = this.firstN; n <= this.lastN; n++) list.push(this.entry(n));
      this.#entries = { version: this.version, list };
    }
    return this.#entries.list;
  }

  #at(n: number): [Block, number] {
    if (!this.has(n)) throw new RangeError(`log line ${n} is not kept (lines ${this.firstN}…${this.lastN})`);
    const row = n - 1;
    return [this.#blocks[Math.floor(row / BLOCK_LINES) - this.#block0]!, row % BLOCK_LINES];
  }

  #peerId(peer: string): number {
    if (peer === this.#lastPeer && this.#lastPeerId >= 0) return this.#lastPeerId;
    let id = this.#peerIds.get(peer);
    if (id === undefined) {
      id = this.#peers.push(peer) - 1;
      this.#peerIds.set(peer, id);
    }
    this.#lastPeer = peer;
    this.#lastPeerId = id;
    return id;
  }

  #push(dir: number, time: number, peer: string, bytes: Uint8Array, seq: number | undefined, size?: number): number {
    const end = this.#end;
    const blockNo = Math.floor(end / BLOCK_LINES);
    if (this.#blocks.length === 0) this.#block0 = blockNo;
    let block = this.#blocks[blockNo - this.#block0];
    if (!block) {
      block = new Block();
      this.#blocks.push(block);
    }
    const row = dir === 2 ? end : this.#placeAfterSends(block, end, time);
    const r = row % BLOCK_LINES;
    block.time[r] = time;
    this.#orderTimes(dir, row, time);
    block.dir[r] = dir;
    block.size[r] = Math.max(size ?? 0, bytes.byteLength);
    block.kept[r] = bytes.byteLength;
    block.seq[r] = seq ?? NO_SEQ;
    block.peer[r] = this.#peerId(peer);
    if (bytes.byteLength > 0) {
      const [page, offset] = block.store(bytes);
      block.page[r] = page;
      block.offset[r] = offset;
      this.#bytes += bytes.byteLength;
    }
    this.#end++;
    if (this.length > LOG_CAP) this.#dropTo(this.#start + Math.floor(LOG_CAP / 10));
    else if (this.#bytes > LOG_BYTES_CAP) this.#dropBytes();
    this.#changed();
    return row + 1;
  }

  /**
   * Sent lines carry the page's clock, reads the gateway's time of the read, which reaches the
   * page a little later: a read that happened before a send can arrive after the send was logged
   * (issue 16). Such a read goes before those sent lines, so the log reads in the order things
   * happened and every line keeps its own time. Only trailing sent lines of the same block move
   * (at most {@link MAX_REORDER}; never past an event or another read), each one row down; the
   * number `append` gave a moved line still finds it in {@link markFailed}. Returns the row for
   * the new line.
   */
  #placeAfterSends(block: Block, end: number, time: number): number {
    const first = Math.max(this.#start, end - (end % BLOCK_LINES), end - MAX_REORDER);
    let row = end;
    while (row > first && block.dir[(row - 1) % BLOCK_LINES] === DIR_CODE.out && block.time[(row - 1) % BLOCK_LINES]! > time) row--;
    for (let from = end - 1; from >= row; from--) this.#moveDown(block, from);
    return row;
  }

  /** Moves row `from` of `block` one row down (its payload stays where it is in the arena). */
  #moveDown(block: Block, from: number): void {
    block.moveDown(from % BLOCK_LINES);
    const now = from + 1;
    const given = this.#givenAt.get(now) ?? now;
    this.#givenAt.delete(now);
    this.#givenAt.set(now + 1, given);
    this.#movedTo.set(given, now + 1);
    const failed = this.#failed.get(now);
    if (failed !== undefined) {
      this.#failed.delete(now);
      this.#failed.set(now + 1, failed);
    }
    // Only recent lines move; forget the oldest moves so the maps stay small.
    for (const map of [this.#movedTo, this.#givenAt]) {
      if (map.size > MAX_MOVED) map.delete(map.keys().next().value!);
    }
  }

  /**
   * Reads carry the gateway's time, events the page's, which learns of "Connected" a little after
   * the gateway did: a read logged after an event must not look older than it (issue 12, defect
   * 10). The event happened no later than the read, so its time moves back to the read's (but not
   * before the line above it); the read keeps its own time, so the gaps between reads stay exact
   * whatever the clocks say.
   */
  #orderTimes(dir: number, row: number, time: number): void {
    if (dir === 2) {
      if (this.#eventRows.length < 16) this.#eventRows.push(row);
      return;
    }
    for (const e of this.#eventRows) {
      const b = this.#blocks[Math.floor(e / BLOCK_LINES) - this.#block0];
      if (!b || b.time[e % BLOCK_LINES]! <= time) continue;
      const above = e > this.#start ? this.timeOf(e) : -Infinity;
      b.time[e % BLOCK_LINES] = Math.max(time, above);
    }
    this.#eventRows.length = 0;
  }

  /** Drops the oldest lines until a tenth of the byte budget is free (the newest line stays). */
  #dropBytes(): void {
    let start = this.#start;
    let bytes = this.#bytes;
    while (bytes > LOG_BYTES_CAP * 0.9 && start < this.#end - 1) {
      const b = this.#blocks[Math.floor(start / BLOCK_LINES) - this.#block0]!;
      bytes -= b.kept[start % BLOCK_LINES]!;
      start++;
    }
    this.#dropTo(start);
  }

  /** Drops lines before row `start`, and every block wholly before it. */
  #dropTo(start: number): void {
    for (let row = this.#start; row < start; row++) {
      const b = this.#blocks[Math.floor(row / BLOCK_LINES) - this.#block0]!;
      const r = row % BLOCK_LINES;
      this.#bytes -= b.kept[r]!;
      if (b.dir[r] === 2) this.#events.delete(row + 1);
      else if (this.#failed.size) this.#failed.delete(row + 1);
    }
    this.dropped += start - this.#start;
    this.#start = start;
    const firstKept = Math.floor(start / BLOCK_LINES);
    if (firstKept > this.#block0) {
      this.#blocks.splice(0, firstKept - this.#block0);
      this.#block0 = firstKept;
    }
  }

  #changed(): void {
    this.version++;
    this.#batcher.schedule();
  }
}
