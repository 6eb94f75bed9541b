/**
 * `sockgate grant add|list|revoke --grants FILE …`: edits the grants file (atomically) and prints
 * the students' links. A running gateway picks the change up by itself.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { randomToken } from '../access-control.js';
import { DEFAULT_PORT } from '../config.js';
import { hashToken, parseDuration, parseGrantRule, pinnedTarget, type GrantLimits, type GrantRecord, type GrantsFile } from './grants-file.js';
import { readOrEmpty, writeGrantsFile } from './grants-file-io.js';

export const GRANT_HELP = `sockgate grant — per-student grants for one gateway

  sockgate grant add --grants FILE --name NAME [--allow DIR:RULE]... [--expires 3h] [options]
  sockgate grant add --grants FILE --count 40 --prefix student [...]   (prints CSV: name,link)
  sockgate grant list --grants FILE
  sockgate grant revoke --grants FILE NAME|ID

  --grants FILE          the grants file (created by the first add)
  --name NAME            the student's name (unique in the file)
  --count N, --prefix P  N grants named P01, P02, …; one CSV line each
  --allow DIR:RULE       what the grant may do: DIR is connect, listen, udp-bind, udp-send,
                         broadcast or multicast; RULE is CIDR[:port|:lo-hi] (as --allow).
                         Repeatable. Nothing else is allowed (deny by default).
  --expires DURATION     90s, 45m, 3h, 2d, 1h30m (default: no expiry)
  --max-sockets N        sockets for this grant: all of the student's pages together
  --bytes-rate B         bytes per second the student's pages send to targets, all their
                         sockets together (TCP writes slow down; nothing is dropped)
  --udp-rate N           UDP datagrams per second per socket
  --udp-bytes-rate B     UDP bytes per second per socket
  --websockify-target IP:PORT  pin this grant's /websockify streams to one target
  --url BASE             the gateway's public URL in the links (default: http://HOST:PORT
                         from --host and --port, i.e. http://127.0.0.1:${DEFAULT_PORT})
  --host ADDR, --port N  used for the default --url

The link is printed on the last line; the token in it is stored only as a salted hash.
`;

/** Thrown for a bad `grant` command line: printed with the help hint, exit status 2. */
export class GrantUsageError extends Error {
  override name = 'GrantUsageError';
}

const OPTIONS = {
  grants: { type: 'string' },
  name: { type: 'string' },
  count: { type: 'string' },
  prefix: { type: 'string' },
  allow: { type: 'string', multiple: true },
  expires: { type: 'string' },
  'max-sockets': { type: 'string' },
  'udp-rate': { type: 'string' },
  'udp-bytes-rate': { type: 'string' },
  'bytes-rate': { type: 'string' },
  'websockify-target': { type: 'string' },
  url: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one `grant` command; resolves with the text for stdout, throws GrantUsageError for a bad command line. */
export async function runGrantCommand(argv: string[], now = Date.now()): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new GrantUsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || command === undefined || command === 'help') return GRANT_HELP;
  if (!['add', 'list', 'revoke'].includes(command)) throw new GrantUsageError(`unknown grant command "${command}" (add, list or revoke)`);
  if (v.grants === undefined) throw new GrantUsageError('--grants FILE is required');
  if (command !== 'revoke' && rest.length > 0) throw new GrantUsageError(`unexpected argument "${rest[0]}"`);
  const current = await readOrEmpty(v.grants);
  if (!current.ok) throw new Error(`grants file ${v.grants}: ${current.reason}`);
  const file = current.file;
  if (command === 'list') {
    if (Object.keys(v).some((k) => k !== 'grants')) throw new GrantUsageError('grant list takes only --grants FILE');
    return listText(file.grants, now);
  }
  if (command === 'revoke') {
    if (Object.keys(v).some((k) => k !== 'grants')) throw new GrantUsageError('grant revoke takes only --grants FILE and a NAME or ID');
    if (rest.length !== 1) throw new GrantUsageError('grant revoke needs one NAME or ID');
    const grant = file.grants.find((g) => g.id === rest[0]) ?? file.grants.find((g) => g.name === rest[0]);
    if (!grant) throw new Error(`no grant named or with id "${rest[0]}" in ${v.grants}`);
    const was = grant.revoked;
    grant.revoked = true;
    if (!was) await writeGrantsFile(v.grants, file);
    return `${was ? 'already revoked' : 'revoked'}: ${grant.id} (${grant.name})\n`;
  }
  return add(v, file, now);
}

