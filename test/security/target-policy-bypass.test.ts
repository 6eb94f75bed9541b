import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../server/gateway-error.js';
import { TargetPolicy, systemLookup, type LookupFn } from '../../server/target-policy.js';
import { StagedDnsServer } from '../helpers/dns-server.js';
import { CORPUS_DENY, LITERAL_CORPUS, NAME_CORPUS, RULE } from './policy-bypass-corpus.js';
import { withHostsEntries } from './hosts-file.js';

let dns: StagedDnsServer;
/** Every name the policy asked a resolver about. Literal spellings must never show up here. */
const asked: string[] = [];
/** Names currently in /etc/hosts (resolved by the system resolver); everything else goes to the staged DNS server. */
const hostsNames = new Set<string>();
let policy: TargetPolicy;

beforeAll(async () => {
  dns = await StagedDnsServer.start();
  for (const n of NAME_CORPUS) dns.records.set(n.name, n.answers);
  const staged = dns.lookup();
  // Never lets a query reach this machine's real DNS server: unknown names fail here.
  const lookup: LookupFn = (host, family) => {
    asked.push(host);
    return hostsNames.has(host.toLowerCase()) ? systemLookup(host, family) : staged(host, family);
  };
  policy = new TargetPolicy({ deny: CORPUS_DENY, lookup, broadcastAddresses: ['127.255.255.255'] });
});
afterAll(() => dns.close());

/** Resolves and expects DENIED; returns the rule it named. */
async function deniedBy(host: string, port: number, op: 'connect' | 'send' | 'listen' | 'bind' | 'join' = 'connect'): Promise<string> {
  const err = await policy.resolve(host, port, op).then(
    (t) => new Error(`${host}:${port} was ALLOWED as ${t.address} by ${t.decision.rule}`),
    (e: unknown) => e,
  );
  expect(err, `${host}:${port}`).toBeInstanceOf(GatewayError);
  expect((err as GatewayError).code, `${host}:${port}: ${(err as Error).message}`).toBe('DENIED');
  return (err as GatewayError).extra.rule!;
}

describe('policy bypass corpus: literal spellings', () => {
  it(`has at least 50 denied spellings (${LITERAL_CORPUS.length + NAME_CORPUS.length} with the names)`, () => {
    expect(LITERAL_CORPUS.length + NAME_CORPUS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(LITERAL_CORPUS.map((c) => `${c.host}:${c.port}`)).size).toBe(LITERAL_CORPUS.length);
  });

  it.each(LITERAL_CORPUS.map((c) => [c.host, c.port, c.trick, c.rule] as const))('%s port %i (%s) → DENIED by %s', async (host, port, _trick, rule) => {
    expect(await deniedBy(host, port)).toBe(rule);
  });

  it('understands every literal itself: no spelling was handed to a resolver as a host name', () => {
    expect(asked).toEqual([]);
  });

  it('the same addresses are denied for UDP sends too', async () => {
    for (const c of LITERAL_CORPUS) expect(await deniedBy(c.host, c.port, 'send'), c.host).toBe(c.rule);
  });

  it('allows what it should: the corpus is not passing because everything is denied', async () => {
    for (const [host, port, means] of [
      ['127.0.0.1', 80, '127.0.0.1'],
      ['2130706433', 80, '127.0.0.1'],
      ['0x7f.1', 6380, '127.0.0.1'],
      ['::ffff:127.0.0.1', 80, '127.0.0.1'],
      ['127.76.255.255', 80, '127.76.255.255'],
      ['127.78.0.0', 80, '127.78.0.0'],
      ['10.10.10.10', 80, '10.10.10.10'],
      ['::1', 6380, '::1'],
      ['169.254.169.253', 80, '169.254.169.253'],
      ['fd00:ec2::253', 80, 'fd00:ec2::253'],
    ] as const) {
      const t = await policy.resolve(host, port, 'connect');
      expect(canonical(t.address), host).toBe(means);
    }
  });
});

const canonical = (a: string) => a.replace(/^::ffff:/, '');

describe('policy bypass corpus: names', () => {
  it.each(NAME_CORPUS.map((n) => [n.name, n.answers.join(', '), n.trick, n.rule] as const))(
    'DNS %s → [%s] (%s) → DENIED by %s',
    async (name, _answers, _trick, rule) => {
      expect(await deniedBy(name, 80)).toBe(rule);
      expect(await deniedBy(`${name}.`, 80)).toBe(rule); // fully qualified, trailing dot
      expect(await deniedBy(name.toUpperCase(), 80)).toBe(rule); // names are case-insensitive
    },
  );

  it('real /etc/hosts entries: a name for the metadata address, a denied loopback, and a name with mixed answers', async () => {
    const entries = ['169.254.169.254 metadata.hosts.sockgate.test', '127.77.0.5 lab.hosts.sockgate.test', '127.0.0.1 mixed.hosts.sockgate.test', '127.77.0.6 mixed.hosts.sockgate.test'];
    let tag = '';
    await withHostsEntries(entries, async (t) => {
      tag = t;
      expect(fs.readFileSync('/etc/hosts', 'utf8')).toContain(tag);
      for (const n of ['metadata.hosts.sockgate.test', 'lab.hosts.sockgate.test', 'mixed.hosts.sockgate.test']) hostsNames.add(n);
      try {
        // The resolver really answers from the file (so the test is about the policy, not a typo).
        expect(await systemLookup('lab.hosts.sockgate.test', 0)).toEqual(['127.77.0.5']);
        expect(await deniedBy('metadata.hosts.sockgate.test', 80)).toBe(RULE.metadata);
        expect(await deniedBy('lab.hosts.sockgate.test', 80)).toBe(RULE.lab);
        const mixed = await systemLookup('mixed.hosts.sockgate.test', 4);
        expect(mixed.sort()).toEqual(['127.0.0.1', '127.77.0.6']);
        expect(await deniedBy('mixed.hosts.sockgate.test', 80)).toBe(RULE.lab);
      } finally {
        hostsNames.clear();
      }
    });
    expect(fs.readFileSync('/etc/hosts', 'utf8')).not.toContain(tag);
  });
});

