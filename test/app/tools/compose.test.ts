/** The composer's bytes with tools: unchanged without them; macros per repeat; checksum inside the framing. */
import { describe, expect, it } from 'vitest';
import { buildPayload, DEFAULT_PAYLOAD, type PayloadSettings } from '../../../client/app/model/composer-payload.js';
import { composeBytes } from '../../../client/app/tools/compose.js';
import { SessionTools } from '../../../client/app/tools/session-tools.js';
import type { Session } from '../../../client/app/model/session.js';
import { parseSequenceText, sequenceToText } from '../../../shared/tools/sequence-text.js';

const fakeSession = () => ({ inbound: new Set() }) as unknown as Session;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const s = (over: Partial<PayloadSettings>): PayloadSettings => ({ ...DEFAULT_PAYLOAD, ...over });

describe('composeBytes', () => {
  it('is buildPayload exactly when there are no macros and no checksum', () => {
    const tools = new SessionTools(fakeSession());
    for (const [text, set] of [['hi\\n', s({})], ['41 42', s({ mode: 'hex', framing: 'len-!H' })], ['x', s({ lineEnding: 'crlf', escapes: false })]] as const) {
      expect(hex(composeBytes(text, set, tools))).toBe(hex(buildPayload(text, set)));
    }
  });

  it('counts per message, keeps the line ending last, and a preview does not count', () => {
    const tools = new SessionTools(fakeSession());
    const set = s({ lineEnding: 'lf' });
    expect(new TextDecoder().decode(composeBytes('n={{counter}}', set, tools, true))).toBe('n=1\n');
    expect(new TextDecoder().decode(composeBytes('n={{counter}}', set, tools))).toBe('n=1\n');
    expect(new TextDecoder().decode(composeBytes('n={{counter}}', set, tools))).toBe('n=2\n');
  });

  it('appends the checksum after macros and before framing: a Modbus frame inside a 2-byte length prefix', () => {
    const tools = new SessionTools(fakeSession());
    tools.checksum = 'crc16-modbus';
    expect(hex(composeBytes('01 03 00 00 00 0A', s({ mode: 'hex' }), tools))).toBe('01030000000ac5cd');
    expect(hex(composeBytes('01 03 00 00 00 {{counter}}', s({ mode: 'hex', framing: 'len-!H' }), tools))).toBe('0008' + '010300000002' + hex(composeBytes('01 03 00 00 00 02', s({ mode: 'hex' }), tools)).slice(-4));
  });
});

describe('sequence text', () => {
  it('reads the four step kinds and writes them back', () => {
    const seq = parseSequenceText('t', '# greet\nsend HELLO {{counter}}\\n\nhex 01 02\nwait 50\nexpect prefix 2000 HELLO world');
    expect(seq.steps).toEqual([
      { kind: 'send', text: 'HELLO {{counter}}\\n', mode: 'text' },
      { kind: 'send', text: '01 02', mode: 'hex' },
      { kind: 'wait', ms: 50 },
      { kind: 'expect', match: 'prefix', timeoutMs: 2000, pattern: 'HELLO world' },
    ]);
    expect(parseSequenceText('t', sequenceToText(seq))).toEqual(seq);
  });

  it('names the line that is wrong', () => {
    expect(() => parseSequenceText('t', 'send a\nwiat 5')).toThrow('line 2: unknown step "wiat"');
    expect(() => parseSequenceText('t', 'wait soon')).toThrow(/^line 1: wait needs/);
    expect(() => parseSequenceText('t', 'expect regex 100 (a+)+')).toThrow(/steps\[0\]\.pattern: .*exponential/);
  });
});
