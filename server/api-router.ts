import express from 'express';
import { SUBPROTOCOL } from '../shared/protocol.js';
import type { AccessControl } from './access-control.js';
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
    if (!ctx.access.tokenValid(req)) return void res.status(401).json({ error: 'token required (?token=, Authorization: Bearer, or the page cookie)' });
    next();
  });
  api.get('/health', (_req, res) => {
    res.json({ ok: true, name: 'sockgate', version: VERSION, protocol: SUBPROTOCOL, ...ctx.stats() });
  });
  api.get('/interfaces', (_req, res) => res.json({ interfaces: listInterfaces() }));
  api.get('/policy', (_req, res) => res.json({ rules: ctx.policy.describe(), limits: ctx.limits }));
  return api;
}
