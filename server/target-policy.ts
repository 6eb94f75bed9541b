import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { ErrorCode } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';
import { listInterfaces } from './network-interfaces.js';

type IP = ipaddr.IPv4 | ipaddr.IPv6;

/** What the page wants to do with an address; listening and binding have their own port rule. */
export type Operation = 'connect' | 'listen' | 'bind' | 'send' | 'join';

/** One allow/deny rule: an address range (or keyword) and an optional port range. */
export interface PolicyRule {
  action: 'allow' | 'deny';
  /** How the rule reads to a user, e.g. `--deny 127.0.0.0/8:22` or `default: public internet`. */
  label: string;
  match: (ip: IP, ctx: MatchContext) => boolean;
  ports?: readonly [number, number];
  /** The address range of a CIDR rule (keywords have none). */
  range?: readonly [IP, number];
}

interface MatchContext {
  broadcastAddresses: ReadonlySet<string>;
  /** The address as written, when its canonical form differs (an IPv6 spelling of IPv4). */
  original?: IP;
}

export interface Decision {
  allowed: boolean;
  rule: string;
}

export type LookupFn = (host: string, family: 0 | 4 | 6) => Promise<string[]>;

/** The system resolver (getaddrinfo), all answers, in resolver order. */
export const systemLookup: LookupFn = async (host, family) => {
  const answers = await dns.promises.lookup(host, { all: true, family, verbatim: true });
  return answers.map((a) => a.address);
};

const KEYWORDS: Record<string, (ip: IP, ctx: MatchContext) => boolean> = {
  any: () => true,
  '*': () => true,
  loopback: (ip) => ip.range() === 'loopback',
  private: (ip) => ['private', 'uniqueLocal'].includes(ip.range()),
  multicast: (ip) => ip.range() === 'multicast',
  broadcast: (ip, ctx) => ip.kind() === 'ipv4' && (ip.range() === 'broadcast' || ctx.broadcastAddresses.has(ip.toString())),
};

/**
 * Parses `CIDR[:port|:lo-hi]`, a bare address, or a keyword (`any`, `loopback`, `private`,
 * `multicast`, `broadcast`), with IPv6 written `[addr]/len:port` when a port follows.
 */
export function parseRule(action: 'allow' | 'deny', text: string, source: string): PolicyRule {
  const fail = (why: string) => new GatewayError(ErrorCode.BadOption, `bad ${source} rule "${text}": ${why}`);
  let spec = text.trim();
  let portText: string | undefined;
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    if (close < 0) throw fail('missing "]"');
    const after = spec.slice(close + 1);
    const m = /^(\/\d+)?(?::(.+))?$/.exec(after);
    if (!m) throw fail('expected [IPv6]/len:port');
    portText = m[2];
    spec = spec.slice(1, close) + (m[1] ?? '');
  } else if (spec.split(':').length === 2) {
    [spec, portText] = spec.split(':') as [string, string];
  }
  let ports: [number, number] | undefined;
  if (portText !== undefined) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(portText);
    if (!m) throw fail(`bad port "${portText}"`);
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (lo > 65535 || hi > 65535 || lo > hi) throw fail(`bad port range "${portText}"`);
    ports = [lo, hi];
  }
  const label = source === 'default' ? `default ${action} ${text}` : `${source} ${text}`;
  const keyword = KEYWORDS[spec.toLowerCase()];
  if (keyword) return { action, label, match: keyword, ports };
  let range: [IP, number];
  try {
    range = spec.includes('/') ? ipaddr.parseCIDR(spec) : ((a) => [a, a.kind() === 'ipv4' ? 32 : 128] as [IP, number])(ipaddr.parse(spec));
  } catch {
    throw fail('not an address, CIDR range or keyword');
  }
  const [base, bits] = canonicalRange(range[0], range[1]);
  return {
    action,
    label,
    ports,
    range: [base, bits],
    match: (ip, ctx) => (ip.kind() === base.kind() && ip.match(base as never, bits)) || (ctx.original !== undefined && ctx.original.kind() === base.kind() && ctx.original.match(base as never, bits)),
  };
}

/**
 * A rule written in an IPv6 form of IPv4 space (`::ffff:127.0.0.3/128`, `64:ff9b::a00:0/104`,
 * `::127.0.0.1`) becomes the IPv4 range it stands for, so it matches every spelling of those
 * addresses; wider IPv6 ranges keep matching the address as written too (ctx.original).
 */
