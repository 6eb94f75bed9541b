import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { TOKEN_COOKIE, type AccessControl } from './access-control.js';
import { attachPolyfillRoute } from './polyfill-route.js';
import { decodedPath, expressQuery } from './request-parts.js';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * The page's Content-Security-Policy: scripts only from the gateway, no framing (clickjacking),
 * connections only back to the gateway. Inline styles stay allowed: Lit templates set style
 * attributes (the favicon is a data: URL).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The directory the page is served from when no `publicDir` is given. */
export const defaultPublicDir = () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Bundled: dist/sockgate.js next to dist/public. From source (tests): server/ → ../dist/public.
  for (const dir of [path.join(here, 'public'), path.join(here, '..', 'dist', 'public')]) {
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return path.join(here, '..', 'dist', 'public');
};

/**
 * The gateway's HTTP side: Host check and headers, `/api` (the given router), `admin` (/metrics
 * and /admin), the token cookie (`Secure` over TLS, or behind a trusted proxy that says so), the page.
 */
export function createHttpApp(access: AccessControl, api: express.Router, opts: { publicDir?: string; proxies: TrustedProxies; admin?: express.Router }): express.Express {
  const publicDir = opts.publicDir;
  const app = express();
  app.disable('x-powered-by');
  // One parser for query strings, the same the upgrade path uses: it never throws.
  app.set('query parser', expressQuery);
  // DNS rebinding: a loopback gateway answers only to its own names, for pages and API alike.
  app.use((req, res, next) => {
    if (!access.hostAllowed(req)) return void res.status(421).type('text').send('unknown Host header\n');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use('/api', api);
  if (opts.admin) app.use(opts.admin);
  // Opening the page with ?token= sets an HttpOnly cookie, so reloads and the WebSocket need no token in the URL.
  app.get('/', (req, res, next) => {
    const given = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (given !== undefined && access.tokenValid(req)) {
      res.cookie(TOKEN_COOKIE, given, { httpOnly: true, sameSite: 'strict', path: '/', secure: opts.proxies.overTls(req) });
    }
    next();
  });
  // Source maps are for the page's own developer tools: only with the token, like the API.
  app.use((req, res, next) => {
    const file = decodedPath(req.url) ?? '';
    if (!file.toLowerCase().endsWith('.map') || access.tokenValid(req)) return next();
    res.status(401).type('text').send('token required\n');
  });
  // Before the static files, so the polyfill's own headers apply.
  attachPolyfillRoute(app, access, publicDir ?? defaultPublicDir());
  app.use(
    express.static(publicDir ?? defaultPublicDir(), {
      index: 'index.html',
      setHeaders: (res, file) => {
        if (!file.endsWith('.html')) return;
        res.setHeader('Content-Security-Policy', PAGE_CSP);
        res.setHeader('X-Frame-Options', 'DENY');
      },
    }),
  );
  return app;
}
