/**
 * The grants file (`--grants FILE`): its JSON shape, the one total parser of it, and how a
 * grant's token is stored. Nothing here touches the disk (see grants-file-io.ts).
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { ErrorCode } from '../../shared/protocol.js';
import { GatewayError } from '../gateway-error.js';
import { GRANT_DIRECTIONS, parseRule, type GrantDirection, type PolicyRule } from '../target-policy.js';

/**
 * A grant's own limits; each only lowers the gateway's. `sockets` and `bytesPerSecond` are the
 * student's totals across all their pages; the UDP rates are per socket, like the gateway's.
 */
export interface GrantLimits {
  /** Sockets of all the grant's pages together (each page also stays within `--max-sockets`). */
  sockets?: number;
  /** Page → target bytes per second of all the grant's sockets together (every kind; TCP is slowed, not dropped). */
  bytesPerSecond?: number;
  /** Datagrams per second per UDP socket (caps `--udp-rate`). */
  udpDatagramsPerSecond?: number;
  /** Bytes per second per UDP socket (caps `--udp-bytes-rate`). */
  udpBytesPerSecond?: number;
}

/** One grant as the file holds it. */
export interface GrantRecord {
  id: string;
  name: string;
  /** `sha256:SALT:HASH` (base64url): SHA-256 of the salt's bytes then the token's UTF-8. */
  tokenHash: string;
  /** Epoch ms (written to the file as an ISO 8601 string), or undefined for no expiry. */
  expires?: number;
  /** `DIRECTION:CIDR[:port|:lo-hi]` (or a policy keyword for the address), as written. */
  allow: string[];
  limits: GrantLimits;
  /** `IP:PORT` or `[IPv6]:PORT`: where this grant's /websockify streams go (websockify's token plugin). */
  websockifyTarget?: string;
  revoked: boolean;
}

/** The whole file. */
export interface GrantsFile {
  /** Written by the operator: a grant's allow may then reach past the default allow list. */
  grantsMayWiden: boolean;
  grants: GrantRecord[];
}

/** The parser's answer: never a throw. */
export type GrantsParse = { ok: true; file: GrantsFile } | { ok: false; reason: string };

/** Largest grants file read (200 grants take ~60 KiB). */
export const MAX_GRANTS_FILE_BYTES = 4 << 20;

const TOP_KEYS = new Set(['version', 'grantsMayWiden', 'grants']);
const GRANT_KEYS = new Set(['id', 'name', 'tokenHash', 'expires', 'allow', 'limits', 'websockifyTarget', 'revoked']);
const LIMIT_KEYS: readonly (keyof GrantLimits)[] = ['sockets', 'bytesPerSecond', 'udpDatagramsPerSecond', 'udpBytesPerSecond'];
const HASH_FORM = /^sha256:([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]{43})$/;
const ID_FORM = /^[A-Za-z0-9_.-]{1,64}$/;

/** Own keys only: a key named `__proto__` or `constructor` is just a key. */
const own = (obj: Record<string, unknown>, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks the text of a grants file; an invalid file gets the first reason found. */
export function parseGrantsFile(text: string): GrantsParse {
  if (text.length > MAX_GRANTS_FILE_BYTES) return { ok: false, reason: `the file is over ${MAX_GRANTS_FILE_BYTES} bytes` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  try {
    return { ok: true, file: checkFile(data) };
  } catch (err) {
    return { ok: false, reason: err instanceof GatewayError ? err.message : `unreadable: ${String(err)}` };
  }
}

const bad = (why: string) => new GatewayError(ErrorCode.BadOption, why);

function checkFile(data: unknown): GrantsFile {
  if (!isObject(data)) throw bad('the file must hold a JSON object {"grants": [...]}');
  for (const key of Object.keys(data)) if (!TOP_KEYS.has(key)) throw bad(`unknown key "${key.slice(0, 40)}" (known: ${[...TOP_KEYS].join(', ')})`);
  const version = own(data, 'version');
  if (version !== undefined && version !== 1) throw bad('"version" must be 1');
  const widen = own(data, 'grantsMayWiden');
  if (widen !== undefined && typeof widen !== 'boolean') throw bad('"grantsMayWiden" must be true or false');
  const list = own(data, 'grants') ?? [];
  if (!Array.isArray(list)) throw bad('"grants" must be an array');
  const grants = list.map((g, i) => checkGrant(g, i));
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const g of grants) {
    if (ids.has(g.id)) throw bad(`grant id "${g.id}" appears twice`);
    if (names.has(g.name)) throw bad(`grant name "${g.name}" appears twice`);
    ids.add(g.id);
    names.add(g.name);
  }
  return { grantsMayWiden: widen === true, grants };
}

function checkGrant(g: unknown, index: number): GrantRecord {
  const at = `grants[${index}]`;
  if (!isObject(g)) throw bad(`${at} must be an object`);
  for (const key of Object.keys(g)) {
    if (!GRANT_KEYS.has(key)) throw bad(`${at}: unknown key "${key.slice(0, 40)}"${key === 'token' ? ' (a grant stores tokenHash, never the token)' : ''}`);
  }
  const id = own(g, 'id');
  if (typeof id !== 'string' || !ID_FORM.test(id)) throw bad(`${at}: "id" must be 1–64 of A-Z a-z 0-9 _ . -`);
  const where = `grant "${id}"`;
  const name = own(g, 'name');
  if (typeof name !== 'string' || name.length < 1 || name.length > 64 || /[\p{Cc}\p{Cf}]/u.test(name)) throw bad(`${where}: "name" must be 1–64 printable characters`);
  const tokenHash = own(g, 'tokenHash');
  if (typeof tokenHash !== 'string' || !HASH_FORM.test(tokenHash)) throw bad(`${where}: "tokenHash" must be sha256:SALT:HASH (made by "sockgate grant add")`);
  const expiresText = own(g, 'expires');
  let expires: number | undefined;
  if (expiresText !== undefined && expiresText !== null) {
    expires = typeof expiresText === 'string' && /^\d{4}-\d\d-\d\dT/.test(expiresText) ? Date.parse(expiresText) : NaN;
    if (!Number.isFinite(expires)) throw bad(`${where}: "expires" must be an ISO 8601 time like 2026-12-02T18:00:00Z`);
  }
  const allow = own(g, 'allow') ?? [];
  if (!Array.isArray(allow) || !allow.every((r) => typeof r === 'string')) throw bad(`${where}: "allow" must be an array of strings`);
  if (allow.length > 256) throw bad(`${where}: more than 256 rules`);
  for (const rule of allow) parseGrantRule(rule, where);
  const limits = checkLimits(own(g, 'limits'), where);
  const target = own(g, 'websockifyTarget');
  if (target !== undefined && (typeof target !== 'string' || !pinnedTarget(target))) throw bad(`${where}: "websockifyTarget" must be IP:PORT or [IPv6]:PORT (an address, not a name)`);
  const revoked = own(g, 'revoked') ?? false;
  if (typeof revoked !== 'boolean') throw bad(`${where}: "revoked" must be true or false`);
  return { id, name, tokenHash, ...(expires !== undefined && { expires }), allow: allow as string[], limits, ...(target !== undefined && { websockifyTarget: target as string }), revoked };
}

function checkLimits(value: unknown, where: string): GrantLimits {
  if (value === undefined) return {};
  if (!isObject(value)) throw bad(`${where}: "limits" must be an object`);
  const out: GrantLimits = {};
  for (const key of Object.keys(value)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key)) throw bad(`${where}: unknown limit "${key.slice(0, 40)}" (known: ${LIMIT_KEYS.join(', ')})`);
    const n = value[key];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(`${where}: limit "${key}" must be a non-negative integer`);
    out[key as keyof GrantLimits] = n;
  }
  return out;
}

