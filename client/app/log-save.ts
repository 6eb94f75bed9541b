/**
 * Saving a socket's log as a file: the lines shown (all, or the filtered ones) as tab-separated
 * text or as JSON, each payload decoded in full with the log's chosen encoding.
 */
import type { TextEncodingName } from '../../shared/encoding/index.js';
import { formatHex } from '../../shared/encoding/index.js';
import { clockMs, shownText } from './format.js';
import type { LogStore } from './model/log-store.js';

/** The body of a saved log: lines `numbers` of `store`, as text or JSON. */
export function logFileBody(store: LogStore, numbers: Iterable<number>, kind: 'text' | 'json', encoding: TextEncodingName): string {
  if (kind === 'json') {
    const lines: unknown[] = [];
    for (const n of numbers) {
      const e = store.entry(n);
      lines.push({
        time: new Date(e.time).toISOString(),
        dir: e.dir,
        peer: e.peer,
        bytes: e.size,
        ...(e.seq !== undefined ? { seq: e.seq } : {}),
        ...(e.event ? { event: e.event, code: e.code, detail: e.detail } : {}),
        ...(e.bytes ? { text: shownText(e.bytes, encoding, Infinity), hex: formatHex(e.bytes) } : {}),
      });
    }
    return JSON.stringify(lines, null, 1);
  }
  const out: string[] = [];
  for (const n of numbers) {
    const e = store.entry(n);
    out.push(
      e.event
        ? `${clockMs(e.time)}\t*\t${e.peer}\t\t${e.event}${e.code ? ' ' + e.code : ''}${e.detail ? ' ' + e.detail : ''}`
        : `${clockMs(e.time)}\t${e.dir === 'in' ? 'RX' : 'TX'}\t${e.peer}\t${e.size}\t${shownText(e.bytes!, encoding, Infinity)}\t${formatHex(e.bytes!)}`,
    );
  }
  return out.join('\n');
}

/** Offers `body` as a download named after the socket and the time. */
export function downloadLog(body: string, kind: 'text' | 'json', name: string): void {
  const blob = new Blob([body], { type: kind === 'json' ? 'application/json' : 'text/plain;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `sockgate-${name.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.${kind === 'json' ? 'json' : 'txt'}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
