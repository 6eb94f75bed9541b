/**
 * Public option and result shapes. The spec members follow the WICG Direct Sockets IDL
 * (TCPSocketOptions, UDPSocketOptions, *OpenInfo, UDPMessage); whatever sockgate adds lives in an
 * `extras` bag so spec code never sees it by accident. TCPServerSocket's shapes name the
 * TCPSocket class, so they live in tcp-server-socket.ts (here they would make an import cycle).
 */
import type { MulticastController } from './multicast-controller.js';
import type { SocketError } from './socket-error.js';

export type SocketDnsQueryType = 'ipv4' | 'ipv6';

// ---- TCPSocket -----------------------------------------------------------------------------

/** Spec: TCPSocketOptions. */
export interface TCPSocketOptions {
  /** TCP_NODELAY (disable Nagle). Default false. */
  noDelay?: boolean;
  /** Enables keep-alive with this initial delay in ms; at least 1000. */
  keepAliveDelay?: number;
  /** SO_SNDBUF request in bytes (> 0). */
  sendBufferSize?: number;
  /** SO_RCVBUF request in bytes (> 0). */
  receiveBufferSize?: number;
  /** Resolve the name to A (`ipv4`) or AAAA (`ipv6`) records only. */
  dnsQueryType?: SocketDnsQueryType;
  /** Non-spec options only sockgate understands. */
  extras?: TCPSocketExtras;
}

/** The gateway's metadata of one TCP read (extras.chunks, `takeChunkInfo()`). */
export interface TCPChunkInfo {
  /** Per-socket read counter from 0, from the gateway. */
  seq: number;
  /** When the gateway read it, ms since the epoch (gateway clock). */
  time: number;
}

/** One TCP read as the gateway's kernel returned it, with its metadata (`onChunk`, `readChunk()`). */
export interface TCPChunk extends TCPChunkInfo {
  data: Uint8Array;
}

/** Non-spec TCP options (sockgate extras). */
export interface TCPSocketExtras {
  /** Aborts the open: `opened` and `closed` reject with the signal's reason and the attempt is dropped. */
  signal?: AbortSignal;
  /** Connect timeout in ms, enforced by the gateway (TIMED_OUT). Default: the gateway's. */
  connectTimeout?: number;
  /** `'on'` wraps the connection in TLS (the gateway does the handshake). Default `'off'`. */
  secureTransport?: 'on' | 'off';
  /** TLS SNI and certificate name; defaults to the remote address. */
  serverName?: string;
  /** Accept self-signed or otherwise unverifiable certificates (labs only). */
  allowSelfSigned?: boolean;
  /**
   * Keep the write side open after the peer's FIN (the spec's behaviour, default true). With
   * false the library ends the write side as soon as the peer ends its side.
   */
  allowHalfOpen?: boolean;
  /**
   * Keep each read's gateway `seq` and `time` for `takeChunkInfo()` / `readChunk()` (lab-extras).
   * The readable stays the spec's byte stream of Uint8Arrays either way.
   */
  chunks?: boolean;
  /**
   * Lab: capture the connection's real segments on the gateway's loopback (tcpdump); watch them
   * with lab-extras' `watchCapture()`. Loopback targets only.
   */
  capture?: boolean;
  /**
   * Called for each TCP read as it arrives, before the consumer reads it. `chunk.data` is the view
   * the readable is about to get (no copy): valid during the call only, since enqueuing it detaches
   * its buffer. Copy what you keep.
   */
  onChunk?: (chunk: TCPChunk) => void;
  /** Called with gateway errors about this socket that do not close it. */
  onError?: (error: SocketError) => void;
}

/**
 * Spec: TCPSocketOpenInfo. `readable` is a byte stream (BYOB readers work); a default reader
 * gets each gateway read as one Uint8Array.
 */
export interface TCPSocketOpenInfo {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<ArrayBuffer | ArrayBufferView>;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
}

