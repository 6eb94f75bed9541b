import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';

/** A loopback static server standing in for wherever a third-party app is hosted. */
export interface AppServer {
  /** `http://127.0.0.1:port` */
  origin: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves `routes` (URL prefix → directory) on 127.0.0.1, port 0. HTML files get `headTags()`
 * inserted right after `<head>` (or before `<body>` when there is no head): the one polyfill
 * line, and for apps that need a build, the tags their bundler would add. Files on disk stay as vendored.
 */
export async function startAppServer(routes: Record<string, string>, headTags: (file: string) => string): Promise<AppServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const prefix = Object.keys(routes).find((p) => url.pathname.startsWith(p));
    const file = prefix && path.join(routes[prefix]!, path.normalize(url.pathname.slice(prefix.length)).replace(/^(\.\.[/\\])+/, ''));
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    let body: Buffer | string = fs.readFileSync(file);
    if (file.endsWith('.html')) {
      const html = body.toString('utf8');
      const tags = headTags(file);
      body = /<head>/i.test(html) ? html.replace(/<head>/i, (m) => `${m}\n${tags}`) : html.replace(/<body/i, (m) => `${tags}\n${m}`);
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
