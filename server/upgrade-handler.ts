import { WindowBudget } from '../shared/window-budget.js';
import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode, SUBPROTOCOL, SUBPROTOCOL_V2 } from '../shared/protocol.js';
import { websockifyPathToken, type AccessControl } from './access-control.js';
import type { AuditLog } from './audit-log.js';
import type { Limits } from './config.js';
import { closeReason } from './close-reason.js';
import type { ConnectionCap } from './connection-cap.js';
import { VERSION } from './gateway-handle.js';
import type { AdminPage } from './admin/page-registry.js';
import type { PageGrant } from './grants/grant-admin.js';
import type { GrantEnd, LiveGrant } from './grants/grant-store.js';
import type { Heartbeat } from './heartbeat.js';
import { PageSession } from './page-session.js';
import { parseRequestTarget } from './request-parts.js';
import type { TargetPolicy } from './target-policy.js';
import type { TrustedProxies } from './trusted-proxies.js';
import { parseTarget, relayWebsockify } from './websockify-endpoint.js';

/** What the upgrade handler needs from the gateway. */
export interface UpgradeContext {
  access: AccessControl;
  audit: AuditLog;
  policy: TargetPolicy;
  limits: Limits;
  heartbeat: Heartbeat;
  connections: ConnectionCap;
  /** `--websockify-target`: dialled when a /websockify request names no `?target=`. */
  websockifyTarget?: string;
  /** `--trust-proxy`: where the client address comes from. */
  proxies: TrustedProxies;
  /** Registers a page for the admin view; returns what unregisters it. */
  register?: (page: AdminPage, info: { client: string; origin?: string }) => () => void;
}

/**
 * ws options set on purpose rather than inherited from whichever ws version is installed
 * (package.json pins one that has them all): no compression, bounded fragments, buffered
 * chunks and unanswered pings.
 */
const WS_OPTIONS = {
  noServer: true,
  perMessageDeflate: false,
  clientTracking: true,
  maxFragments: 1024,
  maxBufferedChunks: 64 * 1024,
  maxPendingAutoPongs: 60,
  closeTimeout: 5_000,
  allowSynchronousEvents: true,
} as const;

/**
 * The WebSocket side of the gateway: checks Host, Origin and token on every upgrade, then serves
 * the multiplexed `/ws` (one PageSession per page) and the raw `/websockify`.
 */
export class UpgradeHandler {
  /** Pages served on /ws. */
  readonly sessions = new Set<PageSession>();
  /** Streams served on /websockify (with the grant each was admitted with, if any). */
  readonly raw = new Map<WebSocket, PageGrant | undefined>();
  /** Bytes of every /websockify stream, counted as they move (closed streams included). */
  readonly websockifyBytes = { in: 0, out: 0 };
  /** What the send windows of every page grew past where they start, together (`--window-budget`). */
  readonly windowBudget: WindowBudget;
  private readonly pages: WebSocketServer;
  private readonly streams: WebSocketServer;
  private pageCounter = 0;

  constructor(private readonly ctx: UpgradeContext) {
    this.windowBudget = new WindowBudget(ctx.limits.windowBudget);
    this.pages = new WebSocketServer({
      ...WS_OPTIONS,
      maxPayload: ctx.limits.frameBytes,
      // The newest the page offers: v2 (v1 + Batch frames) when it says it reads them.
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL_V2) ? SUBPROTOCOL_V2 : protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    // websockify's own clients (noVNC) send messages up to 2 MiB: their own, larger limit.
    this.streams = new WebSocketServer({
      ...WS_OPTIONS,
      maxPayload: Math.max(ctx.limits.websockifyMessageBytes, 1),
      handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false),
    });
  }

  /** The server's 'upgrade' listener; it never throws (a failure costs that one connection). */
  readonly handle = (req: http.IncomingMessage, socket: net.Socket, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    // From here the socket is a WebSocket (or refused): the HTTP connection cap no longer counts it.
    this.ctx.connections.release(socket);
    try {
      this.route(req, socket, head);
    } catch (err) {
      this.ctx.audit.write('upgrade-error', { from: req.socket.remoteAddress, error: err instanceof Error ? err.name : typeof err });
      socket.destroy();
    }
  };

