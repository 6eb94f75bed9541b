/**
 * A socket's raw traffic for files and capture exports: every read the gateway delivered and every
 * write the page made, with time and direction, and the ends of a TCP stream. Bounded: at most
 * {@link CAPTURE_CAP_BYTES} of payload per socket; past it the oldest records go first and are
 * counted, so sequence numbers in an export still line up with the real stream. It keeps its own
 * records (not the log's lines), so what the log shows — filtered, cleared, decoded — never
 * changes what is saved.
 */
import type { CaptureDir, CaptureRecord, Endpoint } from '../../../shared/capture/capture-flow.js';
import type { EventKind } from './log-store.js';

/** Payload bytes a socket's capture keeps (both directions together). */
export const CAPTURE_CAP_BYTES = 64 * 1024 * 1024;

/** `address:port` (IPv6 in brackets) → its parts; undefined when there is no port. */
export function splitHostPort(text: string): Endpoint | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]*):(\d+)$/.exec(text);
  return m ? { address: m[1]!, port: Number(m[2]) } : undefined;
}

/** The traffic of one socket. */
export class TrafficCapture {
  /** Records kept, oldest first. */
  records: CaptureRecord[] = [];
  /** Payload bytes of the kept records. */
  keptBytes = 0;
  /** Bytes ever seen per direction (kept or not). */
  readonly total = { in: 0, out: 0 };
  /** Bytes dropped from the front per direction because of the cap. */
  readonly skipped = { in: 0, out: 0 };
  /** When the socket closed, once it has. */
  closedAt: number | undefined;
  readonly #cap: number;

  constructor(cap = CAPTURE_CAP_BYTES) {
    this.#cap = cap;
  }

  /** A read (`in`, with the gateway's seq and time when it has them) or a write (`out`). */
  data(dir: CaptureDir, bytes: Uint8Array, time: number, seq: number | undefined, peer: string): void {
    const endpoint = splitHostPort(peer);
    this.records.push({
      dir,
      kind: 'data',
      time,
      timeSource: dir === 'in' && seq !== undefined ? 'gateway' : 'page',
      bytes,
      ...(seq !== undefined ? { seq } : {}),
      ...(endpoint ? { peer: endpoint } : {}),
    });
    this.total[dir] += bytes.length;
    this.keptBytes += bytes.length;
    if (this.keptBytes > this.#cap) this.#trim();
  }

  /** Follows the session's event lines: FIN each way, a reset, the close. */
  event(kind: EventKind, code?: string): void {
    const time = Date.now();
    if (kind === 'peer-closed') this.records.push({ dir: 'in', kind: 'fin', time, timeSource: 'page' });
    else if (kind === 'half-closed') this.records.push({ dir: 'out', kind: 'fin', time, timeSource: 'page' });
    else if ((kind === 'closed' || kind === 'kicked') && this.closedAt === undefined) {
      if (code === 'RESET') this.records.push({ dir: 'in', kind: 'rst', time, timeSource: 'page' });
      this.closedAt = time;
    }
  }

  /** The received bytes kept, in order (what "save as .bin" writes). */
  received(): Uint8Array[] {
    return this.records.filter((r) => r.dir === 'in' && r.bytes).map((r) => r.bytes!);
  }

  /** Received bytes kept (the first `skipped.in` were dropped). */
  get receivedKept(): number {
    return this.total.in - this.skipped.in;
  }

  // Drop a tenth below the cap at once, so a full capture does not shift its array on every read.
  #trim(): void {
    const goal = this.#cap * 0.9;
    let cut = 0;
    while (this.keptBytes > goal && cut < this.records.length) {
      const r = this.records[cut++]!;
      const n = r.bytes?.length ?? 0;
      this.keptBytes -= n;
      this.skipped[r.dir] += n;
    }
    this.records = this.records.slice(cut);
  }
}
