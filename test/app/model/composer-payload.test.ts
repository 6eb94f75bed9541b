import { describe, expect, it } from 'vitest';
import { buildPayload, DEFAULT_PAYLOAD, FRAMINGS, type PayloadSettings } from '../../../client/app/model/composer-payload.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const build = (input: string, over: Partial<PayloadSettings>) => buildPayload(input, { ...DEFAULT_PAYLOAD, ...over });

describe('composer-payload', () => {
  it('text mode: escapes, line endings and encodings shape the bytes', () => {
    expect(hex(build('hi', {}))).toBe('6869');
    expect(hex(build('a\\tb\\x00', {}))).toBe('610962' + '00');
    expect(hex(build('a\\tb', { escapes: false }))).toBe(Buffer.from('a\\tb').toString('hex'));
    expect(hex(build('hi', { lineEnding: 'lf' }))).toBe('68690a');
    expect(hex(build('hi', { lineEnding: 'crlf' }))).toBe('68690d0a');
    expect(hex(build('hi', { lineEnding: 'crlf', escapes: false }))).toBe('68690d0a');
    expect(hex(build('é', {}))).toBe('c3a9');
  });

  it('hex mode takes the bytes as written and ignores the line ending', () => {
    expect(hex(build('de ad BE ef', { mode: 'hex', lineEnding: 'crlf' }))).toBe('deadbeef');
    expect(() => build('zz', { mode: 'hex' })).toThrow();
  });

  it('frames with the chosen codec: length prefixes in their byte order, delimiters, a JSON header', () => {
    expect(hex(build('hi', { framing: 'len-i' }))).toBe('02000000' + '6869');
    expect(hex(build('hi', { framing: 'len-!I' }))).toBe('00000002' + '6869');
    expect(hex(build('hi', { framing: 'len-!H' }))).toBe('0002' + '6869');
    expect(hex(build('hi', { framing: 'len-<H' }))).toBe('0200' + '6869');
    expect(hex(build('hi', { framing: 'len-B' }))).toBe('02' + '6869');
    expect(hex(build('hi', { framing: 'len-!Q' }))).toBe('0000000000000002' + '6869');
    expect(hex(build('hi', { framing: 'delim-lf' }))).toBe('68690a');
    expect(hex(build('hi', { framing: 'delim-crlf' }))).toBe('68690d0a');
    expect(hex(build('hi', { framing: 'delim-nul' }))).toBe('686900');
    const json = Buffer.from(build('hi', { framing: 'json-header', jsonHeader: '{"cmd": "msg"}' }));
    const headLen = json.readInt32LE(0);
    const header = JSON.parse(json.subarray(4, 4 + headLen).toString()) as Record<string, unknown>;
    expect(header.cmd).toBe('msg');
    expect(json.subarray(4 + headLen).toString()).toBe('hi');
    // An unknown framing id sends the bytes unframed.
    expect(hex(build('hi', { framing: 'no-such' }))).toBe('6869');
    expect(new Set(FRAMINGS.map((f) => f.id)).size).toBe(FRAMINGS.length);
  });

  it('throws a RangeError when the body does not fit the length prefix, and a SyntaxError for a bad JSON header', () => {
    expect(() => build('x'.repeat(256), { framing: 'len-B' })).toThrow(RangeError);
    expect(build('x'.repeat(255), { framing: 'len-B' }).byteLength).toBe(256);
    expect(() => build('hi', { framing: 'json-header', jsonHeader: '{nope' })).toThrow(SyntaxError);
    expect(() => build('hi', { framing: 'json-header', jsonHeader: '[1]' })).toThrow(SyntaxError);
    expect(() => build('hi', { framing: 'json-header', jsonHeader: 'null' })).toThrow(SyntaxError);
  });
});
