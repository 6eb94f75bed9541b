/**
 * Encoders and the decoder of binary frames: one write/read pair per frame kind, each writing
 * the fields at the offsets its layout in frame-layout.ts names.
 */
import {
  BATCH_ENTRY_HEADER,
  BATCHABLE_KINDS,
  BatchLayout,
  CHUNK_HEADER,
  ChunkLayout,
  CounterLayout,
  CREDIT_FRAME,
  DATA_HEADER,
  DataLayout,
  DatagramLayout,
  Frame,
  MAX_FRAME_ADDRESS,
  RELAY_READ_HEADER,
  RelayReadLayout,
  SendToLayout,
} from './frame-layout.js';

// Every encoder writes integers byte by byte and the time through one shared scratch view:
// a DataView per frame was a measurable share of the relay's allocations.
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

function putU16(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 8;
  out[at + 1] = v;
}

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

function putF64(out: Uint8Array, at: number, v: number): void {
  scratch.setFloat64(0, v);
  out.set(scratchBytes, at);
}

// The decoder reads the same way: a DataView per received frame was an allocation per chunk on
// the page's receive path.
function getU16(frame: Uint8Array, at: number): number {
  return (frame[at]! << 8) | frame[at + 1]!;
}

function getU32(frame: Uint8Array, at: number): number {
  return ((frame[at]! << 24) | (frame[at + 1]! << 16) | (frame[at + 2]! << 8) | frame[at + 3]!) >>> 0;
}

function getF64(frame: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratchBytes[i] = frame[at + i]!;
  return scratch.getFloat64(0);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The UTF-8 bytes of a frame's address; its length must fit the one-byte length field. */
function addressBytes(host: string): Uint8Array {
  const addr = utf8Encoder.encode(host);
  if (addr.byteLength > MAX_FRAME_ADDRESS) throw new RangeError(`address longer than ${MAX_FRAME_ADDRESS} bytes`);
  return addr;
}

/** Writes the 5-byte Data header in front of `payload`. */
export function encodeData(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(DATA_HEADER + payload.byteLength);
  out[DataLayout.kind] = Frame.Data;
  putU32(out, DataLayout.id, id);
  out.set(payload, DataLayout.payload);
  return out;
}

/** A Credit or Ack frame (same layout, different kind). */
export function encodeCounter(kind: typeof Frame.Credit | typeof Frame.Ack, id: number, bytes: number): Uint8Array {
  const out = new Uint8Array(CREDIT_FRAME);
  out[CounterLayout.kind] = kind;
  putU32(out, CounterLayout.id, id);
  putU32(out, CounterLayout.bytes, bytes);
  return out;
}

/** Fixed part of a Chunk header: kind, id, seq, time. The payload follows. */
export function writeChunkHeader(target: Uint8Array, id: number, seq: number, timeMs: number): void {
  target[ChunkLayout.kind] = Frame.Chunk;
  putU32(target, ChunkLayout.id, id);
  putU32(target, ChunkLayout.seq, seq >>> 0);
  putF64(target, ChunkLayout.time, timeMs);
}

/** A whole Chunk frame (the gateway writes the header into its own buffer; this is for the rest). */
export function encodeChunk(id: number, seq: number, timeMs: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER + payload.byteLength);
  writeChunkHeader(out, id, seq, timeMs);
  out.set(payload, ChunkLayout.payload);
  return out;
}

/** SendTo: kind u8, id u32, port u16, address length u8, address (ASCII), payload. */
export function encodeSendTo(id: number, host: string, port: number, payload: Uint8Array): Uint8Array {
  const addr = addressBytes(host);
  const header = SendToLayout.address + addr.byteLength;
  const out = new Uint8Array(header + payload.byteLength);
  out[SendToLayout.kind] = Frame.SendTo;
  putU32(out, SendToLayout.id, id);
  putU16(out, SendToLayout.port, port);
  out[SendToLayout.addressLength] = addr.byteLength;
  out.set(addr, SendToLayout.address);
  out.set(payload, header);
  return out;
}

/** Datagram: kind u8, id u32, seq u32, time f64, port u16, address length u8, address, payload. */
export function encodeDatagram(
  id: number,
  seq: number,
  timeMs: number,
  host: string,
  port: number,
  payload: Uint8Array,
): Uint8Array {
  const addr = addressBytes(host);
  const header = DatagramLayout.address + addr.byteLength;
  const out = new Uint8Array(header + payload.byteLength);
  writeChunkHeader(out, id, seq, timeMs);
  out[DatagramLayout.kind] = Frame.Datagram;
  putU16(out, DatagramLayout.port, port);
  out[DatagramLayout.addressLength] = addr.byteLength;
  out.set(addr, DatagramLayout.address);
  out.set(payload, header);
  return out;
}

