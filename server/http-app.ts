import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { TOKEN_COOKIE, type AccessControl } from './access-control.js';

const defaultPublicDir = () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Bundled: dist/sockgate.js next to dist/public. From source (tests): server/ → ../dist/public.
  for (const dir of [path.join(here, 'public'), path.join(here, '..', 'dist', 'public')]) {
    if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  }
  return path.join(here, '..', 'dist', 'public');
};

/** The gateway's HTTP side: Host check and headers, `/api` (the given router), the token cookie, the page. */
export function createHttpApp(access: AccessControl, api: express.Router, publicDir?: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // DNS rebinding: a loopback gateway answers only to its own names, for pages and API alike.
  app.use((req, res, next) => {
    if (!access.hostAllowed(req)) return void res.status(421).type('text').send('unknown Host header\n');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use('/api', api);
  // Opening the page with ?token= sets an HttpOnly cookie, so reloads and the WebSocket need no token in the URL.
  app.get('/', (req, res, next) => {
    const given = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (given !== undefined && access.tokenValid(req)) {
      res.cookie(TOKEN_COOKIE, given, { httpOnly: true, sameSite: 'strict', path: '/' });
    }
    next();
  });
  app.use(express.static(publicDir ?? defaultPublicDir(), { index: 'index.html' }));
  return app;
}