  private route(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const { access, audit } = this.ctx;
    // Behind a trusted proxy the client is the X-Forwarded-For address (its port is the proxy's own).
    const client = this.ctx.proxies.clientAddress(req);
    const who = this.ctx.proxies.trusts(req.socket.remoteAddress) ? client : `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const deny = (status: number, text: string) => {
      audit.write('refused', { from: who, origin: req.headers.origin, status, why: text });
      refuse(socket, status, text + '\n');
    };
    const url = parseRequestTarget(req.url);
    if (!url) return deny(400, 'the request target is not a path');
    if (!access.hostAllowed(req)) return deny(421, 'unknown Host header');
    if (!access.originAllowed(req)) return deny(403, `origin ${req.headers.origin} is not allowed (use --allow-origin)`);
    const admitted = access.admit(req);
    if (!admitted) return deny(401, 'missing or wrong token');
    const grant = admitted === 'operator' ? undefined : admitted;
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (url.pathname === '/ws') {
      if (!offered.includes(SUBPROTOCOL) && !offered.includes(SUBPROTOCOL_V2)) return deny(400, `the WebSocket must offer subprotocol ${SUBPROTOCOL} (offered: ${offered.filter(Boolean).join(', ') || 'none'})`);
      this.pages.handleUpgrade(req, socket, head, (ws) => this.servePage(ws, who, client, req.headers.origin, grant));
    } else if (url.pathname === '/websockify' || websockifyPathToken(url.pathname) !== undefined) {
      let target;
      try {
        target = parseTarget(url.searchParams.get('target') ?? (grant?.websockifyTarget ? null : this.ctx.websockifyTarget) ?? null);
      } catch (err) {
        if (!grant?.websockifyTarget || url.searchParams.has('target')) return deny(400, (err as Error).message);
        target = grant.websockifyTarget;
      }
      const pinned = grant?.websockifyTarget;
      if (pinned && (target.host !== pinned.host || target.port !== pinned.port)) {
        return deny(403, `grant ${grant.page.name} is pinned to ${pinned.host.includes(':') ? `[${pinned.host}]` : pinned.host}:${pinned.port}; ?target= cannot name another`);
      }
      if (offered.some(Boolean) && !offered.includes('binary')) return deny(400, 'only the "binary" subprotocol is supported (base64 is not)');
      if (this.raw.size >= this.ctx.limits.websockifyStreams) return deny(503, `the gateway already relays ${this.raw.size} websockify streams (--max-websockify)`);
      // A stream is one socket of the student's total (limits.sockets), like a page's sockets.
      if (grant?.quota.full()) return deny(429, grant.quota.error().message);
      this.streams.handleUpgrade(req, socket, head, (ws) => {
        this.raw.set(ws, grant?.page);
        const counted = { socketCount: 1 };
        grant?.quota.pages.add(counted);
        ws.on('close', () => grant?.quota.pages.delete(counted));
        this.ctx.heartbeat.watch(ws);
        ws.on('close', () => this.raw.delete(ws));
        const label = `websockify@${who}${grant ? ` grant=${grant.page.id}` : ''}`;
        const buckets = grant?.quota.bucket ? [grant.quota.bucket] : [];
        relayWebsockify(ws, target, { policy: grant?.policy ?? this.ctx.policy, limits: grant?.limits ?? this.ctx.limits, audit: audit.write, label, buckets, traffic: this.websockifyBytes });
      });
    } else {
      deny(404, `no WebSocket endpoint at ${url.pathname.slice(0, 64)} (use /ws or /websockify)`);
    }
  }

  /** Pages and websockify streams, and the sockets they hold. */
  stats(): { pages: number; sockets: number; windowGrowth: number } {
    return { pages: this.sessions.size + this.raw.size, sockets: [...this.sessions].reduce((n, s) => n + s.socketCount, 0) + this.raw.size, windowGrowth: this.windowBudget.used };
  }

  /** Closes every page and stream admitted with the grant that ended, telling them why. */
  readonly grantEnded = ({ grant, reason }: GrantEnd): void => {
    for (const s of this.sessions) if (s.grant === grant) s.shutdown(reason, CloseCode.GrantEnded);
    for (const [ws, g] of this.raw) if (g === grant) ws.close(CloseCode.GrantEnded, closeReason(reason));
  };

  /** Tells every page and stream `reason`; those still open after 500 ms are cut. */
  shutdown(reason: string): void {
    for (const s of this.sessions) s.shutdown(reason);
    for (const ws of this.raw.keys()) ws.close(CloseCode.GoingAway, closeReason(reason));
    setTimeout(() => {
      for (const ws of [...this.pages.clients, ...this.streams.clients]) ws.terminate();
    }, 500).unref();
  }

  private servePage(ws: WebSocket, who: string, client: string, origin: string | undefined, grant: LiveGrant | undefined): void {
    const { audit } = this.ctx;
    const limits = grant?.limits ?? this.ctx.limits;
    if (this.sessions.size >= limits.pages) {
      audit.write('refused', { from: who, why: 'too many pages' });
      return ws.close(CloseCode.TooManyPages, `the gateway already serves ${this.sessions.size} pages (--max-pages)`);
    }
    const label = `#${++this.pageCounter}@${who}`;
    this.ctx.heartbeat.watch(ws);
    const session = new PageSession(ws, { limits, policy: grant?.policy ?? this.ctx.policy, quota: grant?.quota, audit: audit.write, windowBudget: this.windowBudget, gatewayName: `sockgate/${VERSION}` }, label, grant?.page);
    this.sessions.add(session);
    const unregister = this.ctx.register?.(session, { client, origin });
    ws.on('close', () => {
      this.sessions.delete(session);
      unregister?.();
    });
    audit.write('page', { page: label, from: client, origin, grant: grant?.page.id, name: grant?.page.name });
  }
}

/** Answers a refused upgrade with a plain HTTP status and closes the socket. */
function refuse(socket: net.Socket, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}
