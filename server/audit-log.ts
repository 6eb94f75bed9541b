import fs from 'node:fs';

/** How audit lines are written: `text` (time, event, key=value) or `jsonl` (one JSON object a line). */
export type AuditFormat = 'text' | 'jsonl';

/** The fields of one audit event. */
export type AuditFields = Record<string, string | number | undefined>;

/**
 * One line per open, accept, close, denial and refused upgrade: time, event, then
 * key=value fields (values with spaces quoted), or the same as a JSON object per line.
 * Request URLs are never logged, so the token cannot leak into logs. Taps (metrics, the admin
 * view) see every event, written or not.
 */
export class AuditLog {
  private readonly taps: ((event: string, fields: AuditFields) => void)[] = [];

  constructor(
    private readonly sink: ((line: string) => void) | null,
    private readonly format: AuditFormat = 'text',
  ) {}

  /** Calls `tap` with every event from now on (before it is formatted). */
  tap(fn: (event: string, fields: AuditFields) => void): void {
    this.taps.push(fn);
  }

  readonly write = (event: string, fields: AuditFields): void => {
    for (const tap of this.taps) tap(event, fields);
    if (!this.sink) return;
    const time = new Date().toISOString();
    if (this.format === 'jsonl') {
      const obj: Record<string, string | number> = { time, event };
      for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '' && k !== 'time' && k !== 'event') obj[k] = v;
      return this.sink(JSON.stringify(obj));
    }
    const parts = [time, event];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined || v === '') continue;
      const s = String(v);
      parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
    }
    this.sink(parts.join(' '));
  };
}

/**
 * A sink appending lines to `path` (`--audit-log FILE`): synchronous writes of whole lines, so
 * nothing queues in memory and a line is on disk before the event's effects are seen. Audit
 * events are per open/close/denial, never per byte, so the cost stays small.
 */
export function fileSink(path: string): { sink: (line: string) => void; close: () => void } {
  const fd = fs.openSync(path, 'a', 0o600);
  let closed = false;
  return {
    sink: (line) => {
      if (closed) return;
      try {
        fs.writeSync(fd, line + '\n');
      } catch {
        // disk full or gone: the gateway keeps serving; the line is lost
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      fs.closeSync(fd);
    },
  };
}
