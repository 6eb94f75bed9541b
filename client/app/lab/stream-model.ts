/**
 * The sticky-packet lab's picture as data: one byte stream seen three ways — the messages as
 * written, the chunks as read, and the messages a framing recovers — all placed by byte offset,
 * plus the counts the page shows and the tests assert. Pure: no DOM, no sockets.
 */
import { createCodec } from '../../../shared/framing/create-codec.js';
import type { FramingSpec } from '../../../shared/framing/framing-spec.js';
import type { JsonHeaderMessage } from '../../../shared/framing/json-header-message.js';

/** The framings the lab offers, by a short name the UI and scenarios use. */
export const LAB_FRAMINGS = {
  none: { kind: 'none' },
  'length-i': { kind: 'length', format: 'i' },
  'length-!I': { kind: 'length', format: '!I' },
  newline: { kind: 'delimiter', delimiter: '\n' },
  'json-header': { kind: 'json-header' },
} as const satisfies Record<string, FramingSpec>;
/** A name of {@link LAB_FRAMINGS}. */
export type LabFramingName = keyof typeof LAB_FRAMINGS;

/** One write as the sending side made it. */
export interface WrittenMessage {
  /** The message itself (what the application meant to send). */
  payload: Uint8Array;
  /** What went on the wire: framing header (if any) + payload (+ delimiter). */
  bytes: Uint8Array;
  /** Bytes of `bytes` before the payload (length prefix, JSON header). */
  headerBytes: number;
  /** ms since the epoch, page clock. */
  time: number;
  /** Short label, e.g. `hello` or `ls -l output`. */
  label?: string;
}

/** One read as the receiving side's kernel returned it. */
export interface ReadChunk {
  data: Uint8Array;
  seq: number;
  /** ms since the epoch, gateway clock (same host as the page in the lab). */
  time: number;
  /**
   * UDP only: bytes of this datagram a `recvfrom(n)` discarded (it was longer than n). They take
   * their place on the axis after the read, so the next read starts at the next datagram.
   */
  lost?: number;
}

/** A written message placed on the stream. */
export interface PlacedMessage extends WrittenMessage {
  index: number;
  start: number;
  end: number;
}

/** A read placed on the stream, with the messages it touches. */
export interface PlacedChunk extends ReadChunk {
  index: number;
  start: number;
  end: number;
  /** Indexes of the written messages whose bytes this read carries. */
  messages: number[];
}

/** A message recovered by the framing. */
export interface DecodedMessage {
  index: number;
  /** Byte range of its whole frame on the stream (header included). */
  start: number;
  end: number;
  /** Payload (body for json-header). */
  payload: Uint8Array;
  /** The JSON header, for json-header framing. */
  header?: Record<string, unknown>;
  /** The written message it equals (same bytes, same place), or -1 if it is not one of them. */
  matches: number;
  /** Read index that completed it. */
  completedBy: number;
}

/** The three rows and their counts. */
export interface StreamPicture {
  messages: PlacedMessage[];
  chunks: PlacedChunk[];
  decoded: DecodedMessage[];
  /** Bytes written and read so far. */
  writtenBytes: number;
  readBytes: number;
  /** UDP: bytes of datagrams cut off by `recvfrom(n)` (counted in `readBytes`: the stream moved past them). */
  lostBytes: number;
  /** Bytes read but not yet part of a decoded message (an incomplete frame). */
  pendingBytes: number;
  /** A framing error, e.g. a length prefix read from the middle of a text. */
  error?: string;
  counts: {
    written: number;
    reads: number;
    decoded: number;
    /** Decoded messages equal to a written one. */
    intact: number;
    /** Reads carrying bytes of more than one message. */
    mixedReads: number;
    /** Messages whose bytes arrived in more than one read. */
    splitMessages: number;
  };
  /** The first write's time: the picture's time zero. */
  t0: number;
  /**
   * Whether the read stream is the written stream coming back (same bytes, ASCII case aside):
   * true for a page pair and for echo servers. When false (a request to a server that answers
   * with something else) reads are not matched against the writes.
   */
  aligned: boolean;
}

/** ASCII case folded, so an upper-case echo still lines up with what was sent. */
const fold = (b: number) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => fold(v) === fold(b[i]!));

/** True when `reads`, joined, are a prefix of `written`, joined (case folded). */
function isEcho(written: readonly WrittenMessage[], reads: readonly ReadChunk[]): boolean {
  const w: number[] = [];
  for (const m of written) for (const b of m.bytes) w.push(b);
  let at = 0;
  for (const c of reads) {
    for (const b of c.data) {
      if (at >= w.length || fold(w[at]!) !== fold(b)) return false;
      at++;
    }
    at += c.lost ?? 0;
  }
  return true;
}

