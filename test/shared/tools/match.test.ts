/** Rule matching (exact, prefix, contains, regex, hex with ??), the regex guard, and the auto-reply engine. */
import { describe, expect, it } from 'vitest';
import { encodeText } from '../../../shared/encoding/index.js';
import { AutoReplyEngine, MAX_REPLIES_PER_SECOND, MAX_RULES } from '../../../shared/tools/auto-reply.js';
import { compileMatch, compileRegex, REGEX_WINDOW, type MatchSpec } from '../../../shared/tools/match.js';

const b = (s: string) => new TextEncoder().encode(s);
const t = (x: Uint8Array | undefined) => (x ? new TextDecoder().decode(x) : undefined);
const m = (spec: MatchSpec, msg: string | Uint8Array) => compileMatch(spec)(typeof msg === 'string' ? b(msg) : msg)?.map(t);

describe('matching', () => {
  it('exact, prefix and contains compare bytes, escapes allowed in the pattern', () => {
    expect(m({ kind: 'exact', pattern: 'PING\\r\\n' }, 'PING\r\n')).toEqual(['PING\r\n']);
    expect(m({ kind: 'exact', pattern: 'PING' }, 'PING\r\n')).toBeUndefined();
    expect(m({ kind: 'prefix', pattern: 'GET ' }, 'GET / HTTP/1.0')).toEqual(['GET ']);
    expect(m({ kind: 'prefix', pattern: 'GET ' }, 'POST /')).toBeUndefined();
    expect(m({ kind: 'contains', pattern: 'temp=' }, 'a;temp=21')).toEqual(['temp=']);
  });

  it('hex patterns find bytes with ?? as any byte', () => {
    const f = compileMatch({ kind: 'hex', pattern: '01 03 ?? 02' });
    expect(f(Uint8Array.of(9, 1, 3, 0x7f, 2, 5))?.[0]).toEqual(Uint8Array.of(1, 3, 0x7f, 2));
    expect(f(Uint8Array.of(1, 4, 0x7f, 2))).toBeUndefined();
  });

  it('regex gives groups as captures, decoding in the rule encoding (GBK here)', () => {
    const f = compileMatch({ kind: 'regex', pattern: '^名字=(\\S+)' }, 'gbk');
    const got = f(encodeText('名字=小明 ok', 'gbk'));
    expect(got?.[1]).toEqual(encodeText('小明', 'gbk'));
    expect(m({ kind: 'regex', pattern: 'x(y)?' }, 'x')).toEqual(['x', '']);
  });

  it('the guard refuses exponential shapes, back-references and too many unbounded repeats', () => {
    for (const bad of ['(a+)+b', '(a*)*', '(a|aa)*c', '(x+x+)+y', '(a)\\1', '(?<n>a)\\k<n>', 'a*b*c*d', '.{1,1000}.*.*', 'a'.repeat(300), '(']) {
      expect(() => compileRegex(bad), bad).toThrow();
    }
    for (const good of ['^GET (\\S+) HTTP', '(\\d+),(\\d+)', '(?:ab){2}c*', '[(+*]+x', 'a?b?c?', 'temp=(\\d{1,3})']) expect(() => compileRegex(good), good).not.toThrow();
  });

  it('an allowed worst-case pattern on a long message stays bounded by the window', () => {
    const f = compileMatch({ kind: 'regex', pattern: '\\d+\\d+x' });
    const started = performance.now();
    expect(f(b('1'.repeat(REGEX_WINDOW * 200)))).toBeUndefined();
    // The unguarded search over 102 400 digits would take hours; the window keeps it well under a second.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('AutoReplyEngine', () => {
  const ctx = { counter: 1, now: 1_000_000, random: () => 4 };

  it('the first rule switched on that matches answers, with captures and macros, and counts its hit', () => {
    const e = new AutoReplyEngine();
    e.add({ on: false, match: 'prefix', pattern: 'GET', reply: 'off', replyMode: 'text' });
    const r = e.add({ on: true, match: 'regex', pattern: '^GET (\\S+)', reply: 'you asked for $1 #{{counter}}\\n', replyMode: 'text' });
    e.add({ on: true, match: 'contains', pattern: 'GET', reply: 'later', replyMode: 'text' });
    const out = e.answer(b('GET /index.html HTTP/1.0'), ctx);
    expect(out?.kind).toBe('reply');
    expect(t(out?.kind === 'reply' ? out.bytes : undefined)).toBe('you asked for /index.html #1\n');
    expect(r.hits).toBe(1);
    expect(e.answer(b('nothing'), ctx)).toBeUndefined();
    expect(e.toJSON()).toHaveLength(3);
    expect(e.toJSON()[1]).toEqual({ on: true, match: 'regex', pattern: '^GET (\\S+)', reply: 'you asked for $1 #{{counter}}\\n', replyMode: 'text' });
  });

  it('hex replies, bad rules refused at add, and at most MAX_RULES', () => {
    const e = new AutoReplyEngine();
    e.add({ on: true, match: 'hex', pattern: '01 03', reply: '01 03 02 {{hex:00 2A}}', replyMode: 'hex' });
    const out = e.answer(Uint8Array.of(1, 3, 0, 0), ctx);
    expect(out?.kind === 'reply' && [...out.bytes]).toEqual([1, 3, 2, 0, 0x2a]);
    expect(() => e.add({ on: true, match: 'regex', pattern: '(a+)+', reply: '', replyMode: 'text' })).toThrow(/exponential/);
    expect(() => e.add({ on: true, match: 'exact', pattern: 'x', reply: '{{nope}}', replyMode: 'text' })).toThrow(/unknown macro/);
    for (let i = e.rules.length; i < MAX_RULES; i++) e.add({ on: true, match: 'exact', pattern: 'x', reply: '', replyMode: 'text' });
    expect(() => e.add({ on: true, match: 'exact', pattern: 'x', reply: '', replyMode: 'text' })).toThrow(/at most/);
  });

  it('replies at most MAX_REPLIES_PER_SECOND a second, counting the skipped', () => {
    const e = new AutoReplyEngine();
    e.add({ on: true, match: 'contains', pattern: 'p', reply: 'q', replyMode: 'text' });
    const kinds = Array.from({ length: MAX_REPLIES_PER_SECOND + 5 }, () => e.answer(b('p'), ctx)?.kind);
    expect(kinds.filter((k) => k === 'reply')).toHaveLength(MAX_REPLIES_PER_SECOND);
    expect(e.skipped).toBe(5);
    expect(e.answer(b('p'), { ...ctx, now: ctx.now + 1000 })?.kind).toBe('reply');
  });

  it('a rule whose match was slow is switched off and says why', () => {
    const e = new AutoReplyEngine();
    const r = e.add({ on: true, match: 'contains', pattern: 'p', reply: 'q', replyMode: 'text' });
    let clock = 0;
    const out = e.answer(b('p'), ctx, () => (clock += 100));
    expect(out).toMatchObject({ kind: 'slow' });
    expect(r.on).toBe(false);
    expect(r.stopped).toMatch(/took 100 ms/);
  });
});
