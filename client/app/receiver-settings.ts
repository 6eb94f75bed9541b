/**
 * How a TCP socket of the page reads, the way the course's programs do — shared by the
 * sticky-packet lab's receiver knobs and every TCP socket of the workspace: the read size n
 * (`recv(n)`), a read delay (`sleep(T); recv(n)`), manual `recv(n)` presses and how such a recv
 * waits (blocking, `settimeout(t)`, `setblocking(False)`). Maps them onto the gateway's receive
 * mode and says in the page's words what a recv returned or raised.
 */
import type { ReceiveMode, RecvOptions } from '../lib/lab-extras.js';
import { errorText } from './error-text.js';
import { msg, str } from './i18n.js';

/** How a manual recv(n) waits, as Python's socket does: blocking, `settimeout(t)`, or `setblocking(False)`. */
export type RecvMode = 'blocking' | 'timeout' | 'nonblocking';

/** The receiver's settings. */
export interface ReceiverSettings {
  /** Read only this many ms after bytes arrived (`sleep(T); recv(n)`); 0 = at once. Ignored while `manual`. */
  readDelayMs: number;
  /** Read only when the user presses recv(n). */
  manual: boolean;
  /** The n of `recv(n)`: the most bytes one read takes, manual or not. */
  recvN: number;
  recvMode: RecvMode;
  /** The `settimeout(t)` of recvMode 'timeout', ms. */
  recvTimeoutMs: number;
}

/** The gateway's own read size: with this n a socket reads as it always did (everything one kernel read brought). */
export const GATEWAY_READ_SIZE = 65_536;

/** A workspace socket before anything was touched: reads as they arrive. */
export const WORKSPACE_RECEIVER: Readonly<ReceiverSettings> = { readDelayMs: 0, manual: false, recvN: GATEWAY_READ_SIZE, recvMode: 'blocking', recvTimeoutMs: 2000 };

/** A manual recv() waiting for data: the controls show it and take no second press. */
export interface RecvPending {
  n: number;
  mode: RecvMode;
  /** Its timeout, ms (mode 'timeout'). */
  timeoutMs: number;
  since: number;
}

/** The gateway's receive mode for `s`: n is the size of every read (a manual recv(n), each delayed read, each flowing read). */
export function receiveModeOf(s: ReceiverSettings): ReceiveMode {
  return { manualRecv: s.manual, readDelayMs: s.manual ? 0 : s.readDelayMs, readSize: s.recvN };
}

/** How one manual recv() waits under `s`. */
export function recvOptionsOf(s: ReceiverSettings): RecvOptions {
  return s.recvMode === 'nonblocking' ? { nonBlocking: true } : s.recvMode === 'timeout' ? { timeoutMs: s.recvTimeoutMs } : {};
}

/** The pending state of a recv(n) started now under `s`. */
export function pendingOf(s: ReceiverSettings): RecvPending {
  return { n: s.recvN, mode: s.recvMode, timeoutMs: s.recvTimeoutMs, since: Date.now() };
}

/** What a finished recv(n) returned, in words (`bytes` 0: the peer's FIN; `held`: bytes the gateway still holds). */
export function recvResultText(n: number, bytes: number, held?: number): string {
  if (bytes === 0) return msg("recv() returned b'' — the peer closed its side.", { id: 'recv.eof' });
  const got = msg(str`recv(${n}) returned ${bytes} bytes.`, { id: 'recv.got' });
  return held ? `${got} ${msg(str`${held} more bytes wait for the next recv().`, { id: 'recv.held' })}` : got;
}

/** What Python would raise for a failed recv(): socket.timeout, BlockingIOError, or the error in words. */
export function recvErrorText(err: unknown, timeoutMs: number): string {
  const code = (err as { sockgateCode?: unknown }).sockgateCode;
  if (code === 'TIMED_OUT') return msg(str`socket.timeout: timed out — nothing arrived within ${timeoutMs} ms. The connection is still open; recv() again to keep waiting.`, { id: 'recv.timeout' });
  if (code === 'WOULD_BLOCK') return msg('BlockingIOError: [Errno 11] Resource temporarily unavailable — nothing was queued, so the non-blocking recv() returned at once (EAGAIN).', { id: 'recv.wouldBlock' });
  return errorText(err);
}

/** The words for a second press while `p` waits: one recv at a time, as on one socket. */
export function recvBusyText(p: RecvPending): string {
  return msg(str`recv(${p.n}) is still waiting; one recv() at a time on a socket.`, { id: 'recv.busy' });
}
