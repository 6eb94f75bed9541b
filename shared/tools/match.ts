/**
 * Matching a received message against a pattern, for auto-reply rules and a sequence's "wait for"
 * steps: exact, prefix, contains (on bytes, the pattern written with escapes in the rule's
 * encoding), a regular expression (on the message decoded in that encoding) or a hex pattern
 * with `??` for any byte (contains).
 *
 * JavaScript regular expressions backtrack and have no time limit, so a regex is guarded three ways:
 * - the pattern is refused unless it is small (≤ {@link MAX_REGEX_LENGTH} characters), has no
 *   back-references, no repeated group that itself repeats or alternates (`(a+)+`, `(a|ab)*`:
 *   the exponential shapes), and at most {@link MAX_UNBOUNDED} unbounded repeats (`*`, `+`, `{n,}`,
 *   or `{n,m}` with m > 16) — which keeps the worst case polynomial, O(n³);
 * - it runs on the first {@link REGEX_WINDOW} bytes of a message only (measured worst case of an
 *   allowed pattern there: ~0.1 s on a loaded 2-core machine; typical patterns take microseconds);
 * - callers switch a rule off when one match took longer than {@link SLOW_MATCH_MS}.
 */
import { decodeText, encodeText, parseEscapes, parseHex, type TextEncodingName } from '../encoding/index.js';

/** How a pattern matches. */
export const MATCH_KINDS = ['exact', 'prefix', 'contains', 'regex', 'hex'] as const;
/** One of {@link MATCH_KINDS}. */
export type MatchKind = (typeof MATCH_KINDS)[number];

/** A pattern and how it matches. */
export interface MatchSpec {
  kind: MatchKind;
  pattern: string;
}

/** Longest regex source accepted. */
export const MAX_REGEX_LENGTH = 256;
/** Unbounded repeats a regex may have. */
export const MAX_UNBOUNDED = 2;
/** Bytes of a message a regex looks at. */
export const REGEX_WINDOW = 512;
/** A match slower than this switches its rule off. */
export const SLOW_MATCH_MS = 50;
/** Longest exact/prefix/contains/hex pattern, in bytes. */
export const MAX_PATTERN_BYTES = 1024;

/** A pattern that cannot be used, with the reason in words. */
export class MatchError extends Error {
  override readonly name = 'MatchError';
  readonly code = 'INVALID_PATTERN';
}

/** A compiled pattern: the captures ($0 = the matched bytes, $1… regex groups) or undefined. */
export type Matcher = (message: Uint8Array) => Uint8Array[] | undefined;

/** Compiles `spec`; throws a {@link MatchError} (or the shared EncodingError) that says what is wrong. */
export function compileMatch(spec: MatchSpec, encoding: TextEncodingName = 'utf-8'): Matcher {
  switch (spec.kind) {
    case 'exact':
    case 'prefix':
    case 'contains': {
      const needle = parseEscapes(spec.pattern, encoding);
      if (needle.length > MAX_PATTERN_BYTES) throw new MatchError(`the pattern is longer than ${MAX_PATTERN_BYTES} bytes`);
      const mask = new Array<boolean>(needle.length).fill(true);
      if (spec.kind === 'exact') return (m) => (m.length === needle.length && at(m, needle, mask, 0) ? [m] : undefined);
      if (spec.kind === 'prefix') return (m) => (at(m, needle, mask, 0) ? [m.subarray(0, needle.length)] : undefined);
      return containsMatcher(needle, mask);
    }
    case 'hex': {
      const { bytes, mask } = parseHexPattern(spec.pattern);
      return containsMatcher(bytes, mask);
    }
    case 'regex': {
      const re = compileRegex(spec.pattern);
      return (m) => {
        const text = decodeText(m.length > REGEX_WINDOW ? m.subarray(0, REGEX_WINDOW) : m, encoding);
        const found = re.exec(text);
        if (!found) return undefined;
        return found.map((g) => (g === undefined ? new Uint8Array(0) : encodeText(g, encoding, { unmappable: 'replace' })));
      };
    }
    default: {
      const never: never = spec.kind;
      throw new MatchError(`unknown match kind '${String(never)}'`);
    }
  }
}

