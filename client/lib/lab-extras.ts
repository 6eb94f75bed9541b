/**
 * Sticky-packet lab extras (non-spec, sockgate only): the receiver knobs of a TCP socket
 * (`manualRecv`, `readDelayMs`, `readSize`) and Python-style `recv(n)`. Kept apart from TCPSocket
 * so the Direct Sockets surface stays the spec's; these reach the socket's gateway connection
 * through the class it is bound to. The lab's HTTP calls (`/api/labs`, `/api/tcp-states`) are
 * `gateway.api`'s (gateway-api.ts).
 */
import type { CaptureMsg, OkMsg } from '../../shared/protocol.js';
import type { GatewayConnection } from './gateway-connection.js';
import { kConnection } from './socket-core.js';
import { kTakeChunkInfo, type TCPSocket } from './tcp-socket.js';
import type { TCPChunk, TCPChunkInfo } from './types.js';

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
export async function recv(socket: TCPSocket, max: number, how: RecvOptions = {}): Promise<RecvResult> {
  const conn = connectionOf(socket);
  const extra = { ...(how.timeoutMs && { timeoutMs: Math.max(1, Math.floor(how.timeoutMs)) }), ...(how.nonBlocking && { nonBlocking: true }) };
  const ok = await conn.request<OkMsg>({ t: 'recv', id: socket.id, max: Math.max(0, Math.floor(max)), ...extra });
  return { bytes: ok.bytes ?? 0, buffered: ok.buffered ?? 0 };
}

/** How a {@link recv} waits: Python's `settimeout(t)` (rejects TIMED_OUT) or `setblocking(False)` (rejects WOULD_BLOCK). */
export interface RecvOptions {
  timeoutMs?: number;
  nonBlocking?: boolean;
}

/**
 * Calls `listener` with every `capture` message about `socket` (opened with `extras.capture`),
 * including those after it closed. Call it right after constructing the socket; returns the
 * function that stops listening.
 */
export function watchCapture(socket: TCPSocket, listener: (message: CaptureMsg) => void): () => void {
  const conn = connectionOf(socket);
  const id = socket.id;
  const handler = (e: Event) => {
    const m = (e as Event & { message: CaptureMsg }).message;
    if (m.id === id) listener(m);
  };
  conn.addEventListener('capture', handler);
  return () => conn.removeEventListener('capture', handler);
}

/**
 * The gateway's `seq` and `time` of the oldest read of `socket` (opened with `extras.chunks`) not
 * yet taken. A default reader gets each gateway read as one chunk, so calling this once after each
 * `read()` pairs every chunk with its metadata; undefined without extras.chunks.
 */
export function takeChunkInfo(socket: TCPSocket): TCPChunkInfo | undefined {
  return socket[kTakeChunkInfo]();
}

/** One `reader.read()` of an `extras.chunks` socket's readable, with the read's seq and time. */
export async function readChunk(socket: TCPSocket, reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<TCPChunk>> {
  const result = await reader.read();
  if (result.done) return { done: true, value: undefined };
  const info = takeChunkInfo(socket);
  if (!info) throw new TypeError('readChunk needs a TCPSocket opened with extras.chunks');
  return { done: false, value: { data: result.value, ...info } };
}
