import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, ErrorCode, SUBPROTOCOL } from '../shared/protocol.js';
import { AccessControl, TOKEN_COOKIE, isLoopbackHost, randomToken } from './access-control.js';
import { AuditLog } from './audit-log.js';
import { DEFAULT_LIMITS, DEFAULT_PORT, type GatewayOptions, type Limits } from './config.js';
import { GatewayError } from './gateway-error.js';
import { attachLabs } from './labs/labs-api.js';
import { listInterfaces } from './network-interfaces.js';
import { PageSession } from './page-session.js';
import { attachPolyfillRoute } from './polyfill-route.js';
import { TargetPolicy } from './target-policy.js';
import { parseTarget, relayWebsockify } from './websockify-endpoint.js';

export const VERSION = '0.1.0';

/** A running gateway. */
export interface Gateway {
  /** The page URL with the token, e.g. `http://127.0.0.1:8750/?token=…`. */
  url: string;
  /** `http://host:port`, no token. */
  origin: string;
  host: string;
  port: number;
  token: string;
  limits: Limits;
  policy: TargetPolicy;
  /** Live counts, for tests and /api/health. */
  stats(): { pages: number; sockets: number };
  /** Tells every page, closes every socket, stops listening. */
  close(reason?: string): Promise<void>;
  /** Extra HTTP routes (the lab services add theirs). */
  app: express.Express;
}

const defaultPublicDir = () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Bundled: dist/sockgate.js next to dist/public. From source (tests): server/ → ../dist/public.
  for (const dir of [path.join(here, 'public'), path.join(here, '..', 'dist', 'public')]) {
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return path.join(here, '..', 'dist', 'public');
};

