/**
 * The log of one socket: an append-only list of {@link LogEntry} with a hard cap, and one
 * `change` notification per animation frame however many lines arrived — the batching that
 * keeps the page smooth when a socket receives thousands of messages a second.
 */
import { FrameBatcher } from './frame-batcher.js';

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

/** One line of the log. Payload lines carry the bytes; event lines carry a kind and details. */
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
  /** Decoded text cache: encoding it was decoded with, and the shown text. */
  shown?: { encoding: string; text: string; hex: string };
}

/** Lines a store keeps; the oldest tenth goes when it fills. */
export const LOG_CAP = 250_000;

/** A socket's log. Listen for `change` (at most once per frame). */
export class LogStore extends EventTarget {
  /** The lines, oldest first. Replaced (not mutated) on clear and trim, appended otherwise. */
  entries: LogEntry[] = [];
  /** Lines dropped from the front because of the cap. */
  dropped = 0;
  #n = 0;
  #batcher = new FrameBatcher(() => this.dispatchEvent(new Event('change')));

  /** Adds a line and schedules the frame's change notification. */
  add(entry: Omit<LogEntry, 'n'>): LogEntry {
    const line = entry as LogEntry;
    line.n = ++this.#n;
    this.entries.push(line);
    if (this.entries.length > LOG_CAP) {
      const cut = Math.floor(LOG_CAP / 10);
      this.entries = this.entries.slice(cut);
      this.dropped += cut;
    }
    this.#batcher.schedule();
    return line;
  }

  /** Adds an event line. */
  event(kind: EventKind, fields: { peer?: string; code?: string; detail?: string } = {}): LogEntry {
    return this.add({ time: Date.now(), dir: 'event', peer: fields.peer ?? '', size: 0, event: kind, code: fields.code, detail: fields.detail });
  }

  /** Empties the log. */
  clear(): void {
    this.entries = [];
    this.dropped = 0;
    this.#batcher.schedule();
  }
}
