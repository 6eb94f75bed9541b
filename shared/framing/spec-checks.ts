import { parseStructFormat } from './struct-format.js';
import type { LengthFormat, LengthFormatSpec } from './length-format.js';

/** Throws a TypeError naming the first key of `spec` that is not in `allowed` (catches typos such as `maxframe`). */
export function checkKeys(spec: object, kind: string, allowed: readonly string[]): void {
  if (spec === null || typeof spec !== 'object') throw new TypeError(`${kind} framing spec must be an object`);
  for (const key of Object.keys(spec)) {
    if (key !== 'kind' && !allowed.includes(key)) {
      throw new TypeError(`${kind} framing spec has unknown field "${key}" (known: ${allowed.join(', ')})`);
    }
  }
}

/** Returns `value` if it is an integer in [min, max], `fallback` if undefined, and throws otherwise. */
export function checkInteger(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Returns `value` if boolean, `fallback` if undefined, and throws otherwise. */
export function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${String(value)}`);
  return value;
}

/** Resolves `format` or `bytes`/`endian`/`signed` to a LengthFormat, each missing field taken from `fallback`. */
export function resolveLengthFormat(spec: LengthFormatSpec, fallback: LengthFormat): LengthFormat {
  const { format, bytes, endian, signed } = spec;
  if (format !== undefined) {
    if (bytes !== undefined || endian !== undefined || signed !== undefined) {
      throw new TypeError('give either format or bytes/endian/signed, not both');
    }
    if (typeof format !== 'string') throw new TypeError(`format must be a string, got ${String(format)}`);
    return parseStructFormat(format);
  }
  if (bytes !== undefined && bytes !== 1 && bytes !== 2 && bytes !== 4 && bytes !== 8) {
    throw new RangeError(`bytes must be 1, 2, 4 or 8, got ${String(bytes)}`);
  }
  if (endian !== undefined && endian !== 'big' && endian !== 'little') {
    throw new RangeError(`endian must be 'big' or 'little', got ${String(endian)}`);
  }
  return {
    bytes: bytes ?? fallback.bytes,
    endian: endian ?? fallback.endian,
    signed: checkBoolean(signed, 'signed', fallback.signed),
  };
}
