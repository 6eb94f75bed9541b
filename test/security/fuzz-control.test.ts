import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../shared/protocol.js';
import { BATCH, SCALE, badHost, edgeNumber, endBatch, fuzzPage, safeHost, startFuzzTarget, tallyLine, wrongNonString, wrongType, type FuzzTarget } from './fuzz-kit.js';

/**
 * Issue 10: property-based fuzzing of every control message type and every field, at and
 * around every boundary, against a real gateway process. After every batch of 250 cases the
 * full invariant holds: the process is alive, /api/health answers, another page echoes, fds
 * and RSS are back to the baseline, and every reply carried a defined code.
 */

const RUNS = 24 * SCALE; // batches: 24 × 250 = 6,000 cases in npm test

type Kind = 'host' | 'port' | 'uint' | 'bool' | 'tls' | 'dnsQueryType';
const FIELDS: Record<string, Record<string, Kind>> = {
  'tcp.connect': { host: 'host', port: 'port', noDelay: 'bool', keepAliveDelay: 'uint', timeoutMs: 'uint', tls: 'tls', credit: 'uint', dnsQueryType: 'dnsQueryType', sendBufferSize: 'uint', receiveBufferSize: 'uint', capture: 'bool' },
  'tcp.listen': { host: 'host', port: 'port', backlog: 'uint', reuseAddr: 'bool', ipv6Only: 'bool' },
  'relay.listen': { host: 'host', port: 'port', targetHost: 'host', targetPort: 'port', backlog: 'uint', ipv6Only: 'bool', noDelay: 'bool', logBytes: 'uint' },
  'udp.bind': { host: 'host', port: 'port', remoteHost: 'host', remotePort: 'port', reuseAddr: 'bool', ipv6Only: 'bool', broadcast: 'bool', multicastTTL: 'uint', multicastLoopback: 'bool', multicastInterface: 'host', credit: 'uint', dnsQueryType: 'dnsQueryType', sendBufferSize: 'uint', receiveBufferSize: 'uint' },
  'udp.join': { group: 'host', interface: 'host', source: 'host' },
  'udp.leave': { group: 'host', interface: 'host', source: 'host' },
  set: { noDelay: 'bool', keepAliveDelay: 'uint', broadcast: 'bool', multicastTTL: 'uint', multicastLoopback: 'bool', corkWrites: 'uint', manualRecv: 'bool', readDelayMs: 'uint', readSize: 'uint' },
  recv: { max: 'uint', timeoutMs: 'uint', nonBlocking: 'bool' },
  end: {},
  close: { reset: 'bool' },
  window: { sendWindow: 'uint', receiveWindow: 'uint' },
};

let t: FuzzTarget;

/** A value for a field of `kind`: usually plausible, often at a boundary, sometimes the wrong type. */
function valueFor(kind: Kind, name: string): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'host':
      return fc.oneof({ weight: 6, arbitrary: safeHost }, { weight: 2, arbitrary: badHost }, { weight: 1, arbitrary: wrongNonString });
    case 'port': {
      // Ports of the two peers often, so opens get past the policy and reach a socket.
      const peers = fc.constantFrom(t.echoPort, t.udpPort, 0);
      return fc.oneof({ weight: 4, arbitrary: peers }, { weight: 3, arbitrary: edgeNumber }, { weight: 1, arbitrary: wrongType });
    }
    case 'uint':
      if (name === 'sendWindow' || name === 'receiveWindow') {
        // Where windows start (1 MiB), where they stop (--window-max, 16 MiB), one off each, and anything.
        const edges = [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (16 << 20) - 1, 16 << 20, (16 << 20) + 1];
        return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...edges) }, { weight: 2, arbitrary: edgeNumber }, { weight: 1, arbitrary: wrongType });
      }
      return fc.oneof({ weight: 4, arbitrary: edgeNumber }, { weight: 2, arbitrary: fc.integer({ min: 0, max: name === 'multicastTTL' ? 2 : name === 'logBytes' ? 64 << 20 : 100_000 }) }, { weight: 1, arbitrary: wrongType });
    case 'bool':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: wrongType });
    case 'tls':
      return fc.oneof(
        fc.record({ servername: fc.oneof(fc.string({ maxLength: 40 }), wrongType), insecure: fc.oneof(fc.boolean(), wrongType) }, { requiredKeys: [] }),
        wrongType,
      );
    case 'dnsQueryType':
      return fc.oneof(fc.constantFrom('ipv4', 'ipv6'), wrongType);
  }
}

