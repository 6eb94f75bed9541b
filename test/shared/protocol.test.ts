import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_HEADER,
  ChunkLayout,
  ControlMessageError,
  CounterLayout,
  CREDIT_FRAME,
  DATA_HEADER,
  DatagramLayout,
  Frame,
  FrameError,
  SCHEMAS,
  SendToLayout,
  decodeFrame,
  encodeChunk,
  encodeCounter,
  encodeData,
  encodeDatagram,
  encodeRelayRead,
  encodeSendTo,
  validateControlMessage,
  writeChunkHeader,
  type DecodedFrame,
  type EndMsg,
  type FrameErrorReason,
  type MessageSchema,
} from '../../shared/protocol.js';

const id = fc.integer({ min: 0, max: 0xffff_ffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const port = fc.integer({ min: 0, max: 0xffff });
const time = fc.double({ noNaN: true });
const payload = fc.uint8Array({ maxLength: 64 });
// Up to 63 code points of at most 4 UTF-8 bytes each: always within the 255-byte address field.
const host = fc.string({ unit: 'binary', maxLength: 63 });

/** One encoded frame with what it must decode to, and where its fixed header and address end. */
interface Case {
  bytes: Uint8Array;
  want: DecodedFrame;
  /** Bytes of the fixed header: shorter is `short-header` (or `wrong-size` for counters). */
  header: number;
  /** End of the address (SendTo, Datagram): shorter than this but not than `header` is `short-address`. */
  addressEnd: number;
  /** The frame's length is fixed: any other length is `wrong-size`. */
  fixed: boolean;
}

const frames: fc.Arbitrary<Case> = fc.oneof(
  fc.tuple(id, payload).map(([i, p]): Case => ({ bytes: encodeData(i, p), want: { kind: Frame.Data, id: i, payload: p }, header: DATA_HEADER, addressEnd: DATA_HEADER, fixed: false })),
  fc.tuple(fc.constantFrom(Frame.Credit, Frame.Ack), id, u32).map(([k, i, n]): Case => ({
    bytes: encodeCounter(k, i, n),
    want: { kind: k, id: i, bytes: n },
    header: CREDIT_FRAME,
    addressEnd: CREDIT_FRAME,
    fixed: true,
  })),
  fc.tuple(id, u32, time, payload).map(([i, s, t, p]): Case => ({
    bytes: encodeChunk(i, s, t, p),
    want: { kind: Frame.Chunk, id: i, seq: s, time: t, payload: p },
    header: CHUNK_HEADER,
    addressEnd: CHUNK_HEADER,
    fixed: false,
  })),
  fc.tuple(id, host, port, payload).map(([i, h, pt, p]): Case => {
    const end = SendToLayout.address + new TextEncoder().encode(h).byteLength;
    return { bytes: encodeSendTo(i, h, pt, p), want: { kind: Frame.SendTo, id: i, host: h, port: pt, payload: p }, header: SendToLayout.address, addressEnd: end, fixed: false };
  }),
  fc.tuple(id, u32, time, host, port, payload).map(([i, s, t, h, pt, p]): Case => {
    const end = DatagramLayout.address + new TextEncoder().encode(h).byteLength;
    return {
      bytes: encodeDatagram(i, s, t, h, pt, p),
      want: { kind: Frame.Datagram, id: i, seq: s, time: t, host: h, port: pt, payload: p },
      header: DatagramLayout.address,
      addressEnd: end,
      fixed: false,
    };
  }),
);

/** The frame as it must decode from its first `n` bytes: its fixed fields, a prefix of its payload. */
function truncated(want: DecodedFrame, bytes: Uint8Array, n: number): DecodedFrame {
  if (!('payload' in want)) return want;
  const dropped = bytes.byteLength - n;
  return { ...want, payload: want.payload.subarray(0, want.payload.byteLength - dropped) };
}

/** The same bytes at an odd offset inside a larger buffer, as a WebSocket library may hand them over. */
function offsetCopy(bytes: Uint8Array): Uint8Array {
  const big = new Uint8Array(bytes.byteLength + 7);
  big.set(bytes, 3);
  return big.subarray(3, 3 + bytes.byteLength);
}

function reasonOf(bytes: Uint8Array): FrameErrorReason | 'decoded' {
  try {
    decodeFrame(bytes);
    return 'decoded';
  } catch (err) {
    expect(err).toBeInstanceOf(FrameError);
    return (err as FrameError).reason;
  }
}

describe('binary frames', () => {
  it('every frame kind round-trips, also from inside a larger buffer', () => {
    fc.assert(
      fc.property(frames, ({ bytes, want }) => {
        expect(decodeFrame(bytes)).toEqual(want);
        expect(decodeFrame(offsetCopy(bytes))).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('every truncation of every frame is a specific error, or the same frame with a shorter payload — never another frame', () => {
    fc.assert(
      fc.property(frames, ({ bytes, want, header, addressEnd, fixed }) => {
        for (let n = 0; n < bytes.byteLength; n++) {
          const cut = offsetCopy(bytes.subarray(0, n));
          let expected: FrameErrorReason | 'decoded';
          if (n < DATA_HEADER) expected = 'short-header';
          else if (fixed) expected = 'wrong-size';
          else if (n < header) expected = 'short-header';
          else if (n < addressEnd) expected = 'short-address';
          else expected = 'decoded';
          expect(reasonOf(cut), `${n} of ${bytes.byteLength} bytes of kind ${want.kind}`).toBe(expected);
          // Past the header and address the payload runs to the message's end: the grammar has no length for it.
          if (expected === 'decoded') expect(decodeFrame(cut)).toEqual(truncated(want, bytes, n));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a Credit or Ack frame with bytes after it is refused with wrong-size', () => {
    fc.assert(
      fc.property(fc.constantFrom(Frame.Credit, Frame.Ack), id, u32, fc.uint8Array({ minLength: 1, maxLength: 8 }), (k, i, n, extra) => {
        const long = new Uint8Array([...encodeCounter(k, i, n), ...extra]);
        expect(reasonOf(long)).toBe('wrong-size');
      }),
    );
  });

  it('any byte string decodes to a frame or a FrameError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const r = reasonOf(bytes);
        if (r === 'decoded') expect(Object.values(Frame)).toContain(bytes[0]);
        else if (bytes.byteLength >= DATA_HEADER && !Object.values(Frame).includes(bytes[0] as never)) expect(r).toBe('unknown-kind');
      }),
      { numRuns: 2000 },
    );
  });

  it('fields sit at the offsets the layouts name (hex fixture)', () => {
    const chunk = new Uint8Array(CHUNK_HEADER);
    writeChunkHeader(chunk, 0x01020304, 0x05060708, 1);
    expect(Buffer.from(chunk).toString('hex')).toBe('02' + '01020304' + '05060708' + '3ff0000000000000');
    expect(chunk[ChunkLayout.seq]).toBe(5);
    const counter = encodeCounter(Frame.Ack, 7, 0x0a0b0c0d);
    expect(Buffer.from(counter).toString('hex')).toBe('06' + '00000007' + '0a0b0c0d');
    expect(counter[CounterLayout.bytes]).toBe(0x0a);
    const sendTo = encodeSendTo(1, '::1', 8080, new Uint8Array([0xff]));
    expect(Buffer.from(sendTo).toString('hex')).toBe('03' + '00000001' + '1f90' + '03' + '3a3a31' + 'ff');
    const dgram = encodeDatagram(1, 2, 1, '::1', 53, new Uint8Array([0xee]));
    expect(Buffer.from(dgram).toString('hex')).toBe('04' + '00000001' + '00000002' + '3ff0000000000000' + '0035' + '03' + '3a3a31' + 'ee');
    expect(dgram[DatagramLayout.addressLength]).toBe(3);
  });

  it('an address over 255 bytes cannot be encoded', () => {
    expect(() => encodeSendTo(1, 'a'.repeat(256), 1, new Uint8Array())).toThrow(RangeError);
    expect(() => encodeDatagram(1, 0, 0, 'a'.repeat(256), 1, new Uint8Array())).toThrow(RangeError);
  });
});

describe('control message schema', () => {
  const errorOf = (data: unknown): ControlMessageError => {
    try {
      validateControlMessage(data);
    } catch (err) {
      expect(err).toBeInstanceOf(ControlMessageError);
      return err as ControlMessageError;
    }
    throw new Error(`accepted ${JSON.stringify(data)}`);
  };

  it('accepts every message type with its required fields', () => {
    expect(validateControlMessage({ t: 'tcp.connect', id: 1, host: 'a', port: 1, tls: { servername: 'x', insecure: true } })).toMatchObject({ t: 'tcp.connect' });
    expect(validateControlMessage({ t: 'udp.join', id: 1, ref: 3, group: '239.1.1.1', interface: '127.0.0.1' })).toMatchObject({ t: 'udp.join' });
    expect(validateControlMessage({ t: 'recv', id: 1, max: 0 })).toMatchObject({ t: 'recv' });
    expect(validateControlMessage({ t: 'relay.listen', id: 1, host: '127.0.0.1', port: 0, targetHost: 'a', targetPort: 1, logBytes: 64 << 20 })).toMatchObject({ t: 'relay.listen' });
    expect(validateControlMessage({ t: 'window', id: 1, sendWindow: 65536, receiveWindow: 1 << 20 })).toMatchObject({ t: 'window' });
    expect(Object.keys(SCHEMAS).sort()).toEqual(['close', 'end', 'recv', 'relay.listen', 'set', 'tcp.connect', 'tcp.listen', 'udp.bind', 'udp.join', 'udp.leave', 'window']);
  });

  it('refuses an unknown key with BAD_MESSAGE naming the key, for every message type', () => {
    for (const [t, schema] of Object.entries(SCHEMAS)) {
      // The type's required fields, each with a value its check accepts, so only the stranger is wrong.
      const valid = { t, id: 1, host: 'a', port: 1, group: 'g', max: 1, targetHost: 'b', targetPort: 2 };
      const required = Object.fromEntries(Object.entries(valid).filter(([k]) => k === 't' || Object.hasOwn(schema, k)));
      expect(() => validateControlMessage(required)).not.toThrow();
      const e = errorOf({ ...required, noSuchOption: true });
      expect(e.code).toBe('BAD_MESSAGE');
      expect(e.message).toContain('"noSuchOption"');
      expect(e.message).toContain(t);
    }
    const nested = errorOf({ t: 'tcp.connect', id: 1, host: 'a', port: 1, tls: { servername: 'x', rejectUnauthorized: false } });
    expect(nested.code).toBe('BAD_MESSAGE');
    expect(nested.message).toContain('"tls.rejectUnauthorized"');
  });

  it('a known key with a bad value or a missing required key is BAD_OPTION naming the field', () => {
    expect(errorOf({ t: 'tcp.connect', id: 1, host: 'a', port: 65536 })).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('"port"') });
    expect(errorOf({ t: 'recv', id: 1 })).toMatchObject({ code: 'BAD_OPTION', message: 'recv: "max" is required' });
    expect(errorOf({ t: 'tcp.listen', id: 0x8000_0000, host: 'a', port: 1 })).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('"id"') });
    expect(errorOf({ t: 'relay.listen', id: 1, host: 'a', port: 1, targetHost: 'b', targetPort: 2, logBytes: (64 << 20) + 1 })).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('"logBytes"') });
    expect(errorOf({ t: 'relay.listen', id: 1, host: 'a', port: 1, targetHost: 'b' })).toMatchObject({ code: 'BAD_OPTION', message: 'relay.listen: "targetPort" is required' });
  });

  it('a message that is not an object or has an unknown type is BAD_MESSAGE', () => {
    for (const data of [null, 3, 'x', [], {}, { t: 'tcp.open' }, { t: 7 }]) expect(errorOf(data).code).toBe('BAD_MESSAGE');
  });

  it('a schema missing a field of its interface does not compile', () => {
    // @ts-expect-error EndMsg has `ref`; a schema without it is a type error.
    const missing: MessageSchema<EndMsg> = { id: { type: 'uint', required: true } };
    // @ts-expect-error `id` is required in EndMsg, so its entry must say required: true.
    const optional: MessageSchema<EndMsg> = { id: { type: 'uint' }, ref: { type: 'uint' } };
    // @ts-expect-error a number field cannot be checked as a host.
    const wrongType: MessageSchema<EndMsg> = { id: { type: 'host', required: true }, ref: { type: 'uint' } };
    expect([missing, optional, wrongType]).toHaveLength(3);
  });
});

describe('RelayRead frames (relay mode)', () => {
  it('round-trips every field at its documented offset; a copy shorter than the read is allowed, longer is not', () => {
    const f = encodeRelayRead(7, 3, 1, 9, 1700000000123.5, 10, new Uint8Array([0x41, 0x42]));
    expect([...f.subarray(0, 26)]).toEqual([
      0x08, 0, 0, 0, 7, 0, 0, 0, 3, 1, 0, 0, 0, 9, ...new Uint8Array(new Float64Array([1700000000123.5]).buffer).reverse(), 0, 0, 0, 10,
    ]);
    expect(decodeFrame(f)).toEqual({ kind: Frame.RelayRead, id: 7, pair: 3, dir: 'down', seq: 9, time: 1700000000123.5, size: 10, payload: new Uint8Array([0x41, 0x42]) });
    expect(() => decodeFrame(f.subarray(0, 25))).toThrow(FrameError);
    const bad = encodeRelayRead(7, 3, 0, 9, 0, 1, new Uint8Array([1]));
    bad[9] = 2;
    expect(() => decodeFrame(bad)).toThrow(/direction/);
    const over = new Uint8Array([...encodeRelayRead(1, 1, 0, 0, 0, 1, new Uint8Array([1])), 2]);
    expect(() => decodeFrame(over)).toThrow(/copies 2 bytes of a 1-byte read/);
  });
});
