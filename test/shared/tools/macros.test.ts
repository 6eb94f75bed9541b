/** Send macros in text and hex mode, captures, and the errors a typo gets. */
import { describe, expect, it } from 'vitest';
import { parseEscapes } from '../../../shared/encoding/index.js';
import { expandTemplate, hasMacros, MacroError, type MacroContext } from '../../../shared/tools/macros.js';

const now = new Date(2026, 11, 2, 7, 5, 9).getTime();
const ctx = (over: Partial<MacroContext> = {}): MacroContext => ({ counter: 7, now, random: () => 0x1ab, ...over });
const enc = (t: string) => parseEscapes(t, 'utf-8');
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('macros', () => {
  it('expand in text mode: counter, time, unixtime, random, hex bytes, escapes around them', () => {
    const out = expandTemplate('#{{counter}} {{time}} {{unixtime}} r={{random}}{{hex:0D 0A}}\\t', 'text', ctx(), enc);
    expect(text(out)).toBe(`#7 07:05:09 ${Math.floor(now / 1000)} r=171\r\n\t`);
  });

  it('expand in hex mode to bytes: counter one byte, unixtime four bytes big-endian', () => {
    const secs = Math.floor(now / 1000);
    const out = expandTemplate('AA {{counter}} {{unixtime}} {{random}} {{hex:BB}} CC', 'hex', ctx({ counter: 258 }), enc);
    expect(hex(out)).toBe('aa02' + secs.toString(16).padStart(8, '0') + 'abbbcc');
  });

  it('captures exist only where a match supplies them ($n and {{n}}); a missing group is empty', () => {
    const captures = [enc('GET /x'), enc('/x')];
    expect(text(expandTemplate('you asked for $1 ({{0}}), $5.', 'text', ctx({ captures }), enc))).toBe('you asked for /x (GET /x), .');
    expect(text(expandTemplate('costs $1', 'text', ctx(), enc))).toBe('costs $1');
    expect(() => expandTemplate('{{1}}', 'text', ctx(), enc)).toThrow(/only in auto-reply/);
  });

  it('a typo is an error with its position, never literal braces on the wire', () => {
    const err = (t: string) => {
      try {
        expandTemplate(t, 'text', ctx(), enc);
      } catch (e) {
        return e as MacroError;
      }
      throw new Error('no error');
    };
    expect(err('ab{{countr}}')).toMatchObject({ code: 'INVALID_MACRO', position: 2, message: expect.stringMatching(/unknown macro \{\{countr\}\}/) });
    expect(err('x{{counter')).toMatchObject({ position: 1 });
    expect(err('{{hex:4G}}').message).toMatch(/hex/);
    expect(err('{{hex}}').message).toMatch(/needs bytes/);
  });

  it('plain text without braces is untouched and reported as macro-free', () => {
    expect(hasMacros('{"a":{"b":1}}')).toBe(false);
    expect(text(expandTemplate('{"a":{"b":1}}', 'text', ctx(), enc))).toBe('{"a":{"b":1}}');
    expect(hasMacros('n={{counter}}')).toBe(true);
    expect(hasMacros('$1', true)).toBe(true);
  });
});