/** Starts the gateway: HTTP (page and /api), the multiplexed WebSocket at /ws, and /websockify. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomToken();
  if (token === '' && !isLoopbackHost(host)) {
    throw new GatewayError(ErrorCode.BadOption, `refusing to serve on ${host} without a token: anyone on the network could open sockets through this machine`);
  }
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const audit = new AuditLog(options.audit === undefined ? (line) => process.stderr.write(line + '\n') : options.audit);
  const interfaces = listInterfaces();
  const policy = new TargetPolicy({
    allow: options.allow,
    deny: options.deny,
    lookup: options.lookup,
    broadcastAddresses: interfaces.flatMap((i) => (i.broadcast ? [i.broadcast] : [])),
  });
  const access = new AccessControl(token, host, options.allowOrigins ?? []);
  const sessions = new Set<PageSession>();
  const raw = new Set<WebSocket>();
  let pageCounter = 0;

  const app = express();
  app.disable('x-powered-by');
  // DNS rebinding: a loopback gateway answers only to its own names, for pages and API alike.
  app.use((req, res, next) => {
    if (!access.hostAllowed(req)) return void res.status(421).type('text').send('unknown Host header\n');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  // The API needs the token (query, bearer or cookie); no CORS headers, so other origins cannot read it.
  app.use('/api', (req, res, next) => {
    // The cookie is SameSite, but a page on another port of this host is the same site: without
    // this, it could POST /api/labs/start with the cookie. Browsers always send Origin on POST.
    if (!access.originAllowed(req)) return void res.status(403).json({ error: `origin ${req.headers.origin} is not allowed (use --allow-origin)` });
    if (req.path === '/health') return next();
    if (!access.tokenValid(req)) return void res.status(401).json({ error: 'token required (?token=, Authorization: Bearer, or the page cookie)' });
    next();
  });
  app.get('/api/health', (_req, res) => {
    res.json({ ok: true, name: 'sockgate', version: VERSION, protocol: SUBPROTOCOL, ...gateway.stats() });
  });
  app.get('/api/interfaces', (_req, res) => res.json({ interfaces: listInterfaces() }));
  app.get('/api/policy', (_req, res) => res.json({ rules: policy.describe(), limits }));
  // Opening the page with ?token= sets an HttpOnly cookie, so reloads and the WebSocket need no token in the URL.
  app.get('/', (req, res, next) => {
    const given = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (given !== undefined && access.tokenValid(req)) {
      res.cookie(TOKEN_COOKIE, given, { httpOnly: true, sameSite: 'strict', path: '/' });
    }
    next();
  });
  attachPolyfillRoute(app, access, options.publicDir ?? defaultPublicDir());
  app.use(express.static(options.publicDir ?? defaultPublicDir(), { index: 'index.html' }));

  const server = http.createServer(app);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.frameBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols, req) => {
      if (new URL(req.url ?? '/', 'http://x').pathname === '/websockify') {
        return protocols.has('binary') ? 'binary' : false;
      }
      return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
    },
  });

  const refuse = (socket: net.Socket, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };

  server.on('upgrade', (req, socket: net.Socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    const who = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const deny = (status: number, text: string) => {
      audit.write('refused', { from: who, origin: req.headers.origin, status, why: text });
      refuse(socket, status, text + '\n');
    };
    if (!access.hostAllowed(req)) return deny(421, 'unknown Host header');
    if (!access.originAllowed(req)) return deny(403, `origin ${req.headers.origin} is not allowed (use --allow-origin)`);
    if (!access.tokenValid(req)) return deny(401, 'missing or wrong token');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (url.pathname === '/ws') {
      if (!offered.includes(SUBPROTOCOL)) return deny(400, `the WebSocket must offer subprotocol ${SUBPROTOCOL} (offered: ${offered.filter(Boolean).join(', ') || 'none'})`);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (sessions.size >= limits.pages) {
          audit.write('refused', { from: who, why: 'too many pages' });
          return ws.close(CloseCode.TooManyPages, `the gateway already serves ${sessions.size} pages (--max-pages)`);
        }
        const label = `#${++pageCounter}@${who}`;
        watchHeartbeat(ws);
        const session = new PageSession(ws, { limits, policy, audit: audit.write, gatewayName: `sockgate/${VERSION}` }, label);
        sessions.add(session);
        ws.on('close', () => sessions.delete(session));
        audit.write('page', { page: label, origin: req.headers.origin });
      });
    } else if (url.pathname === '/websockify') {
      let target;
      try {
        target = parseTarget(url.searchParams.get('target'));
      } catch (err) {
        return deny(400, (err as Error).message);
      }
      if (offered.some(Boolean) && !offered.includes('binary')) return deny(400, 'only the "binary" subprotocol is supported (base64 is not)');
      wss.handleUpgrade(req, socket, head, (ws) => {
        raw.add(ws);
        watchHeartbeat(ws);
        ws.on('close', () => raw.delete(ws));
        relayWebsockify(ws, target, { policy, limits, audit: audit.write, label: `websockify@${who}` });
      });
    } else {
      deny(404, `no WebSocket endpoint at ${url.pathname} (use /ws or /websockify)`);
    }
  });

  // Heartbeat: a page whose tab vanished without a close (sleep, network loss) is dropped.
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const alive = new WeakMap<WebSocket, boolean>();
  const watchHeartbeat = (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  };
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.close(CloseCode.HeartbeatTimeout, 'heartbeat missed');
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  access.setPort(port);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const origin = `http://${urlHost}:${port}`;

  const gateway: Gateway = {
    url: token ? `${origin}/?token=${encodeURIComponent(token)}` : `${origin}/`,
    origin,
    host,
    port,
    token,
    limits,
    policy,
    app,
    stats: () => ({ pages: sessions.size + raw.size, sockets: [...sessions].reduce((n, s) => n + s.socketCount, 0) + raw.size }),
    close: async (reason = 'gateway stopping') => {
      clearInterval(heartbeat);
      for (const s of sessions) s.shutdown(reason);
      for (const ws of raw) ws.close(CloseCode.GoingAway, reason);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 500).unref();
      });
    },
  };
  // Lab services and the TCP-state API (server/labs); the services themselves start on request or with --labs.
  const labs = attachLabs(gateway);
  if (options.labs) {
    try {
      await labs.start();
    } catch (err) {
      await gateway.close();
      throw err;
    }
  }
  return gateway;
}
