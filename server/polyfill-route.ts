/**
 * The Direct Sockets polyfill's routes: `GET /sockgate/polyfill.js` (the script, for any page to
 * load with a classic `<script>`) and `GET /sockgate/access` (tells a page whose WebSocket was
 * refused whether its origin, then its token, is the reason — a browser hides the upgrade's status).
 */
import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import type { AccessControl } from './access-control.js';

/** Where scripts/build.mjs writes the polyfill bundle, relative to the public directory. */
export const POLYFILL_FILE = path.join('sockgate', 'polyfill.js');

/**
 * Adds the polyfill routes to `app`, serving the bundle from `publicDir`. Register before the
 * static files so these headers apply.
 */
export function attachPolyfillRoute(app: express.Express, access: AccessControl, publicDir: string): void {
  const file = path.resolve(publicDir, POLYFILL_FILE);
  // No token is asked for the script: it holds no secret (it reads the token from its own URL),
  // and a token-checked script would let any website test tokens by watching onload/onerror.
  app.get('/sockgate/polyfill.js', (_req, res) => {
    if (!fs.existsSync(file)) return void res.status(404).type('text').send('the polyfill is not built: run npm run build\n');
    res.setHeader('Cache-Control', 'no-cache');
    // Pages that set Cross-Origin-Embedder-Policy may still load it.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('application/javascript').sendFile(file);
  });
  // Readable by any origin, but it only answers for the Origin the browser itself sent, and the
  // token verdict only to an allowed origin (which could test the token on the WebSocket anyway).
  app.get('/sockgate/access', (req, res) => {
    const origin = req.headers.origin;
    if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Cache-Control', 'no-store');
    const originAllowed = access.originAllowed(req);
    res.json(originAllowed ? { originAllowed, tokenValid: access.tokenValid(req) } : { originAllowed });
  });
}