/**
 * A Batch (v2) of whole frames, each exactly as it would travel alone. The gateway builds it
 * from frames it already encoded; the copy costs less than a WebSocket message (a syscall) each.
 */
export function encodeBatch(frames: readonly Uint8Array[]): Uint8Array {
  let size = BatchLayout.entries;
  for (const f of frames) size += BATCH_ENTRY_HEADER + f.byteLength;
  const out = new Uint8Array(size);
  out[BatchLayout.kind] = Frame.Batch;
  putU32(out, BatchLayout.count, frames.length);
  let at = BatchLayout.entries;
  for (const f of frames) {
    putU32(out, at, f.byteLength);
    out.set(f, at + BATCH_ENTRY_HEADER);
    at += BATCH_ENTRY_HEADER + f.byteLength;
  }
  return out;
}

/** RelayRead: one read a relay forwarded; `copy` is all of it, a prefix, or empty (sizes only). */
export function encodeRelayRead(id: number, pair: number, dir: 0 | 1, seq: number, timeMs: number, size: number, copy: Uint8Array): Uint8Array {
  const out = new Uint8Array(RELAY_READ_HEADER + copy.byteLength);
  out[RelayReadLayout.kind] = Frame.RelayRead;
  putU32(out, RelayReadLayout.id, id);
  putU32(out, RelayReadLayout.pair, pair);
  out[RelayReadLayout.dir] = dir;
  putU32(out, RelayReadLayout.seq, seq >>> 0);
  putF64(out, RelayReadLayout.time, timeMs);
  putU32(out, RelayReadLayout.size, size);
  out.set(copy, RelayReadLayout.payload);
  return out;
}

/** One frame of a socket: every decoded kind but Batch. */
export type SocketFrame =
  | { kind: typeof Frame.Data; id: number; payload: Uint8Array }
  | { kind: typeof Frame.Chunk; id: number; seq: number; time: number; payload: Uint8Array }
  | { kind: typeof Frame.SendTo; id: number; host: string; port: number; payload: Uint8Array }
  | { kind: typeof Frame.Datagram; id: number; seq: number; time: number; host: string; port: number; payload: Uint8Array }
  | { kind: typeof Frame.Credit | typeof Frame.Ack; id: number; bytes: number }
  | { kind: typeof Frame.RelayRead; id: number; pair: number; dir: 'up' | 'down'; seq: number; time: number; size: number; payload: Uint8Array };

/** A decoded binary message: one socket's frame, or a Batch of them (in order). */
export type DecodedFrame = SocketFrame | { kind: typeof Frame.Batch; frames: SocketFrame[] };

/** Why a binary frame was refused: it ends in its fixed header, it ends in its address, it has the wrong size, or its kind is unknown. */
export type FrameErrorReason = 'short-header' | 'short-address' | 'wrong-size' | 'unknown-kind' | 'bad-batch';

/** Thrown by {@link decodeFrame} for a frame that does not follow the grammar. */
export class FrameError extends Error {
  override name = 'FrameError';
  constructor(
    message: string,
    readonly reason: FrameErrorReason = 'short-header',
  ) {
    super(message);
  }
}

/** Parses one binary frame (a Batch into its frames). Payloads are views into `frame`, not copies. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  return frame[0] === Frame.Batch ? { kind: Frame.Batch, frames: decodeBatch(frame) } : decodeSocketFrame(frame);
}

/** Smallest frame a Batch may carry (an Ack), with its length in front. */
const MIN_ENTRY = BATCH_ENTRY_HEADER + CREDIT_FRAME;

/**
 * The frames of a Batch. Refused whole ('bad-batch') unless it declares 1 … n entries, each entry
 * is a Chunk, Datagram or Ack that decodes on its own, and the entries fill the message exactly.
 */
