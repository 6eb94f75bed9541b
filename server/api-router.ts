import express from 'express';
import { SUBPROTOCOL } from '../shared/protocol.js';
import type { AccessControl } from './access-control.js';
import type { LiveGrant } from './grants/grant-store.js';
import type { Limits } from './config.js';
import { VERSION } from './gateway-handle.js';
import { listInterfaces } from './network-interfaces.js';
import type { TargetPolicy } from './target-policy.js';

/** What the `/api` routes read from the gateway. */
export interface ApiContext {
  access: AccessControl;
  policy: TargetPolicy;
  limits: Limits;
  stats: () => { pages: number; sockets: number };
}

/**
 * The `/api` router: Origin and token guard first (no CORS headers, so other origins cannot read
 * answers), then health, interfaces and policy. Add-ons add their routes to the same router.
 */
export function createApiRouter(ctx: ApiContext): express.Router {
  const api = express.Router();
  api.use((req, res, next) => {
    // The cookie is SameSite, but a page on another port of this host is the same site: without
    // this, it could POST /api/labs/start with the cookie. Browsers always send Origin on POST.
    if (!ctx.access.originAllowed(req)) return void res.status(403).json({ error: `origin ${req.headers.origin} is not allowed (use --allow-origin)` });
    if (req.path === '/health') return next();
    const admitted = ctx.access.admit(req);
    if (!admitted) return void res.status(401).json({ error: 'token required (?token=, Authorization: Bearer, or the page cookie)' });
    // Routes that answer a grant's page differently (policy, labs) read it here.
    res.locals.grant = admitted === 'operator' ? undefined : admitted;
    next();
  });
  api.get('/health', (_req, res) => {
    const { pages, sockets } = ctx.stats();
    res.json({ ok: true, name: 'sockgate', version: VERSION, protocol: SUBPROTOCOL, pages, sockets });
  });
  api.get('/interfaces', (_req, res) => res.json({ interfaces: listInterfaces() }));
  api.get('/policy', (_req, res) => {
    const grant = grantOf(res);
    if (!grant) return void res.json({ rules: ctx.policy.describe(), limits: ctx.limits });
    const { id, name, expires, allow, limits, websockifyTarget } = grant.record;
    res.json({
      rules: grant.policy.describe(),
      limits: grant.limits,
      grant: { id, name, ...(expires !== undefined && { expires: new Date(expires).toISOString() }), allow, limits, ...(websockifyTarget && { websockifyTarget }), totals: 'sockets and bytesPerSecond count all of this grant\'s pages together' },
    });
  });
  return api;
}

/** The grant the request's token belongs to (set by the guard), or undefined for the operator's token. */
export function grantOf(res: express.Response): LiveGrant | undefined {
  return res.locals.grant as LiveGrant | undefined;
}
