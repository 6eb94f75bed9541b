/**
 * Errors in the UI language: a sentence per stable code (gateway ErrorCode, the library's
 * ClientErrorCode, encoding and framing codes), with the code itself and, for a policy denial,
 * the rule. The English detail from the gateway stays available as the tooltip.
 */
import { ruleText } from './gateway-words.js';
import { msg, str } from './i18n.js';

interface Coded {
  inUseBy?: unknown;
  timeWait?: unknown;
  code?: unknown;
  sockgateCode?: unknown;
  rule?: unknown;
  osCode?: unknown;
  message?: string;
  name?: string;
}

/** The sentence for a code, in the current language; undefined for an unknown code. */
export function codeText(code: string): string | undefined {
  switch (code) {
    case 'REFUSED': return msg('Connection refused: nothing is listening on that port.', { id: 'err.REFUSED' });
    case 'TIMED_OUT': return msg('Timed out: the target did not answer in time.', { id: 'err.TIMED_OUT' });
    case 'UNREACHABLE': return msg('Network or host unreachable.', { id: 'err.UNREACHABLE' });
    case 'DNS_FAILURE': return msg('The name could not be resolved (DNS).', { id: 'err.DNS_FAILURE' });
    case 'RESET': return msg('Connection reset by the peer.', { id: 'err.RESET' });
    case 'ADDRESS_IN_USE': return msg('Address already in use: another socket holds that port.', { id: 'err.ADDRESS_IN_USE' });
    case 'ADDRESS_NOT_AVAILABLE': return msg('That address is not available on the gateway host.', { id: 'err.ADDRESS_NOT_AVAILABLE' });
    case 'PERMISSION': return msg('Permission denied by the operating system.', { id: 'err.PERMISSION' });
    case 'DENIED': return msg("Denied by the gateway's target policy.", { id: 'err.DENIED' });
    case 'BAD_OPTION': return msg('An option has a value the gateway does not accept.', { id: 'err.BAD_OPTION' });
    case 'LIMIT': return msg("A gateway limit was reached (sockets, size or rate).", { id: 'err.LIMIT' });
    case 'TOO_BIG': return msg('The message is too big.', { id: 'err.TOO_BIG' });
    case 'INVALID_STATE': return msg('Not possible in the socket’s current state.', { id: 'err.INVALID_STATE' });
    case 'TLS': return msg('The TLS handshake failed.', { id: 'err.TLS' });
    case 'IDLE_TIMEOUT': return msg('Closed after being idle too long.', { id: 'err.IDLE_TIMEOUT' });
    case 'SHUTDOWN': return msg('The gateway is shutting down.', { id: 'err.SHUTDOWN' });
    case 'CONNECTION_LOST': return msg('The connection to the gateway was lost.', { id: 'err.CONNECTION_LOST' });
    case 'CONNECT_FAILED': return msg('Could not connect to the gateway (is it running, and is the token right?).', { id: 'err.CONNECT_FAILED' });
    case 'VERSION': return msg('The gateway speaks another protocol version.', { id: 'err.VERSION' });
    case 'CLOSED': return msg('The gateway closed the socket.', { id: 'err.CLOSED' });
    case 'HTTP': return msg('A request to the gateway failed.', { id: 'err.HTTP' });
    case 'INVALID_HEX': return msg('That is not valid hex.', { id: 'err.INVALID_HEX' });
    case 'INVALID_ESCAPE': return msg('An escape sequence is not valid (known: \\n \\r \\t \\0 \\\\ \\xNN).', { id: 'err.INVALID_ESCAPE' });
    case 'UNMAPPABLE_CHARACTER': return msg('A character cannot be written in the chosen encoding.', { id: 'err.UNMAPPABLE_CHARACTER' });
    case 'WOULD_BLOCK': return msg('Nothing is queued: a non-blocking read would block (EAGAIN; Python raises BlockingIOError).', { id: 'err.WOULD_BLOCK' });
    case 'UNSUPPORTED': return msg("The gateway's host cannot do this (see the details).", { id: 'err.UNSUPPORTED' });
    case 'FRAME_TOO_LARGE': return msg('A frame is larger than the framing allows.', { id: 'err.FRAME_TOO_LARGE' });
    default: return undefined;
  }
}

/** A one-line, localised description of any error the page meets. */
export function errorText(error: unknown): string {
  const e = (error ?? {}) as Coded;
  // Socket errors carry it as sockgateCode (code is DOMException's number); framing and encoding errors as code.
  const code = typeof e.sockgateCode === 'string' ? e.sockgateCode : typeof e.code === 'string' ? e.code : undefined;
  const sentence = code === 'ADDRESS_IN_USE' && e.inUseBy ? inUseText(e) : code ? codeText(code) : undefined;
  if (!sentence) return e.message ?? String(error);
  const rule = typeof e.rule === 'string' && e.rule ? ' ' + msg(str`Rule: ${ruleText(e.rule)}.`, { id: 'err.rule' }) : '';
  const os = typeof e.osCode === 'string' && e.osCode ? ` (${e.osCode})` : '';
  return `${code}${os}: ${sentence}${rule}`;
}

/** ADDRESS_IN_USE with what the kernel's table shows holding the port. */
function inUseText(e: Coded): string {
  if (e.inUseBy === 'TIME_WAIT') {
    const n = typeof e.timeWait === 'number' ? e.timeWait : 1;
    return msg(str`Address already in use — but no socket listens there: only ${n} connection(s) in TIME_WAIT hold the port. A bind without SO_REUSEADDR fails until they expire (60 s on Linux); with SO_REUSEADDR it succeeds.`, { id: 'err.ADDRESS_IN_USE.timeWait' });
  }
  if (e.inUseBy === 'LISTEN') return msg('Address already in use: another socket is listening on that port.', { id: 'err.ADDRESS_IN_USE.listen' });
  return codeText('ADDRESS_IN_USE')!;
}