/** Non-spec: options `socket.set()` can change on an open TCP socket. */
export interface TCPSetOptions {
  noDelay?: boolean;
  /** ms; 0 turns keep-alive off. */
  keepAliveDelay?: number;
  /** Cork the next N writes and flush them as one (sticky-packet lab). */
  corkWrites?: number;
}

// ---- UDPSocket -------------------------------------------------------------------------------

/** Spec: UDPSocketOptions. Give remoteAddress+remotePort (connected) or localAddress (bound). */
export interface UDPSocketOptions {
  remoteAddress?: string;
  remotePort?: number;
  localAddress?: string;
  localPort?: number;
  dnsQueryType?: SocketDnsQueryType;
  sendBufferSize?: number;
  receiveBufferSize?: number;
  /** Only with localAddress `::`. */
  ipv6Only?: boolean;
  /** SO_REUSEADDR, so several sockets can bind the same group port. */
  multicastAllowAddressSharing?: boolean;
  /** IP_MULTICAST_TTL (0–255). */
  multicastTimeToLive?: number;
  /** IP_MULTICAST_LOOP. */
  multicastLoopback?: boolean;
  extras?: UDPSocketExtras;
}

/** Non-spec UDP options (sockgate extras). */
export interface UDPSocketExtras {
  signal?: AbortSignal;
  /** SO_BROADCAST: allow sending to broadcast addresses. */
  broadcast?: boolean;
  /** IP_MULTICAST_IF: the local address multicast leaves from (e.g. `127.0.0.1`). */
  multicastInterface?: string;
  /** Received UDPMessages also carry the gateway's `seq` and `time`. */
  chunks?: boolean;
  /** Called with gateway errors about this socket that do not close it, e.g. a datagram to a denied address. */
  onError?: (error: SocketError) => void;
}

/** Spec: UDPMessage. On read, remoteAddress/remotePort are set in bound mode only. */
export interface UDPMessage {
  data: ArrayBuffer | ArrayBufferView;
  remoteAddress?: string;
  remotePort?: number;
  dnsQueryType?: SocketDnsQueryType;
}

/** A received datagram: `data` is always a Uint8Array. `seq`/`time` with extras.chunks. */
export interface UDPReceivedMessage {
  data: Uint8Array;
  remoteAddress?: string;
  remotePort?: number;
  seq?: number;
  time?: number;
}

/** Spec: UDPSocketOpenInfo. */
export interface UDPSocketOpenInfo {
  readable: ReadableStream<UDPReceivedMessage>;
  writable: WritableStream<UDPMessage>;
  remoteAddress?: string;
  remotePort?: number;
  localAddress: string;
  localPort: number;
  /** Bound mode only. */
  multicastController?: MulticastController;
}

/** Non-spec: options `socket.set()` can change on an open UDP socket. */
export interface UDPSetOptions {
  broadcast?: boolean;
  multicastTimeToLive?: number;
  multicastLoopback?: boolean;
}

// ---- shared ------------------------------------------------------------------------------------

/** Non-spec: traffic counters of one socket, as seen by the page. */
export interface SocketStats {
  /** Payload bytes received (TCP chunks, UDP datagrams). */
  bytesIn: number;
  /** Payload bytes sent to the gateway. */
  bytesOut: number;
  /** TCP reads or UDP datagrams received. */
  messagesIn: number;
  /** Writes (TCP) or datagrams (UDP) sent. */
  messagesOut: number;
  /** UDP datagrams the gateway dropped because the page had no credit (kept current while it grows). */
  dropped: number;
  /** UDP datagrams this page dropped because 16,384 (`MAX_UNREAD_DATAGRAMS`) already waited unread: credit bounds bytes, not entries. */
  droppedUnread: number;
  /** Bytes the page may have in flight to the gateway now (where it started plus what it grew; see docs/PROTOCOL.md "Adaptive windows"). */
  sendWindow?: number;
  /** Bytes the gateway may have in flight to the page now. */
  receiveWindow?: number;
}
