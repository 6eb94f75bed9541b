/**
 * Auto-reply rules (Packet Sender's "smart responses"): each received message is tried against a
 * socket's rules in order; the first one switched on that matches answers with its template, which
 * may use the match's captures and the send macros. Bounded: {@link MAX_RULES} rules per socket,
 * at most {@link MAX_REPLIES_PER_SECOND} replies a second per socket (two sockets answering each
 * other cannot flood anyone), and a rule whose match ran slower than SLOW_MATCH_MS is switched off.
 */
import type { TextEncodingName } from '../encoding/index.js';
import { parseEscapes } from '../encoding/index.js';
import { checkTemplate, expandTemplate, type MacroContext } from './macros.js';
import { compileMatch, SLOW_MATCH_MS, type MatchKind, type Matcher } from './match.js';

/** Rules a socket may hold. */
export const MAX_RULES = 32;
/** Replies a socket sends per second at most; beyond that, matches are counted as skipped. */
export const MAX_REPLIES_PER_SECOND = 50;
/** Longest reply template, in characters. */
export const MAX_REPLY_LENGTH = 4096;

/** One rule as the user wrote it (what is saved and exported). */
export interface AutoReplyRule {
  /** Whether it answers. */
  on: boolean;
  match: MatchKind;
  pattern: string;
  /** The reply template: text with escapes (`\r\n`, `\x41`) or hex, with macros and captures. */
  reply: string;
  replyMode: 'text' | 'hex';
}

/** A rule in use: the user's rule, its compiled matcher and its hit count. */
export interface ActiveRule extends AutoReplyRule {
  hits: number;
  matcher: Matcher;
  /** Why the engine switched it off, if it did. */
  stopped?: string;
}

/** What one received message led to. */
export type AutoReplyOutcome =
  | { kind: 'reply'; rule: ActiveRule; bytes: Uint8Array }
  | { kind: 'rate-limited'; rule: ActiveRule }
  | { kind: 'slow'; rule: ActiveRule; ms: number }
  | { kind: 'error'; rule: ActiveRule; error: unknown };

/** Checks `rule`; throws the error the panel shows (pattern or template). */
export function checkRule(rule: AutoReplyRule, encoding: TextEncodingName): Matcher {
  if (rule.reply.length > MAX_REPLY_LENGTH) throw new RangeError(`the reply is longer than ${MAX_REPLY_LENGTH} characters`);
  const matcher = compileMatch({ kind: rule.match, pattern: rule.pattern }, encoding);
  checkTemplate(rule.reply, true);
  return matcher;
}

/** One socket's rules and their counters. */
export class AutoReplyEngine {
  readonly rules: ActiveRule[] = [];
  /** Matches that were not answered because of the rate limit. */
  skipped = 0;
  #windowStart = 0;
  #inWindow = 0;

  constructor(public encoding: TextEncodingName = 'utf-8') {}

  /** Adds a rule (checked first); throws when it is bad or the socket has {@link MAX_RULES}. */
  add(rule: AutoReplyRule): ActiveRule {
    if (this.rules.length >= MAX_RULES) throw new RangeError(`a socket holds at most ${MAX_RULES} rules`);
    const active: ActiveRule = { ...rule, hits: 0, matcher: checkRule(rule, this.encoding) };
    this.rules.push(active);
    return active;
  }

  /** Removes the rule at `index`. */
  remove(index: number): void {
    this.rules.splice(index, 1);
  }

  /** The rules as saved (no counters). */
  toJSON(): AutoReplyRule[] {
    return this.rules.map(({ on, match, pattern, reply, replyMode }) => ({ on, match, pattern, reply, replyMode }));
  }

  /**
   * Tries `message` against the rules; the first match answers. `context` supplies the macros
   * (its captures are filled in here); `clock` is ms, injectable for tests.
   */
  answer(message: Uint8Array, context: Omit<MacroContext, 'captures'>, clock: () => number = Date.now): AutoReplyOutcome | undefined {
    for (const rule of this.rules) {
      if (!rule.on) continue;
      const started = clock();
      const captures = rule.matcher(message);
      const ms = clock() - started;
      if (ms > SLOW_MATCH_MS) {
        rule.on = false;
        rule.stopped = `a match took ${Math.round(ms)} ms`;
        return { kind: 'slow', rule, ms };
      }
      if (!captures) continue;
      rule.hits++;
      if (!this.#allow(context.now)) {
        this.skipped++;
        return { kind: 'rate-limited', rule };
      }
      try {
        const bytes = expandTemplate(rule.reply, rule.replyMode, { ...context, captures }, (t) => parseEscapes(t, this.encoding));
        return { kind: 'reply', rule, bytes };
      } catch (error) {
        return { kind: 'error', rule, error };
      }
    }
    return undefined;
  }

  #allow(now: number): boolean {
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    return ++this.#inWindow <= MAX_REPLIES_PER_SECOND;
  }
}
