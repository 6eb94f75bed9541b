import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { GatewayLimits } from '../shared/protocol.js';
import type { LookupFn } from './target-policy.js';

/** Default port: unused by the course programs (2425, 7088, 7788, 8001, 8080, 8888, 8898, 9904, 9999). */
export const DEFAULT_PORT = 8750;

/** Every limit, its default, and the CLI flag that changes it (also documented in docs/SECURITY.md). */
export const DEFAULT_LIMITS: GatewayLimits & {
  pages: number;
  udpBytesPerSecond: number;
  sendBytesPerSecond: number;
  udpReceiveBufferBytes: number;
  httpConnections: number;
  headersTimeoutMs: number;
  websockifyStreams: number;
  websockifyMessageBytes: number;
  multicastTtlMax: number;
  windowMax: number;
  pageWindowBudget: number;
  windowBudget: number;
} = {
  socketsPerPage: 256,
  pages: 32,
  receiveWindow: 1 << 20,
  sendWindow: 1 << 20,
  // Adaptive windows (docs/PROTOCOL.md): a window-limited socket grows up to this; the growth of
  // all send windows is held to a byte budget per page and one per gateway (the gateway's memory).
  windowMax: 16 << 20,
  pageWindowBudget: 64 << 20,
  windowBudget: 512 << 20,
  controlMessageBytes: 16 * 1024,
  frameBytes: (1 << 20) + 64,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 0,
  udpDatagramsPerSecond: 1000,
  udpBytesPerSecond: 8 << 20,
  // Page → target bytes per second per page, all socket kinds together; 0 = no pacing.
  sendBytesPerSecond: 0,
  // SO_RCVBUF of a page's UDP socket when the page asks for none. The kernel default (Linux:
  // net.core.rmem_default, 208 KiB) held 800 datagrams of 64 bytes here (each costs its buffer's
  // true size), which a page's echo overflows at once; Linux caps the request at net.core.rmem_max
  // (then doubles it).
  udpReceiveBufferBytes: 4 << 20,
  // HTTP connections not (yet) WebSockets: a slowloris flood is refused past this many.
  httpConnections: 256,
  // Whole request head within this; Node checks it every second (connectionsCheckingInterval).
  headersTimeoutMs: 10_000,
  // /websockify streams at once, apart from --max-pages (a VNC viewer is not a page).
  websockifyStreams: 32,
  // websockify relays 2 MiB messages; noVNC clients may send that much in one.
  websockifyMessageBytes: 4 << 20,
  /** Highest multicast TTL a page may set: 1 keeps datagrams on the local segment. */
  multicastTtlMax: 1,
};
export type Limits = typeof DEFAULT_LIMITS;

/** The limits a page hears in `welcome` (the rest are the operator's business). */
export function publicLimits(limits: Limits): GatewayLimits {
  const { socketsPerPage, receiveWindow, sendWindow, controlMessageBytes, frameBytes, connectTimeoutMs, idleTimeoutMs, udpDatagramsPerSecond } = limits;
  const windowMax = windowMaxOf(limits);
  return { socketsPerPage, receiveWindow, sendWindow, controlMessageBytes, frameBytes, connectTimeoutMs, idleTimeoutMs, udpDatagramsPerSecond, windowMax };
}

/** The largest window a socket grows to: never below where windows start (a smaller --window-max means "do not grow"). */
export function windowMaxOf(limits: Pick<Limits, 'windowMax' | 'receiveWindow' | 'sendWindow'>): number {
  return Math.max(limits.windowMax, limits.receiveWindow, limits.sendWindow);
}

const LIMIT_FLAGS: Record<string, keyof Limits> = {
  'max-sockets': 'socketsPerPage',
  'max-pages': 'pages',
  'receive-window': 'receiveWindow',
  'send-window': 'sendWindow',
  'window-max': 'windowMax',
  'page-window-budget': 'pageWindowBudget',
  'window-budget': 'windowBudget',
  'max-control-bytes': 'controlMessageBytes',
  'max-frame-bytes': 'frameBytes',
  'connect-timeout': 'connectTimeoutMs',
  'idle-timeout': 'idleTimeoutMs',
  'udp-rate': 'udpDatagramsPerSecond',
  'udp-bytes-rate': 'udpBytesPerSecond',
  'send-rate': 'sendBytesPerSecond',
  'udp-receive-buffer': 'udpReceiveBufferBytes',
  'max-http-connections': 'httpConnections',
  'headers-timeout': 'headersTimeoutMs',
  'max-websockify': 'websockifyStreams',
  'max-websockify-message': 'websockifyMessageBytes',
  'max-multicast-ttl': 'multicastTtlMax',
};

