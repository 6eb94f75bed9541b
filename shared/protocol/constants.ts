/** Protocol constants: the subprotocol, socket id ranges, close codes and error codes. Append only. */

/** The subprotocol every page offers (alone, or after `sockgate.v2`); the gateway refuses a page without it. */
export const SUBPROTOCOL = 'sockgate.v1';
export const PROTOCOL_VERSION = 1;
/**
 * Protocol v2 is v1 plus the Batch frame (gateway → page). A page that reads batches offers
 * `sockgate.v2, sockgate.v1`; a gateway that speaks v2 picks it and says `version: 2` in
 * `welcome`, an older one picks v1. A page that offers only v1 never sees a Batch.
 */
export const SUBPROTOCOL_V2 = 'sockgate.v2';
export const BATCH_PROTOCOL_VERSION = 2;

/** Socket ids chosen by the page are below this; ids the gateway gives accepted connections are at or above it. */
export const GATEWAY_ID_BASE = 0x8000_0000;
export const MAX_SOCKET_ID = 0xffff_ffff;

/** Largest UDP payload over IPv4 (65,535 − 8 UDP − 20 IP). */
export const MAX_UDP_PAYLOAD = 65_507;

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
  /** A fault inside the gateway while handling this page: the page is closed, never the process. */
  Internal: 1011,
  /** The grant the page (or /websockify stream) was admitted with was revoked, expired or changed; the reason says which. */
  GrantEnded: 4003,
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
  /** A non-blocking `recv` found nothing queued (Python's BlockingIOError, EAGAIN). */
  WouldBlock: 'WOULD_BLOCK',
  /** The gateway's host cannot do what was asked (e.g. a bind without SO_REUSEADDR needs python3). */
  Unsupported: 'UNSUPPORTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
