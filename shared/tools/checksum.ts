/**
 * Checksums that device protocols append to a message, named as the CRC catalogue (reveng's
 * "Catalogue of parametrised CRC algorithms") names them, each a table-driven implementation
 * checked against the catalogue's check value for the ASCII bytes "123456789":
 *
 * | id | catalogue name | width | check | appended |
 * |---|---|---|---|---|
 * | `sum8` | (8-bit sum, NetAssist "ADD") | 1 | 0xDD | — |
 * | `xor8` | (XOR of all bytes, "BCC") | 1 | 0x31 | — |
 * | `crc16-modbus` | CRC-16/MODBUS | 2 | 0x4B37 | low byte first, as Modbus RTU sends it |
 * | `crc16-ibm-3740` | CRC-16/IBM-3740 (alias CRC-16/CCITT-FALSE, CRC-16/AUTOSAR) | 2 | 0x29B1 | high byte first |
 * | `crc16-xmodem` | CRC-16/XMODEM | 2 | 0x31C3 | high byte first |
 * | `crc16-kermit` | CRC-16/KERMIT (alias CRC-16/CCITT, CRC-16/CCITT-TRUE) | 2 | 0x2189 | low byte first |
 * | `crc32` | CRC-32/ISO-HDLC (zlib, Ethernet, PNG) | 4 | 0xCBF43926 | low byte first, as Ethernet and zlib's trailer |
 *
 * "CRC-16/CCITT" means different things in different tools, which is why the menu names the
 * catalogue entry (and its alias) rather than that ambiguous word.
 */

/** The checksums on offer. */
export const CHECKSUM_IDS = ['sum8', 'xor8', 'crc16-modbus', 'crc16-ibm-3740', 'crc16-xmodem', 'crc16-kermit', 'crc32'] as const;
/** One checksum's id. */
export type ChecksumId = (typeof CHECKSUM_IDS)[number];
/** Which byte of the value goes first on the wire. */
export type ByteOrder = 'le' | 'be';

/** What the menu shows and how the value is laid out. */
export interface ChecksumInfo {
  id: ChecksumId;
  /** The CRC catalogue's name (or a plain description for the sums). */
  name: string;
  /** Bytes appended. */
  width: 1 | 2 | 4;
  /** The usual byte order of protocols that use it. */
  order: ByteOrder;
  /** The value for the ASCII bytes "123456789". */
  check: number;
}

/** Every checksum with its layout, in menu order. */
export const CHECKSUMS: readonly ChecksumInfo[] = [
  { id: 'sum8', name: 'SUM-8 (byte sum mod 256)', width: 1, order: 'be', check: 0xdd },
  { id: 'xor8', name: 'XOR-8 (BCC)', width: 1, order: 'be', check: 0x31 },
  { id: 'crc16-modbus', name: 'CRC-16/MODBUS', width: 2, order: 'le', check: 0x4b37 },
  { id: 'crc16-ibm-3740', name: 'CRC-16/IBM-3740 (CCITT-FALSE)', width: 2, order: 'be', check: 0x29b1 },
  { id: 'crc16-xmodem', name: 'CRC-16/XMODEM', width: 2, order: 'be', check: 0x31c3 },
  { id: 'crc16-kermit', name: 'CRC-16/KERMIT (CCITT-TRUE)', width: 2, order: 'le', check: 0x2189 },
  { id: 'crc32', name: 'CRC-32/ISO-HDLC', width: 4, order: 'le', check: 0xcbf43926 },
];

/** The layout of `id`; throws a RangeError for an unknown id. */
export function checksumInfo(id: string): ChecksumInfo {
  const info = CHECKSUMS.find((c) => c.id === id);
  if (!info) throw new RangeError(`unknown checksum '${id}'`);
  return info;
}

/** A reflected (LSB-first) table for a 16- or 32-bit polynomial given reversed. */
function reflectedTable(reversedPoly: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reversedPoly : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** A normal (MSB-first) table for a 16-bit polynomial. */
function normalTable16(poly: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff;
    table[n] = c;
  }
  return table;
}