export interface GatewayOptions {
  host?: string;
  port?: number;
  /** Access token; a random one is made when absent. `''` disables it (loopback only). */
  token?: string;
  allow?: string[];
  deny?: string[];
  /** Extra origins allowed to open the WebSocket besides the gateway's own. */
  allowOrigins?: string[];
  limits?: Partial<Limits>;
  /** Start the built-in lab services on loopback. */
  labs?: boolean;
  /** Heartbeat ping interval (ms); a page missing two pings is dropped. */
  heartbeatMs?: number;
  /** Audit log sink; default: one line per event on stderr. `null` silences it. */
  audit?: ((line: string) => void) | null;
  /** Replaces the system resolver (tests use it to stage DNS answers). */
  lookup?: LookupFn;
  /** Directory with the built page (index.html, app.js). */
  publicDir?: string;
  /** `HOST:PORT` dialled by /websockify when the request names no `?target=` (still policy-checked). */
  websockifyTarget?: string;
  /** Token of the admin page and /metrics; a random one is made when absent (never `''`). */
  adminToken?: string;
  /** Proxies (CIDRs) whose X-Forwarded-For / X-Forwarded-Proto are believed. */
  trustProxy?: string[];
  /** Append the audit log to this file instead of stderr. */
  auditLog?: string;
  /** `text` (default: time, event, key=value) or `jsonl` (one JSON object a line). */
  auditFormat?: 'text' | 'jsonl';
  /** The grants file (`--grants FILE`): per-student tokens, each narrowed to its own rules and limits. */
  grants?: string;
}

