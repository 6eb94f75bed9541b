/** Checksums: the CRC catalogue's check values for "123456789", byte order, verify, and a Modbus frame against Python. */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendChecksum, checksum, checksumInfo, CHECKSUMS, formatChecksum, verifyChecksum } from '../../../shared/tools/checksum.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('checksums', () => {
  it('each gives the catalogue check value for "123456789"', () => {
    const got = Object.fromEntries(CHECKSUMS.map((c) => [c.id, formatChecksum(checksum(c.id, ascii('123456789')), c.width)]));
    expect(got).toEqual({
      sum8: '0xDD',
      xor8: '0x31',
      'crc16-modbus': '0x4B37',
      'crc16-ibm-3740': '0x29B1',
      'crc16-xmodem': '0x31C3',
      'crc16-kermit': '0x2189',
      crc32: '0xCBF43926',
    });
    for (const c of CHECKSUMS) expect(checksum(c.id, ascii('123456789'))).toBe(c.check);
  });

  it('appends Modbus low byte first and CCITT-FALSE high byte first, unless told', () => {
    expect([...appendChecksum('crc16-modbus', ascii('123456789')).slice(-2)]).toEqual([0x37, 0x4b]);
    expect([...appendChecksum('crc16-ibm-3740', ascii('123456789')).slice(-2)]).toEqual([0x29, 0xb1]);
    expect([...appendChecksum('crc32', ascii('123456789')).slice(-4)]).toEqual([0x26, 0x39, 0xf4, 0xcb]);
    expect([...appendChecksum('crc32', ascii('123456789'), 'be').slice(-4)]).toEqual([0xcb, 0xf4, 0x39, 0x26]);
  });

  it('a Modbus RTU frame matches the CRC a Python snippet computes at test time', () => {
    const frame = Uint8Array.of(0x01, 0x03, 0x00, 0x00, 0x00, 0x0a);
    const py = `
import sys
data = bytes.fromhex(sys.argv[1])
crc = 0xFFFF
for b in data:
    crc ^= b
    for _ in range(8):
        crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
sys.stdout.write((data + crc.to_bytes(2, 'little')).hex())
`;
    const expected = execFileSync('python3', ['-c', py, Buffer.from(frame).toString('hex')], { encoding: 'utf8' });
    expect(Buffer.from(appendChecksum('crc16-modbus', frame)).toString('hex')).toBe(expected);
    expect(expected.slice(-4)).toBe('c5cd'); // the frame every Modbus tutorial shows
  });

  it('verify accepts what append produced and refuses any single flipped bit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CHECKSUMS.map((c) => c.id)), fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (id, body, flip) => {
        const framed = appendChecksum(id, body);
        expect(verifyChecksum(id, framed).ok).toBe(true);
        const bit = flip % (framed.length * 8);
        const bad = framed.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        // Every checksum here detects a single-bit error.
        expect(verifyChecksum(id, bad).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a message no longer than the checksum fails with no value; an unknown id is a RangeError', () => {
    expect(verifyChecksum('crc32', Uint8Array.of(1, 2, 3, 4))).toEqual({ ok: false });
    expect(() => checksumInfo('crc99')).toThrow(RangeError);
  });
});
