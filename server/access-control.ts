import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { LiveGrant } from './grants/grant-store.js';
import { cookieValues, parseRequestTarget } from './request-parts.js';

/** Name of the cookie that carries the token after the page is first opened with `?token=`. */
export const TOKEN_COOKIE = 'sockgate_token';

/** A fresh random token: 24 bytes, URL-safe. */
export function randomToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Compares in time independent of where the strings differ (HMAC first, so lengths leak nothing either). */
export function tokensEqual(given: string, expected: string): boolean {
  const key = crypto.randomBytes(32);
  const a = crypto.createHmac('sha256', key).update(given).digest();
  const b = crypto.createHmac('sha256', key).update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Every token a request presents: `?token=`, the path segment of `/websockify/TOKEN` (websockify's
 * own client drops the query string), `Authorization: Bearer`, and each `sockgate_token` cookie.
 */
export function presentedTokens(req: IncomingMessage): string[] {
  const out: string[] = [];
  const target = parseRequestTarget(req.url);
  out.push(...(target?.searchParams.getAll('token').slice(0, 4) ?? []));
  const inPath = target ? websockifyPathToken(target.pathname) : undefined;
  if (inPath !== undefined) out.push(inPath);
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) out.push(auth.slice(7).trim());
  out.push(...cookieValues(req.headers.cookie, TOKEN_COOKIE));
  return out.filter((t) => t !== '');
}

/** The TOKEN of a `/websockify/TOKEN` path (percent-decoded), or undefined for any other path. */
export function websockifyPathToken(pathname: string): string | undefined {
  const m = /^\/websockify\/([^/]+)$/.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

/**
 * True for a loopback IP literal (127.0.0.0/8, ::1, IPv4-mapped loopback) or `localhost`
 * (RFC 6761: always loopback; never asked of DNS). A name like `127.evil.example` is not.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.toLowerCase() === 'localhost') return true;
  if (!net.isIP(bare)) return false;
  const ip = ipaddr.process(bare);
  return ip.range() === 'loopback';
}

/**
 * Checks who may talk to the gateway: the Host header (defeats DNS rebinding: a loopback
 * gateway answers only to loopback names), the Origin (same origin or `--allow-origin`),
 * and the token.
 */
export class AccessControl {
  private readonly allowedOrigins: Set<string>;
  /** Hosts of `--allow-origin` entries: the public names a reverse proxy serves the page under. */
  private readonly proxyHosts: Set<string>;
  private allowedHosts = new Set<string>();

  constructor(
    readonly token: string,
    readonly bindHost: string,
    extraOrigins: readonly string[],
  ) {
    this.allowedOrigins = new Set(extraOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
    this.proxyHosts = new Set([...this.allowedOrigins].flatMap((o) => originHosts(o)));
  }

  /** Called once the port is known: the Host values this gateway answers to. */
  setPort(port: number): void {
    const names = new Set<string>([this.bindHost, 'localhost', '127.0.0.1', '[::1]']);
    if (net.isIPv6(this.bindHost)) names.add(`[${this.bindHost}]`);
    this.allowedHosts = new Set([...names].flatMap((n) => [`${n}:${port}`.toLowerCase(), ...(port === 80 ? [n] : [])]));
  }

  /**
   * True when the Host header is acceptable. A gateway bound to a non-loopback address is
   * reached by many names (LAN IPs, host names), so only loopback binds are this strict.
   * A loopback bind also takes a port-less loopback name or IP (websockify's Python client sends
   * `Host: 127.0.0.1`): a rebinding page's Host is its own name, never a loopback literal.
   * The host of an origin the operator listed with `--allow-origin` is taken too: behind a
   * reverse proxy (`proxy_set_header Host $http_host`) that is the name the page was served under.
   */
  hostAllowed(req: IncomingMessage): boolean {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!isLoopbackHost(this.bindHost)) return host.length > 0;
    if (this.allowedHosts.has(host) || this.proxyHosts.has(host)) return true;
    return !/:\d*$/.test(host) && (host.startsWith('[') || !host.includes(':')) && isLoopbackHost(host);
  }

  /** No Origin (non-browser clients) passes here; they still need the token. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const o = origin.toLowerCase();
    if (this.allowedOrigins.has(o) || this.allowedOrigins.has('*')) return true;
    try {
      return new URL(o).host === (req.headers.host ?? '').toLowerCase() && /^https?:$/.test(new URL(o).protocol);
    } catch {
      return false;
    }
  }

  /** Set with `--grants`: a live grant's token admits too, narrowed to that grant. */
  grants: { match(token: string): LiveGrant | undefined } | undefined;

  /**
   * Who presents this request: `'operator'` for the gateway's own token (full access, as without
   * grants), the live grant whose token it is, or undefined. Every token is compared in constant time.
   */
  admit(req: IncomingMessage): 'operator' | LiveGrant | undefined {
    if (this.token === '') return 'operator';
    const tokens = presentedTokens(req);
    let ok = false;
    for (const given of tokens) ok = tokensEqual(given, this.token) || ok;
    if (ok) return 'operator';
    for (const given of this.grants ? tokens : []) {
      const grant = this.grants!.match(given);
      if (grant) return grant;
    }
    return undefined;
  }

  /** True when any presented token is the gateway's or a live grant's. */
  tokenValid(req: IncomingMessage): boolean {
    return this.admit(req) !== undefined;
  }
}

/**
 * The Host values an allowed origin stands for: `https://lab.example:8443` → `lab.example:8443`;
 * `https://lab.example` → `lab.example` and `lab.example:443` (a proxy may spell the default
 * port). `*` and unparsable entries stand for no host: a wildcard origin never widens the Host check.
 */
function originHosts(origin: string): string[] {
  if (origin === '*') return [];
  try {
    const u = new URL(origin);
    if (!/^https?:$/.test(u.protocol) || u.host === '') return [];
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return [u.host, `${u.hostname}:${port}`];
  } catch {
    return [];
  }
}
