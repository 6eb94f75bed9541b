/**
 * The sockgate wire protocol, shared by the gateway and the browser library.
 *
 * One WebSocket per page, subprotocol `sockgate.v1`. Text frames carry JSON control
 * messages; binary frames carry data, credit and acknowledgements, each prefixed by a
 * one-byte kind and a 32-bit socket id. `docs/PROTOCOL.md` documents every byte.
 */

/** The subprotocol a page must offer; the gateway refuses any other. */
export const SUBPROTOCOL = 'sockgate.v1';
export const PROTOCOL_VERSION = 1;

/** Socket ids chosen by the page are below this; ids the gateway gives accepted connections are at or above it. */
export const GATEWAY_ID_BASE = 0x8000_0000;
export const MAX_SOCKET_ID = 0xffff_ffff;

/** Largest UDP payload over IPv4 (65,535 − 8 UDP − 20 IP). */
export const MAX_UDP_PAYLOAD = 65_507;

/** Binary frame kinds. Append only; never reuse a retired number. */
export const Frame = {
  /** page → gateway: bytes to write on a TCP socket (or a connected UDP socket). */
  Data: 0x01,
  /** gateway → page: one TCP read, exactly as the kernel returned it. */
  Chunk: 0x02,
  /** page → gateway: one UDP datagram to an explicit destination. */
  SendTo: 0x03,
  /** gateway → page: one received UDP datagram with its source. */
  Datagram: 0x04,
  /** page → gateway: the page can take this many more bytes on a socket. */
  Credit: 0x05,
  /** gateway → page: this many bytes the page sent have left the gateway; the page may send that many more. */
  Ack: 0x06,
} as const;
export type FrameKind = (typeof Frame)[keyof typeof Frame];

/** Bytes before the payload of each binary frame kind (kind + id + fixed fields). */
export const DATA_HEADER = 5;
export const CHUNK_HEADER = 17; // kind u8, id u32, seq u32, time f64 (ms since epoch)
export const CREDIT_FRAME = 9; // kind u8, id u32, bytes u32

/** WebSocket close codes the gateway uses. 1000–1011 keep their RFC 6455 meaning. */
export const CloseCode = {
  Normal: 1000,
  /** The gateway is shutting down. */
  GoingAway: 1001,
  /** A frame too large for the gateway's limits. */
  TooBig: 1009,
  /** websockify endpoint: the target could not be reached. */
  TargetFailed: 1011,
  /** The page broke the protocol (bad binary frame, credit abuse) badly enough that the page is closed. */
  ProtocolViolation: 4000,
  /** The page exceeded the limit on pages per gateway. */
  TooManyPages: 4001,
  /** The page did not answer heartbeats. */
  HeartbeatTimeout: 4002,
} as const;

