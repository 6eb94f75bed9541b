import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHex } from '../../shared/encoding/index.js';
import { describeCommand, flagNames, IPMSG, modeName, OPT } from '../../shared/ipmsg/ipmsg-commands.js';
import { answerFor, buildIpmsg, parseIpmsg, type IpmsgPacket } from '../../shared/ipmsg/ipmsg-packet.js';

/** Raw bytes of a datagram written by hand, in GBK (as the course's `msg.encode('gbk')`), found through TextDecoder alone. */
function gbk(s: string): Uint8Array {
  const out: number[] = [];
  const dec = new TextDecoder('gbk');
  for (const ch of s) {
    if (ch.charCodeAt(0) < 0x80) {
      out.push(ch.charCodeAt(0));
      continue;
    }
    // Find the character's two GBK bytes by search (test-only; the codec has its own table).
    let found = false;
    for (let lead = 0x81; lead <= 0xfe && !found; lead++) {
      for (let trail = 0x40; trail <= 0xfe && !found; trail++) {
        if (dec.decode(Uint8Array.of(lead, trail)) === ch) {
          out.push(lead, trail);
          found = true;
        }
      }
    }
    if (!found) throw new Error(`no GBK for ${ch}`);
  }
  return Uint8Array.from(out);
}

const ok = (bytes: Uint8Array): IpmsgPacket => {
  const r = parseIpmsg(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.packet;
};

describe('IPMSG commands', () => {
  it('has the protocol\'s numbers (ipmsg.h)', () => {
    expect([IPMSG.BR_ENTRY, IPMSG.BR_EXIT, IPMSG.ANSENTRY, IPMSG.BR_ABSENCE, IPMSG.SENDMSG, IPMSG.RECVMSG, IPMSG.READMSG]).toEqual([1, 2, 3, 4, 0x20, 0x21, 0x30]);
    expect([OPT.SENDCHECKOPT, OPT.SECRETOPT, OPT.BROADCASTOPT, OPT.MULTICASTOPT, OPT.AUTORETOPT]).toEqual([0x100, 0x200, 0x400, 0x800, 0x2000]);
    expect([OPT.FILEATTACHOPT, OPT.ENCRYPTOPT, OPT.UTF8OPT]).toEqual([0x200000, 0x400000, 0x800000]);
  });

  it('names flags by mode: 0x100 is SENDCHECKOPT on SENDMSG, ABSENCEOPT on BR_ENTRY', () => {
    expect(describeCommand(0x120)).toBe('SENDMSG | SENDCHECKOPT');
    expect(describeCommand(0x101)).toBe('BR_ENTRY | ABSENCEOPT');
    expect(describeCommand(0x203)).toBe('ANSENTRY | SERVEROPT');
    expect(describeCommand(0x20 | 0x100 | 0x200 | 0x400 | 0x200000 | 0x800000)).toBe('SENDMSG | SENDCHECKOPT | SECRETOPT | BROADCASTOPT | FILEATTACHOPT | UTF8OPT');
    expect(describeCommand(0x21)).toBe('RECVMSG');
  });

  it('shows an undefined mode and unnamed bits in hex', () => {
    expect(modeName(0x5a)).toBeUndefined();
    expect(describeCommand(0x5a)).toBe('0x5a');
    expect(flagNames(0x40000020)).toEqual(['0x40000000']);
    expect(flagNames(0x80000020)).toEqual(['0x80000000']);
  });
});

describe('parseIpmsg', () => {
  it('reads the course\'s packet: fields, command with flags, GBK text', () => {
    const p = ok(gbk('1:1700000000:alice:lab-pc:288:你好，飞秋'));
    expect(p).toMatchObject({ version: '1', packetNo: '1700000000', user: 'alice', host: 'lab-pc', command: 288, mode: 0x20, modeName: 'SENDMSG', flags: ['SENDCHECKOPT'], text: '你好，飞秋', encoding: 'gbk', feiq: false });
  });

  it('splits the extra section at NULs: nickname and group of an entry; a trailing NUL adds nothing', () => {
    const p = ok(gbk('1:5:bob:h3:1:鲍勃\0实验室\0'));
    expect(p.parts).toEqual(['鲍勃', '实验室']);
    expect(p).toMatchObject({ modeName: 'BR_ENTRY', text: '鲍勃', group: '实验室' });
    expect(ok(gbk('1:5:bob:h3:32:hi\0')).parts).toEqual(['hi']);
    expect(ok(gbk('1:5:bob:h3:32:')).parts).toEqual(['']);
  });

  it('keeps ":" inside the extra section and accepts a packet without one', () => {
    expect(ok(gbk('1:5:u:h:32:time: 10:30')).text).toBe('time: 10:30');
    expect(ok(gbk('1:5:u:h:2')).text).toBe('');
  });

  it('reads UTF8OPT packets as UTF-8, and FeiQ\'s version form', () => {
    const cmd = 0x20 | OPT.UTF8OPT;
    const p = ok(new TextEncoder().encode(`1_lbt6_0#128#000C29D0E1A2#0#0#0#4001#9:77:张三:pc:${cmd}:你好`));
    expect(p).toMatchObject({ encoding: 'utf-8', user: '张三', text: '你好', feiq: true, flags: ['UTF8OPT'] });
  });

  it.each([
    ['', 'empty'],
    ['hello', 'fields'],
    ['1:2:3:4', 'fields'],
    ['x:1:u:h:32:hi', 'version'],
    [':1:u:h:32:hi', 'version'],
    ['1:12a:u:h:32:hi', 'packet-number'],
    ['1::u:h:32:hi', 'packet-number'],
    ['1:1:u:h:SENDMSG:hi', 'command'],
    ['1:1:u:h:4294967296:hi', 'command'],
    ['1:1:u:h:-1:hi', 'command'],
    ['1:1:u\0x:h:32:hi', 'header-nul'],
  ])('%j is refused: %s', (text, code) => {
    const r = parseIpmsg(new TextEncoder().encode(text));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(10);
    }
  });

  it('says how many fields came', () => {
    const r = parseIpmsg(new TextEncoder().encode('1:2:3:4'));
    expect(!r.ok && r.error.message).toMatch(/only 4 of the fields .*\(3 ':' found/);
    expect(!r.ok && r.error.fields).toEqual(['1', '2', '3', '4']);
  });

  it('never throws, whatever the bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = parseIpmsg(bytes);
        if (!r.ok) expect(r.error.message).toBeTypeOf('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('buildIpmsg', () => {
  it('writes GBK as the course does: msg.encode("gbk")', () => {
    const bytes = buildIpmsg({ packetNo: 9, user: 'page', host: 'lab', command: 0x120, parts: ['你好'] });
    expect(formatHex(bytes)).toBe(formatHex(gbk('1:9:page:lab:288:你好')));
  });

  it('joins several parts with NULs, each ended by one', () => {
    expect(new TextDecoder('gbk').decode(buildIpmsg({ packetNo: 1, user: 'u', host: 'h', command: 3, parts: ['nick', 'group'] }))).toBe('1:1:u:h:3:nick\0group\0');
  });

  it('refuses fields with the separator, bad numbers and text GBK cannot write', () => {
    expect(() => buildIpmsg({ packetNo: 1, user: 'a:b', host: 'h', command: 32 })).toThrow(/user "a:b" may not contain ':'/);
    expect(() => buildIpmsg({ packetNo: 'x', user: 'a', host: 'h', command: 32 })).toThrow(/packet number/);
    expect(() => buildIpmsg({ packetNo: 1, user: 'a', host: 'h', command: -1 })).toThrow(/command/);
    expect(() => buildIpmsg({ packetNo: 1, user: 'a', host: 'h', command: 32, parts: ['😀'] })).toThrow(/GBK cannot encode/);
    expect(buildIpmsg({ packetNo: 1, user: 'a', host: 'h', command: 32 | OPT.UTF8OPT, parts: ['😀'] }).length).toBeGreaterThan(4);
  });

  it('round trip: what it writes parses back to the same fields (property)', () => {
    const name = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_. 张三李四飞秋'), minLength: 1, maxLength: 12 });
    const text = fc.string({ unit: fc.constantFrom(...'ab :,\n你好，世界。€'), maxLength: 40 });
    fc.assert(
      fc.property(fc.nat(), name, name, fc.integer({ min: 0, max: 0xffffffff }), fc.array(text, { maxLength: 3 }), (no, user, host, command, parts) => {
        const p = ok(buildIpmsg({ packetNo: no, user, host, command, parts }));
        expect(p).toMatchObject({ packetNo: String(no), user, host, command, version: '1' });
        expect(p.parts).toEqual(parts.length === 0 ? [''] : parts);
      }),
      { numRuns: 500 },
    );
  });
});

describe('answerFor (what FeiQ answers)', () => {
  const self = { user: 'page', host: 'lab', nickname: '网页', group: '实验' };
  const from = (cmd: number, extra = 'hi') => ok(gbk(`1:4242:alice:h2:${cmd}:${extra}`));

  it('SENDMSG with SENDCHECKOPT → RECVMSG carrying the packet number', () => {
    expect(answerFor(from(0x120), self, 7)).toEqual({ packetNo: 7, user: 'page', host: 'lab', command: IPMSG.RECVMSG, parts: ['4242'] });
  });

  it('no receipt without SENDCHECKOPT, for a broadcast or an automatic reply', () => {
    expect(answerFor(from(0x20), self, 7)).toBeNull();
    expect(answerFor(from(0x520), self, 7)).toBeNull();
    expect(answerFor(from(0x2120), self, 7)).toBeNull();
  });

  it('BR_ENTRY → ANSENTRY with nickname and group; ANSENTRY and RECVMSG are not answered', () => {
    expect(answerFor(from(1, 'alice'), self, 8)).toEqual({ packetNo: 8, user: 'page', host: 'lab', command: IPMSG.ANSENTRY, parts: ['网页', '实验'] });
    expect(answerFor(from(3, 'alice'), self, 8)).toBeNull();
    expect(answerFor(from(0x21, '4242'), self, 8)).toBeNull();
  });
});
