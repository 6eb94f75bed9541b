import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashToken, parseDuration, parseGrantsFile, serializeGrantsFile, splitHash, tokenMatches, type GrantsFile } from '../../../server/grants/grants-file.js';

const grant = (over: Record<string, unknown> = {}) => ({ id: 'g-1', name: 'alice', tokenHash: hashToken('tok'), allow: ['connect:127.0.0.1:7000-7010'], revoked: false, ...over });
const parse = (data: unknown) => parseGrantsFile(JSON.stringify(data));
const reason = (data: unknown) => {
  const r = parse(data);
  return r.ok ? 'ok' : r.reason;
};

describe('parseGrantsFile', () => {
  it('reads a valid file and round-trips it through serializeGrantsFile', () => {
    const r = parse({ version: 1, grantsMayWiden: true, grants: [grant({ expires: '2026-12-02T18:00:00Z', limits: { sockets: 4 }, websockifyTarget: '127.0.0.1:5900' })] });
    expect(r.ok).toBe(true);
    const file = (r as { file: GrantsFile }).file;
    expect(file.grantsMayWiden).toBe(true);
    expect(file.grants[0]).toMatchObject({ id: 'g-1', name: 'alice', expires: Date.parse('2026-12-02T18:00:00Z'), limits: { sockets: 4 }, websockifyTarget: '127.0.0.1:5900' });
    expect(parseGrantsFile(serializeGrantsFile(file))).toEqual(r);
  });

  it.each([
    [{ grants: [grant({ token: 'plain' })] }, /unknown key "token" \(a grant stores tokenHash, never the token\)/],
    [{ grants: [grant({ tokenHash: 'tok' })] }, /"tokenHash" must be sha256:SALT:HASH/],
    [{ grants: [grant({ allow: ['connect:10.0.0.0/33'] })] }, /not an address, CIDR range or keyword/],
    [{ grants: [grant({ allow: ['dial:127.0.0.1'] })] }, /must start with one of connect, listen, udp-bind, udp-send, broadcast, multicast/],
    [{ grants: [grant({ allow: ['connect:127.0.0.1:9-1'] })] }, /bad port range/],
    [{ grants: [grant({ expires: 'tomorrow' })] }, /"expires" must be an ISO 8601 time/],
    [{ grants: [grant({ limits: { sockets: -1 } })] }, /limit "sockets" must be a non-negative integer/],
    [{ grants: [grant({ limits: { tcpRate: 1 } })] }, /unknown limit "tcpRate"/],
    [{ grants: [grant({ websockifyTarget: 'vnc.lab:5900' })] }, /"websockifyTarget" must be IP:PORT/],
    [{ grants: [grant(), grant({ name: 'bob' })] }, /grant id "g-1" appears twice/],
    [{ grants: [grant(), grant({ id: 'g-2' })] }, /grant name "alice" appears twice/],
    [{ grants: {} }, /"grants" must be an array/],
    [{ grantsMayWiden: 'yes', grants: [] }, /"grantsMayWiden" must be true or false/],
    [{ grants: [], extra: 1 }, /unknown key "extra"/],
    [[], /must hold a JSON object/],
  ])('refuses %j with a reason', (data, why) => {
    expect(reason(data)).toMatch(why);
  });

  it('refuses text that is not JSON, and __proto__ keys are plain unknown keys', () => {
    expect(parseGrantsFile('{"grants": [')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
    expect(parseGrantsFile('{"__proto__": {"grantsMayWiden": true}, "grants": []}')).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown key "__proto__"/) });
  });

  it('never throws on arbitrary JSON, and whatever it accepts serialises to a file it accepts again', () => {
    const grantLike = fc.record(
      {
        id: fc.oneof(fc.constant('g-1'), fc.string()),
        name: fc.oneof(fc.constant('alice'), fc.string()),
        tokenHash: fc.oneof(fc.constant(hashToken('x')), fc.string()),
        allow: fc.oneof(fc.array(fc.constantFrom('connect:127.0.0.1:1-9', 'udp-send:127.255.255.255', 'bogus', 'listen:[::1]:80', 'multicast:239.0.0.0/8')), fc.anything()),
        expires: fc.oneof(fc.constant('2026-12-02T18:00:00Z'), fc.anything()),
        limits: fc.oneof(fc.record({ sockets: fc.integer({ min: -2, max: 10 }) }), fc.anything()),
        revoked: fc.oneof(fc.boolean(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ grants: fc.array(fc.oneof(grantLike, fc.jsonValue()), { maxLength: 4 }), grantsMayWiden: fc.anything() }, { requiredKeys: ['grants'] })), (data) => {
        let text: string;
        try {
          text = JSON.stringify(data) ?? 'null';
        } catch {
          return;
        }
        const r = parseGrantsFile(text);
        if (!r.ok) {
          expect(typeof r.reason).toBe('string');
          expect(r.reason.length).toBeGreaterThan(0);
          return;
        }
        expect(parseGrantsFile(serializeGrantsFile(r.file))).toEqual(r);
      }),
      { numRuns: 400 },
    );
  });
});

describe('token hashes', () => {
  it('store a salted SHA-256, never the token, and match only the token', () => {
    const a = hashToken('s3cret-token');
    const b = hashToken('s3cret-token');
    expect(a).toMatch(/^sha256:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('s3cret');
    expect(a).not.toBe(b); // per-grant salt
    const { salt, hash } = splitHash(a);
    expect(tokenMatches('s3cret-token', salt, hash)).toBe(true);
    expect(tokenMatches('s3cret-tokeN', salt, hash)).toBe(false);
    expect(tokenMatches('', salt, hash)).toBe(false);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['45m', 2_700_000],
    ['3h', 10_800_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '3', 'h', '3x', '-1h', '0s', '1.5h', '3 h'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});