function canonicalRange(base: IP, bits: number): [IP, number] {
  // Exactly /96 is a whole translation space (`--deny 64:ff9b::/96`: no NAT64 spellings), not
  // "every IPv4 address": it keeps matching addresses as written in it.
  if (base.kind() !== 'ipv6' || bits <= 96) return [base, bits];
  const embedded = embeddedIPv4(base as ipaddr.IPv6);
  return embedded ? [embedded, bits - 96] : [base, bits];
}

/** Cloud metadata endpoints: link-local, so the allow list below would let them through. */
const DEFAULT_DENY = [
  '169.254.169.254/32', 'fd00:ec2::254/128',
  // ECS task metadata and credentials; EKS Pod Identity agent (IPv4 and IPv6).
  '169.254.170.2/32', '169.254.170.23/32', 'fd00:ec2::23/128',
];
/** Loopback, RFC 1918, link-local, ULA, and local-scope multicast and broadcast. */
const DEFAULT_ALLOW = [
  '127.0.0.0/8', '::1/128',
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16',
  '169.254.0.0/16', 'fc00::/7', 'fe80::/10',
  // Multicast: link-local (224.0.0.0/24) and administratively scoped (239.0.0.0/8) groups only;
  // global-scope groups need an explicit --allow.
  '224.0.0.0/24', '239.0.0.0/8', '255.255.255.255/32', 'ff01::/16', 'ff02::/16', 'ff05::/16',
];
const DEFAULT_RULES: PolicyRule[] = [
  ...DEFAULT_DENY.map((cidr) => parseRule('deny', cidr, 'default')),
  ...DEFAULT_ALLOW.map((cidr) => parseRule('allow', cidr, 'default')),
];

/**
 * Reduces every way of writing an IPv4 address inside IPv6 (mapped `::ffff:a.b.c.d`,
 * compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`) to the IPv4 address, so rules see one form.
 */
export function canonicalAddress(text: string): IP {
  const ip = ipaddr.parse(text.replace(/%.*$/, ''));
  return (ip.kind() === 'ipv6' && embeddedIPv4(ip as ipaddr.IPv6)) || ip;
}

/** The IPv4 address inside a mapped, compatible or NAT64 (64:ff9b::/96) IPv6 address, if any. */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const p = v6.parts;
  const compat = p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 && (p[6]! !== 0 || p[7]! > 1);
  if (compat || v6.range() === 'rfc6052') return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  return undefined;
}

/**
 * The address to hand the socket for a checked `address`: its canonical form, so what is
 * reached is exactly what was checked (a NAT64 or IPv4-compatible spelling is dialled as the
 * IPv4 address it embeds, never as IPv6 that would leave the host). On an IPv6 socket an IPv4
 * address is written IPv4-mapped, which the kernel sends as that IPv4 address.
 */
export function socketAddress(address: string, socketFamily: 4 | 6 = 4): string {
  const zone = /%.*$/.exec(address)?.[0] ?? '';
  const ip = canonicalAddress(address);
  if (ip.kind() === 'ipv6') return ip.toString() + zone;
  return socketFamily === 6 ? `::ffff:${ip.toString()}` : ip.toString();
}

/** The directions a grant's rules are written for (`connect:CIDR[:ports]`, …). */
export const GRANT_DIRECTIONS = ['connect', 'listen', 'udp-bind', 'udp-send', 'broadcast', 'multicast'] as const;
export type GrantDirection = (typeof GRANT_DIRECTIONS)[number];

/** A grant's allow rules by direction, checked on top of the policy (server/grants). */
export interface PolicyScope {
  /** `grant alice`, for messages. */
  label: string;
  rules: ReadonlyMap<GrantDirection, readonly PolicyRule[]>;
  /**
   * The grants file's `grantsMayWiden`: the grant's allow then beats the default allow list (and the
   * privileged-port rule when it names the port), never a `--deny`, a default deny (cloud metadata) or a builtin refusal.
   */
  mayWiden: boolean;
}

export interface TargetPolicyOptions {
  /** A grant's scope: a target needs the grant's allow as well as the policy's. */
  scope?: PolicyScope;
  allow?: readonly string[];
  deny?: readonly string[];
  /** Where user rules came from, for messages (`--allow`, `config`). */
  lookup?: LookupFn;
  /** Directed broadcast addresses of this host's interfaces, for the `broadcast` keyword. */
  broadcastAddresses?: Iterable<string>;
}

/** A resolved, checked target: connect to `address`, never to the name again. */
export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
  decision: Decision;
}

