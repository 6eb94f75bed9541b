import type { ErrorCode, ServerMessage, SetMsg } from '../shared/protocol.js';
import type { Limits } from './config.js';
import type { GatewayError } from './gateway-error.js';
import type { PageSendWindow } from './page-send-window.js';
import type { TargetPolicy } from './target-policy.js';

/** What a relay needs from the page session that owns it. */
export interface PageLink {
  readonly limits: Limits;
  readonly policy: TargetPolicy;
  /** True while the page's WebSocket has more queued than it should; relays stay paused. */
  readonly congested: boolean;
  send(msg: ServerMessage): void;
  sendFrame(frame: Uint8Array): void;
  sendError(err: GatewayError, about: { id?: number; ref?: number; fatal?: boolean }): void;
  /** Returns send credit to the page (batched per turn of the event loop). */
  ack(relay: Relay, bytes: number): void;
  relayClosed(relay: Relay, info: { ref?: number; error?: ErrorCode }): void;
  audit(event: string, fields: Record<string, string | number | undefined>): void;
}

/** One socket of a page: TCP connection, TCP listener or UDP socket. */
export interface Relay {
  readonly id: number;
  readonly kind: 'tcp' | 'tcp-server' | 'udp';
  bytesIn: number;
  bytesOut: number;
  lastActivity: number;
  /** Listeners take no writes and have none. */
  readonly sendWindow?: PageSendWindow;
  /** UDP: datagrams dropped for want of page credit, reported in `closed`. */
  readonly dropped?: number;
  grant(bytes: number): void;
  block(): void;
  unblock(): void;
  write(payload: Uint8Array): void;
  sendTo(host: string, port: number, payload: Uint8Array): void;
  set(msg: SetMsg): void;
  end(): void;
  close(ref?: number, reset?: boolean): void;
  /** Immediate teardown (page gone, gateway stopping); `closed` is still reported. */
  destroy(code?: ErrorCode): void;
}