// Built on first use: a page that never picks a CRC never pays for the tables.
let modbusTable: Uint32Array | undefined; // CRC-16/MODBUS: poly 0x8005 reflected = 0xA001
let kermitTable: Uint32Array | undefined; // CRC-16/KERMIT: poly 0x1021 reflected = 0x8408
let ccittTable: Uint16Array | undefined; // poly 0x1021, unreflected (IBM-3740 and XMODEM)
let crc32Table: Uint32Array | undefined; // poly 0x04C11DB7 reflected = 0xEDB88320

function reflected16(bytes: Uint8Array, table: Uint32Array, init: number): number {
  let crc = init;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]!) & 0xff]!;
  return crc & 0xffff;
}

function normal16(bytes: Uint8Array, init: number): number {
  const table = (ccittTable ??= normalTable16(0x1021));
  let crc = init;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) & 0xffff) ^ table[((crc >>> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The checksum `id` of `bytes`, as an unsigned number. */
export function checksum(id: ChecksumId, bytes: Uint8Array): number {
  switch (id) {
    case 'sum8': {
      let s = 0;
      for (let i = 0; i < bytes.length; i++) s = (s + bytes[i]!) & 0xff;
      return s;
    }
    case 'xor8': {
      let x = 0;
      for (let i = 0; i < bytes.length; i++) x ^= bytes[i]!;
      return x;
    }
    case 'crc16-modbus':
      return reflected16(bytes, (modbusTable ??= reflectedTable(0xa001)), 0xffff);
    case 'crc16-kermit':
      return reflected16(bytes, (kermitTable ??= reflectedTable(0x8408)), 0);
    case 'crc16-ibm-3740':
      return normal16(bytes, 0xffff);
    case 'crc16-xmodem':
      return normal16(bytes, 0);
    case 'crc32': {
      const table = (crc32Table ??= reflectedTable(0xedb88320));
      let crc = 0xffffffff;
      for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ table[(crc ^ bytes[i]!) & 0xff]!;
      return (crc ^ 0xffffffff) >>> 0;
    }
    default: {
      const never: never = id;
      throw new RangeError(`unknown checksum '${String(never)}'`);
    }
  }
}

/** `value` as `width` bytes in `order`. */
export function checksumBytes(value: number, width: 1 | 2 | 4, order: ByteOrder): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) {
    const shift = 8 * (order === 'le' ? i : width - 1 - i);
    out[i] = Math.floor(value / 2 ** shift) & 0xff;
  }
  return out;
}

/** `bytes` followed by its checksum (in `order`, else the checksum's usual order). */
export function appendChecksum(id: ChecksumId, bytes: Uint8Array, order?: ByteOrder): Uint8Array {
  const info = checksumInfo(id);
  const tail = checksumBytes(checksum(id, bytes), info.width, order ?? info.order);
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  out.set(tail, bytes.length);
  return out;
}

/** What checking a received message found. */
export interface ChecksumVerdict {
  ok: boolean;
  /** The value the message carries (undefined when it is too short to carry one). */
  got?: number;
  /** The value computed over the bytes before it. */
  expected?: number;
}

/** Checks that the last bytes of `message` are the checksum of the bytes before them. */
export function verifyChecksum(id: ChecksumId, message: Uint8Array, order?: ByteOrder): ChecksumVerdict {
  const info = checksumInfo(id);
  if (message.length <= info.width) return { ok: false };
  const body = message.subarray(0, message.length - info.width);
  const tail = message.subarray(message.length - info.width);
  const o = order ?? info.order;
  let got = 0;
  for (let i = 0; i < info.width; i++) got += tail[i]! * 2 ** (8 * (o === 'le' ? i : info.width - 1 - i));
  const expected = checksum(id, body);
  return { ok: got === expected, got, expected };
}

/** `value` as `0x` and zero-padded uppercase hex of `width` bytes. */
export function formatChecksum(value: number, width: number): string {
  return '0x' + value.toString(16).toUpperCase().padStart(width * 2, '0');
}
