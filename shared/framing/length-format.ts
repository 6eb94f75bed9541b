/** Width in bytes of a length field. */
export type LengthBytes = 1 | 2 | 4 | 8;

/** Byte order of a length field. */
export type Endian = 'big' | 'little';

/** Layout of a length field: width, byte order and signedness. */
export interface LengthFormat {
  readonly bytes: LengthBytes;
  readonly endian: Endian;
  readonly signed: boolean;
}

/**
 * How a spec names a length field: either a Python `struct` format (`'i'`, `'!I'`, `'>H'`, `'<Q'`)
 * or field by field. Giving `format` together with any of the other three is an error.
 */
export interface LengthFormatSpec {
  /** Python `struct` format of one integer, e.g. `'i'` (4-byte little-endian signed) or `'!I'`. */
  format?: string;
  /** Width of the field: 1, 2, 4 or 8 bytes. */
  bytes?: LengthBytes;
  /** Byte order; `'big'` is network order. */
  endian?: Endian;
  /** Whether the field is two's-complement signed (a negative value is then a decode error). */
  signed?: boolean;
}

/** Python's `struct.pack('i', n)` on x86 and ARM: 4 bytes, little-endian, signed — the course's header. */
export const STRUCT_I: LengthFormat = Object.freeze({ bytes: 4, endian: 'little', signed: true });

/** Largest value a length field of this format can carry. */
export function maxLengthValue(format: LengthFormat): number {
  if (format.bytes === 8) return Number.MAX_SAFE_INTEGER;
  const bits = format.bytes * 8 - (format.signed ? 1 : 0);
  return 2 ** bits - 1;
}

/**
 * Reads a length field from the start of `bytes`. 8-byte values beyond 2^53 come back rounded,
 * which is harmless because every caller rejects anything above a safe-integer limit.
 */
export function readLength(bytes: Uint8Array, format: LengthFormat): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, format.bytes);
  const little = format.endian === 'little';
  switch (format.bytes) {
    case 1:
      return format.signed ? view.getInt8(0) : view.getUint8(0);
    case 2:
      return format.signed ? view.getInt16(0, little) : view.getUint16(0, little);
    case 4:
      return format.signed ? view.getInt32(0, little) : view.getUint32(0, little);
    case 8:
      return Number(format.signed ? view.getBigInt64(0, little) : view.getBigUint64(0, little));
  }
}

/** Writes `value` (a non-negative integer the format can hold) as a length field at `offset`. */
export function writeLength(target: Uint8Array, offset: number, value: number, format: LengthFormat): void {
  const view = new DataView(target.buffer, target.byteOffset + offset, format.bytes);
  const little = format.endian === 'little';
  switch (format.bytes) {
    case 1:
      view.setUint8(0, value);
      return;
    case 2:
      view.setUint16(0, value, little);
      return;
    case 4:
      view.setUint32(0, value, little);
      return;
    case 8:
      view.setBigUint64(0, BigInt(value), little);
      return;
  }
}
