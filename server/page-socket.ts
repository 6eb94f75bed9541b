import { ErrorCode, type Address, type ServerMessage, type SetMsg } from '../shared/protocol.js';
import type { Limits } from './config.js';
import { GatewayError } from './gateway-error.js';
import type { PageSendWindow } from './page-send-window.js';
import type { SendBuckets } from './send-rate.js';
import type { TargetPolicy } from './target-policy.js';

/** What a socket needs from the page session that owns it. */
export interface PageLink {
  readonly limits: Limits;
  readonly policy: TargetPolicy;
  /** True while the page's WebSocket has more queued than it should; relays stay paused. */
  readonly congested: boolean;
  /** Byte-rate buckets every page → target byte passes (`--send-rate`, the grant's `bytesPerSecond`). */
  readonly sendBuckets: SendBuckets;
  /** Sockets of the page, relay pairs included (for the --max-sockets limit). */
  readonly socketCount: number;
  send(msg: ServerMessage): void;
  sendFrame(frame: Uint8Array): void;
  sendError(err: GatewayError, about: { id?: number; ref?: number; fatal?: boolean }): void;
  /** A send window for socket `id`; its Acks go out batched per turn of the event loop. */
  openSendWindow(id: number): PageSendWindow;
  relayClosed(socket: PageSocket, info: { ref?: number; error?: ErrorCode }): void;
  audit(event: string, fields: Record<string, string | number | undefined>): void;
}

/** What every socket of a page has: its id, counters, addresses and a way to close it. */
interface SocketBase {
  readonly id: number;
  bytesIn: number;
  bytesOut: number;
  lastActivity: number;
  /** Its addresses as `opened` and `accepted` report them. */
  addresses(): { local: Address; remote?: Address };
  close(ref?: number, reset?: boolean): void;
  /** Immediate teardown (page gone, gateway stopping); `closed` is still reported. */
  destroy(code?: ErrorCode): void;
}

/** A TCP connection: a byte stream with credit both ways, half-close, options and pulled reads. */
export interface StreamSocket extends SocketBase {
  readonly kind: 'tcp';
  /** The page granted more receive credit. */
  grant(bytes: number): void;
  /** A `window` message: the page's send window shrank to, or its receive window is now, these many bytes. */
  resize(msg: { sendWindow?: number; receiveWindow?: number }): void;
  /** Stops reading while the page's WebSocket is congested. */
  block(): void;
  unblock(): void;
  write(payload: Uint8Array): void;
  end(): void;
  set(msg: SetMsg): void;
  recv(max: number, ref?: number, how?: { timeoutMs?: number; nonBlocking?: boolean }): void;
}

/** A UDP socket: datagrams with their source, credit-or-drop; a connected one takes plain writes too. */
export interface DatagramSocket extends SocketBase {
  readonly kind: 'udp';
  /** Datagrams dropped for want of page credit, reported in `closed`. */
  readonly dropped: number;
  grant(bytes: number): void;
  resize(msg: { sendWindow?: number; receiveWindow?: number }): void;
  write(payload: Uint8Array): void;
  sendTo(host: string, port: number, payload: Uint8Array): void;
  set(msg: SetMsg): void;
  membership(join: boolean, group: string, iface?: string, source?: string): Promise<void>;
}

/** A listening TCP socket: it only accepts; each accepted connection is a StreamSocket of its own. */
export interface ListenerSocket extends SocketBase {
  readonly kind: 'tcp-server';
}

/** Relay mode: a listener piping each accepted client to its target inside the gateway; the page only watches. */
export interface RelaySocket extends SocketBase {
  readonly kind: 'relay';
  /** Pairs alive now (they count against the page's socket limit). */
  readonly pairCount: number;
}

/** One socket of a page, told apart by `kind`. */
export type PageSocket = StreamSocket | DatagramSocket | ListenerSocket | RelaySocket;

/** An address as the protocol reports it, from what Node gives (which may be undefined on a closed socket). */
export function toAddress(address: string | undefined, port: number | undefined, family?: string): Address {
  return { address: address ?? '', port: port ?? 0, family: family === 'IPv6' ? 'IPv6' : 'IPv4' };
}

/** An address as the audit log writes it: `host:port`, IPv6 in brackets. */
export const formatAddress = (a: Address) => (a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);

/** A listener takes no writes; its accepted connections do. */
export const listening = (id: number) => new GatewayError(ErrorCode.InvalidState, `socket ${id} is a listening socket: write to one of its accepted connections`);