function decodeBatch(frame: Uint8Array): SocketFrame[] {
  const bad = (why: string) => new FrameError(`batch frame: ${why}`, 'bad-batch');
  if (frame.byteLength < BatchLayout.entries) throw bad(`${frame.byteLength} bytes is shorter than its 5-byte header`);
  const count = getU32(frame, BatchLayout.count);
  const room = frame.byteLength - BatchLayout.entries;
  // Checked before anything is allocated, so a huge count costs nothing.
  if (count === 0 || count > room / MIN_ENTRY) throw bad(`declares ${count} entries, but ${room} bytes hold 1 to ${Math.floor(room / MIN_ENTRY)}`);
  const frames: SocketFrame[] = new Array(count);
  let at = BatchLayout.entries;
  for (let i = 0; i < count; i++) {
    if (frame.byteLength - at < BATCH_ENTRY_HEADER) throw bad(`entry ${i + 1} of ${count} starts past the end of the message`);
    const len = getU32(frame, at);
    const start = at + BATCH_ENTRY_HEADER;
    if (len > frame.byteLength - start) throw bad(`entry ${i + 1} of ${count} (${len} bytes) runs past the end of the message`);
    const inner = frame.subarray(start, start + len);
    if (!BATCHABLE_KINDS.has(inner[0] ?? -1)) throw bad(`entry ${i + 1} of ${count} has kind 0x${(inner[0] ?? 0).toString(16).padStart(2, '0')}; only Chunk, Datagram and Ack travel in a batch`);
    try {
      frames[i] = decodeSocketFrame(inner);
    } catch (err) {
      throw bad(`entry ${i + 1} of ${count}: ${(err as Error).message}`);
    }
    at = start + len;
  }
  if (at !== frame.byteLength) throw bad(`${frame.byteLength - at} bytes left over after its ${count} entries`);
  return frames;
}

/** Parses one frame of one socket (any kind but Batch, which is 'unknown-kind' here). */
export function decodeSocketFrame(frame: Uint8Array): SocketFrame {
  if (frame.byteLength < DATA_HEADER) throw new FrameError(`binary frame of ${frame.byteLength} bytes is shorter than its 5-byte header`, 'short-header');
  const kind = frame[DataLayout.kind];
  const id = getU32(frame, DataLayout.id);
  switch (kind) {
    case Frame.Data:
      return { kind, id, payload: frame.subarray(DataLayout.payload) };
    case Frame.Credit:
    case Frame.Ack:
      if (frame.byteLength !== CREDIT_FRAME) throw new FrameError(`credit/ack frame must be ${CREDIT_FRAME} bytes, got ${frame.byteLength}`, 'wrong-size');
      return { kind, id, bytes: getU32(frame, CounterLayout.bytes) };
    case Frame.Chunk:
      if (frame.byteLength < CHUNK_HEADER) throw new FrameError('chunk frame shorter than its 17-byte header', 'short-header');
      return { kind, id, seq: getU32(frame, ChunkLayout.seq), time: getF64(frame, ChunkLayout.time), payload: frame.subarray(ChunkLayout.payload) };
    case Frame.SendTo: {
      const at = SendToLayout.address;
      if (frame.byteLength < at) throw new FrameError('sendto frame shorter than its 8-byte header', 'short-header');
      const len = frame[SendToLayout.addressLength]!;
      if (frame.byteLength < at + len) throw new FrameError('sendto frame ends inside its address', 'short-address');
      const host = utf8Decoder.decode(frame.subarray(at, at + len));
      return { kind, id, port: getU16(frame, SendToLayout.port), host, payload: frame.subarray(at + len) };
    }
    case Frame.Datagram: {
      const at = DatagramLayout.address;
      if (frame.byteLength < at) throw new FrameError('datagram frame shorter than its 20-byte header', 'short-header');
      const len = frame[DatagramLayout.addressLength]!;
      if (frame.byteLength < at + len) throw new FrameError('datagram frame ends inside its address', 'short-address');
      return {
        kind,
        id,
        seq: getU32(frame, DatagramLayout.seq),
        time: getF64(frame, DatagramLayout.time),
        port: getU16(frame, DatagramLayout.port),
        host: utf8Decoder.decode(frame.subarray(at, at + len)),
        payload: frame.subarray(at + len),
      };
    }
    case Frame.RelayRead: {
      if (frame.byteLength < RELAY_READ_HEADER) throw new FrameError(`relay read frame shorter than its ${RELAY_READ_HEADER}-byte header`, 'short-header');
      const d = frame[RelayReadLayout.dir];
      if (d !== 0 && d !== 1) throw new FrameError(`relay read direction must be 0 or 1, got ${d}`, 'wrong-size');
      const size = getU32(frame, RelayReadLayout.size);
      const payload = frame.subarray(RelayReadLayout.payload);
      if (payload.byteLength > size) throw new FrameError(`relay read copies ${payload.byteLength} bytes of a ${size}-byte read`, 'wrong-size');
      return { kind, id, pair: getU32(frame, RelayReadLayout.pair), dir: d === 0 ? 'up' : 'down', seq: getU32(frame, RelayReadLayout.seq), time: getF64(frame, RelayReadLayout.time), size, payload };
    }
    default:
      throw new FrameError(`unknown binary frame kind 0x${(kind ?? 0).toString(16).padStart(2, '0')}`, 'unknown-kind');
  }
}
