/**
 * IPv4 subnet arithmetic as the course teaches it: address AND mask = network, network OR the
 * inverted mask = directed broadcast, the hosts in between. /31 and /32 follow RFC 3021: a /31
 * point-to-point link has two hosts and no network or broadcast address; a /32 is one host.
 * Addresses are unsigned 32-bit numbers; pure, no Node or DOM types.
 */

/** Why an input was refused (the page words it). */
export type SubnetInputError = 'address' | 'mask' | 'non-contiguous';

/** One subnet, computed from an address and a prefix length. */
export interface SubnetInfo {
  address: number;
  prefix: number;
  mask: number;
  /** The inverted mask (host bits set). */
  wildcard: number;
  network: number;
  /** Directed broadcast; null for /31 and /32 (RFC 3021: no broadcast on a two-host link). */
  broadcast: number | null;
  firstHost: number;
  lastHost: number;
  /** Usable host addresses: 2^(32-prefix) − 2, but 2 for /31 and 1 for /32. */
  hosts: number;
}

/** Parses a dotted quad (`192.168.9.193`): four decimal parts 0–255, no leading zeros beyond `0`. */
export function parseIPv4(text: string): number | null {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    // Leading zeros are refused: `010` means 8 to inet_aton and 10 to a human.
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** The dotted quad of an unsigned 32-bit number. */
export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The 32 bits in four dotted octets, as the course writes them: `11000000.10101000.00001001.11000001`. */
export function binaryIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((o) => o.toString(2).padStart(8, '0')).join('.');
}

/** The mask of a prefix length 0–32 (`25` → 255.255.255.128). */
export function maskFromPrefix(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses a mask: `/25`, `25` or `255.255.255.128`; a dotted mask must be ones then zeros. */
export function parsePrefix(text: string): number | SubnetInputError {
  const t = text.trim().replace(/^\//, '');
  if (/^\d{1,2}$/.test(t)) {
    const p = Number(t);
    return p <= 32 ? p : 'mask';
  }
  const m = parseIPv4(t);
  if (m === null) return 'mask';
  const inverted = ~m >>> 0;
  // Contiguous iff the host part is 2^k − 1.
  if ((inverted & (inverted + 1)) !== 0) return 'non-contiguous';
  return 32 - Math.log2(inverted + 1);
}

/** The subnet of `address` with a `prefix`-bit network part. */
export function subnetOf(address: number, prefix: number): SubnetInfo {
  const mask = maskFromPrefix(prefix);
  const wildcard = ~mask >>> 0;
  const network = (address & mask) >>> 0;
  const top = (network | wildcard) >>> 0;
  if (prefix >= 31) return { address, prefix, mask, wildcard, network, broadcast: null, firstHost: network, lastHost: top, hosts: prefix === 32 ? 1 : 2 };
  return { address, prefix, mask, wildcard, network, broadcast: top, firstHost: network + 1, lastHost: top - 1, hosts: 2 ** (32 - prefix) - 2 };
}

/**
 * Reads the calculator's inputs: `address` may carry its prefix (`192.168.9.193/25`); otherwise
 * `mask` gives it (`/25`, `25`, `255.255.255.128`).
 */
export function parseSubnet(address: string, mask = ''): SubnetInfo | SubnetInputError {
  const [addr, inline] = address.includes('/') ? [address.slice(0, address.indexOf('/')), address.slice(address.indexOf('/'))] : [address, mask];
  const a = parseIPv4(addr);
  if (a === null) return 'address';
  const p = parsePrefix(inline);
  return typeof p === 'number' ? subnetOf(a, p) : p;
}

/** Whether two addresses share the network part of `prefix` bits (a AND mask = b AND mask). */
export function sameSubnet(a: number, b: number, prefix: number): boolean {
  const mask = maskFromPrefix(prefix);
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** What kind of address `n` is within its subnet, for labelling a row. */
export function roleInSubnet(n: number, s: SubnetInfo): 'network' | 'broadcast' | 'host' | 'outside' {
  if (((n & s.mask) >>> 0) !== s.network) return 'outside';
  if (s.prefix < 31 && n === s.network) return 'network';
  if (s.broadcast !== null && n === s.broadcast) return 'broadcast';
  return 'host';
}
