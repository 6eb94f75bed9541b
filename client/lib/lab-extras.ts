/**
 * Sticky-packet lab extras (non-spec, sockgate only): the receiver knobs of a TCP socket
 * (`manualRecv`, `readDelayMs`, `readSize`), Python-style `recv(n)`, and the gateway's lab HTTP
 * calls (`/api/labs`, `/api/tcp-states`). Kept apart from TCPSocket so the Direct Sockets surface
 * stays the spec's; these reach the socket's gateway connection through the class it is bound to.
 */
import type { OkMsg } from '../../shared/protocol.js';
import type { GatewayConnection } from './gateway-connection.js';
import { ClientErrorCode, SocketError } from './socket-error.js';
import { kConnection, type TCPSocket } from './tcp-socket.js';
import type { LabServiceInfo } from '../../shared/lab-services.js';

/** How the gateway reads a TCP connection for the page (docs/PROTOCOL.md, "receive modes"). */
export interface ReceiveMode {
  /** The gateway stops reading on its own; the page pulls with {@link recv}. */
  manualRecv?: boolean;
  /** Read at most once per this many ms, taking everything waiting as one chunk; 0 = off. */
  readDelayMs?: number;
  /** The most bytes one delayed read takes (the `n` of a slow reader's `recv(n)`). */
  readSize?: number;
}

/** What one {@link recv} returned. */
export interface RecvResult {
  /** Bytes delivered (as one chunk on the socket's readable just before); 0 means the peer sent FIN. */
  bytes: number;
  /** Bytes the gateway already took from the kernel and holds for later recv()s. */
  buffered: number;
}

function connectionOf(socket: TCPSocket): GatewayConnection {
  const conn = (socket.constructor as unknown as { [kConnection]?: GatewayConnection })[kConnection];
  if (!conn) throw new TypeError('lab extras need a TCPSocket of SocketGateway.connect() (or one it accepted)');
  return conn;
}

/** Sets the receiver knobs of an open TCP socket (dialled or accepted). Resolves on the gateway's `ok`. */
export async function setReceiveMode(socket: TCPSocket, mode: ReceiveMode): Promise<void> {
  const fields: ReceiveMode = {};
  if (mode.manualRecv !== undefined) fields.manualRecv = Boolean(mode.manualRecv);
  if (mode.readDelayMs !== undefined) fields.readDelayMs = Math.max(0, Math.floor(mode.readDelayMs));
  if (mode.readSize !== undefined) fields.readSize = Math.max(1, Math.floor(mode.readSize));
  await connectionOf(socket).request({ t: 'set', id: socket.id, ...fields });
}

/**
 * Python's `sock.recv(max)` on a socket in manual mode: waits for at least one byte (or FIN), then
 * the gateway reads at most `max`. The bytes arrive on the socket's readable (and `onChunk`) as one
 * chunk before this resolves.
 */
export async function recv(socket: TCPSocket, max: number): Promise<RecvResult> {
  const ok = await connectionOf(socket).request<OkMsg>({ t: 'recv', id: socket.id, max: Math.max(0, Math.floor(max)) });
  return { bytes: ok.bytes ?? 0, buffered: ok.buffered ?? 0 };
}

export type { LabServiceInfo } from '../../shared/lab-services.js';

/** A socket to look up in the kernel's TCP table: a connection (local and remote) or a listener. */
export interface TcpStateQuery {
  /** `address:port` (IPv6 as `[address]:port`). */
  local: string;
  remote?: string;
}

/** The kernel's view of one queried socket (and of its peer when that is on the gateway's host). */
export interface TcpStateResult {
  local: string;
  remote?: string;
  /** ESTABLISHED, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LISTEN…; null once the kernel has forgotten it. */
  state: string | null;
  rxQueue?: number;
  txQueue?: number;
  /** Time left on the socket's timer (e.g. the TIME_WAIT countdown), ms. */
  timerMs?: number;
  peer?: Omit<TcpStateResult, 'peer'> | null;
}

/** `address:port` with IPv6 in brackets, as the TCP-state API expects. */
export function endpoint(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}

function pageToken(): string | undefined {
  try {
    return new URLSearchParams(globalThis.location?.search ?? '').get('token') ?? undefined;
  } catch {
    return undefined;
  }
}

async function api<T>(base: string, path: string, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) };
  const token = pageToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, { ...init, headers, credentials: 'same-origin' });
  if (!response.ok) {
    const name = response.status === 401 || response.status === 403 ? 'NotAllowedError' : response.status === 404 ? 'NotSupportedError' : 'NetworkError';
    throw new SocketError(name, ClientErrorCode.Http, `${init.method ?? 'GET'} ${path} answered ${response.status} ${response.statusText}`);
  }
  return (await response.json()) as T;
}

/** The running lab services (`GET /api/labs`); with `start: true` starts them first (`POST /api/labs/start`). */
export async function labServices(gatewayUrl: string, options: { start?: boolean } = {}): Promise<LabServiceInfo[]> {
  const body = await api<{ running?: boolean; services: LabServiceInfo[] }>(gatewayUrl, options.start ? '/api/labs/start' : '/api/labs', options.start ? { method: 'POST' } : {});
  return body.services;
}

/**
 * The kernel's TCP states of `sockets` (`GET /api/tcp-states?pair=LOCAL,REMOTE…`). Resolves
 * undefined where the gateway's host does not publish them (not Linux).
 */
export async function tcpStates(gatewayUrl: string, sockets: readonly TcpStateQuery[]): Promise<TcpStateResult[] | undefined> {
  const query = sockets.map((s) => `pair=${encodeURIComponent(s.remote ? `${s.local},${s.remote}` : s.local)}`).join('&');
  const body = await api<{ available: boolean; results?: TcpStateResult[] }>(gatewayUrl, `/api/tcp-states?${query}`);
  if (!body.available) return undefined;
  return body.results ?? [];
}
