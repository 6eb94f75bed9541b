/**
 * Debian's nginx on loopback, as a TLS reverse proxy in front of one or more gateways, with
 * the configuration docs/DEPLOY.md recommends (test/fixtures/deploy/nginx.conf is that file,
 * with placeholders filled in here). Runs in the foreground as our own child, in a temp dir.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The nginx configuration of docs/DEPLOY.md with `@@NAME@@` placeholders. */
export const NGINX_TEMPLATE = path.join(root, 'test', 'fixtures', 'deploy', 'nginx.conf');
export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl in `dir`. */
export function selfSignedCert(dir: string): { cert: string; key: string; pem: Buffer } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { cert, key, pem: fs.readFileSync(cert) };
}

/** A port that was free a moment ago (nginx cannot listen on port 0 and tell us the port). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A running nginx. */
export interface Nginx {
  /** `https://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** The certificate nginx serves (trust exactly it, rather than turning verification off). */
  ca: Buffer;
  dir: string;
  child: ChildProcess;
  /** nginx's error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx on 127.0.0.1 in front of `upstreams` (gateway ports on 127.0.0.1). nginx dials
 * the gateways from `proxyBind` (default 127.0.0.2) so the gateway sees the proxy's address and
 * the browser's (127.0.0.1) only in X-Forwarded-For: that tells the two apart on loopback.
 */
export async function startNginx(upstreams: number[], opts: { proxyBind?: string; port?: number } = {}): Promise<Nginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-nginx-'));
  const { cert, key, pem } = selfSignedCert(dir);
  const port = opts.port ?? (await freePort());
  const conf = fs
    .readFileSync(NGINX_TEMPLATE, 'utf8')
    .replaceAll('@@DIR@@', dir)
    .replaceAll('@@PORT@@', String(port))
    .replaceAll('@@CERT@@', cert)
    .replaceAll('@@KEY@@', key)
    .replaceAll('@@PROXY_BIND@@', opts.proxyBind ?? '127.0.0.2')
    .replace('@@UPSTREAMS@@', upstreams.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n        '));
  const confPath = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confPath, conf);
  const child = spawn(NGINX_BIN, ['-p', dir, '-c', confPath, '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
  const errorLog = () => (fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${errorLog()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin: `https://127.0.0.1:${port}`,
    port,
    ca: pem,
    dir,
    child,
    errorLog,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