/**
 * Lays `written` and `reads` out on one byte axis and decodes the read stream with `framing`.
 * With framing `none` every read is a "message", as an application without framing sees it.
 */
export function analyseStream(written: readonly WrittenMessage[], reads: readonly ReadChunk[], framing: FramingSpec): StreamPicture {
  let offset = 0;
  const messages: PlacedMessage[] = written.map((m, index) => {
    const placed = { ...m, index, start: offset, end: offset + m.bytes.length };
    offset += m.bytes.length;
    return placed;
  });
  const writtenBytes = offset;
  offset = 0;
  const aligned = isEcho(written, reads);
  const chunks: PlacedChunk[] = reads.map((c, index) => {
    const start = offset;
    const end = start + c.data.length;
    offset = end + (c.lost ?? 0);
    const touched = aligned ? messages.filter((m) => m.start < end && m.end > start).map((m) => m.index) : [];
    return { ...c, index, start, end, messages: touched };
  });
  const readBytes = offset;

  const decoded: DecodedMessage[] = [];
  let error: string | undefined;
  let pendingBytes = 0;
  const matchAt = (start: number, end: number, payload: Uint8Array) =>
    !aligned ? -1 : messages.find((m) => m.start === start && m.end === end && sameBytes(m.payload, payload))?.index ?? -1;

  if (framing.kind === 'none') {
    for (const c of chunks) {
      decoded.push({ index: decoded.length, start: c.start, end: c.end, payload: c.data, matches: matchAt(c.start, c.end, c.data), completedBy: c.index });
    }
  } else {
    // Byte by byte, so each message's exact end offset is known (streams in the lab are small).
    const decoder = createCodec(framing).createDecoder();
    let frameStart = 0;
    try {
      for (const c of chunks) {
        for (let i = 0; i < c.data.length; i++) {
          const out = decoder.push(c.data.subarray(i, i + 1)) as (Uint8Array | JsonHeaderMessage)[];
          for (const m of out) {
            const end = c.start + i + 1;
            const payload = m instanceof Uint8Array ? m : m.body;
            const header = m instanceof Uint8Array ? undefined : m.header;
            decoded.push({ index: decoded.length, start: frameStart, end, payload, header, matches: matchAt(frameStart, end, payload), completedBy: c.index });
            frameStart = end;
          }
        }
      }
      pendingBytes = readBytes - frameStart;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      pendingBytes = readBytes - frameStart;
    }
  }

  const splitMessages = !aligned ? 0 : messages.filter((m) => chunks.filter((c) => c.start < m.end && c.end > m.start).length > 1).length;
  return {
    messages,
    chunks,
    decoded,
    writtenBytes,
    readBytes,
    lostBytes: reads.reduce((n, c) => n + (c.lost ?? 0), 0),
    pendingBytes,
    error,
    counts: {
      written: messages.length,
      reads: chunks.length,
      decoded: decoded.length,
      intact: decoded.filter((d) => d.matches >= 0).length,
      mixedReads: chunks.filter((c) => c.messages.length > 1).length,
      splitMessages,
    },
    t0: Math.min(messages[0]?.time ?? Infinity, chunks[0]?.time ?? Infinity),
    aligned,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A short printable preview of bytes: text with `\n` shown, or hex when it is not text. */
export function preview(bytes: Uint8Array, max = 24): string {
  const text = utf8.decode(bytes.subarray(0, Math.min(bytes.length, max * 4)));
  // eslint-disable-next-line no-control-regex
  const printable = !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text);
  const shown = printable
    ? text.replace(/\n/g, '⏎').replace(/\r/g, '␍').replace(/\t/g, '⇥')
    : Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const chars = Array.from(shown);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : shown;
}

/** Encodes `payload` with a lab framing; returns the wire bytes and the header length. */
export function frameForWire(payload: Uint8Array, framing: FramingSpec, header?: Record<string, unknown>): { bytes: Uint8Array; headerBytes: number } {
  if (framing.kind === 'none') return { bytes: payload, headerBytes: 0 };
  if (framing.kind === 'json-header') {
    const bytes = createCodec(framing).encode({ header: header ?? {}, body: payload });
    return { bytes, headerBytes: bytes.length - payload.length };
  }
  const bytes = createCodec(framing).encode(payload);
  // A delimiter follows the payload; a length prefix precedes it.
  return { bytes, headerBytes: framing.kind === 'delimiter' ? 0 : bytes.length - payload.length };
}
