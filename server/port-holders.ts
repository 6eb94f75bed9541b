/**
 * Who holds a TCP port when a bind fails with EADDRINUSE, from the kernel's own table
 * (/proc/net/tcp and tcp6): a listening socket, live connections, or only connections in
 * TIME_WAIT — which block a plain bind but not one with SO_REUSEADDR. So the page can say
 * "only TIME_WAIT holds the port" instead of blaming "another socket".
 */
import { readTcpTable, type TcpTableEntry } from './tcp-states.js';

/** What holds the port: a LISTEN socket, other live sockets, or only TIME_WAIT entries. */
export type PortHolder = 'LISTEN' | 'TIME_WAIT' | 'other';

/** The holders of `port` and a sentence listing them (at most 5 TIME_WAIT entries, each with its time left). */
export interface PortHolders {
  holder: PortHolder | undefined;
  timeWait: TcpTableEntry[];
  text: string;
}

const portOf = (key: string) => Number(key.slice(key.lastIndexOf(':') + 1));

/** Reads the kernel's TCP table for sockets bound to local `port`; undefined holder when none is seen (or no /proc). */
export async function portHolders(port: number): Promise<PortHolders> {
  const rows = ((await readTcpTable().catch(() => undefined)) ?? []).filter((r) => portOf(r.local) === port);
  const timeWait = rows.filter((r) => r.state === 'TIME_WAIT');
  if (rows.some((r) => r.state === 'LISTEN')) return { holder: 'LISTEN', timeWait, text: `another socket is listening on port ${port}` };
  if (rows.length > timeWait.length) return { holder: 'other', timeWait, text: `${rows.length - timeWait.length} live socket(s) use port ${port}` };
  if (timeWait.length === 0) return { holder: undefined, timeWait, text: '' };
  const list = timeWait
    .slice(0, 5)
    .map((r) => `${r.local} ↔ ${r.remote}${r.timerMs ? ` (${Math.ceil(r.timerMs / 1000)} s left)` : ''}`)
    .join(', ');
  return {
    holder: 'TIME_WAIT',
    timeWait,
    text: `no socket listens on port ${port}: only ${timeWait.length} connection(s) in TIME_WAIT hold it — ${list}${timeWait.length > 5 ? ', …' : ''}. A plain bind fails until they expire; SO_REUSEADDR lets a new listener bind now`,
  };
}
