/** Encoders and the decoder of binary frames (Data, Chunk, SendTo, Datagram, Credit, Ack). */
import { CHUNK_HEADER, CREDIT_FRAME, DATA_HEADER, Frame } from './frame-layout.js';

// ---- binary frames ---------------------------------------------------------------------

/** Writes the 5-byte Data header in front of `payload`. */
export function encodeData(id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(DATA_HEADER + payload.byteLength);
  out[0] = Frame.Data;
  new DataView(out.buffer).setUint32(1, id);
  out.set(payload, DATA_HEADER);
  return out;
}

// The per-frame encoders below write integers byte by byte and the time through one shared
// scratch view: a DataView per frame was a measurable share of the relay's allocations.
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = v >>> 16;
  out[at + 2] = v >>> 8;
  out[at + 3] = v;
}

/** A Credit or Ack frame (same layout, different kind). */
export function encodeCounter(kind: typeof Frame.Credit | typeof Frame.Ack, id: number, bytes: number): Uint8Array {
  const out = new Uint8Array(CREDIT_FRAME);
  out[0] = kind;
  putU32(out, 1, id);
  putU32(out, 5, bytes);
  return out;
}

/** Fixed part of a Chunk header: kind, id, seq, time. The payload follows. */
export function writeChunkHeader(target: Uint8Array, id: number, seq: number, timeMs: number): void {
  target[0] = Frame.Chunk;
  putU32(target, 1, id);
  putU32(target, 5, seq >>> 0);
  scratch.setFloat64(0, timeMs);
  target.set(scratchBytes, 9);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** SendTo: kind u8, id u32, port u16, address length u8, address (ASCII), payload. */
export function encodeSendTo(id: number, host: string, port: number, payload: Uint8Array): Uint8Array {
  const addr = utf8Encoder.encode(host);
  if (addr.byteLength > 255) throw new RangeError('address longer than 255 bytes');
  const header = 8 + addr.byteLength;
  const out = new Uint8Array(header + payload.byteLength);
  const view = new DataView(out.buffer);
  out[0] = Frame.SendTo;
  view.setUint32(1, id);
  view.setUint16(5, port);
  out[7] = addr.byteLength;
  out.set(addr, 8);
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
  const addr = utf8Encoder.encode(host);
  const header = CHUNK_HEADER + 3 + addr.byteLength;
  const out = new Uint8Array(header + payload.byteLength);
  const view = new DataView(out.buffer);
  out[0] = Frame.Datagram;
  view.setUint32(1, id);
  view.setUint32(5, seq >>> 0);
  view.setFloat64(9, timeMs);
  view.setUint16(17, port);
  out[19] = addr.byteLength;
  out.set(addr, 20);
  out.set(payload, header);
  return out;
}

export type DecodedFrame =
  | { kind: typeof Frame.Data; id: number; payload: Uint8Array }
  | { kind: typeof Frame.Chunk; id: number; seq: number; time: number; payload: Uint8Array }
  | { kind: typeof Frame.SendTo; id: number; host: string; port: number; payload: Uint8Array }
  | { kind: typeof Frame.Datagram; id: number; seq: number; time: number; host: string; port: number; payload: Uint8Array }
  | { kind: typeof Frame.Credit | typeof Frame.Ack; id: number; bytes: number };

/** Thrown by {@link decodeFrame} for a frame that does not follow the grammar. */
export class FrameError extends Error {
  override name = 'FrameError';
}

/** Parses one binary frame. Payloads are views into `frame`, not copies. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  if (frame.byteLength < DATA_HEADER) throw new FrameError(`binary frame of ${frame.byteLength} bytes is shorter than its 5-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const kind = frame[0];
  const id = view.getUint32(1);
  switch (kind) {
    case Frame.Data:
      return { kind, id, payload: frame.subarray(DATA_HEADER) };
    case Frame.Credit:
    case Frame.Ack:
      if (frame.byteLength !== CREDIT_FRAME) throw new FrameError(`credit/ack frame must be ${CREDIT_FRAME} bytes, got ${frame.byteLength}`);
      return { kind, id, bytes: view.getUint32(5) };
    case Frame.Chunk:
      if (frame.byteLength < CHUNK_HEADER) throw new FrameError('chunk frame shorter than its 17-byte header');
      return { kind, id, seq: view.getUint32(5), time: view.getFloat64(9), payload: frame.subarray(CHUNK_HEADER) };
    case Frame.SendTo: {
      if (frame.byteLength < 8) throw new FrameError('sendto frame shorter than its 8-byte header');
      const len = frame[7]!;
      if (frame.byteLength < 8 + len) throw new FrameError('sendto frame ends inside its address');
      const host = utf8Decoder.decode(frame.subarray(8, 8 + len));
      return { kind, id, port: view.getUint16(5), host, payload: frame.subarray(8 + len) };
    }
    case Frame.Datagram: {
      if (frame.byteLength < CHUNK_HEADER + 3) throw new FrameError('datagram frame shorter than its 20-byte header');
      const len = frame[19]!;
      if (frame.byteLength < 20 + len) throw new FrameError('datagram frame ends inside its address');
      return {
        kind,
        id,
        seq: view.getUint32(5),
        time: view.getFloat64(9),
        port: view.getUint16(17),
        host: utf8Decoder.decode(frame.subarray(20, 20 + len)),
        payload: frame.subarray(20 + len),
      };
    }
    default:
      throw new FrameError(`unknown binary frame kind 0x${(kind ?? 0).toString(16).padStart(2, '0')}`);
  }
}
