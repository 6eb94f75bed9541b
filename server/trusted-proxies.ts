import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** Most X-Forwarded-For entries read per request: a longer chain is cut, never parsed whole. */
const MAX_HOPS = 32;

/** The bare address (IPv4-mapped IPv6 folded to IPv4), or undefined for anything that is not an IP literal. */
function normalise(text: string | undefined): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text?.trim().replace(/^\[(.*)\](?::\d+)?$/, '$1');
  if (!bare || !net.isIP(bare)) return undefined;
  return ipaddr.process(bare);
}

/**
 * `--trust-proxy CIDR`: the proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` the gateway
 * believes. A header from any other peer is ignored, so a client cannot pick its own address
 * (for the audit log and the admin view) or claim TLS it did not have.
 */
export class TrustedProxies {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  /** Throws on a CIDR that does not parse (the CLI reports it). */
  constructor(cidrs: readonly string[] = []) {
    this.ranges = cidrs.map((c) => {
      const text = c.includes('/') ? c : `${c}/${net.isIPv6(c) ? 128 : 32}`;
      const [ip, bits] = ipaddr.parseCIDR(text.replace(/^\[(.*)\]/, '$1'));
      // A range written as ::ffff:a.b.c.d/n matches the IPv4 addresses peers arrive with.
      if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(ip as ipaddr.IPv6).toIPv4Address(), bits - 96];
      return [ip, bits];
    });
  }

  /** True when any range is configured. */
  get enabled(): boolean {
    return this.ranges.length > 0;
  }

  /** True when `address` lies in a trusted range. */
  trusts(address: string | undefined): boolean {
    const ip = normalise(address);
    return ip !== undefined && this.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  }

  /**
   * The client's address: the TCP peer, unless the peer is a trusted proxy; then the rightmost
   * X-Forwarded-For entry that is not itself a trusted proxy (entries left of it were written
   * by the client and prove nothing). A malformed entry stops the walk at the last good one.
   */
  clientAddress(req: IncomingMessage): string {
    const peer = normalise(req.socket.remoteAddress)?.toString() ?? req.socket.remoteAddress ?? '';
    if (!this.trusts(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').slice(-MAX_HOPS);
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const ip = normalise(hops[i]);
      if (!ip) break;
      client = ip.toString();
      if (!this.trusts(client)) break;
    }
    return client;
  }

  /** True when the request reached us over TLS: directly, or through a trusted proxy that says so. */
  overTls(req: IncomingMessage): boolean {
    if ((req.socket as { encrypted?: boolean }).encrypted) return true;
    if (!this.trusts(req.socket.remoteAddress)) return false;
    const proto = req.headers['x-forwarded-proto'];
    const last = (Array.isArray(proto) ? proto.join(',') : (proto ?? '')).split(',').pop()?.trim().toLowerCase();
    return last === 'https' || /(?:^|[;,\s])proto="?https\b/i.test(String(req.headers.forwarded ?? ''));
  }
}
