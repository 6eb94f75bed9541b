/**
 * A sequence written as text, one step a line, for the page's editor:
 *
 * ```
 * # comment
 * send HELLO {{counter}}\n        text with escapes and macros
 * hex 01 03 00 00 00 0A           bytes in hex (macros too)
 * wait 200                        pause, ms
 * expect prefix 2000 HELLO        wait up to 2000 ms for a message: exact|prefix|contains|regex|hex
 * ```
 */
import { checkSequence, type Sequence, type SequenceStep } from './lab-pack.js';
import { MATCH_KINDS, type MatchKind } from './match.js';

/** A line the editor cannot read: 1-based line number and why. */
export class SequenceTextError extends Error {
  override readonly name = 'SequenceTextError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

/** Reads `text` into a sequence called `name`; throws a {@link SequenceTextError}. */
export function parseSequenceText(name: string, text: string): Sequence {
  const steps: SequenceStep[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) return;
    const [word = '', ...rest] = line.split(' ');
    const arg = rest.join(' ');
    const n = index + 1;
    switch (word.toLowerCase()) {
      case 'send':
        steps.push({ kind: 'send', text: arg, mode: 'text' });
        return;
      case 'hex':
        steps.push({ kind: 'send', text: arg, mode: 'hex' });
        return;
      case 'wait':
        if (!/^\d+$/.test(arg.trim())) throw new SequenceTextError(n, 'wait needs a number of milliseconds: wait 200');
        steps.push({ kind: 'wait', ms: Number(arg.trim()) });
        return;
      case 'expect': {
        const m = /^(\S+) (\d+) (.+)$/.exec(arg);
        if (!m || !(MATCH_KINDS as readonly string[]).includes(m[1]!)) throw new SequenceTextError(n, `write: expect ${MATCH_KINDS.join('|')} <timeout ms> <pattern>`);
        steps.push({ kind: 'expect', match: m[1] as MatchKind, timeoutMs: Number(m[2]), pattern: m[3]! });
        return;
      }
      default:
        throw new SequenceTextError(n, `unknown step "${word}" (send, hex, wait, expect)`);
    }
  });
  try {
    return checkSequence({ name, steps });
  } catch (error) {
    const e = error as { path?: string; error?: string };
    throw new SequenceTextError(0, e.error ? `${e.path}: ${e.error}` : String(error));
  }
}

/** The text form of `sequence` (what {@link parseSequenceText} reads back). */
export function sequenceToText(sequence: Sequence): string {
  return sequence.steps
    .map((s) => (s.kind === 'send' ? `${s.mode === 'hex' ? 'hex' : 'send'} ${s.text}` : s.kind === 'wait' ? `wait ${s.ms}` : `expect ${s.match} ${s.timeoutMs} ${s.pattern}`))
    .join('\n');
}
