/**
 * Lost work (issue 12, defect 6): the workspace's sockets — their kind and settings, so each can be
 * opened again — and their logs, kept in IndexedDB across reloads. Bounded: at most
 * {@link MAX_LINES} lines per socket and {@link MAX_BYTES} payload bytes in all, the oldest lines
 * dropped first and counted (`dropped`), so the page can say what it did not keep.
 * `boundWork` is pure (tested in Node); the IndexedDB calls only run in a browser.
 */
import type { LogEntry, LogStore } from './log-store.js';

/** Lines kept per socket. */
export const MAX_LINES = 2000;
/** Payload bytes kept over all sockets. */
export const MAX_BYTES = 2 << 20;

/** One socket as saved: enough to open it again, and its log. */
export interface SavedSocket {
  kind: 'tcp' | 'server' | 'udp' | 'relay';
  title: string;
  /** The options it was opened with (TcpClientOptions, TcpServerOptions, UdpOptions or RelayOptions). */
  options: unknown;
  lines: Omit<LogEntry, 'n'>[];
  /** Older lines not kept (the socket's own log cap, plus this module's bounds). */
  dropped: number;
}

/**
 * The newest lines of `log` as plain objects to save (payloads copied): at most MAX_LINES and
 * MAX_BYTES of payload, walking back from the newest, so a busy log costs only what is kept.
 */
export function logLines(log: LogStore): { lines: Omit<LogEntry, 'n'>[]; dropped: number } {
  const lines: Omit<LogEntry, 'n'>[] = [];
  let bytes = 0;
  let n = log.lastN;
  for (; n >= log.firstN && lines.length < MAX_LINES; n--) {
    const size = log.dirOf(n) === 'event' ? 0 : log.bytesOf(n).byteLength;
    if (bytes + size > MAX_BYTES) break;
    bytes += size;
    const { n: _, ...e } = log.entry(n);
    if (e.bytes) e.bytes = e.bytes.slice();
    lines.push(e);
  }
  return { lines: lines.reverse(), dropped: log.dropped + (n - log.firstN + 1) };
}

/** Caps every socket to MAX_LINES and all of them to `maxBytes`, dropping the oldest lines (of the socket holding the oldest). */
export function boundWork(sockets: SavedSocket[], maxBytes = MAX_BYTES, maxLines = MAX_LINES): SavedSocket[] {
  const out = sockets.map((s) => {
    const cut = Math.max(0, s.lines.length - maxLines);
    return { ...s, lines: s.lines.slice(cut), dropped: s.dropped + cut };
  });
  let total = out.reduce((sum, s) => sum + s.lines.reduce((n, l) => n + (l.bytes?.byteLength ?? 0), 0), 0);
  while (total > maxBytes) {
    // The oldest line of all goes first.
    let oldest: SavedSocket | undefined;
    for (const s of out) if (s.lines.length && (!oldest || s.lines[0]!.time < oldest.lines[0]!.time)) oldest = s;
    if (!oldest) break;
    total -= oldest.lines.shift()!.bytes?.byteLength ?? 0;
    oldest.dropped++;
  }
  return out;
}

const DB = 'sockgate';
const STORE = 'work';
const KEY = 'workspace';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = body(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/** Saves the workspace (bounded first). */
export async function saveWork(sockets: SavedSocket[]): Promise<void> {
  await run('readwrite', (s) => s.put(boundWork(sockets), KEY));
}

/** The workspace saved last time ([] when none, or IndexedDB is unavailable). */
export async function loadWork(): Promise<SavedSocket[]> {
  try {
    const got = await run<SavedSocket[] | undefined>('readonly', (s) => s.get(KEY) as IDBRequest<SavedSocket[] | undefined>);
    return Array.isArray(got) ? got : [];
  } catch {
    return [];
  }
}
