/**
 * A pcapng writer (draft-ietf-opsawg-pcapng): one Section Header Block, Interface Description
 * Blocks and Enhanced Packet Blocks, written little-endian with microsecond timestamps. Only what
 * sockgate's exports need; the blocks are returned as byte arrays, so a page can hand them to a
 * Blob without copying them into one buffer.
 */

/** LINKTYPE_ETHERNET. */
export const LINKTYPE_ETHERNET = 1;

/** Block type numbers. */
export const BlockType = { SHB: 0x0a0d0d0a, IDB: 0x00000001, EPB: 0x00000006 } as const;

/** The byte-order magic of a Section Header Block. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** `epb_flags` direction bits. */
export const Direction = { inbound: 1, outbound: 2 } as const;

const encoder = new TextEncoder();
const pad4 = (n: number) => (n + 3) & ~3;

/** One option: code and value (a string is UTF-8). */
type Option = [code: number, value: Uint8Array | string];

function optionBytes(options: Option[]): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const values = options.map(([code, v]) => [code, typeof v === 'string' ? encoder.encode(v) : v] as const);
  const size = values.reduce((n, [, v]) => n + 4 + pad4(v.length), 0) + 4; // + opt_endofopt
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [code, v] of values) {
    view.setUint16(at, code, true);
    view.setUint16(at + 2, v.length, true);
    out.set(v, at + 4);
    at += 4 + pad4(v.length);
  }
  return out;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(body, 8);
  view.setUint32(total - 4, total, true);
  return out;
}

/** A Section Header Block (version 1.0, section length unknown) naming the writing application. */
export function sectionHeaderBlock(application: string): Uint8Array {
  const opts = optionBytes([[4, application]]); // shb_userappl
  const body = new Uint8Array(16 + opts.length);
  const view = new DataView(body.buffer);
  view.setUint32(0, BYTE_ORDER_MAGIC, true);
  view.setUint16(4, 1, true);
  view.setUint16(6, 0, true);
  view.setInt32(8, -1, true); // section length: -1 (64 bits of ones)
  view.setInt32(12, -1, true);
  body.set(opts, 16);
  return block(BlockType.SHB, body);
}

/** An Interface Description Block; timestamps of its packets are in microseconds (if_tsresol 6). */
export function interfaceDescriptionBlock(linkType: number, name: string, snapLength = 262144): Uint8Array {
  const opts = optionBytes([
    [2, name], // if_name
    [9, Uint8Array.of(6)], // if_tsresol: 10^-6
  ]);
  const body = new Uint8Array(8 + opts.length);
  const view = new DataView(body.buffer);
  view.setUint16(0, linkType, true);
  view.setUint32(4, snapLength, true);
  body.set(opts, 8);
  return block(BlockType.IDB, body);
}

/** What an Enhanced Packet Block carries besides the frame. */
export interface PacketMeta {
  /** ms since the Unix epoch (fractions kept to the microsecond). */
  time: number;
  /** Index of the interface (IDB order) the packet was seen on. */
  interfaceId?: number;
  /** Inbound / outbound, written as `epb_flags`. */
  direction?: keyof typeof Direction;
  /** `opt_comment`: shown by Wireshark as the packet comment (`frame.comment`). */
  comment?: string;
  /** The packet's length on the wire when `frame` is only its first bytes (a snapped capture); default: all of it. */
  originalLength?: number;
}

/** An Enhanced Packet Block holding all of `frame`. */
export function enhancedPacketBlock(frame: Uint8Array, meta: PacketMeta): Uint8Array {
  const options: Option[] = [];
  if (meta.comment) options.push([1, meta.comment]);
  if (meta.direction) {
    const flags = new Uint8Array(4);
    new DataView(flags.buffer).setUint32(0, Direction[meta.direction], true);
    options.push([2, flags]);
  }
  const opts = optionBytes(options);
  const body = new Uint8Array(20 + pad4(frame.length) + opts.length);
  const view = new DataView(body.buffer);
  const micros = Math.max(0, Math.round(meta.time * 1000));
  view.setUint32(0, meta.interfaceId ?? 0, true);
  view.setUint32(4, Math.floor(micros / 0x1_0000_0000), true);
  view.setUint32(8, micros % 0x1_0000_0000, true);
  view.setUint32(12, frame.length, true);
  view.setUint32(16, Math.max(frame.length, meta.originalLength ?? 0), true);
  body.set(frame, 20);
  body.set(opts, 20 + pad4(frame.length));
  return block(BlockType.EPB, body);
}
