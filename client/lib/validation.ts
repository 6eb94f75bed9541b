/**
 * WebIDL-style argument conversion for the socket constructors: the same TypeErrors a native
 * Direct Sockets implementation throws for a bad dictionary, an out-of-range `[EnforceRange]`
 * integer, an unknown enum value or an address that is not an IP literal.
 */
import { ErrorCode, MAX_UDP_PAYLOAD } from '../../shared/protocol.js';
import { SocketError } from './socket-error.js';

/** A dictionary argument: `undefined`/`null` mean `{}`, anything else must be an object. */
export function toDictionary<T extends object>(value: unknown, what: string): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${what} must be an object, got ${typeof value}`);
  }
  return value as Partial<T>;
}

/** The unsigned integer types the Direct Sockets IDL uses, by bit width. */
export type IdlUnsignedType = 'octet' | 'unsigned short' | 'unsigned long';
const bitsOf: Record<IdlUnsignedType, number> = { octet: 8, 'unsigned short': 16, 'unsigned long': 32 };

/**
 * WebIDL's ConvertToInt for an unsigned type — the one integer conversion of the library. With
 * `[EnforceRange]`, NaN, ±Infinity and values outside 0…2^bits−1 are TypeErrors; without it the
 * value wraps as WebIDL says (NaN and ±Infinity → 0, truncate, modulo 2^bits), so `70000` as a
 * plain `unsigned short` is 4464. ToNumber throws for symbols and BigInts, as in WebIDL.
 */
export function toIdlUnsigned(value: unknown, name: string, type: IdlUnsignedType, enforceRange: boolean): number {
  if (typeof value === 'bigint' || typeof value === 'symbol') throw new TypeError(`${name} cannot be converted to a number`);
  const n = Number(value);
  const max = 2 ** bitsOf[type] - 1;
  if (enforceRange) {
    if (!Number.isFinite(n)) throw new TypeError(`${name} must be a finite number, got ${String(value)} ([EnforceRange] ${type})`);
    const int = Math.trunc(n) + 0; // + 0 turns -0 into 0
    if (int < 0 || int > max) throw new TypeError(`${name} must be between 0 and ${max}, got ${String(value)} ([EnforceRange] ${type})`);
    return int;
  }
  if (!Number.isFinite(n) || n === 0) return 0;
  const modulo = max + 1;
  return ((Math.trunc(n) % modulo) + modulo) % modulo;
}

/** `[EnforceRange] unsigned short` (UDPSocketOptions and TCPServerSocketOptions ports). */
export function toUnsignedShort(value: unknown, name: string): number {
  return toIdlUnsigned(value, name, 'unsigned short', true);
}

/** Plain `unsigned short`, wrapping modulo 2^16 (TCPSocket's remotePort argument, UDPMessage.remotePort). */
export function toWrappedUnsignedShort(value: unknown, name: string): number {
  return toIdlUnsigned(value, name, 'unsigned short', false);
}

/** `[EnforceRange] unsigned long` (buffer sizes, delays, backlog). */
export function toUnsignedLong(value: unknown, name: string): number {
  return toIdlUnsigned(value, name, 'unsigned long', true);
}

/** `sendBufferSize` / `receiveBufferSize`: an `[EnforceRange] unsigned long` that is not 0 (Chromium's check). */
export function toBufferSize(value: unknown, name: string): number {
  const size = toUnsignedLong(value, name);
  if (size === 0) throw new TypeError(`${name} must be greater than zero.`);
  return size;
}

/** A `localPort` given to bind or listen: 0 is refused, since leaving it out is how to let the OS pick. */
export function toLocalPort(value: unknown): number {
  const port = toUnsignedShort(value, 'localPort');
  if (port === 0) {
    throw new TypeError('localPort must be greater than zero. Leave this field unassigned to allow the OS to pick a port on its own.');
  }
  return port;
}

/** `[EnforceRange] octet` (multicast TTL). */
export function toOctet(value: unknown, name: string): number {
  return toIdlUnsigned(value, name, 'octet', true);
}

/** `DOMString`: symbols throw, everything else is stringified, as WebIDL does. */
export function toDomString(value: unknown, name: string): string {
  if (typeof value === 'symbol') throw new TypeError(`${name} must be a string`);
  return String(value);
}

/** A WebIDL enum: the value must be one of `allowed`. */
export function toEnum<const T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  const s = toDomString(value, name);
  if (!(allowed as readonly string[]).includes(s)) {
    throw new TypeError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${s}'`);
  }
  return s as T;
}

