/** Lab packs: a full pack round-trips; any input gets an answer, never a throw; errors name the place. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAB_PACK_FORMAT, makeLabPack, parseLabPack } from '../../../shared/tools/lab-pack.js';

const full = makeLabPack({
  name: 'Modbus lab',
  snippets: [{ name: 'read regs', text: '01 03 00 00 00 0A', settings: { mode: 'hex' } }],
  presets: [{ name: 'PLC', kind: 'tcp', host: '127.0.0.1', port: 502 }],
  sequences: [
    {
      name: 'handshake',
      steps: [
        { kind: 'send', text: 'HELLO {{counter}}\\n', mode: 'text' },
        { kind: 'expect', match: 'prefix', pattern: 'HELLO', timeoutMs: 2000 },
        { kind: 'wait', ms: 100 },
      ],
    },
  ],
  ruleSets: [{ name: 'echo-ish', rules: [{ on: true, match: 'regex', pattern: '^GET (\\S+)', reply: 'got $1', replyMode: 'text' }] }],
});

describe('lab packs', () => {
  it('a whole pack round-trips through JSON', () => {
    expect(parseLabPack(JSON.stringify(full))).toEqual({ ok: true, pack: full });
  });

  it('says where the problem is and what was expected', () => {
    const bad = (mutate: (p: any) => void) => {
      const p = structuredClone(full) as any;
      mutate(p);
      return parseLabPack(JSON.stringify(p));
    };
    expect(parseLabPack('{"format": "x"')).toMatchObject({ ok: false, path: '', error: expect.stringMatching(/^not JSON/) });
    expect(parseLabPack('[]')).toMatchObject({ ok: false, path: '(pack)', error: 'must be an object' });
    expect(bad((p) => (p.format = 'other'))).toMatchObject({ ok: false, path: 'format', error: expect.stringContaining(LAB_PACK_FORMAT) });
    expect(bad((p) => (p.version = 2))).toMatchObject({ path: 'version' });
    expect(bad((p) => (p.sequences[0].steps[2].ms = -1))).toEqual({ ok: false, path: 'sequences[0].steps[2].ms', error: 'must be a whole number from 0 to 600000' });
    expect(bad((p) => (p.sequences[0].steps[0].kind = 'jump'))).toMatchObject({ path: 'sequences[0].steps[0].kind', error: 'must be one of "send", "wait", "expect"' });
    expect(bad((p) => (p.ruleSets[0].rules[0].pattern = '(a+)+'))).toMatchObject({ path: 'ruleSets[0].rules[0]', error: expect.stringMatching(/exponential/) });
    expect(bad((p) => (p.presets[0].port = 70000))).toMatchObject({ path: 'presets[0].port' });
    expect(bad((p) => (p.snippets[0].settings.encoding = 'ebcdic'))).toMatchObject({ path: 'snippets[0].settings.encoding' });
    expect(bad((p) => (p.snippets = Array(201).fill(p.snippets[0])))).toMatchObject({ path: 'snippets', error: 'has 201 items; at most 200' });
  });

  it('own keys only: "__proto__" in the file is ignored, not read through', () => {
    const r = parseLabPack('{"format":"sockgate-lab-pack","version":1,"__proto__":{"snippets":5}}');
    expect(r).toMatchObject({ ok: true, pack: { snippets: [] } });
  });

  it('never throws, whatever the input; every refusal has a message', () => {
    const answer = (v: unknown) => {
      const r = parseLabPack(v);
      if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      return r;
    };
    fc.assert(fc.property(fc.jsonValue(), (v) => { answer(v); answer(JSON.stringify(v)); }), { numRuns: 400 });
    fc.assert(fc.property(fc.string(), (s) => void answer(s)), { numRuns: 300 });
    // Packs that start right and go wrong deeper down.
    const step = fc.record({ kind: fc.constantFrom('send', 'wait', 'expect', 'x'), text: fc.string(), ms: fc.oneof(fc.integer(), fc.double()), match: fc.constantFrom('exact', 'regex', 'hex', 'nope'), pattern: fc.string(), timeoutMs: fc.anything() }, { requiredKeys: [] });
    const pack = fc.record({
      format: fc.constant(LAB_PACK_FORMAT),
      version: fc.constant(1),
      sequences: fc.array(fc.record({ name: fc.string(), steps: fc.array(step, { maxLength: 5 }) }, { requiredKeys: [] }), { maxLength: 3 }),
      ruleSets: fc.array(fc.record({ name: fc.string(), rules: fc.array(fc.record({ match: fc.constantFrom('regex', 'hex', 'prefix'), pattern: fc.string(), reply: fc.string(), replyMode: fc.constantFrom('text', 'hex', 1) }, { requiredKeys: [] }), { maxLength: 3 }) }), { maxLength: 2 }),
      presets: fc.array(fc.record({ name: fc.string(), kind: fc.constantFrom('tcp', 'udp', 'x'), host: fc.string(), port: fc.integer() }, { requiredKeys: [] }), { maxLength: 2 }),
      snippets: fc.anything(),
    }, { requiredKeys: ['format', 'version'] });
    fc.assert(fc.property(pack, (p) => { answer(p); answer(JSON.stringify(p)); }), { numRuns: 400 });
  });
});
