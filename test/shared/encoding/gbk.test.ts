import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingError, decodeGbk, encodeGbk, formatHex, prepareGbkEncoder } from '../../../shared/encoding/index.js';

const gbkDecoder = new TextDecoder('gbk');

/** GB2312 hanzi: lead 0xB0–0xF7, trail 0xA1–0xFE (D7FA–D7FE are unassigned). */
const gb2312Hanzi = fc
  .tuple(fc.integer({ min: 0xb0, max: 0xf7 }), fc.integer({ min: 0xa1, max: 0xfe }))
  .filter(([lead, trail]) => !(lead === 0xd7 && trail >= 0xfa))
  .map(([lead, trail]) => gbkDecoder.decode(Uint8Array.of(lead, trail)));

/** Chinese text mixed with ASCII (letters, digits, punctuation, CR/LF). */
const mixedText = fc
  .array(fc.oneof(gb2312Hanzi, fc.string({ unit: 'grapheme-ascii', maxLength: 4 }), fc.constantFrom('\r\n', '，', '。', '“', '”')), { maxLength: 30 })
  .map((parts) => parts.join(''));

/** Any well-formed text: code points from the whole Unicode range, surrogates excluded (cheaper than fc's 'binary' unit, whose first use costs seconds). */
const anyText = (maxLength: number) =>
  fc
    .array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0x80, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), { maxLength })
    .map((codePoints) => String.fromCodePoint(...codePoints));

describe('GBK / GB18030', () => {
  it('builds its reverse table from TextDecoder once, then reuses it', () => {
    expect(prepareGbkEncoder('gbk')).toBeGreaterThanOrEqual(0);
    // Built once: a second prepare and an encode decode nothing more (counted, not timed: a timed
    // check failed on a loaded machine, where a lookup can be descheduled for milliseconds).
    const Real = globalThis.TextDecoder;
    let made = 0;
    globalThis.TextDecoder = class extends Real {
      constructor(...args: ConstructorParameters<typeof TextDecoder>) {
        super(...args);
        made++;
      }
    };
    try {
      prepareGbkEncoder('gbk');
      expect(formatHex(encodeGbk('你好', 'gbk'))).toBe('C4 E3 BA C3');
    } finally {
      globalThis.TextDecoder = Real;
    }
    expect(made).toBe(0);
  });

  it.each([
    ['你好', 'gbk', 'C4 E3 BA C3'],
    ['中文ABC', 'gbk', 'D6 D0 CE C4 41 42 43'],
    ['€', 'gbk', '80'],
    ['€', 'gb18030', 'A2 E3'],
    ['😀', 'gb18030', '94 39 FC 36'],
    ['\u0080', 'gb18030', '81 30 81 30'],
    ['\uFFFD', 'gb18030', '84 31 A4 37'],
  ] as const)('encodes %s in %s as %s', (text, variant, hex) => {
    expect(formatHex(encodeGbk(text, variant))).toBe(hex);
    expect(decodeGbk(encodeGbk(text, variant), variant)).toBe(text);
  });

  it('round-trips GB2312 Chinese mixed with ASCII, in both variants', () => {
    fc.assert(
      fc.property(mixedText, (text) => {
        expect(decodeGbk(encodeGbk(text, 'gbk'), 'gbk')).toBe(text);
        expect(decodeGbk(encodeGbk(text, 'gb18030'), 'gb18030')).toBe(text);
      }),
    );
  });

  it('encodes every CJK Unified Ideograph U+4E00–U+9FA5 in GBK, as two bytes that decode back', () => {
    const all = Array.from({ length: 0x9fa5 - 0x4e00 + 1 }, (_, i) => String.fromCharCode(0x4e00 + i)).join('');
    const bytes = encodeGbk(all, 'gbk');
    expect(bytes.length).toBe(all.length * 2);
    expect(decodeGbk(bytes, 'gbk')).toBe(all);
  });

  it('round-trips any text outside the private use area in GB18030, astral characters included', () => {
    const notPrivate = anyText(30).filter((t) => !/[\uE000-\uF8FF]/.test(t));
    fc.assert(fc.property(notPrivate, (text) => {
      expect(decodeGbk(encodeGbk(text, 'gb18030'), 'gb18030')).toBe(text);
    }));
  });

  it('throws on a character GBK cannot encode, naming it and its position, or writes ?', () => {
    let error: unknown;
    try {
      encodeGbk('你😀', 'gbk');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodingError);
    expect((error as EncodingError).code).toBe('UNMAPPABLE_CHARACTER');
    expect((error as EncodingError).position).toBe(1);
    expect((error as EncodingError).message).toBe("GBK cannot encode '😀' (U+1F600) at position 1");
    expect(decodeGbk(encodeGbk('你😀好\uD800', 'gbk', 'replace'), 'gbk')).toBe('你?好?');
    expect(() => encodeGbk('\uDC00', 'gb18030')).toThrow("GB18030 cannot encode '\\udc00' (U+DC00) at position 0");
  });
});
