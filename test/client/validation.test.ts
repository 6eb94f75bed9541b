import { describe, expect, it } from 'vitest';
import { parseIpLiteral, queuedByteLength, toBytes, toEnum, toIdlUnsigned, toOctet, toUnsignedLong, toUnsignedShort, toWrappedUnsignedShort } from '../../client/lib/validation.js';

describe('parseIpLiteral', () => {
  it.each([
    ['127.0.0.1', 'IPv4', '127.0.0.1'],
    ['0.0.0.0', 'IPv4', '0.0.0.0'],
    ['::', 'IPv6', '::'],
    ['0:0::0', 'IPv6', '::'],
    ['FF02::1', 'IPv6', 'ff02::1'],
    ['::ffff:127.0.0.1', 'IPv6', '::ffff:7f00:1'],
  ])('%s is %s %s', (text, family, address) => {
    expect(parseIpLiteral(text)).toEqual({ family, address });
  });

  it.each(['localhost', '2130706433', '0x7f.1', '127.1', '127.0.0.256', '01.2.3.4', '[::1]', '', '1::2::3', ' 127.0.0.1'])(
    'rejects %j (names and odd IPv4 spellings are not literals)',
    (text) => {
      expect(parseIpLiteral(text)).toBeNull();
    },
  );
});

describe('WebIDL conversions', () => {
  it('EnforceRange: truncates, rejects non-finite and out-of-range values with TypeError', () => {
    expect(toUnsignedShort(80.9, 'port')).toBe(80);
    expect(toUnsignedShort('443', 'port')).toBe(443);
    expect(() => toUnsignedShort(65536, 'port')).toThrow(TypeError);
    expect(() => toUnsignedShort(-1, 'port')).toThrow(/port must be between 0 and 65535/);
    expect(() => toUnsignedShort(Number.POSITIVE_INFINITY, 'port')).toThrow(TypeError);
    expect(() => toOctet(256, 'ttl')).toThrow(TypeError);
  });

  it('enums accept only their values', () => {
    expect(toEnum('ipv6', 'dnsQueryType', ['ipv4', 'ipv6'])).toBe('ipv6');
    expect(() => toEnum('IPv6', 'dnsQueryType', ['ipv4', 'ipv6'])).toThrow(TypeError);
  });

  it('toBytes takes ArrayBuffer and any view, without copying', () => {
    const buffer = new ArrayBuffer(8);
    expect(toBytes(buffer, 'chunk').buffer).toBe(buffer);
    const view = new DataView(buffer, 2, 4);
    const bytes = toBytes(view, 'chunk');
    expect([bytes.byteOffset, bytes.byteLength]).toEqual([2, 4]);
    expect(() => toBytes('text', 'chunk')).toThrow(TypeError);
    expect(() => toBytes([1, 2], 'chunk')).toThrow(TypeError);
  });

  it('plain unsigned types wrap as WebIDL ConvertToInt does; [EnforceRange] ones throw at the same inputs', () => {
    const inputs: Array<[unknown, number]> = [
      [65_536, 0], [65_537, 1], [70_000, 4464], [-1, 65_535], [-65_537, 65_535], [Number.NaN, 0], [Number.POSITIVE_INFINITY, 0],
      [Number.NEGATIVE_INFINITY, 0], [-0, 0], [80.9, 80], [-80.9, 65_456], ['443', 443], [null, 0], [true, 1], [undefined, 0],
    ];
    for (const [value, wrapped] of inputs) expect(toWrappedUnsignedShort(value, 'p'), String(value)).toBe(wrapped);
    for (const value of [65_536, -1, Number.NaN, Number.POSITIVE_INFINITY, undefined]) expect(() => toUnsignedShort(value, 'p'), String(value)).toThrow(TypeError);
    expect(toUnsignedShort(-0.5, 'p')).toBe(0);
    expect(toUnsignedLong(2 ** 32 - 1, 'n')).toBe(2 ** 32 - 1);
    expect(() => toUnsignedLong(2 ** 32, 'n')).toThrow(TypeError);
    expect(toIdlUnsigned(2 ** 32 + 5, 'n', 'unsigned long', false)).toBe(5);
    expect(toIdlUnsigned(257, 't', 'octet', false)).toBe(1);
    for (const value of [1n, Symbol('x')]) {
      expect(() => toWrappedUnsignedShort(value, 'p')).toThrow(TypeError);
      expect(() => toUnsignedShort(value, 'p')).toThrow(TypeError);
    }
  });
});

describe('queuedByteLength (the writable queue size of a written chunk)', () => {
  it('is the byteLength (or data.byteLength), 0 for anything else, and never throws', () => {
    const hostile = { get byteLength(): number { throw new Error('no'); } };
    const hostileData = { get data(): unknown { throw new Error('no'); } };
    expect([queuedByteLength(new Uint8Array(5)), queuedByteLength(new ArrayBuffer(7)), queuedByteLength({ data: new Uint8Array(3) }, 'data')]).toEqual([5, 7, 3]);
    for (const x of [undefined, null, 42, 'text', {}, hostile, { byteLength: '9' }]) expect(queuedByteLength(x)).toBe(0);
    for (const x of [undefined, null, {}, hostileData, { data: hostile }, { data: 'abc' }]) expect(queuedByteLength(x, 'data')).toBe(0);
  });
});
