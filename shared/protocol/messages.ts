/** Control messages (JSON text frames), page → gateway and gateway → page. */
import type { ErrorCode } from './constants.js';

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
  /**
   * Largest window either direction of one socket may grow to (docs/PROTOCOL.md, "Adaptive
   * windows"); `receiveWindow` and `sendWindow` are where each socket starts. Absent from
   * gateways that do not grow windows: then the windows stay where they start.
   */
  windowMax?: number;
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
  /**
   * Lab: capture this connection's real segments on loopback with tcpdump (handshake, data,
   * close) and stream them as `capture` messages. Loopback targets only; the gateway then binds
   * the client to a local port it picks, so the capture filter is the exact 4-tuple.
   */
  capture?: boolean;
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
  /** TCP: the most bytes one read takes, delayed or flowing (the `n` of the course's `recv(n)`); default 65536, Node's own read size. */
  readSize?: number;
}

/**
 * TCP in manual mode (`set` `manualRecv: true`): read at most `max` bytes of what has arrived,
 * exactly like Python's `recv(max)` — waits until at least one byte (or FIN) is there. The bytes
 * come as one ordinary Chunk frame, then `ok` with op `recv` (`bytes` 0 means the peer sent FIN).
 */
export interface RecvMsg extends Req {
  t: 'recv';
  /** Python's `settimeout(t)`: fail with TIMED_OUT if nothing arrived within this many ms (0 or absent: wait forever). */
  timeoutMs?: number;
  /** Python's `setblocking(False)`: fail at once with WOULD_BLOCK (EAGAIN) when nothing is queued. */
  nonBlocking?: boolean;
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

/**
 * Relay mode: listen on host:port and forward every accepted client to targetHost:targetPort,
 * reporting each read of both directions to the page (RelayRead frames) while the bytes flow
 * peer to peer inside the gateway at the peers' pace.
 */
export interface RelayListenMsg extends Req {
  t: 'relay.listen';
  id: number;
  host: string;
  port: number;
  targetHost: string;
  targetPort: number;
  backlog?: number;
  ipv6Only?: boolean;
  /** Nagle off on both of a pair's connections. */
  noDelay?: boolean;
  /** Payload bytes the relay copies to the page (all pairs, both directions); after that, sizes only. Default 1 MiB. */
  logBytes?: number;
}

/**
 * Page → gateway: this socket's windows are now these (docs/PROTOCOL.md, "Adaptive windows").
 * `sendWindow`: the page gives back the send credit it was given above W (an idle socket, never
 * below where it started). `receiveWindow`: the page's receive window is now W — grown (Credit for
 * the growth follows) or shrunk (the gateway takes the difference off its credit).
 */
export interface WindowMsg {
  t: 'window';
  id: number;
  ref?: number;
  sendWindow?: number;
  receiveWindow?: number;
}

export type ClientMessage =
  | WindowMsg
  | RelayListenMsg
  | TcpConnectMsg
  | TcpListenMsg
  | UdpBindMsg
  | UdpMembershipMsg
  | SetMsg
  | EndMsg
  | CloseMsg
  | RecvMsg;

/** The requests that open a socket (they carry a page-chosen `id`). */
export type OpenMsg = TcpConnectMsg | TcpListenMsg | UdpBindMsg | RelayListenMsg;

// ---- gateway → page control messages --------------------------------------------------

export interface WelcomeMsg {
  t: 'welcome';
  version: number;
  gateway: string;
  limits: GatewayLimits;
  /** The gateway's clock (ms since the epoch) when it sent this message: reads carry its times. */
  time?: number;
}

export interface OpenedMsg {
  t: 'opened';
  id: number;
  ref?: number;
  kind: 'tcp' | 'tcp-server' | 'udp' | 'relay';
  local: Address;
  /** TCP: the peer; relay: the target as checked (its resolved address). */
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
  /** ADDRESS_IN_USE of a listen: what the kernel's table shows holding the port (`TIME_WAIT`: nothing listens, only TIME_WAIT entries). */
  inUseBy?: 'LISTEN' | 'TIME_WAIT' | 'other';
  /** ADDRESS_IN_USE of a listen: how many TIME_WAIT entries hold the port. */
  timeWait?: number;
  /** Set when the socket is gone as a result. */
  fatal?: boolean;
}

/** UDP: datagrams dropped so far because the page had no credit (sent at most every 250 ms while it grows). */
export interface DroppedMsg {
  t: 'dropped';
  id: number;
  dropped: number;
}

/** One segment of a lab capture (`tcp.connect` `capture: true`), as tcpdump saw it on `lo`. */
export interface CapturedSegmentInfo {
  /** ms since the Unix epoch, to the microsecond. */
  time: number;
  /** `address:port` (IPv6 `[address]:port`). */
  src: string;
  dst: string;
  /** Flag names in header bit order: FIN SYN RST PSH ACK URG ECE CWR. */
  flags: string[];
  /** Raw 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  win: number;
  /** TCP payload length. */
  len: number;
  /** The captured frame (link header included, at most the snap length), base64. */
  frame: string;
  /** The frame's length on the wire. */
  origLength: number;
}

/**
 * A lab capture of socket `id`: `start` (tcpdump is listening; its command and filter),
 * `packet` (one segment), `end` (the capture stopped, and why) or `unavailable` (it cannot run
 * here; `reason` says exactly what is missing). May arrive after the socket's `closed`.
 */
export interface CaptureMsg {
  t: 'capture';
  id: number;
  event: 'start' | 'packet' | 'end' | 'unavailable';
  command?: string;
  filter?: string;
  /** pcap link type of the frames (1: Ethernet, Linux's lo). */
  linkType?: number;
  packet?: CapturedSegmentInfo;
  reason?: string;
}

/** Sent to every page before the gateway shuts down. */
export interface ShutdownMsg {
  t: 'shutdown';
  reason: string;
}

/** Which way a relayed read went: `up` client → target, `down` target → client. */
export type RelayDirection = 'up' | 'down';

/** Relay: a client was accepted; the relay is dialling the target for it. */
export interface RelayPairMsg {
  t: 'relay.pair';
  id: number;
  pair: number;
  client: Address;
}

/** Relay: the pair's connection to the target is up; bytes now flow both ways. */
export interface RelayConnectedMsg {
  t: 'relay.connected';
  id: number;
  pair: number;
  /** The relay's own end of the connection to the target. */
  local: Address;
  target: Address;
}

/** Relay: one side of a pair sent FIN (`up`: the client did; `down`: the target did); it was passed on. */
export interface RelayFinMsg {
  t: 'relay.fin';
  id: number;
  pair: number;
  dir: RelayDirection;
}

/** Relay: a pair is gone (both connections closed), or its target could not be reached. */
export interface RelayPairClosedMsg {
  t: 'relay.pair-closed';
  id: number;
  pair: number;
  /** Bytes client → target and target → client. */
  bytesUp: number;
  bytesDown: number;
  /** Reads each way (reported or not). */
  readsUp: number;
  readsDown: number;
  error?: ErrorCode;
  message?: string;
  /** The policy rule, when the target was denied. */
  rule?: string;
}

/**
 * Gateway → page (docs/PROTOCOL.md, "Adaptive windows"). `sendWindow`: the page's send window
 * grew to W; the page may send W minus what it has in flight (the growth is credit, given now).
 * `receiveWindow`: the socket ran out of receive credit while the page's WebSocket was clear — a
 * window of W would keep it reading; the page may grow to it (a `window` message, then Credit).
 */
export interface WindowGrewMsg {
  t: 'window';
  id: number;
  sendWindow?: number;
  receiveWindow?: number;
}

export type ServerMessage =
  | WindowGrewMsg
  | RelayPairMsg
  | RelayConnectedMsg
  | RelayFinMsg
  | RelayPairClosedMsg
  | WelcomeMsg
  | OpenedMsg
  | AcceptedMsg
  | EofMsg
  | OkMsg
  | ClosedMsg
  | ErrorMsg
  | ShutdownMsg
  | DroppedMsg
  | CaptureMsg;