function at(m: Uint8Array, needle: Uint8Array, mask: readonly boolean[], offset: number): boolean {
  if (offset + needle.length > m.length) return false;
  for (let i = 0; i < needle.length; i++) if (mask[i] && m[offset + i] !== needle[i]) return false;
  return true;
}

function containsMatcher(needle: Uint8Array, mask: readonly boolean[]): Matcher {
  if (needle.length === 0) throw new MatchError('the pattern is empty');
  return (m) => {
    for (let o = 0; o + needle.length <= m.length; o++) if (at(m, needle, mask, o)) return [m.subarray(o, o + needle.length)];
    return undefined;
  };
}

/** `01 03 ?? 02`: bytes in hex with `??` standing for any byte. */
function parseHexPattern(pattern: string): { bytes: Uint8Array; mask: boolean[] } {
  const bytes: number[] = [];
  const mask: boolean[] = [];
  for (const token of pattern.split(/[\s,]+/).filter(Boolean)) {
    if (token === '??') {
      bytes.push(0);
      mask.push(false);
      continue;
    }
    for (const b of parseHex(token)) {
      bytes.push(b);
      mask.push(true);
    }
  }
  if (bytes.length > MAX_PATTERN_BYTES) throw new MatchError(`the pattern is longer than ${MAX_PATTERN_BYTES} bytes`);
  return { bytes: Uint8Array.from(bytes), mask };
}

/** Checks a regex source against the guard above and compiles it. */
export function compileRegex(source: string): RegExp {
  if (source.length === 0) throw new MatchError('the regular expression is empty');
  if (source.length > MAX_REGEX_LENGTH) throw new MatchError(`the regular expression is longer than ${MAX_REGEX_LENGTH} characters`);
  checkShape(source);
  try {
    return new RegExp(source);
  } catch (error) {
    throw new MatchError(`not a regular expression: ${(error as Error).message}`);
  }
}

interface Group {
  repeats: boolean;
  alternates: boolean;
}

/** Walks the source once: refuses back-references, nested or alternating repeats, too many unbounded repeats. */
function checkShape(source: string): void {
  const stack: Group[] = [{ repeats: false, alternates: false }];
  let unbounded = 0;
  let lastGroup: Group | undefined; // the group that just closed, if the previous token was ')'
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    let closed: Group | undefined;
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (/[1-9]/.test(n) || n === 'k') throw new MatchError(`back-references (\\${n}) are not allowed: they can take exponential time`);
      i += 2;
    } else if (c === '[') {
      i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      stack.push({ repeats: false, alternates: false });
      i++;
    } else if (c === ')') {
      if (stack.length > 1) closed = stack.pop();
      i++;
    } else if (c === '|') {
      stack.at(-1)!.alternates = true;
      i++;
    } else if (c === '*' || c === '+' || c === '{' || c === '?') {
      let isRepeat = c !== '?';
      let isUnbounded = c === '*' || c === '+';
      let len = 1;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) isRepeat = false;
        else {
          len = m[0].length;
          const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
          isRepeat = max > 1;
          isUnbounded = max > 16;
        }
      }
      if (c === '?' && source[i - 1] === '(') isRepeat = false; // (?: (?= (?<name>
      if (isRepeat) {
        if (lastGroup && (lastGroup.repeats || lastGroup.alternates)) {
          throw new MatchError('a repeated group may not itself repeat or alternate, e.g. (a+)+ or (a|b)*: that can take exponential time');
        }
        for (const g of stack) g.repeats = true;
        if (isUnbounded && ++unbounded > MAX_UNBOUNDED) throw new MatchError(`at most ${MAX_UNBOUNDED} unbounded repeats (* + {n,}) are allowed`);
      }
      i += len;
      if (source[i] === '?' || source[i] === '+') i++; // lazy / possessive marker
      lastGroup = undefined;
      continue;
    } else {
      i++;
    }
    lastGroup = closed;
  }
}
