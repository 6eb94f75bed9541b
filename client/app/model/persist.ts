/**
 * What survives a reload, in localStorage: saved snippets, recent sends, last targets and the
 * composer's settings. Every read tolerates missing or damaged data (it just starts fresh).
 */
import type { PayloadSettings } from './composer-payload.js';

/** A saved composer message. */
export interface Snippet {
  name: string;
  text: string;
  settings: PayloadSettings;
}

/** A recent send. */
export interface HistoryItem {
  text: string;
  settings: PayloadSettings;
  at: number;
}

/** The last addresses used, per dialog field. */
export interface LastTargets {
  tcp: { host: string; port: number }[];
  serverAddress?: string;
  serverPort?: number;
  udpAddress?: string;
  udpPort?: number;
  udpSend: { host: string; port: number }[];
}

const PREFIX = 'sockgate.';

/** Reads a JSON value, or `fallback`. */
export function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    if (raw === null) return fallback;
    const value = JSON.parse(raw) as T;
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

/** Writes a JSON value (silently does nothing when storage is unavailable). */
export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // storage unavailable or full
  }
}

/** The remembered targets. */
export function lastTargets(): LastTargets {
  const t = load<Partial<LastTargets>>('targets', {});
  return { ...t, tcp: Array.isArray(t.tcp) ? t.tcp : [], udpSend: Array.isArray(t.udpSend) ? t.udpSend : [] };
}

/** Updates the remembered targets. */
export function rememberTargets(patch: Partial<LastTargets>): void {
  save('targets', { ...lastTargets(), ...patch });
}

/** Puts `item` first in a most-recent list of at most `max`, without duplicates. */
export function mostRecent<T>(list: readonly T[], item: T, max: number, same: (a: T, b: T) => boolean): T[] {
  return [item, ...list.filter((x) => !same(x, item))].slice(0, max);
}
