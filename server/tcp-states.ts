import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ipaddr from 'ipaddr.js';

/** Kernel TCP states by their number in /proc/net/tcp (include/net/tcp_states.h). */
const STATES = [
  undefined,
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
] as const;
/** A kernel TCP state name, as `ss` and `netstat` print them. */
export type TcpState = Exclude<(typeof STATES)[number], undefined>;

/** `address:port` in canonical form: IPv4 dotted (also for IPv4-mapped IPv6), IPv6 compressed in brackets. */
export type EndpointKey = string;

/** One socket from /proc/net/tcp or /proc/net/tcp6. */
export interface TcpTableEntry {
  local: EndpointKey;
  remote: EndpointKey;
  state: TcpState;
  /** Bytes in the send queue (not yet acknowledged by the peer). */
  txQueue: number;
  /** Bytes in the receive queue (arrived, not yet read by the application). */
  rxQueue: number;
  /** Time left on the socket's timer in ms (the TIME_WAIT countdown, a retransmit…), when one runs. */
  timerMs?: number;
  /** The socket's inode (0 once no process holds it, e.g. TIME_WAIT); only with `withInodes`. */
  inode?: number;
}

/** The answer for one (local, remote) pair the page asked about. */
export interface TcpStateResult {
  local: EndpointKey;
  remote?: EndpointKey;
  /** The kernel's state of this side; null when the kernel has no such socket any more (CLOSED). */
  state: TcpState | null;
  rxQueue?: number;
  txQueue?: number;
  timerMs?: number;
  /** The other end, when it is a socket on this host (loopback): the same pair seen from its side. */
  peer?: Omit<TcpStateResult, 'peer'> | null;
  /** Set when the target policy denies this address: the kernel was not asked. */
  denied?: string;
}

/** Thrown for a malformed endpoint in a query. */
export class TcpStatesError extends Error {
  override name = 'TcpStatesError';
  readonly code = 'BAD_OPTION';
}

/** Canonical `address:port` for an address in any notation (IPv4-mapped IPv6 becomes IPv4). */
export function endpointKey(address: string, port: number): EndpointKey {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) throw new TcpStatesError(`"${address}" is not an IP address`);
  const ip = ipaddr.process(bare);
  return ip.kind() === 'ipv6' ? `[${ip.toString()}]:${port}` : `${ip.toString()}:${port}`;
}

/** Parses `1.2.3.4:80` or `[::1]:80` into its canonical key. */
export function parseEndpoint(text: string): EndpointKey {
  const m = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[3]) > 65535) throw new TcpStatesError(`"${text}" is not ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)`);
  return endpointKey(m[1] ?? m[2]!, Number(m[3]));
}

const littleEndian = os.endianness() === 'LE';

/** The kernel prints each 32-bit word of an address as a native-endian hex number. */
function hexAddress(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => parseInt(hex.slice(w + i, w + i + 2), 16));
    bytes.push(...(littleEndian ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join('.');
  return ipaddr.fromByteArray(bytes).toString();
}

/** Parses the text of /proc/net/tcp or /proc/net/tcp6 (with each socket's inode when asked). */
export function parseProcNetTcp(text: string, withInodes = false): TcpTableEntry[] {
  const out: TcpTableEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [local, remote, st, queues, timer] = [f[1]!, f[2]!, f[3]!, f[4]!, f[5]!];
    const state = STATES[parseInt(st, 16)];
    if (!state) continue;
    const endpoint = (s: string) => {
      const [addr, port] = s.split(':');
      return endpointKey(hexAddress(addr!), parseInt(port!, 16));
    };
    const [tx, rx] = queues.split(':').map((h) => parseInt(h, 16));
    const [timerKind, when] = timer.split(':').map((h) => parseInt(h, 16));
    out.push({
      local: endpoint(local),
      remote: endpoint(remote),
      state,
      txQueue: tx ?? 0,
      rxQueue: rx ?? 0,
      // The kernel reports timers in clock ticks (USER_HZ, 100 per second on Linux).
      ...(timerKind ? { timerMs: (when ?? 0) * 10 } : {}),
      ...(withInodes ? { inode: Number(f[9]) || 0 } : {}),
    });
  }
  return out;
}

/**
 * Every TCP socket of this host's network namespace, or undefined where the kernel does not
 * publish them (not Linux, or /proc not mounted). `procRoot` is for tests.
 */
export async function readTcpTable(procRoot = '/proc', withInodes = false): Promise<TcpTableEntry[] | undefined> {
  if (procRoot === '/proc' && process.platform !== 'linux') return undefined;
  const files = await Promise.allSettled(['tcp', 'tcp6'].map((f) => fs.readFile(path.join(procRoot, 'net', f), 'utf8')));
  const texts = files.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (texts.length === 0) return undefined;
  return texts.flatMap((t) => parseProcNetTcp(t, withInodes));
}

/** One socket the page asks about: a connection (local and remote) or a listener (local only). */
export interface TcpStateQuery {
  local: EndpointKey;
  remote?: EndpointKey;
}

const describe = (e: TcpTableEntry | undefined, q: TcpStateQuery): Omit<TcpStateResult, 'peer'> =>
  e
    ? { local: q.local, ...(q.remote && { remote: q.remote }), state: e.state, rxQueue: e.rxQueue, txQueue: e.txQueue, ...(e.timerMs !== undefined && { timerMs: e.timerMs }) }
    : { local: q.local, ...(q.remote && { remote: q.remote }), state: null };

/** Preference when one pair has several entries (a new connection reusing a TIME_WAIT pair). */
const rank = (e: TcpTableEntry) => (e.state === 'TIME_WAIT' ? 1 : 0);

/**
 * Looks the page's sockets up in the table. A connection is matched by its exact pair; its peer
 * is the reversed pair (present only when both ends live on this host). A listener (no remote)
 * is matched by its local address in state LISTEN.
 */
export function lookupTcpStates(table: TcpTableEntry[], queries: TcpStateQuery[]): TcpStateResult[] {
  const byPair = new Map<string, TcpTableEntry>();
  for (const e of table) {
    const key = e.state === 'LISTEN' ? `${e.local} LISTEN` : `${e.local} ${e.remote}`;
    const seen = byPair.get(key);
    if (!seen || rank(e) < rank(seen)) byPair.set(key, e);
  }
  return queries.map((q) => {
    if (!q.remote) return { ...describe(byPair.get(`${q.local} LISTEN`), q), peer: null };
    const peerQuery = { local: q.remote, remote: q.local };
    const peer = byPair.get(`${q.remote} ${q.local}`);
    return { ...describe(byPair.get(`${q.local} ${q.remote}`), q), peer: peer ? describe(peer, peerQuery) : null };
  });
}
