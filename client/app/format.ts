/** Small formatters the elements share: clock time with ms, byte sizes, rates, and addresses. */
import { decodeText, formatHex, type TextEncodingName } from '../../shared/encoding/index.js';

/** `14:03:07.123` in local time. */
export function clockMs(time: number): string {
  const d = new Date(time);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** `1.2 KB`, `34 B`, `5.6 MB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** `1.2 KB/s`. */
export function rate(n: number): string {
  return `${bytes(Math.round(n))}/s`;
}

/** Text of `data` for one log line: decoded, control characters shown as escapes, cut at `max` characters. */
export function shownText(data: Uint8Array, encoding: TextEncodingName, max = 4096): string {
  const text = decodeText(data.byteLength > max ? data.subarray(0, max) : data, encoding);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => CONTROL[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

/** Uppercase, space-separated hex of `data`, cut at `max` bytes. */
export function shownHex(data: Uint8Array, max = 1024): string {
  return formatHex(data.byteLength > max ? data.subarray(0, max) : data) + (data.byteLength > max ? ' …' : '');
}

const CONTROL: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** Seconds or minutes since `time`, short: `4 s`, `2 min`, `1 h`. */
export function ago(time: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}