export const HELP = `sockgate — real TCP and UDP sockets for a browser tab

Usage: sockgate [options]        (or: npm start -- [options])
       sockgate grant add|list|revoke --grants FILE ...   (run "sockgate grant --help")

  --host ADDR            address to serve on (default 127.0.0.1). Anything other than
                         loopback requires a token.
  --port N               port (default ${DEFAULT_PORT}; 0 = any free port)
  --token T              access token (default: random per start). --token '' disables it,
                         loopback only.
  --allow RULE           allow targets: CIDR[:port|:lo-hi], [IPv6]/len:port, or a keyword
                         (any, loopback, private, multicast, broadcast). Repeatable.
  --deny RULE            deny targets, same forms; deny rules win over allow rules.
  --config FILE          JSON file: {"host","port","token","allow":[],"deny":[],
                         "allowOrigins":[],"limits":{...},"labs":true}
  --grants FILE          per-student grants (JSON; made with "sockgate grant add"): each token
                         admits a page narrowed to its own rules, limits and expiry. Reloaded
                         when it changes; the --token still gives full access. See docs/SECURITY.md.
  --allow-origin ORIGIN  also accept WebSocket upgrades from this page origin. Repeatable.
  --labs                 start the built-in lab services on loopback
  --max-sockets N        sockets per page (default ${DEFAULT_LIMITS.socketsPerPage})
  --max-pages N          pages per gateway (default ${DEFAULT_LIMITS.pages})
  --receive-window B     bytes in flight to the page per socket (default ${DEFAULT_LIMITS.receiveWindow})
  --send-window B        bytes in flight from the page per socket (default ${DEFAULT_LIMITS.sendWindow})
                         Both windows are where a socket starts: one that is window-limited grows.
  --window-max B         largest window a socket grows to, either direction (default ${DEFAULT_LIMITS.windowMax};
                         at or below the windows above: no growth)
  --page-window-budget B growth of one page's send windows, all its sockets together (default ${DEFAULT_LIMITS.pageWindowBudget})
  --window-budget B      growth of every page's send windows together (default ${DEFAULT_LIMITS.windowBudget})
  --max-control-bytes B  largest control message (default ${DEFAULT_LIMITS.controlMessageBytes})
  --max-frame-bytes B    largest binary frame (default ${DEFAULT_LIMITS.frameBytes})
  --connect-timeout MS   TCP connect timeout (default ${DEFAULT_LIMITS.connectTimeoutMs})
  --idle-timeout MS      close sockets idle this long; 0 = never (default ${DEFAULT_LIMITS.idleTimeoutMs})
  --udp-rate N           datagrams per second per UDP socket (default ${DEFAULT_LIMITS.udpDatagramsPerSecond})
  --udp-bytes-rate B     bytes per second per UDP socket (default ${DEFAULT_LIMITS.udpBytesPerSecond})
  --send-rate B          bytes per second a page sends to its targets, all its sockets together;
                         TCP writes are slowed (never dropped), UDP sends wait (default 0 = no limit)
  --udp-receive-buffer B SO_RCVBUF of a UDP socket whose page asks for none (default
                         ${DEFAULT_LIMITS.udpReceiveBufferBytes}; 0 = the OS default). Linux caps it at net.core.rmem_max.
  --max-http-connections N  HTTP connections not yet WebSockets (default ${DEFAULT_LIMITS.httpConnections}; 0 = no cap)
  --headers-timeout MS   a request's headers must arrive within this (default ${DEFAULT_LIMITS.headersTimeoutMs})
  --max-websockify N     /websockify streams at once, not counted in --max-pages (default ${DEFAULT_LIMITS.websockifyStreams})
  --max-websockify-message B  largest /websockify message (default ${DEFAULT_LIMITS.websockifyMessageBytes})
  --websockify-target HOST:PORT  target of /websockify requests without ?target= (for clients
                         that drop the query string; give the token as /websockify/TOKEN).
                         The target policy still applies.
  --max-multicast-ttl N  highest multicast TTL a page may set, 0–255 (default ${DEFAULT_LIMITS.multicastTtlMax}:
                         the local segment only)
  --ping-interval MS     ping each page this often; one that misses a ping is dropped (default
                         15000). Behind a proxy, keep its read timeout above twice this.
  --admin-token T        token of the admin page (/admin/) and GET /metrics (default: random per
                         start, printed). Never the page token unless you give both the same string.
  --trust-proxy CIDR     believe X-Forwarded-For and X-Forwarded-Proto from peers in CIDR (a reverse
                         proxy); everyone else's are ignored. Repeatable.
  --audit-log FILE       append the audit log to FILE instead of stderr
  --audit-format F       text (default) or jsonl (one JSON object a line)
  --quiet                no audit log on stderr
  --help                 this text

Default policy: loopback, private LAN (RFC 1918, link-local, ULA), link-local and
admin-scoped multicast (224.0.0.0/24, 239.0.0.0/8) and broadcast allowed; cloud metadata and
agents (169.254.169.254, 169.254.170.2, 169.254.170.23, fd00:ec2::254, fd00:ec2::23) and
everything public denied; listening below port 1024 denied unless a rule names the port.
Rules apply to resolved addresses, in every IPv4/IPv6 spelling; NAT64 (64:ff9b::/96) and
IPv4-compatible addresses are checked and dialled as the IPv4 address they embed.
`;