/** One grant rule → its direction and policy rule; throws BAD_OPTION naming what is wrong. */
export function parseGrantRule(text: string, where: string): { direction: GrantDirection; rule: PolicyRule } {
  const colon = text.indexOf(':');
  const direction = text.slice(0, colon) as GrantDirection;
  if (colon < 0 || !GRANT_DIRECTIONS.includes(direction)) {
    throw bad(`${where}: rule "${text.slice(0, 80)}" must start with one of ${GRANT_DIRECTIONS.join(', ')} and a colon`);
  }
  const rule = parseRule('allow', text.slice(colon + 1), where);
  return { direction, rule: { ...rule, label: `${where} ${text}` } };
}

/** `{host, port}` of a pinned `IP:PORT` / `[IPv6]:PORT`, or undefined. */
export function pinnedTarget(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const host = m ? (m[1] ?? m[2])! : '';
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535 || !net.isIP(host) || (m[1] !== undefined) !== net.isIPv6(host)) return undefined;
  return { host, port };
}

/** The file's text: ISO times, two-space indent, a final newline. */
export function serializeGrantsFile(file: GrantsFile): string {
  const grants = file.grants.map((g) => ({
    id: g.id,
    name: g.name,
    tokenHash: g.tokenHash,
    ...(g.expires !== undefined && { expires: new Date(g.expires).toISOString() }),
    allow: g.allow,
    ...(Object.keys(g.limits).length > 0 && { limits: g.limits }),
    ...(g.websockifyTarget !== undefined && { websockifyTarget: g.websockifyTarget }),
    revoked: g.revoked,
  }));
  return JSON.stringify({ version: 1, grantsMayWiden: file.grantsMayWiden, grants }, null, 2) + '\n';
}

/**
 * Stores a token as `sha256:SALT:HASH`. Tokens are 24 random bytes (192 bits), so a fast hash is
 * enough: there is no dictionary to try, and a slow KDF (scrypt) would cost every request one
 * derivation per grant tried — 200 grants × ~50 ms. The salt keeps equal tokens from showing.
 */
export function hashToken(token: string, salt: Buffer = crypto.randomBytes(16)): string {
  return `sha256:${salt.toString('base64url')}:${digest(salt, token).toString('base64url')}`;
}

/** The salt and digest of a stored hash (already checked by the parser). */
export function splitHash(stored: string): { salt: Buffer; hash: Buffer } {
  const m = HASH_FORM.exec(stored);
  return m ? { salt: Buffer.from(m[1]!, 'base64url'), hash: Buffer.from(m[2]!, 'base64url') } : { salt: Buffer.alloc(16), hash: Buffer.alloc(32) };
}

/** True when `token` hashes to `hash` under `salt`, compared in constant time. */
export function tokenMatches(token: string, salt: Buffer, hash: Buffer): boolean {
  const d = digest(salt, token);
  return d.length === hash.length && crypto.timingSafeEqual(d, hash);
}

const digest = (salt: Buffer, token: string) => crypto.createHash('sha256').update(salt).update(token, 'utf8').digest();

/** `90s`, `45m`, `3h`, `2d` (or a sum like `1h30m`) → ms; undefined if not such a duration. */
export function parseDuration(text: string): number | undefined {
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  if (!/^(?:\d{1,6}[smhd])+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * unit[u!]!;
  return ms > 0 ? ms : undefined;
}
