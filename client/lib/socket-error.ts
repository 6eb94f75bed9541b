/**
 * The one error class the library rejects with for socket failures. It is a real DOMException
 * subclass, as a native Direct Sockets implementation's errors are (`name` is `NetworkError`,
 * `NotAllowedError` …, `code` the legacy number DOMException gives that name), and also carries
 * the gateway's stable string code as `sockgateCode`, the OS error behind it and, for a denial,
 * the policy rule. Argument errors stay plain TypeErrors, as WebIDL throws them.
 */
import { ErrorCode } from '../../shared/protocol.js';
import type { ErrorMsg } from '../../shared/protocol.js';

/** DOMException names this library uses, as the Direct Sockets spec and Chromium use them. */
export type SocketErrorName =
  | 'NetworkError'
  | 'NotAllowedError'
  | 'InvalidStateError'
  | 'QuotaExceededError'
  | 'OperationError'
  | 'NotSupportedError'
  | 'AbortError';

/** Codes that only the library produces (the gateway never sends them). */
export const ClientErrorCode = {
  /** The WebSocket to the gateway closed; every socket on it fails with this. */
  ConnectionLost: 'CONNECTION_LOST',
  /** The WebSocket to the gateway could not be opened (wrong token, origin, host, or nothing listening). */
  ConnectFailed: 'CONNECT_FAILED',
  /** The gateway speaks another protocol version. */
  Version: 'VERSION',
  /** The gateway closed the socket without an error while a stream was still open. */
  Closed: 'CLOSED',
  /** An HTTP request to the gateway failed (e.g. `interfaces()`). */
  Http: 'HTTP',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export type SocketErrorCode = ErrorCode | ClientErrorCode;

export interface SocketErrorDetails {
  osCode?: string;
  rule?: string;
  inUseBy?: 'LISTEN' | 'TIME_WAIT' | 'other';
  timeWait?: number;
  cause?: unknown;
}

/**
 * An error from the gateway or the library: a DOMException (`err instanceof DOMException`,
 * `err.name`, numeric `err.code`) with sockgate's own fields beside the standard ones.
 */
export class SocketError extends DOMException {
  // DOMException's name is a getter over the name given to its constructor.
  declare readonly name: SocketErrorName;
  /** Stable sockgate code: one of the gateway's `ErrorCode`s or a `ClientErrorCode` (`code` is DOMException's number). */
  readonly sockgateCode: SocketErrorCode;
  /** The OS error behind it (ECONNREFUSED …), when there is one. */
  readonly osCode: string | undefined;
  /** The target-policy rule that denied the request, for `DENIED`. */
  readonly rule: string | undefined;
  /** ADDRESS_IN_USE: what the kernel's table shows holding the port (`TIME_WAIT`: only connections in TIME_WAIT). */
  readonly inUseBy: SocketErrorDetails['inUseBy'];
  /** ADDRESS_IN_USE: how many TIME_WAIT entries hold the port. */
  readonly timeWait: number | undefined;

  constructor(name: SocketErrorName, code: SocketErrorCode, message: string, details: SocketErrorDetails = {}) {
    super(message, name);
    this.sockgateCode = code;
    this.osCode = details.osCode;
    this.rule = details.rule;
    this.inUseBy = details.inUseBy;
    this.timeWait = details.timeWait;
    // DOMException's constructor takes no cause in every engine; set it as Error's would.
    if (details.cause !== undefined) Object.defineProperty(this, 'cause', { value: details.cause, writable: true, configurable: true });
  }
}

/** Which DOMException name each gateway code surfaces as (Chromium maps every network failure to NetworkError). */
const nameByCode: Record<ErrorCode, SocketErrorName> = {
  [ErrorCode.Refused]: 'NetworkError',
  [ErrorCode.TimedOut]: 'NetworkError',
  [ErrorCode.Unreachable]: 'NetworkError',
  [ErrorCode.DnsFailure]: 'NetworkError',
  [ErrorCode.Reset]: 'NetworkError',
  [ErrorCode.AddressInUse]: 'NetworkError',
  [ErrorCode.AddressNotAvailable]: 'NetworkError',
  [ErrorCode.Tls]: 'NetworkError',
  [ErrorCode.Idle]: 'NetworkError',
  [ErrorCode.Shutdown]: 'NetworkError',
  [ErrorCode.Aborted]: 'AbortError',
  [ErrorCode.TooBig]: 'NetworkError',
  [ErrorCode.Internal]: 'NetworkError',
  [ErrorCode.Permission]: 'NotAllowedError',
  [ErrorCode.Denied]: 'NotAllowedError',
  [ErrorCode.InvalidState]: 'InvalidStateError',
  [ErrorCode.UnknownSocket]: 'InvalidStateError',
  [ErrorCode.SocketExists]: 'InvalidStateError',
  [ErrorCode.Limit]: 'QuotaExceededError',
  [ErrorCode.BadOption]: 'NotSupportedError',
  [ErrorCode.BadMessage]: 'OperationError',
  [ErrorCode.FlowViolation]: 'OperationError',
  [ErrorCode.WouldBlock]: 'OperationError',
  [ErrorCode.Unsupported]: 'NotSupportedError',
};

/** The DOMException name a gateway error code maps to. */
export function errorNameFor(code: string): SocketErrorName {
  return nameByCode[code as ErrorCode] ?? 'NetworkError';
}

/** Turns a gateway `error` message into a SocketError. */
export function socketErrorFromMessage(msg: Pick<ErrorMsg, 'code' | 'message' | 'osCode' | 'rule' | 'inUseBy' | 'timeWait'>): SocketError {
  return new SocketError(errorNameFor(msg.code), msg.code, msg.message, { osCode: msg.osCode, rule: msg.rule, inUseBy: msg.inUseBy, timeWait: msg.timeWait });
}

/** The error for a socket whose gateway connection went away. */
export function connectionLostError(detail: string): SocketError {
  return new SocketError('NetworkError', ClientErrorCode.ConnectionLost, `connection to the gateway lost: ${detail}`);
}

/** InvalidStateError with a message that says the state, like `ws` does. */
export function invalidState(message: string): SocketError {
  return new SocketError('InvalidStateError', ErrorCode.InvalidState, message);
}

/** The reason an aborted AbortSignal carries, or a fresh AbortError when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}
