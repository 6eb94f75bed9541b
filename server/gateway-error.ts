import { ErrorCode, type ErrorMsg } from '../shared/protocol.js';

/** A failure with a stable protocol code; what the page sees in an `error` message. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { osCode?: string; rule?: string; inUseBy?: 'LISTEN' | 'TIME_WAIT' | 'other'; timeWait?: number } = {},
  ) {
    super(message);
  }
}

const OS_CODES: Record<string, ErrorCode> = {
  ECONNREFUSED: ErrorCode.Refused,
  ETIMEDOUT: ErrorCode.TimedOut,
  EHOSTUNREACH: ErrorCode.Unreachable,
  ENETUNREACH: ErrorCode.Unreachable,
  EHOSTDOWN: ErrorCode.Unreachable,
  ENETDOWN: ErrorCode.Unreachable,
  ENOTFOUND: ErrorCode.DnsFailure,
  EAI_AGAIN: ErrorCode.DnsFailure,
  EAI_FAIL: ErrorCode.DnsFailure,
  EAI_NONAME: ErrorCode.DnsFailure,
  ENODATA: ErrorCode.DnsFailure,
  ECONNRESET: ErrorCode.Reset,
  EPIPE: ErrorCode.Reset,
  ECONNABORTED: ErrorCode.Reset,
  EADDRINUSE: ErrorCode.AddressInUse,
  EADDRNOTAVAIL: ErrorCode.AddressNotAvailable,
  EACCES: ErrorCode.Permission,
  EPERM: ErrorCode.Permission,
  EMSGSIZE: ErrorCode.TooBig,
  EINVAL: ErrorCode.BadOption,
  // Socket options the kernel refuses for this socket (found by fuzzing multicastInterface).
  ENOPROTOOPT: ErrorCode.BadOption,
  EAFNOSUPPORT: ErrorCode.BadOption,
  EOPNOTSUPP: ErrorCode.BadOption,
  ENOTSUP: ErrorCode.BadOption,
  ENODEV: ErrorCode.BadOption,
};

/** Maps any thrown value (Node system error, TLS error, GatewayError) to a GatewayError. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string };
  const osCode = typeof e?.code === 'string' ? e.code : undefined;
  const message = e instanceof Error ? e.message : String(err);
  if (osCode && OS_CODES[osCode]) return new GatewayError(OS_CODES[osCode], message, { osCode });
  if (osCode && (osCode.startsWith('ERR_TLS') || osCode.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(osCode))) {
    return new GatewayError(ErrorCode.Tls, message, { osCode });
  }
  if (osCode === 'ERR_SOCKET_DGRAM_NOT_RUNNING' || osCode === 'ERR_SOCKET_CLOSED' || osCode === 'ERR_STREAM_DESTROYED') {
    return new GatewayError(ErrorCode.InvalidState, message, { osCode });
  }
  if (osCode === 'ERR_INVALID_ARG_VALUE' || osCode === 'ERR_INVALID_ARG_TYPE' || osCode === 'ERR_SOCKET_BAD_PORT' || osCode === 'ERR_OUT_OF_RANGE') {
    return new GatewayError(ErrorCode.BadOption, message, { osCode });
  }
  return new GatewayError(ErrorCode.Internal, message, osCode ? { osCode } : {});
}

/** The `error` message that tells a page about `err` (about a socket, a request, or the page). */
export function errorMessage(err: GatewayError, about: { id?: number; ref?: number; fatal?: boolean }): ErrorMsg {
  return {
    t: 'error',
    ...(about.id !== undefined && { id: about.id }),
    ...(about.ref !== undefined && { ref: about.ref }),
    code: err.code,
    message: err.message,
    ...(err.extra.osCode && { osCode: err.extra.osCode }),
    ...(err.extra.rule && { rule: err.extra.rule }),
    ...(err.extra.inUseBy && { inUseBy: err.extra.inUseBy, timeWait: err.extra.timeWait }),
    ...(about.fatal && { fatal: true }),
  };
}
