/**
 * Turns what the composer holds (text or hex, escapes, line ending, encoding, framing) into the
 * bytes to send, with the shared encodings and framing codecs — nothing re-implemented here.
 */
import { encodeText, parseEscapes, parseHex, type TextEncodingName } from '../../../shared/encoding/index.js';
import { createCodec, type FramingSpec } from '../../../shared/framing/index.js';

/** Line endings the composer appends in text mode. */
export type LineEnding = 'none' | 'lf' | 'crlf';

/** Framing menu entries, each a FramingSpec the shared codecs understand. */
export const FRAMINGS: readonly { id: string; label: string; spec: FramingSpec }[] = [
  { id: 'none', label: 'none', spec: { kind: 'none' } },
  { id: 'len-i', label: "length 4 B LE signed (struct 'i')", spec: { kind: 'length', format: 'i' } },
  { id: 'len-!I', label: "length 4 B BE (struct '!I')", spec: { kind: 'length', format: '!I' } },
  { id: 'len-!H', label: "length 2 B BE (struct '!H')", spec: { kind: 'length', format: '!H' } },
  { id: 'len-<H', label: "length 2 B LE (struct '<H')", spec: { kind: 'length', format: '<H' } },
  { id: 'len-B', label: "length 1 B (struct 'B')", spec: { kind: 'length', format: 'B' } },
  { id: 'len-!Q', label: "length 8 B BE (struct '!Q')", spec: { kind: 'length', format: '!Q' } },
  { id: 'delim-lf', label: 'delimiter \\n', spec: { kind: 'delimiter', delimiter: '\n' } },
  { id: 'delim-crlf', label: 'delimiter \\r\\n', spec: { kind: 'delimiter', delimiter: '\r\n' } },
  { id: 'delim-nul', label: 'delimiter \\0', spec: { kind: 'delimiter', delimiter: [0] } },
  { id: 'json-header', label: "JSON header + body (struct 'i')", spec: { kind: 'json-header', format: 'i' } },
];

/** The composer's settings that shape the bytes. */
export interface PayloadSettings {
  mode: 'text' | 'hex';
  escapes: boolean;
  lineEnding: LineEnding;
  encoding: TextEncodingName;
  framing: string;
  /** JSON object text for the json-header framing's header. */
  jsonHeader: string;
}

/** Default settings. */
export const DEFAULT_PAYLOAD: PayloadSettings = { mode: 'text', escapes: true, lineEnding: 'none', encoding: 'utf-8', framing: 'none', jsonHeader: '{"cmd": "msg"}' };

/**
 * The bytes `input` stands for under `settings`. Throws the shared EncodingError (INVALID_HEX,
 * INVALID_ESCAPE, UNMAPPABLE_CHARACTER, with position), a RangeError from framing, or a SyntaxError
 * for a bad JSON header — the composer shows them in the UI language.
 */
export function buildPayload(input: string, settings: PayloadSettings): Uint8Array {
  let body: Uint8Array;
  if (settings.mode === 'hex') {
    body = parseHex(input);
  } else {
    const ending = settings.lineEnding === 'lf' ? '\n' : settings.lineEnding === 'crlf' ? '\r\n' : '';
    const text = settings.escapes ? input : input + ending;
    body = settings.escapes ? concat(parseEscapes(input, settings.encoding), encodeText(ending, settings.encoding)) : encodeText(text, settings.encoding);
  }
  const framing = FRAMINGS.find((f) => f.id === settings.framing) ?? FRAMINGS[0]!;
  if (framing.spec.kind === 'none') return body;
  if (framing.spec.kind === 'json-header') {
    const header = JSON.parse(settings.jsonHeader || '{}') as unknown;
    if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SyntaxError('the JSON header must be an object');
    return createCodec(framing.spec).encode({ header: header as Record<string, unknown>, body });
  }
  return createCodec(framing.spec).encode(body);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.byteLength === 0) return a;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}
