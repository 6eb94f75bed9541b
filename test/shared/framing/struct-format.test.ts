import { describe, expect, it } from 'vitest';
import { parseStructFormat, toStructFormat } from '../../../shared/framing/index.js';

describe('parseStructFormat', () => {
  it.each([
    ['i', 4, 'little', true],
    ['@I', 4, 'little', false],
    ['=l', 4, 'little', true],
    ['!I', 4, 'big', false],
    ['>H', 2, 'big', false],
    ['<h', 2, 'little', true],
    ['b', 1, 'little', true],
    ['B', 1, 'little', false],
    ['<Q', 8, 'little', false],
    ['!q', 8, 'big', true],
    [' > L ', 4, 'big', false],
  ] as const)("reads '%s' as %d bytes, %s-endian, signed %s", (format, bytes, endian, signed) => {
    expect(parseStructFormat(format)).toEqual({ bytes, endian, signed });
  });

  it('refuses formats that are not exactly one integer, and native l/L', () => {
    expect(() => parseStructFormat('ii')).toThrow(RangeError);
    expect(() => parseStructFormat('f')).toThrow('is not one integer');
    expect(() => parseStructFormat('')).toThrow(RangeError);
    expect(() => parseStructFormat('L')).toThrow("write '<L' for 4 bytes or '<Q' for 8");
  });

  it('writes explicit formats back', () => {
    expect(toStructFormat(parseStructFormat('i'))).toBe('<i');
    expect(toStructFormat(parseStructFormat('!I'))).toBe('>I');
    expect(toStructFormat({ bytes: 8, endian: 'little', signed: false })).toBe('<Q');
  });
});