/**
 * Decides which addresses and ports a page may reach. Names are resolved first and every
 * answer is checked; the caller then uses the checked address, so an answer that changes
 * between check and connect (DNS rebinding) cannot slip through.
 */
export class TargetPolicy {
  private readonly userRules: PolicyRule[];
  private readonly lookup: LookupFn;

  constructor(private readonly options: TargetPolicyOptions = {}) {
    this.userRules = [
      ...(options.deny ?? []).map((r) => parseRule('deny', r, '--deny')),
      ...(options.allow ?? []).map((r) => parseRule('allow', r, '--allow')),
    ];
    this.lookup = options.lookup ?? systemLookup;
    this.staticBroadcast = [...(options.broadcastAddresses ?? [])];
  }

  private readonly staticBroadcast: string[];
  private broadcastCache: { at: number; set: ReadonlySet<string> } | undefined;

  /**
   * Directed broadcast addresses: those given at start plus this host's interfaces now (re-read
   * at most once a second), so `--deny broadcast` covers an interface added after start.
   */
  private broadcastAddresses(): ReadonlySet<string> {
    const now = Date.now();
    if (!this.broadcastCache || now - this.broadcastCache.at > 1000) {
      const live = listInterfaces().flatMap((i) => (i.broadcast ? [i.broadcast] : []));
      this.broadcastCache = { at: now, set: new Set([...this.staticBroadcast, ...live]) };
    }
    return this.broadcastCache.set;
  }

  /** The rules in evaluation order, as users read them. */
  describe(): string[] {
    const global = [...this.userRules.map((r) => r.label), 'default deny: privileged listen ports (< 1024)', ...DEFAULT_RULES.map((r) => r.label), 'default deny: everything else (public internet)'];
    const scope = this.options.scope;
    if (!scope) return global;
    // A grant's page: its own rules first (deny by default), then the gateway's, which still apply.
    const own = [...scope.rules.values()].flat().map((r) => r.label);
    const on = scope.mayWiden ? 'and the gateway policy (grantsMayWiden: its --deny, cloud metadata and builtin refusals still apply)' : 'and only where the gateway policy also allows';
    return [...own, `${scope.label}: deny everything else, ${on}:`, ...global];
  }

  /** The same policy narrowed to a grant's rules (same lookup and broadcast addresses). */
  withScope(scope: PolicyScope): TargetPolicy {
    return new TargetPolicy({ ...this.options, scope });
  }

  /** Checks one literal address (already resolved): the policy, then the grant's scope if any. */
  check(address: string, port: number, op: Operation): Decision {
    let ip: IP;
    let written: IP;
    try {
      ip = canonicalAddress(address);
      written = ipaddr.parse(address.replace(/%.*$/, ''));
    } catch {
      return { allowed: false, rule: `not an IP address: ${address}` };
    }
    const ctx: MatchContext = { broadcastAddresses: this.broadcastAddresses(), ...(written.kind() !== ip.kind() && { original: written }) };
    const { firm, ...decision } = this.decide(ip, ctx, port, op);
    const scope = this.options.scope;
    if (!scope || (!decision.allowed && (firm || !scope.mayWiden))) return decision;
    const direction = grantDirection(op, ip, ctx);
    const privileged = (op === 'listen' || op === 'bind') && port > 0 && port < 1024;
    const rule = scope.rules.get(direction)?.find((r) => r.match(ip, ctx) && inPorts(r, port) && (decision.allowed || !privileged || r.ports));
    if (!rule) return { allowed: false, rule: `${scope.label}: no ${direction} rule covers ${address} port ${port} (a grant allows only what it names)` };
    return { allowed: true, rule: decision.allowed ? `${rule.label} (within ${decision.rule})` : rule.label };
  }