/** Present in the WebIDL sense: the member exists and is not undefined. */
export function present<T>(value: T | undefined): value is T {
  return value !== undefined;
}

export interface IpLiteral {
  family: 'IPv4' | 'IPv6';
  /** Canonical text: dotted quad, or compressed lower-case IPv6 without brackets. */
  address: string;
}

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Parses an IP literal the way Chromium's `IPAddress::FromIPLiteral` does: strict dotted-quad
 * IPv4 (no `0x7f.1` or `2130706433`) or IPv6 (normalised by the URL parser). Names are not literals.
 */
export function parseIpLiteral(text: string): IpLiteral | null {
  if (ipv4Pattern.test(text)) return { family: 'IPv4', address: text };
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return null;
  try {
    const host = new URL(`http://[${text}]/`).hostname;
    return { family: 'IPv6', address: host.slice(1, -1) };
  } catch {
    return null;
  }
}

/** An IP literal or a TypeError naming the member. */
export function toIpLiteral(value: unknown, name: string): IpLiteral {
  const s = toDomString(value, name);
  const ip = parseIpLiteral(s);
  if (!ip) throw new TypeError(`${name} must be a valid IP address, got '${s}'`);
  return ip;
}

/** True for 0.0.0.0-style "any" addresses: `::` (and its spellings) only, as Chromium checks for ipv6Only. */
export function isIpv6Any(ip: IpLiteral): boolean {
  return ip.family === 'IPv6' && ip.address === '::';
}

/** `ipv6Only`, which Chromium allows only on a local address of `::`. */
export function toIpv6Only(value: unknown, localAddress: IpLiteral): boolean {
  if (!isIpv6Any(localAddress)) throw new TypeError('ipv6Only can only be specified when localAddress is [::] or equivalent.');
  return Boolean(value);
}

/** An `extras` callback: a function or undefined, else a TypeError. */
export function checkCallback(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${name} must be a function`);
}

/** `extras.signal`: an AbortSignal (any realm's) or undefined, else a TypeError. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || typeof (signal as AbortSignal).addEventListener !== 'function' || !('aborted' in signal)) {
    throw new TypeError('extras.signal must be an AbortSignal');
  }
  return signal as AbortSignal;
}

const toStringTag = Object.prototype.toString;

/**
 * A written chunk's size for a writable's byte-measured queue: its `byteLength` (or its `field`'s,
 * as a UDPMessage's `data`), or 0 for anything that has none (the write then fails in validation
 * with the proper error). Never throws, not even for a throwing getter: a queuing strategy's size
 * function that throws would error the stream with the wrong error.
 */
export function queuedByteLength(chunk: unknown, field?: 'data'): number {
  try {
    const bytes = field === undefined ? chunk : (chunk as Record<string, unknown> | null | undefined)?.[field];
    const n = (bytes as { byteLength?: unknown } | null | undefined)?.byteLength;
    return typeof n === 'number' ? n : 0;
  } catch {
    return 0;
  }
}

/** A BufferSource as bytes (a view, not a copy), or a TypeError. Works across realms. */
export function toBytes(chunk: unknown, what: string): Uint8Array {
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const tag = toStringTag.call(chunk);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(chunk as ArrayBuffer);
  throw new TypeError(`${what} must be an ArrayBuffer or ArrayBufferView, got ${chunk === null ? 'null' : typeof chunk}`);
}

/**
 * Checks a datagram's size against the largest UDP payload. The spec has no size rule of its own:
 * an empty datagram is sent (UDP allows it), and one the OS cannot send (EMSGSIZE) rejects the
 * write with a NetworkError — which is what this gives, before the gateway is asked.
 */
export function checkDatagramSize(bytes: Uint8Array): void {
  if (bytes.byteLength > MAX_UDP_PAYLOAD) {
    throw new SocketError('NetworkError', ErrorCode.TooBig, `UDPMessage: 'data' is ${bytes.byteLength} bytes; a UDP datagram carries at most ${MAX_UDP_PAYLOAD}`, {
      osCode: 'EMSGSIZE',
    });
  }
}