async function add(v: Record<string, string | string[] | boolean | undefined>, file: GrantsFile, now: number): Promise<string> {
  const grantsPath = v.grants as string;
  const allow = (v.allow as string[] | undefined) ?? [];
  for (const rule of allow) {
    try {
      parseGrantRule(rule, '--allow');
    } catch (err) {
      throw new GrantUsageError((err as Error).message);
    }
  }
  let expires: number | undefined;
  if (v.expires !== undefined) {
    const ms = parseDuration(v.expires as string);
    if (ms === undefined) throw new GrantUsageError(`--expires expects a duration like 90s, 45m, 3h, 2d or 1h30m, got "${v.expires}"`);
    expires = now + ms;
  }
  const limits: GrantLimits = {};
  for (const [flag, key] of [['max-sockets', 'sockets'], ['udp-rate', 'udpDatagramsPerSecond'], ['udp-bytes-rate', 'udpBytesPerSecond'], ['bytes-rate', 'bytesPerSecond']] as const) {
    if (v[flag] !== undefined) limits[key] = count(flag, v[flag] as string, 0);
  }
  const target = v['websockify-target'] as string | undefined;
  if (target !== undefined && !pinnedTarget(target)) throw new GrantUsageError(`--websockify-target must be IP:PORT or [IPv6]:PORT, got "${target}"`);
  const base = baseUrl(v);
  let names: string[];
  if (v.count !== undefined) {
    if (v.name !== undefined) throw new GrantUsageError('give --name or --count, not both');
    const n = count('count', v.count as string, 1);
    if (n > 1000) throw new GrantUsageError('--count is at most 1000');
    const prefix = (v.prefix as string | undefined) ?? 'student';
    const width = Math.max(2, String(n).length);
    names = Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
  } else {
    if (v.prefix !== undefined) throw new GrantUsageError('--prefix goes with --count');
    if (typeof v.name !== 'string' || v.name === '') throw new GrantUsageError('grant add needs --name NAME (or --count N)');
    names = [v.name];
  }
  const taken = new Set(file.grants.map((g) => g.name));
  const clash = names.find((n) => taken.has(n));
  if (clash !== undefined) throw new Error(`a grant named "${clash}" is already in ${grantsPath} (revoke it, or pick another name)`);
  const links: [string, string][] = [];
  for (const name of names) {
    const token = randomToken();
    const record: GrantRecord = { id: `g-${crypto.randomBytes(5).toString('hex')}`, name, tokenHash: hashToken(token), ...(expires !== undefined && { expires }), allow: [...allow], limits, ...(target !== undefined && { websockifyTarget: target }), revoked: false };
    file.grants.push(record);
    links.push([name, `${base}/?token=${encodeURIComponent(token)}`]);
  }
  await writeGrantsFile(grantsPath, file);
  if (v.count !== undefined) return ['name,link', ...links.map(([n, l]) => `${csvField(n)},${l}`)].join('\n') + '\n';
  const g = file.grants.at(-1)!;
  const until = expires !== undefined ? `until ${new Date(expires).toISOString()}` : 'no expiry';
  return `added grant ${g.id} (${g.name}), ${until}, allow: ${allow.join(' ') || 'nothing yet'}\n${links[0]![1]}\n`;
}

function count(flag: string, text: string, min: number): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) throw new GrantUsageError(`--${flag} expects an integer of at least ${min}, got "${text}"`);
  return Number(text);
}

function baseUrl(v: Record<string, unknown>): string {
  if (typeof v.url === 'string') {
    let url: URL;
    try {
      url = new URL(v.url);
    } catch {
      throw new GrantUsageError(`--url must be an http(s) URL like https://lab.example.edu, got "${v.url}"`);
    }
    if (!/^https?:$/.test(url.protocol)) throw new GrantUsageError(`--url must be http: or https:, got "${v.url}"`);
    return url.origin + url.pathname.replace(/\/+$/, '');
  }
  const host = typeof v.host === 'string' ? v.host : '127.0.0.1';
  const port = typeof v.port === 'string' ? count('port', v.port, 1) : DEFAULT_PORT;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}${port === 80 ? '' : `:${port}`}`;
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets. */
function csvField(text: string): string {
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function listText(grants: GrantRecord[], now: number): string {
  if (grants.length === 0) return 'no grants\n';
  const rows = grants.map((g) => [
    g.id,
    g.name,
    g.revoked ? 'revoked' : g.expires !== undefined && g.expires <= now ? 'expired' : 'live',
    g.expires !== undefined ? new Date(g.expires).toISOString() : 'never',
    [...g.allow, ...(g.websockifyTarget ? [`websockify→${g.websockifyTarget}`] : [])].join(' ') || '(nothing)',
  ]);
  const header = ['id', 'name', 'state', 'expires', 'allow'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