describe('listening, binding, multicast and broadcast', () => {
  it('listening or binding below 1024 is denied by default, however the address is written', async () => {
    const rule = 'default deny: privileged port (< 1024) — add --allow ADDRESS:PORT to permit';
    for (const host of ['127.0.0.1', '0.0.0.0', '::', '[::]', '2130706433', '::ffff:127.0.0.1', 'localhost']) {
      expect(await deniedBy(host === 'localhost' ? '127.0.0.1' : host, 80, 'listen'), host).toBe(rule);
      expect(await deniedBy(host === 'localhost' ? '127.0.0.1' : host, 53, 'bind'), host).toBe(rule);
      expect(await deniedBy(host === 'localhost' ? '127.0.0.1' : host, 1023, 'listen'), host).toBe(rule);
    }
    // 1024 and up, and port 0 (any free port), are fine.
    await expect(policy.resolve('127.0.0.1', 1024, 'listen')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(policy.resolve('0.0.0.0', 0, 'bind')).resolves.toMatchObject({ address: '0.0.0.0' });
  });

  it('listening on all interfaces is allowed by default (labs need it) and a rule can forbid it, in every spelling', async () => {
    await expect(policy.resolve('0.0.0.0', 8080, 'listen')).resolves.toMatchObject({ decision: { allowed: true } });
    const loopbackOnly = new TargetPolicy({ deny: ['0.0.0.0/32', '::/128'] });
    for (const host of ['0.0.0.0', '0', '0x0', '[::]', '::', '::ffff:0.0.0.0']) {
      await expect(loopbackOnly.resolve(host, 8080, 'listen'), host).rejects.toMatchObject({ code: 'DENIED' });
    }
    await expect(loopbackOnly.resolve('127.0.0.1', 8080, 'listen')).resolves.toBeTruthy();
  });

  it('multicast groups the policy does not allow: global-scope IPv6, and a group a rule denies', async () => {
    expect(await deniedBy('ff0e::1:3', 0, 'join')).toBe(RULE.publicNet);
    expect(await deniedBy('ff08::1', 0, 'join')).toBe(RULE.publicNet);
    const strict = new TargetPolicy({ deny: ['239.0.0.0/8', 'ff05::/16'] });
    for (const [group, rule] of [
      ['239.1.2.3', '--deny 239.0.0.0/8'],
      ['4009820675', '--deny 239.0.0.0/8'], // 239.1.2.3 as one number
      ['::ffff:239.1.2.3', '--deny 239.0.0.0/8'],
      ['ff05::1:3', '--deny ff05::/16'],
    ] as const) {
      await expect(strict.resolve(group, 0, 'join')).rejects.toMatchObject({ code: 'DENIED', extra: { rule } });
    }
    const noMulticast = new TargetPolicy({ deny: ['multicast'] });
    await expect(noMulticast.resolve('224.0.0.251', 5353, 'join')).rejects.toMatchObject({ code: 'DENIED', extra: { rule: '--deny multicast' } });
    await expect(noMulticast.resolve('ff02::fb', 5353, 'send')).rejects.toMatchObject({ code: 'DENIED', extra: { rule: '--deny multicast' } });
    // Allowed by default: link-local groups.
    await expect(policy.resolve('224.0.0.251', 0, 'join')).resolves.toBeTruthy();
  });

  it('--deny broadcast: limited and directed broadcast, however written', async () => {
    const p = new TargetPolicy({ deny: ['broadcast'], broadcastAddresses: ['127.255.255.255', '10.77.0.255'] });
    for (const host of ['255.255.255.255', '4294967295', '0xffffffff', '0377.0377.0377.0377', '::ffff:255.255.255.255', '127.255.255.255', '2147483647', '10.77.0.255', '10.77.255']) {
      await expect(p.resolve(host, 2425, 'send'), host).rejects.toMatchObject({ code: 'DENIED', extra: { rule: '--deny broadcast' } });
    }
    // Without the rule, both kinds of broadcast are allowed (the IPMSG lab needs them).
    await expect(new TargetPolicy({ broadcastAddresses: ['127.255.255.255'] }).resolve('255.255.255.255', 2425, 'send')).resolves.toBeTruthy();
  });
});
