import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { ErrorCode } from '../../shared/protocol.js';
import type { AccessControl } from '../access-control.js';
import type { AuditLog } from '../audit-log.js';
import { GatewayError } from '../gateway-error.js';
import type { GrantAdmin } from '../grants/grant-admin.js';
import type { TrustedProxies } from '../trusted-proxies.js';
import { ADMIN_COOKIE, type AdminAccess } from './admin-access.js';
import type { AdminEvents } from './admin-events.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { PageRegistry } from './page-registry.js';

/** What the admin routes read from the gateway. */
export interface AdminContext {
  access: AccessControl;
  admin: AdminAccess;
  registry: PageRegistry;
  metrics: GatewayMetrics;
  events: AdminEvents;
  audit: AuditLog;
  proxies: TrustedProxies;
  /** The grants in force, read late (the grants store attaches after the routes exist). */
  grants: () => GrantAdmin | undefined;
  /** The built admin page's index.html. */
  indexFile: string;
  /** The page CSP, shared with the main page. */
  csp: string;
}

/** The close reason a page or socket closed from the admin page is given. */
export const OPERATOR_REASON = 'closed by the gateway operator';

/** Without a grants file, revoking has nothing to act on: the admin page shows this. */
export const NO_GRANTS = 'this gateway runs without a grants file (--grants FILE): there is no grant to revoke';

/**
 * `GET /metrics` and `/admin` (the page, `/admin/api/state|events`, and the close and revoke
 * actions). Every route but the page's HTML needs the admin token, and the Origin check of the
 * page API; answers are never cached.
 */
export function createAdminRouter(ctx: AdminContext): express.Router {
  const r = express.Router();
  const guard: express.RequestHandler = (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!ctx.access.originAllowed(req)) return void res.status(403).json({ error: `origin ${req.headers.origin} is not allowed (use --allow-origin)` });
    if (!ctx.admin.valid(req)) return void res.status(401).json({ error: 'admin token required (?admin_token=, Authorization: Bearer, or the admin page cookie)' });
    next();
  };
  r.get('/metrics', guard, (_req, res) => {
    res.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render());
  });
  // The HTML holds no secret; opening it with ?admin_token= sets the cookie its requests then carry.
  r.get(['/admin', '/admin/', '/admin/index.html'], (req, res) => {
    if (req.path === '/admin') return void res.redirect(302, '/admin/');
    const given = typeof req.query.admin_token === 'string' ? req.query.admin_token : undefined;
    if (given !== undefined && ctx.admin.valid(req)) {
      res.cookie(ADMIN_COOKIE, given, { httpOnly: true, sameSite: 'strict', path: '/admin', secure: ctx.proxies.overTls(req) });
    }
    if (!fs.existsSync(ctx.indexFile)) return void res.status(404).type('text').send('the admin page is not built: run npm run build\n');
    res.setHeader('Content-Security-Policy', ctx.csp);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').sendFile(path.resolve(ctx.indexFile));
  });
  const api = express.Router();
  api.use(guard);
  api.get('/state', (_req, res) => res.json(adminState(ctx)));
  api.get('/events', (_req, res) => {
    if (!ctx.events.add(res)) res.status(503).json({ error: 'too many admin pages follow live updates' });
  });
  api.post('/pages/:page/close', (req, res) => {
    const page = ctx.registry.get(req.params.page!);
    if (!page) return void res.status(404).json({ error: 'no such page (it may have closed)' });
    ctx.audit.write('admin-close-page', { page: page.label });
    page.shutdown(OPERATOR_REASON);
    ctx.events.tick();
    res.json({ closed: true });
  });
  api.post('/pages/:page/sockets/:socket/close', (req, res) => {
    const page = ctx.registry.get(req.params.page!);
    const id = Number(req.params.socket);
    const socket = page?.sockets().find((s) => s.id === id);
    if (!page || !socket) return void res.status(404).json({ error: 'no such socket (it may have closed)' });
    ctx.audit.write('admin-close-socket', { page: page.label, socket: id, kind: socket.kind });
    page.sendError(new GatewayError(ErrorCode.Shutdown, `socket ${id} ${OPERATOR_REASON}`), { id, fatal: true });
    socket.destroy(ErrorCode.Shutdown);
    ctx.events.tick();
    res.json({ closed: true });
  });
  api.post('/grants/:grant/revoke', (req, res, next) => {
    const grants = ctx.grants();
    if (!grants) return void res.status(409).json({ error: NO_GRANTS });
    grants.revoke(req.params.grant!).then(
      (ok) => {
        if (!ok) return void res.status(404).json({ error: 'no such grant' });
        ctx.audit.write('admin-revoke', { grant: req.params.grant!.slice(0, 100) });
        ctx.events.tick();
        res.json({ revoked: true });
      },
      (err) => next(err),
    );
  });
  r.use('/admin/api', api);
  return r;
}

/** Sockets listed per page in the admin state; the rest are counted (a page may hold 256). */
const SOCKETS_SHOWN = 64;

/** What the admin page shows: pages, grants (or why there are none), and the websockify count. */
export function adminState(ctx: AdminContext) {
  const grants = ctx.grants();
  const pages = ctx.registry.snapshot().map((p) => ({ ...p, socketCount: p.sockets.length, sockets: p.sockets.slice(0, SOCKETS_SHOWN) }));
  return { now: Date.now(), pages, grants: grants ? { enabled: true as const, list: grants.list() } : { enabled: false as const, reason: NO_GRANTS } };
}
