/** Subnet arithmetic: the course's worked examples, RFC 3021's /31 and /32, and ipaddr.js as an oracle for every prefix. */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { binaryIPv4, formatIPv4, maskFromPrefix, parseIPv4, parsePrefix, parseSubnet, roleInSubnet, sameSubnet, subnetOf, type SubnetInfo } from '../../shared/subnet.js';

const dotted = (s: SubnetInfo) => ({
  network: formatIPv4(s.network),
  broadcast: s.broadcast === null ? null : formatIPv4(s.broadcast),
  first: formatIPv4(s.firstHost),
  last: formatIPv4(s.lastHost),
  hosts: s.hosts,
  mask: formatIPv4(s.mask),
});

const address = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const prefix = fc.integer({ min: 0, max: 32 });

describe('subnet', () => {
  it('192.168.9.193/25 → network .128, broadcast .255, hosts .129–.254, 126 hosts', () => {
    const s = parseSubnet('192.168.9.193/25');
    expect(typeof s).toBe('object');
    expect(dotted(s as SubnetInfo)).toEqual({ network: '192.168.9.128', broadcast: '192.168.9.255', first: '192.168.9.129', last: '192.168.9.254', hosts: 126, mask: '255.255.255.128' });
    expect(parseSubnet('192.168.9.193', '255.255.255.128')).toEqual(s);
    expect(parseSubnet('192.168.9.193', '/25')).toEqual(s);
    expect(parseSubnet(' 192.168.9.193 ', '25')).toEqual(s);
  });

  it('writes the bits the way the course does', () => {
    expect(binaryIPv4(parseIPv4('192.168.9.193')!)).toBe('11000000.10101000.00001001.11000001');
    expect(binaryIPv4(maskFromPrefix(25))).toBe('11111111.11111111.11111111.10000000');
    expect(binaryIPv4(subnetOf(parseIPv4('192.168.9.193')!, 25).network)).toBe('11000000.10101000.00001001.10000000');
  });

  it('/31 has two hosts and no broadcast, /32 one host (RFC 3021)', () => {
    expect(dotted(parseSubnet('10.0.0.7/31') as SubnetInfo)).toEqual({ network: '10.0.0.6', broadcast: null, first: '10.0.0.6', last: '10.0.0.7', hosts: 2, mask: '255.255.255.254' });
    expect(dotted(parseSubnet('10.0.0.7/32') as SubnetInfo)).toEqual({ network: '10.0.0.7', broadcast: null, first: '10.0.0.7', last: '10.0.0.7', hosts: 1, mask: '255.255.255.255' });
    const p31 = parseSubnet('10.0.0.7/31') as SubnetInfo;
    expect(roleInSubnet(parseIPv4('10.0.0.6')!, p31)).toBe('host');
    expect(dotted(parseSubnet('10.1.2.3/30') as SubnetInfo).hosts).toBe(2);
    expect(dotted(parseSubnet('10.1.2.3/0') as SubnetInfo)).toMatchObject({ network: '0.0.0.0', broadcast: '255.255.255.255', hosts: 2 ** 32 - 2 });
  });

  it('refuses bad input with the reason', () => {
    expect(parseSubnet('192.168.9/25')).toBe('address');
    expect(parseSubnet('192.168.9.256/25')).toBe('address');
    expect(parseSubnet('192.168.09.1/25')).toBe('address');
    expect(parseSubnet('192.168.9.1/33')).toBe('mask');
    expect(parseSubnet('192.168.9.1', '255.255.0.255')).toBe('non-contiguous');
    expect(parseSubnet('192.168.9.1', 'abc')).toBe('mask');
    expect(parseSubnet('192.168.9.1', '')).toBe('mask');
    expect(parsePrefix('255.255.255.0')).toBe(24);
    expect(parsePrefix('0.0.0.0')).toBe(0);
  });

  it('same subnet: only the network bits count', () => {
    const a = parseIPv4('192.168.9.193')!;
    expect(sameSubnet(a, parseIPv4('192.168.9.130')!, 25)).toBe(true);
    expect(sameSubnet(a, parseIPv4('192.168.9.100')!, 25)).toBe(false);
    expect(sameSubnet(a, parseIPv4('192.168.9.100')!, 24)).toBe(true);
  });

  it('agrees with ipaddr.js on network, broadcast, mask and membership for any address and prefix', () => {
    fc.assert(
      fc.property(address, address, prefix, (a, b, p) => {
        const s = parseSubnet(`${a}/${p}`) as SubnetInfo;
        const cidr = `${a}/${p}`;
        expect(formatIPv4(s.network)).toBe(ipaddr.IPv4.networkAddressFromCIDR(cidr).toString());
        expect(formatIPv4(s.mask)).toBe(ipaddr.IPv4.subnetMaskFromPrefixLength(p).toString());
        expect(parsePrefix(formatIPv4(s.mask))).toBe(p);
        if (p <= 30) expect(formatIPv4(s.broadcast!)).toBe(ipaddr.IPv4.broadcastAddressFromCIDR(cidr).toString());
        expect(sameSubnet(parseIPv4(a)!, parseIPv4(b)!, p)).toBe(ipaddr.IPv4.parse(b).match(ipaddr.IPv4.parse(a), p));
      }),
      { numRuns: 2000 },
    );
  });

  it('every host lies inside, the count matches the range, and network/broadcast are not hosts', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), prefix, (n, p) => {
        const s = subnetOf(n, p);
        expect(s.lastHost - s.firstHost + 1).toBe(s.hosts);
        expect(roleInSubnet(s.firstHost, s)).toBe('host');
        expect(roleInSubnet(s.lastHost, s)).toBe('host');
        expect(roleInSubnet(n, s)).not.toBe('outside');
        if (p <= 30) {
          expect(roleInSubnet(s.network, s)).toBe('network');
          expect(roleInSubnet(s.broadcast!, s)).toBe('broadcast');
        }
        expect(parseIPv4(formatIPv4(n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });
});
