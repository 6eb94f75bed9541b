import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedMsg } from '../../shared/protocol.js';
import { TargetPolicy, type LookupFn } from '../../server/target-policy.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

/**
 * Issue 10 items 6, 7 and 9: the policy connects to exactly the address it checked, rules match
 * every spelling of an IPv4 address, a wildcard bind is checked against every local address, and
 * the defaults close the cloud-agent and multicast-scope gaps. Everything here either asks the
 * policy (no packet at all) or connects to loopback; the end-to-end NAT64 case runs only once the
 * policy has been seen to turn that spelling into 127.0.0.1, so it can never dial 64:ff9b::/96.
 */

const noNames: LookupFn = async (host) => {
  throw Object.assign(new Error(`no names in this test (${host})`), { code: 'ENOTFOUND' });
};
const policyOf = (o: { allow?: string[]; deny?: string[] } = {}) => new TargetPolicy({ ...o, lookup: noNames });
const denial = (p: TargetPolicy, host: string, port: number, op: 'connect' | 'listen' | 'bind' | 'send' | 'join') =>
  p.resolve(host, port, op).then(
    (t) => `allowed ${t.address}`,
    (e: { code: string; extra: { rule?: string } }) => `${e.code} ${e.extra.rule ?? ''}`,
  );

describe('NAT64, IPv4-compatible and IPv4-mapped spellings (item 6)', () => {
  it('are dialled as the IPv4 address they embed, never as IPv6', async () => {
    const p = policyOf();
    for (const host of ['64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '[64:ff9b::7f00:1]', '::127.0.0.1', '::7f00:1', '::ffff:127.0.0.1']) {
      await expect(p.resolve(host, 8080, 'connect'), host).resolves.toMatchObject({ address: '127.0.0.1', family: 4 });
    }
    // A public address behind NAT64 is checked (and denied) as that public IPv4 address.
    expect(await denial(p, '64:ff9b::808:808', 53, 'connect')).toBe('DENIED default deny: public internet (add --allow CIDR to permit)');
    expect(await denial(p, '::8.8.8.8', 53, 'connect')).toBe('DENIED default deny: public internet (add --allow CIDR to permit)');
  });

  it('deny rules written in any IPv6 form of IPv4 match every spelling of the address', async () => {
    for (const rule of ['::ffff:127.0.0.3/128', '[::ffff:127.0.0.3]/128', '64:ff9b::7f00:3/128', '::127.0.0.3/128', '127.0.0.3', '::ffff:127.0.0.2/127']) {
      const p = policyOf({ deny: [rule] });
      for (const host of ['127.0.0.3', '::ffff:127.0.0.3', '64:ff9b::7f00:3', '::127.0.0.3', '2130706435']) {
        expect(await denial(p, host, 8080, 'connect'), `${rule} vs ${host}`).toMatch(/^DENIED --deny /);
      }
      expect(await denial(p, '127.0.0.4', 8080, 'connect'), rule).toBe('allowed 127.0.0.4');
    }
    // A rule for the whole NAT64 prefix covers every address written in it.
    const noNat64 = policyOf({ deny: ['64:ff9b::/96'] });
    expect(await denial(noNat64, '64:ff9b::7f00:1', 8080, 'connect')).toBe('DENIED --deny 64:ff9b::/96');
    // ... and is not read as "every IPv4 address".
    expect(await denial(noNat64, '127.0.0.1', 8080, 'connect')).toBe('allowed 127.0.0.1');
  });
});

describe('wildcard binds (item 7)', () => {
  it('binding 0.0.0.0 or :: on a port a rule denies on a local address is denied', async () => {
    const p = policyOf({ deny: ['127.0.0.1:5353', '127.0.0.0/8:7000-7010', '[::1]:6000'] });
    for (const host of ['0.0.0.0', '::', '::ffff:0.0.0.0', '0']) {
      expect(await denial(p, host, 5353, 'bind'), host).toMatch(/^DENIED --deny 127\.0\.0\.1:5353 \(a wildcard bind covers every local address\)/);
      expect(await denial(p, host, 7005, 'listen'), host).toMatch(/^DENIED --deny 127\.0\.0\.0\/8:7000-7010/);
      expect(await denial(p, host, 6000, 'bind'), host).toMatch(/^DENIED --deny \[::1\]:6000/);
    }
    // Other ports stay bindable on every interface.
    expect(await denial(p, '0.0.0.0', 5354, 'bind')).toBe('allowed 0.0.0.0');
  });
});

describe('default policy gaps (item 9)', () => {
  it('denies the ECS task-metadata and EKS Pod Identity agents', async () => {
    const p = policyOf();
    for (const host of ['169.254.170.2', '169.254.170.23', 'fd00:ec2::23', '::ffff:169.254.170.2', '64:ff9b::a9fe:aa17']) {
      expect(await denial(p, host, 80, 'connect'), host).toMatch(/^DENIED default deny (169\.254\.170\.(2|23)|fd00:ec2::23)\//);
    }
    expect(await denial(p, '169.254.1.1', 80, 'connect')).toBe('allowed 169.254.1.1');
  });

  it('allows link-local and admin-scoped multicast only; global scope needs an --allow', async () => {
    const p = policyOf();
    expect(await denial(p, '224.0.0.251', 5353, 'join')).toBe('allowed 224.0.0.251');
    expect(await denial(p, '239.255.255.250', 1900, 'send')).toBe('allowed 239.255.255.250');
    for (const group of ['224.0.1.1', '230.1.2.3', '233.252.0.1']) {
      expect(await denial(p, group, 5000, 'join'), group).toBe('DENIED default deny: public internet (add --allow CIDR to permit)');
    }
    expect(await denial(policyOf({ allow: ['230.0.0.0/8'] }), '230.1.2.3', 5000, 'join')).toBe('allowed 230.1.2.3');
  });

  it('a broad --allow does not lift the privileged-port rule; a rule naming the port does', async () => {
    const privileged = 'DENIED default deny: privileged port (< 1024) — add --allow ADDRESS:PORT to permit';
    for (const allow of ['any', '*', '127.0.0.0/8', 'loopback', '0.0.0.0/0']) {
      const p = policyOf({ allow: [allow] });
      expect(await denial(p, '127.0.0.1', 80, 'listen'), allow).toBe(privileged);
      expect(await denial(p, '0.0.0.0', 53, 'bind'), allow).toBe(privileged);
      expect(await denial(p, '127.0.0.1', 8080, 'listen'), allow).toBe('allowed 127.0.0.1');
    }
    expect(await denial(policyOf({ allow: ['127.0.0.1:80'] }), '127.0.0.1', 80, 'listen')).toBe('allowed 127.0.0.1');
    expect(await denial(policyOf({ allow: ['127.0.0.0/8:1-1023'] }), '127.0.0.1', 53, 'bind')).toBe('allowed 127.0.0.1');
  });
});

describe('through a real gateway process', () => {
  let gp: GatewayProcess;
  let echo: net.Server;
  let echoPort = 0;
  const seenFrom: string[] = [];
  beforeAll(async () => {
    echo = net.createServer((s) => {
      seenFrom.push(s.remoteAddress ?? '');
      s.on('error', () => {});
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as net.AddressInfo).port;
    gp = await spawnGateway(['--port', '0', '--quiet', '--deny', `127.0.0.1:${echoPort + 1}`, '--deny', '::ffff:127.0.0.3/128']);
  });
  afterAll(async () => {
    await gp?.stop();
    echo?.close();
  });

  it('a NAT64 spelling of 127.0.0.1 is connected as 127.0.0.1, and a mapped-form deny rule holds', async () => {
    // Guard: only dial once the policy is known to turn this spelling into loopback.
    await expect(policyOf().resolve('64:ff9b::7f00:1', echoPort, 'connect')).resolves.toMatchObject({ address: '127.0.0.1' });
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: '64:ff9b::7f00:1', port: echoPort })) as OpenedMsg;
    expect(opened).toMatchObject({ t: 'opened', remote: { address: '127.0.0.1', port: echoPort } });
    page.write(1, Buffer.from('nat64'));
    await page.until(() => page.bytes(1).toString() === 'nat64');
    expect(await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.3', port: echoPort })).toMatchObject({ code: 'DENIED', rule: '--deny ::ffff:127.0.0.3/128' });
    await page.close();
  });

  it('udp.bind 0.0.0.0 with reuseAddr on a port denied on 127.0.0.1 is DENIED', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    for (const host of ['0.0.0.0', '::']) {
      expect(await page.request({ t: 'udp.bind', id: 3, host, port: echoPort + 1, reuseAddr: true }), host).toMatchObject({ code: 'DENIED', rule: expect.stringContaining(`--deny 127.0.0.1:${echoPort + 1}`) });
    }
    await page.close();
  });

  it('multicast TTL is capped at 1 by default (--max-multicast-ttl raises it)', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    expect(await page.request({ t: 'udp.bind', id: 4, host: '127.0.0.1', multicastTTL: 2 })).toMatchObject({ code: 'BAD_OPTION', message: expect.stringContaining('--max-multicast-ttl') });
    expect(await page.request({ t: 'udp.bind', id: 5, host: '127.0.0.1', multicastTTL: 1 })).toMatchObject({ t: 'opened' });
    expect(await page.request({ t: 'set', id: 5, multicastTTL: 64 })).toMatchObject({ code: 'BAD_OPTION' });
    await page.close();
    const raised = await spawnGateway(['--port', '0', '--quiet', '--max-multicast-ttl', '32']);
    try {
      const p2 = await ProtocolClient.connect(raised.origin, raised.token);
      expect(await p2.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', multicastTTL: 32 })).toMatchObject({ t: 'opened' });
      expect(await p2.request({ t: 'set', id: 1, multicastTTL: 33 })).toMatchObject({ code: 'BAD_OPTION' });
      await p2.close();
    } finally {
      await raised.stop();
    }
  });
});
