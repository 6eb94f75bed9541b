import { describe, expect, it } from 'vitest';
import { LAB_FRAMINGS, frameHeader, frameMessage, parseLabFraming } from '../../server/labs/lab-framing.js';

describe('lab-framing', () => {
  it('names every framing by itself and by its aliases, case-insensitively; anything else is undefined', () => {
    for (const name of Object.keys(LAB_FRAMINGS)) expect(parseLabFraming(name)).toBe(name);
    expect(parseLabFraming('LEN')).toBe('i');
    expect(parseLabFraming('length')).toBe('i');
    expect(parseLabFraming('net')).toBe('!I');
    expect(parseLabFraming('JSON-Header')).toBe('json');
    expect(parseLabFraming('none')).toBe('raw');
    expect(parseLabFraming('Lines')).toBe('newline');
    expect(parseLabFraming('RAW')).toBe('raw');
    for (const bad of ['', '!i', 'i32', 'toString', 'hasOwnProperty', 'jsonx', '__proto__', 'constructor', 'Constructor'])
      expect(parseLabFraming(bad), bad).toBeUndefined();
  });

  it('frames a message byte-exact as Python struct.pack and json.dumps would', () => {
    const msg = Buffer.from('hello');
    expect(frameMessage(msg, 'raw').toString('hex')).toBe('68656c6c6f');
    expect(frameMessage(msg, 'newline').toString('hex')).toBe('68656c6c6f0a');
    expect(frameMessage(msg, 'i').toString('hex')).toBe('05000000' + '68656c6c6f');
    expect(frameMessage(msg, '!I').toString('hex')).toBe('00000005' + '68656c6c6f');
    const header = '{"total_size": 5}';
    expect(frameMessage(msg, 'json')).toEqual(Buffer.concat([Buffer.from([header.length, 0, 0, 0]), Buffer.from(header), msg]));
  });

  it('writes header lengths in the right byte order for large sizes, and no header for raw and newline', () => {
    expect(frameHeader(0x01020304, 'i').toString('hex')).toBe('04030201');
    expect(frameHeader(0x01020304, '!I').toString('hex')).toBe('01020304');
    expect(frameHeader(0xfffffff0, '!I').toString('hex')).toBe('fffffff0');
    expect(frameHeader(123, 'raw').length).toBe(0);
    expect(frameHeader(123, 'newline').length).toBe(0);
    const json = frameHeader(1048576, 'json');
    expect(json.readInt32LE(0)).toBe(json.length - 4);
    expect(json.subarray(4).toString()).toBe('{"total_size": 1048576}');
    expect(frameMessage(Buffer.alloc(0), 'i').toString('hex')).toBe('00000000');
  });
});
