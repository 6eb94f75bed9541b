/**
 * Macros in what the page sends (composer messages, auto-replies, sequence steps):
 *
 * | macro | text mode | hex mode |
 * |---|---|---|
 * | `{{counter}}` | the socket's send counter in decimal (1, 2, 3…) | one byte, counter mod 256 |
 * | `{{time}}` | local time `HH:MM:SS` | the same eight ASCII bytes |
 * | `{{unixtime}}` | seconds since 1970 in decimal | four bytes, big-endian |
 * | `{{random}}` | a random byte's value in decimal (0–255) | one random byte |
 * | `{{hex:41 42}}` | the bytes written in hex, raw | the same |
 * | `{{0}}`…`{{9}}`, `$0`…`$9` | a capture of the message an auto-reply answers (raw bytes; empty when there is no such group) | the same |
 *
 * `$n` is read only where captures exist (auto-reply templates), so a `$` in an ordinary message
 * stays a `$`. Anything that looks like a macro but is not one is an error with its position, so a
 * typo never goes out on the wire as literal braces.
 */
import { parseHex } from '../encoding/hex.js';

/** What a macro expands against. */
export interface MacroContext {
  /** The socket's send counter for this message. */
  counter: number;
  /** ms since the epoch. */
  now: number;
  /** A random integer 0–255. */
  random: () => number;
  /** The captures of an answered message ($0 = the whole match). */
  captures?: readonly Uint8Array[];
}

/** A bad macro: what and where (0-based character position). */
export class MacroError extends Error {
  override readonly name = 'MacroError';
  readonly code = 'INVALID_MACRO';
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

/** A piece of a template: literal text, or a macro with its argument. */
type Segment = { kind: 'text'; text: string } | { kind: 'macro'; name: string; arg: string; at: number };

const NAMES = new Set(['counter', 'time', 'unixtime', 'random', 'hex']);
const MACRO = /\{\{\s*([A-Za-z]+|\d)\s*(?::([^{}]*))?\}\}/y;

/** True when `template` holds anything that expands (macros, or `$n` when captures count). */
export function hasMacros(template: string, captures = false): boolean {
  return template.includes('{{') || (captures && /\$\d/.test(template));
}

/** Splits `template` into text and macros; throws a {@link MacroError} for an unknown or malformed one. */
function parse(template: string, captures: boolean): Segment[] {
  const out: Segment[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      MACRO.lastIndex = i;
      const m = MACRO.exec(template);
      if (!m) throw new MacroError(i, `unfinished macro at position ${i}: write {{counter}}, {{time}}, {{unixtime}}, {{random}} or {{hex:41 42}}`);
      const name = m[1]!.toLowerCase();
      const isCapture = /^\d$/.test(name);
      if (isCapture ? !captures : !NAMES.has(name)) {
        throw new MacroError(i, isCapture ? `{{${name}}} at position ${i}: captures exist only in auto-reply templates` : `unknown macro {{${m[1]}}} at position ${i}`);
      }
      if (name === 'hex' && m[2] === undefined) throw new MacroError(i, `{{hex:…}} at position ${i} needs bytes after the colon`);
      if (text) out.push({ kind: 'text', text });
      text = '';
      out.push({ kind: 'macro', name, arg: m[2] ?? '', at: i });
      i += m[0].length;
    } else if (captures && template[i] === '$' && /\d/.test(template[i + 1] ?? '')) {
      if (text) out.push({ kind: 'text', text });
      text = '';
      out.push({ kind: 'macro', name: template[i + 1]!, arg: '', at: i });
      i += 2;
    } else {
      text += template[i];
      i++;
    }
  }
  if (text) out.push({ kind: 'text', text });
  return out;
}

/** Checks `template` without expanding it; throws the {@link MacroError} that sending would. */
export function checkTemplate(template: string, captures = false): void {
  for (const s of parse(template, captures)) {
    if (s.kind === 'macro' && s.name === 'hex') parseHexAt(s.arg, s.at);
  }
}

/**
 * The bytes `template` stands for. Literal text goes through `encodeText` in text mode (escapes
 * and the chosen encoding: the caller's), through the hex parser in hex mode; macros as the table
 * above says.
 */
export function expandTemplate(template: string, mode: 'text' | 'hex', context: MacroContext, encodeText: (text: string) => Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of parse(template, context.captures !== undefined)) {
    if (s.kind === 'text') parts.push(mode === 'hex' ? parseHex(s.text) : encodeText(s.text));
    else parts.push(macroBytes(s, mode, context, encodeText));
  }
  return concatAll(parts);
}

function macroBytes(s: Extract<Segment, { kind: 'macro' }>, mode: 'text' | 'hex', c: MacroContext, encodeText: (text: string) => Uint8Array): Uint8Array {
  const ascii = (t: string) => (mode === 'hex' ? new TextEncoder().encode(t) : encodeText(t));
  switch (s.name) {
    case 'counter':
      return mode === 'hex' ? Uint8Array.of(c.counter & 0xff) : ascii(String(c.counter));
    case 'time': {
      const d = new Date(c.now);
      const two = (n: number) => String(n).padStart(2, '0');
      return ascii(`${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`);
    }
    case 'unixtime': {
      const secs = Math.floor(c.now / 1000);
      if (mode === 'text') return ascii(String(secs));
      return Uint8Array.of((secs >>> 24) & 0xff, (secs >>> 16) & 0xff, (secs >>> 8) & 0xff, secs & 0xff);
    }
    case 'random': {
      const r = c.random() & 0xff;
      return mode === 'hex' ? Uint8Array.of(r) : ascii(String(r));
    }
    case 'hex':
      return parseHexAt(s.arg, s.at);
    default:
      return c.captures?.[Number(s.name)] ?? new Uint8Array(0);
  }
}

function parseHexAt(text: string, at: number): Uint8Array {
  try {
    return parseHex(text);
  } catch (error) {
    throw new MacroError(at, `{{hex:…}} at position ${at}: ${(error as Error).message}`);
  }
}

/** The parts one after another. */
export function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