/** Stable error codes. Every failure the page can see carries one of these. */
export const ErrorCode = {
  Refused: 'REFUSED',
  TimedOut: 'TIMED_OUT',
  Unreachable: 'UNREACHABLE',
  DnsFailure: 'DNS_FAILURE',
  Reset: 'RESET',
  AddressInUse: 'ADDRESS_IN_USE',
  AddressNotAvailable: 'ADDRESS_NOT_AVAILABLE',
  Permission: 'PERMISSION',
  Denied: 'DENIED',
  BadOption: 'BAD_OPTION',
  BadMessage: 'BAD_MESSAGE',
  UnknownSocket: 'UNKNOWN_SOCKET',
  SocketExists: 'SOCKET_EXISTS',
  Limit: 'LIMIT',
  TooBig: 'TOO_BIG',
  FlowViolation: 'FLOW_VIOLATION',
  InvalidState: 'INVALID_STATE',
  Tls: 'TLS',
  Idle: 'IDLE_TIMEOUT',
  Shutdown: 'SHUTDOWN',
  /** The page closed a socket while it was still opening. */
  Aborted: 'ABORTED',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface Address {
  address: string;
  port: number;
  family?: 'IPv4' | 'IPv6';
}

export interface GatewayLimits {
  socketsPerPage: number;
  /** Receive window: bytes the gateway may have in flight to the page per socket before pausing it. */
  receiveWindow: number;
  /** Send window: bytes the page may have in flight to the gateway per socket. */
  sendWindow: number;
  controlMessageBytes: number;
  frameBytes: number;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  udpDatagramsPerSecond: number;
}

// ---- page → gateway control messages --------------------------------------------------

interface Req {
  /** Optional request reference echoed in the reply, so a page can match answers to questions. */
  ref?: number;
}

export interface TlsOptions {
  /** SNI and certificate name; defaults to the host as given. */
  servername?: string;
  /** Accept self-signed or otherwise unverifiable certificates (labs only). */
  insecure?: boolean;
}

export interface TcpConnectMsg extends Req {
  t: 'tcp.connect';
  id: number;
  host: string;
  port: number;
  noDelay?: boolean;
  /** Enables keep-alive with this initial delay (ms) when > 0. */
  keepAliveDelay?: number;
  timeoutMs?: number;
  tls?: TlsOptions;
  /** Bytes the page can take right away (its initial receive credit). Default: the gateway's receive window. */
  credit?: number;
  dnsQueryType?: 'ipv4' | 'ipv6';
  sendBufferSize?: number;
  receiveBufferSize?: number;
}

export interface TcpListenMsg extends Req {
  t: 'tcp.listen';
  id: number;
  host: string;
  port: number;
  backlog?: number;
  reuseAddr?: boolean;
  ipv6Only?: boolean;
}

export interface UdpBindMsg extends Req {
  t: 'udp.bind';
  id: number;
  /** Local address; default 0.0.0.0 (or :: when `remoteHost` is IPv6). */
  host?: string;
  port?: number;
  /** Connected mode: datagrams go to and come only from this peer. */
  remoteHost?: string;
  remotePort?: number;
  reuseAddr?: boolean;
  ipv6Only?: boolean;
  broadcast?: boolean;
  multicastTTL?: number;
  multicastLoopback?: boolean;
  multicastInterface?: string;
  credit?: number;
  dnsQueryType?: 'ipv4' | 'ipv6';
  sendBufferSize?: number;
  receiveBufferSize?: number;
}

export interface UdpMembershipMsg extends Req {
  t: 'udp.join' | 'udp.leave';
  id: number;
  group: string;
  interface?: string;
  /** Source-specific membership: only datagrams from this IP (MulticastGroupOptions.sourceAddress). */
  source?: string;
}

/** Change options on an open socket. */
export interface SetMsg extends Req {
  t: 'set';
  id: number;
  noDelay?: boolean;
  keepAliveDelay?: number;
  broadcast?: boolean;
  multicastTTL?: number;
  multicastLoopback?: boolean;
  /** Cork the socket for the next N page writes, then flush them as one (sticky-packet lab). */
  corkWrites?: number;
  /** TCP: stop reading on its own; the page pulls bytes with `recv` messages, like Python's `recv(n)` (sticky-packet lab). */
  manualRecv?: boolean;
  /** TCP: read at most once per this many ms, taking everything waiting (up to `readSize`) as one chunk; 0 = off (sticky-packet lab). */
  readDelayMs?: number;
  /** TCP: the most bytes one delayed read takes (the `n` of a slow reader's `recv(n)`); default 65536. */
  readSize?: number;
}

/**
 * TCP in manual mode (`set` `manualRecv: true`): read at most `max` bytes of what has arrived,
 * exactly like Python's `recv(max)` — waits until at least one byte (or FIN) is there. The bytes
 * come as one ordinary Chunk frame, then `ok` with op `recv` (`bytes` 0 means the peer sent FIN).
 */
export interface RecvMsg extends Req {
  t: 'recv';
  id: number;
  max: number;
}

/** Half-close: no more writes from the page; the gateway sends FIN after queued data. */
export interface EndMsg extends Req {
  t: 'end';
  id: number;
}

export interface CloseMsg extends Req {
  t: 'close';
  id: number;
  /** Send RST instead of FIN (TCP only). */
  reset?: boolean;
}

export type ClientMessage =
  | TcpConnectMsg
  | TcpListenMsg
  | UdpBindMsg
  | UdpMembershipMsg
  | SetMsg
  | EndMsg
  | CloseMsg
  | RecvMsg;

// ---- gateway → page control messages --------------------------------------------------

export interface WelcomeMsg {
  t: 'welcome';
  version: number;
  gateway: string;
  limits: GatewayLimits;
}

export interface OpenedMsg {
  t: 'opened';
  id: number;
  ref?: number;
  kind: 'tcp' | 'tcp-server' | 'udp';
  local: Address;
  remote?: Address;
  /** Bytes the page may send before waiting for an Ack (its initial send credit). */
  sendWindow: number;
}

/** A connection accepted by a listening socket. It is held paused until the page grants credit. */
export interface AcceptedMsg {
  t: 'accepted';
  id: number;
  server: number;
  local: Address;
  remote: Address;
  sendWindow: number;
}

/** The peer sent FIN: no more chunks will arrive on this socket. */
export interface EofMsg {
  t: 'eof';
  id: number;
}

/** A request that needed an answer succeeded (join, leave, set, end). */
export interface OkMsg {
  t: 'ok';
  id: number;
  ref?: number;
  op: string;
  /** op `recv`: bytes delivered in the Chunk just before this message (0: the peer sent FIN). */
  bytes?: number;
  /** op `recv`: bytes the gateway has already read from the kernel and still holds for later `recv`s. */
  buffered?: number;
}

export interface ClosedMsg {
  t: 'closed';
  id: number;
  ref?: number;
  bytesIn: number;
  bytesOut: number;
  /** Set when the socket closed because of a failure (the same error was sent just before). */
  error?: ErrorCode;
  /** Datagrams dropped because the page had no credit (UDP). */
  dropped?: number;
}

export interface ErrorMsg {
  t: 'error';
  /** The socket this is about, when there is one. */
  id?: number;
  ref?: number;
  code: ErrorCode;
  message: string;
  /** The OS error (ECONNREFUSED …) behind this, when there is one. */
  osCode?: string;
  /** The policy rule that denied the target, for DENIED. */
  rule?: string;
  /** Set when the socket is gone as a result. */
  fatal?: boolean;
}

/** UDP: datagrams dropped so far because the page had no credit (sent at most every 250 ms while it grows). */
export interface DroppedMsg {
  t: 'dropped';
  id: number;
  dropped: number;
}

/** Sent to every page before the gateway shuts down. */
export interface ShutdownMsg {
  t: 'shutdown';
  reason: string;
}

export type ServerMessage =
  | WelcomeMsg
  | OpenedMsg
  | AcceptedMsg
  | EofMsg
  | OkMsg
  | ClosedMsg
  | ErrorMsg
  | ShutdownMsg
  | DroppedMsg;

// ---- binary frames ---------------------------------------------------------------------

/** Writes the 5-byte Data header in front of `payload`. */
export function encodeData(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(DATA_HEADER + payload.byteLength);
  out[0] = Frame.Data;
  new DataView(out.buffer).setUint32(1, id);
  out.set(payload, DATA_HEADER);
  return out;
}

// The per-frame encoders below write integers byte by byte and the time through one shared
// scratch view: a DataView per frame was a measurable share of the relay's allocations.
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

/** A Credit or Ack frame (same layout, different kind). */
export function encodeCounter(kind: typeof Frame.Credit | typeof Frame.Ack, id: number, bytes: number): Uint8Array {
  const out = new Uint8Array(CREDIT_FRAME);
  out[0] = kind;
  putU32(out, 1, id);
  putU32(out, 5, bytes);
  return out;
}

/** Fixed part of a Chunk header: kind, id, seq, time. The payload follows. */
export function writeChunkHeader(target: Uint8Array, id: number, seq: number, timeMs: number): void {
  target[0] = Frame.Chunk;
  putU32(target, 1, id);
  putU32(target, 5, seq >>> 0);
  scratch.setFloat64(0, timeMs);
  target.set(scratchBytes, 9);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** SendTo: kind u8, id u32, port u16, address length u8, address (ASCII), payload. */
export function encodeSendTo(id: number, host: string, port: number, payload: Uint8Array): Uint8Array {
  const addr = utf8Encoder.encode(host);
  if (addr.byteLength > 255) throw new RangeError('address longer than 255 bytes');
  const header = 8 + addr.byteLength;
  const out = new Uint8Array(header + payload.byteLength);
  const view = new DataView(out.buffer);
  out[0] = Frame.SendTo;
  view.setUint32(1, id);
  view.setUint16(5, port);
  out[7] = addr.byteLength;
  out.set(addr, 8);
  out.set(payload, header);
  return out;
}

/** Datagram: kind u8, id u32, seq u32, time f64, port u16, address length u8, address, payload. */
export function encodeDatagram(
  id: number,
  seq: number,
  timeMs: number,
  host: string,
  port: number,
  payload: Uint8Array,
): Uint8Array {
  const addr = utf8Encoder.encode(host);
  const header = CHUNK_HEADER + 3 + addr.byteLength;
  const out = new Uint8Array(header + payload.byteLength);
  const view = new DataView(out.buffer);
  out[0] = Frame.Datagram;
  view.setUint32(1, id);
  view.setUint32(5, seq >>> 0);
  view.setFloat64(9, timeMs);
  view.setUint16(17, port);
  out[19] = addr.byteLength;
  out.set(addr, 20);
  out.set(payload, header);
  return out;
}

export type DecodedFrame =
  | { kind: typeof Frame.Data; id: number; payload: Uint8Array }
  | { kind: typeof Frame.Chunk; id: number; seq: number; time: number; payload: Uint8Array }
  | { kind: typeof Frame.SendTo; id: number; host: string; port: number; payload: Uint8Array }
  | { kind: typeof Frame.Datagram; id: number; seq: number; time: number; host: string; port: number; payload: Uint8Array }
  | { kind: typeof Frame.Credit | typeof Frame.Ack; id: number; bytes: number };

/** Thrown by {@link decodeFrame} for a frame that does not follow the grammar. */
export class FrameError extends Error {
  override name = 'FrameError';
}

/** Parses one binary frame. Payloads are views into `frame`, not copies. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  if (frame.byteLength < DATA_HEADER) throw new FrameError(`binary frame of ${frame.byteLength} bytes is shorter than its 5-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const kind = frame[0];
  const id = view.getUint32(1);
  switch (kind) {
    case Frame.Data:
      return { kind, id, payload: frame.subarray(DATA_HEADER) };
    case Frame.Credit:
    case Frame.Ack:
      if (frame.byteLength !== CREDIT_FRAME) throw new FrameError(`credit/ack frame must be ${CREDIT_FRAME} bytes, got ${frame.byteLength}`);
      return { kind, id, bytes: view.getUint32(5) };
    case Frame.Chunk:
      if (frame.byteLength < CHUNK_HEADER) throw new FrameError('chunk frame shorter than its 17-byte header');
      return { kind, id, seq: view.getUint32(5), time: view.getFloat64(9), payload: frame.subarray(CHUNK_HEADER) };
    case Frame.SendTo: {
      if (frame.byteLength < 8) throw new FrameError('sendto frame shorter than its 8-byte header');
      const len = frame[7]!;
      if (frame.byteLength < 8 + len) throw new FrameError('sendto frame ends inside its address');
      const host = utf8Decoder.decode(frame.subarray(8, 8 + len));
      return { kind, id, port: view.getUint16(5), host, payload: frame.subarray(8 + len) };
    }
    case Frame.Datagram: {
      if (frame.byteLength < CHUNK_HEADER + 3) throw new FrameError('datagram frame shorter than its 20-byte header');
      const len = frame[19]!;
      if (frame.byteLength < 20 + len) throw new FrameError('datagram frame ends inside its address');
      return {
        kind,
        id,
        seq: view.getUint32(5),
        time: view.getFloat64(9),
        port: view.getUint16(17),
        host: utf8Decoder.decode(frame.subarray(20, 20 + len)),
        payload: frame.subarray(20 + len),
      };
    }
    default:
      throw new FrameError(`unknown binary frame kind 0x${(kind ?? 0).toString(16).padStart(2, '0')}`);
  }
}