const idValue = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 2, arbitrary: edgeNumber }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) });

/** One well-formed-ish control message of a known type, fields present or not at random, plus unknown keys. */
function structured(): fc.Arbitrary<string> {
  return fc.constantFrom(...Object.keys(FIELDS)).chain((type) => {
    const fields = FIELDS[type]!;
    const shape: Record<string, fc.Arbitrary<unknown>> = { id: idValue, ref: fc.oneof(fc.nat(), edgeNumber, wrongType) };
    for (const [name, kind] of Object.entries(fields)) shape[name] = valueFor(kind, name);
    return fc
      .tuple(fc.record(shape, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(edgeNumber, fc.string({ maxLength: 8 })), { maxKeys: 2 }))
      .map(([o, extra]) => JSON.stringify({ ...extra, ...o, t: type }));
  });
}

/** A valid message of each type (ids of the page's sockets), with exactly one field replaced: reaches past the parser. */
function nearValid(): fc.Arbitrary<string> {
  const bases: Record<string, () => Record<string, unknown>> = {
    'tcp.connect': () => ({ host: '127.0.0.1', port: t.echoPort }),
    'tcp.listen': () => ({ host: '127.0.0.1', port: 0 }),
    'relay.listen': () => ({ host: '127.0.0.1', port: 0, targetHost: '127.0.0.1', targetPort: t.echoPort }),
    'udp.bind': () => ({ host: '127.0.0.1' }),
    'udp.join': () => ({ id: 2, group: '239.1.2.3' }),
    'udp.leave': () => ({ id: 2, group: '239.1.2.3' }),
    set: () => ({}),
    recv: () => ({ id: 1, max: 100 }),
    end: () => ({}),
    close: () => ({}),
    // Both directions' windows of an open socket, around where they start and --window-max.
    window: () => ({ id: 1 }),
  };
  return fc.constantFrom(...Object.keys(FIELDS)).chain((type) => {
    const names = Object.keys(FIELDS[type]!);
    const field = names.length ? fc.constantFrom(...names) : fc.constant(undefined);
    return fc.tuple(fc.integer({ min: 1, max: 12 }), field).chain(([id, name]) =>
      (name ? valueFor(FIELDS[type]![name]!, name) : fc.constant(undefined)).map((v) =>
        JSON.stringify({ t: type, id, ...bases[type]!(), ...(name && { [name]: v }) }),
      ),
    );
  });
}

/** Text that is not a valid control message at all, or is one in a hostile shape. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', '{}', '[]', 'null', '1', '"t"', '{"t":null}', '{"t":"nope","id":1}', '{"t":"close"}', '{"t":"close","id":1,"id":2}',
    '{"t":"close","id":"1"}', '{"t":"__proto__","id":1}', '{"t":"constructor","id":1}', '{"__proto__":{"t":"close"},"id":1}', '{"t":"tcp.connect","id":1,"host":"127.0.0.1","port":1e999}'),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `{"t":"close","id":1,"x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  // Over the 16 KiB control-message limit: TOO_BIG, with the id salvaged.
  fc.integer({ min: 16_000, max: 40_000 }).map((n) => `{"t":"close","id":1,"pad":"${'x'.repeat(n)}"}`),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')),
);

beforeAll(async () => {
  t = await startFuzzTarget();
});
afterAll(async () => {
  await t?.stop();
});

describe('fuzz: control messages against a real gateway', () => {
  it('fuzzes every message type the gateway accepts, with every field of it', () => {
    expect(Object.keys(FIELDS).sort()).toEqual(Object.keys(SCHEMAS).sort());
    for (const [type, schema] of Object.entries(SCHEMAS)) {
      expect(Object.keys(FIELDS[type]!).sort(), type).toEqual(Object.keys(schema).filter((k) => k !== 'id' && k !== 'ref').sort());
    }
  });

  it(`${RUNS * BATCH} control messages in batches of ${BATCH}, the invariant after each batch`, async () => {
    const message = fc.oneof({ weight: 3, arbitrary: structured() }, { weight: 4, arbitrary: nearValid() }, { weight: 1, arbitrary: hostileText });
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const page = await fuzzPage(t);
        for (const text of batch) page.sendText(text);
        await endBatch(t, page);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(`[fuzz-control] replies: ${tallyLine()}`);
  }, 600_000);
});