  /** The policy's own decision; `firm` when a --deny or builtin refusal made it (no grant lifts those). */
  private decide(ip: IP, ctx: MatchContext, port: number, op: Operation): Decision & { firm?: boolean } {
    const unspecified = ip.range() === 'unspecified';
    if (unspecified && (op === 'connect' || op === 'send' || op === 'join')) {
      return { allowed: false, rule: 'builtin: the unspecified address (0.0.0.0, ::) is not a target', firm: true };
    }
    const privileged = (op === 'listen' || op === 'bind') && port > 0 && port < 1024;
    // A wildcard bind receives on every local address: a deny rule for any of them, on this
    // port, covers it (else 0.0.0.0:P with reuseAddr sidesteps --deny 127.0.0.1:P).
    if (unspecified && (op === 'listen' || op === 'bind')) {
      const hit = this.userRules.find((r) => r.action === 'deny' && r.ports && inPorts(r, port) && coversLocalAddress(r, ctx));
      if (hit) return { allowed: false, rule: `${hit.label} (a wildcard bind covers every local address)`, firm: true };
    }
    for (const rule of this.userRules) {
      if (!rule.match(ip, ctx) || !inPorts(rule, port)) continue;
      // A broad allow (any, 127.0.0.0/8) does not lift the privileged-port rule: only a rule that names the port does.
      if (rule.action === 'allow' && privileged && !rule.ports) continue;
      return { allowed: rule.action === 'allow', rule: rule.label, firm: rule.action === 'deny' };
    }
    if (privileged) {
      return { allowed: false, rule: 'default deny: privileged port (< 1024) — add --allow ADDRESS:PORT to permit' };
    }
    if (unspecified) return { allowed: true, rule: 'default allow: all interfaces' };
    for (const rule of DEFAULT_RULES) {
      if (rule.match(ip, ctx) && inPorts(rule, port)) return { allowed: rule.action === 'allow', rule: rule.label, firm: rule.action === 'deny' };
    }
    return { allowed: false, rule: 'default deny: public internet (add --allow CIDR to permit)' };
  }

  /**
   * Resolves `host` and checks every answer; throws DENIED naming the rule if any answer is
   * denied, DNS_FAILURE if the name does not resolve. Returns the first allowed address.
   */
  async resolve(host: string, port: number, op: Operation, family: 0 | 4 | 6 = 0): Promise<ResolvedTarget> {
    let name = normaliseHost(host);
    // inet_aton spellings (2130706433, 0x7f.1, 0177.0.0.1, 127.1) are addresses, not names:
    // read them here rather than trusting whichever resolver is plugged in to parse them.
    if (!net.isIP(name) && ipaddr.IPv4.isValid(name)) name = ipaddr.IPv4.parse(name).toString();
    let answers: string[];
    if (net.isIP(name)) {
      answers = [name];
    } else {
      try {
        answers = await this.lookup(name, family);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new GatewayError(ErrorCode.DnsFailure, `cannot resolve "${host}": ${e.code ?? e.message}`, { osCode: e.code });
      }
      if (answers.length === 0) throw new GatewayError(ErrorCode.DnsFailure, `"${host}" has no addresses`);
    }
    let first: ResolvedTarget | undefined;
    for (const address of answers) {
      const decision = this.check(address, port, op);
      if (!decision.allowed) {
        const shown = address === name ? address : `${host} → ${address}`;
        throw new GatewayError(ErrorCode.Denied, `${op} to ${shown} port ${port} denied by ${decision.rule}`, { rule: decision.rule });
      }
      const canonical = socketAddress(address);
      first ??= { address: canonical, family: net.isIPv6(canonical) ? 6 : 4, decision };
    }
    return first!;
  }
}

const inPorts = (r: PolicyRule, port: number) => !r.ports || (port >= r.ports[0] && port <= r.ports[1]);

/** Which of a grant's directions an operation on `ip` falls under: a send to a broadcast or multicast address is that. */
function grantDirection(op: Operation, ip: IP, ctx: MatchContext): GrantDirection {
  switch (op) {
    case 'connect':
    case 'listen':
      return op;
    case 'bind':
      return 'udp-bind';
    case 'join':
      return 'multicast';
    case 'send':
      if (ip.range() === 'multicast') return 'multicast';
      return KEYWORDS.broadcast!(ip, ctx) ? 'broadcast' : 'udp-send';
  }
}

/** Strips IPv6 brackets and one trailing dot; keeps a zone id (`fe80::1%eth0`). */
export function normaliseHost(host: string): string {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.') && !net.isIP(h)) h = h.slice(0, -1);
  return h;
}

/**
 * Whether a rule matches some address this host receives on: all of 127.0.0.0/8 and ::1, and
 * every interface address (read now, so interfaces added after start count).
 */
function coversLocalAddress(rule: PolicyRule, ctx: MatchContext): boolean {
  if (rule.range) {
    const [base, bits] = rule.range;
    if (base.kind() === 'ipv4' && (bits < 8 ? ipaddr.parse('127.0.0.1').match(base as never, bits) : (base as ipaddr.IPv4).octets[0] === 127)) return true;
  }
  const local = ['127.0.0.1', '::1', ...listInterfaces().map((i) => i.address)];
  return local.some((a) => {
    try {
      return rule.match(canonicalAddress(a), { broadcastAddresses: ctx.broadcastAddresses });
    } catch {
      return false;
    }
  });
}
