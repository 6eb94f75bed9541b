import { MAX_SOCKET_ID } from './constants.js';

/** An inclusive integer range a control-message number must fall in. */
export interface NumberRange {
  min: number;
  max: number;
  /** Why the range is what it is, shown in the BAD_OPTION message. */
  why?: string;
}

/** Node throws ERR_SOCKET_BUFFER_SIZE above int32 (asynchronously, from dgram's bind callback). */
const INT32_MAX = 2 ** 31 - 1;

/**
 * The accepted range of every number field of every control message, as Node (and the kernel
 * behind it) accepts it. A number outside its range is answered BAD_OPTION naming the field,
 * so no value can reach a Node API that would throw later, outside any try.
 */
export const NUMBER_RANGES: Record<string, NumberRange> = {
  id: { min: 0, max: MAX_SOCKET_ID },
  ref: { min: 0, max: MAX_SOCKET_ID },
  port: { min: 0, max: 65535 },
  remotePort: { min: 0, max: 65535 },
  // 0 leaves the OS default; Node refuses anything above int32.
  sendBufferSize: { min: 0, max: INT32_MAX, why: 'Node accepts socket buffer sizes up to 2^31−1' },
  receiveBufferSize: { min: 0, max: INT32_MAX, why: 'Node accepts socket buffer sizes up to 2^31−1' },
  // Linux caps TCP_KEEPIDLE at 32767 s; Node takes milliseconds.
  keepAliveDelay: { min: 0, max: 32_767_000, why: 'the kernel takes at most 32767 s' },
  // setTimeout overflows above int32 and fires at once.
  timeoutMs: { min: 0, max: INT32_MAX },
  credit: { min: 0, max: MAX_SOCKET_ID },
  backlog: { min: 0, max: 65535 },
  multicastTTL: { min: 0, max: 255, why: 'an IP TTL is one byte' },
  corkWrites: { min: 0, max: INT32_MAX },
  readDelayMs: { min: 0, max: 60_000 },
  readSize: { min: 1, max: INT32_MAX },
  max: { min: 0, max: MAX_SOCKET_ID },
  logBytes: { min: 0, max: 64 << 20, why: 'a relay copies at most 64 MiB of its reads to the page' },
};

/** The range for field `name`, or the full u32 range for a number field without its own. */
export function rangeOf(name: string): NumberRange {
  return NUMBER_RANGES[name] ?? { min: 0, max: MAX_SOCKET_ID };
}