/** Thrown for a bad command line or config file; the CLI prints it with the help hint. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function toNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`--${flag} expects a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Parses the command line (and a `--config` file it names) into gateway options. */
export function parseCommandLine(argv: string[]): GatewayOptions & { help?: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        allow: { type: 'string', multiple: true },
        deny: { type: 'string', multiple: true },
        config: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        labs: { type: 'boolean' },
        'websockify-target': { type: 'string' },
        'ping-interval': { type: 'string' },
        'admin-token': { type: 'string' },
        'trust-proxy': { type: 'string', multiple: true },
        'audit-log': { type: 'string' },
        'audit-format': { type: 'string' },
        grants: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((k) => [k, { type: 'string' as const }])),
      },
    });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const fromFile: GatewayOptions = typeof v.config === 'string' ? loadConfigFile(v.config) : {};
  const limits: Partial<Limits> = { ...fromFile.limits };
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    if (typeof v[flag] === 'string') limits[key] = toNumber(flag, v[flag] as string);
  }
  const options: GatewayOptions & { help?: boolean } = {
    ...fromFile,
    host: (v.host as string | undefined) ?? fromFile.host,
    port: typeof v.port === 'string' ? toNumber('port', v.port) : fromFile.port,
    token: (v.token as string | undefined) ?? fromFile.token,
    allow: [...(fromFile.allow ?? []), ...((v.allow as string[] | undefined) ?? [])],
    deny: [...(fromFile.deny ?? []), ...((v.deny as string[] | undefined) ?? [])],
    allowOrigins: [...(fromFile.allowOrigins ?? []), ...((v['allow-origin'] as string[] | undefined) ?? [])],
    labs: Boolean(v.labs ?? fromFile.labs),
    websockifyTarget: (v['websockify-target'] as string | undefined) ?? fromFile.websockifyTarget,
    heartbeatMs: typeof v['ping-interval'] === 'string' ? toNumber('ping-interval', v['ping-interval']) : fromFile.heartbeatMs,
    adminToken: (v['admin-token'] as string | undefined) ?? fromFile.adminToken,
    trustProxy: [...(fromFile.trustProxy ?? []), ...((v['trust-proxy'] as string[] | undefined) ?? [])],
    auditLog: (v['audit-log'] as string | undefined) ?? fromFile.auditLog,
    auditFormat: ((v['audit-format'] as string | undefined) ?? fromFile.auditFormat) as GatewayOptions['auditFormat'],
    grants: (v.grants as string | undefined) ?? fromFile.grants,
    limits,
    help: Boolean(v.help),
  };
  if (v.quiet) options.audit = null;
  if (options.heartbeatMs !== undefined && (options.heartbeatMs < 1000 || options.heartbeatMs > 3_600_000)) {
    throw new ConfigError(`--ping-interval must be 1000–3600000 ms, got ${options.heartbeatMs}`);
  }
  if (options.port !== undefined && options.port > 65535) throw new ConfigError(`--port must be 0–65535, got ${options.port}`);
  if (options.websockifyTarget !== undefined && !/^(?:\[[^\]]+\]|[^:[\]]+):\d{1,5}$/.test(options.websockifyTarget)) {
    throw new ConfigError(`--websockify-target must be HOST:PORT or [IPv6]:PORT, got "${options.websockifyTarget}"`);
  }
  if (options.auditFormat !== undefined && options.auditFormat !== 'text' && options.auditFormat !== 'jsonl') throw new ConfigError(`--audit-format must be text or jsonl, got "${options.auditFormat}"`);
  if (options.adminToken === '') throw new ConfigError('--admin-token must not be empty: the admin page can close every page');
  for (const cidr of options.trustProxy ?? []) {
    if (!/^\[?[0-9a-fA-F.:]+\]?(?:\/\d{1,3})?$/.test(cidr)) throw new ConfigError(`--trust-proxy expects an address or CIDR, got "${cidr}"`);
  }
  return options;
}

const CONFIG_KEYS = new Set(['host', 'port', 'token', 'allow', 'deny', 'allowOrigins', 'limits', 'labs', 'websockifyTarget', 'adminToken', 'trustProxy', 'auditLog', 'auditFormat', 'grants']);

/** Reads and validates a JSON config file; unknown keys are errors so typos do not pass silently. */
export function loadConfigFile(path: string): GatewayOptions {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`config file ${path} must hold a JSON object`);
  const obj = data as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!CONFIG_KEYS.has(key)) throw new ConfigError(`config file ${path}: unknown key "${key}" (known: ${[...CONFIG_KEYS].join(', ')})`);
  }
  const strings = (key: string) => {
    const val = obj[key];
    if (val === undefined) return undefined;
    if (!Array.isArray(val) || !val.every((x) => typeof x === 'string')) throw new ConfigError(`config file ${path}: "${key}" must be an array of strings`);
    return val as string[];
  };
  const limits = obj.limits as Record<string, unknown> | undefined;
  if (limits !== undefined) {
    if (!limits || typeof limits !== 'object') throw new ConfigError(`config file ${path}: "limits" must be an object`);
    for (const [k, val] of Object.entries(limits)) {
      if (!(k in DEFAULT_LIMITS)) throw new ConfigError(`config file ${path}: unknown limit "${k}" (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
      if (typeof val !== 'number' || !Number.isInteger(val) || val < 0) throw new ConfigError(`config file ${path}: limit "${k}" must be a non-negative integer`);
    }
  }
  return {
    host: obj.host as string | undefined,
    port: obj.port as number | undefined,
    token: obj.token as string | undefined,
    allow: strings('allow'),
    deny: strings('deny'),
    allowOrigins: strings('allowOrigins'),
    limits: limits as Partial<Limits> | undefined,
    labs: obj.labs as boolean | undefined,
    websockifyTarget: obj.websockifyTarget as string | undefined,
    adminToken: obj.adminToken as string | undefined,
    trustProxy: strings('trustProxy'),
    auditLog: obj.auditLog as string | undefined,
    auditFormat: obj.auditFormat as GatewayOptions['auditFormat'],
    grants: typeof obj.grants === 'string' ? obj.grants : undefined,
  };
}
