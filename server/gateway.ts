import http from 'node:http';
import type net from 'node:net';
import { ErrorCode } from '../shared/protocol.js';
import path from 'node:path';
import { AccessControl, isLoopbackHost, randomToken } from './access-control.js';
import { AdminAccess } from './admin/admin-access.js';
import { AdminEvents } from './admin/admin-events.js';
import { adminState, createAdminRouter, type AdminContext } from './admin/admin-router.js';
import { GatewayMetrics } from './admin/gateway-metrics.js';
import { PageRegistry } from './admin/page-registry.js';
import { createApiRouter } from './api-router.js';
import { AuditLog, fileSink } from './audit-log.js';
import { DEFAULT_LIMITS, DEFAULT_PORT, type GatewayOptions, type Limits } from './config.js';
import { ConnectionCap } from './connection-cap.js';
import { GatewayError } from './gateway-error.js';
import type { Gateway } from './gateway-handle.js';
import { GrantStore } from './grants/grant-store.js';
import { Heartbeat } from './heartbeat.js';
import { PAGE_CSP, createHttpApp, defaultPublicDir } from './http-app.js';
import { answerClientError, finalHandler } from './http-errors.js';
import { attachLabs } from './labs/labs-api.js';
import { listInterfaces } from './network-interfaces.js';
import { TargetPolicy } from './target-policy.js';
import { TrustedProxies } from './trusted-proxies.js';
import { UpgradeHandler } from './upgrade-handler.js';

export { VERSION, type Gateway } from './gateway-handle.js';

/** Starts the gateway: HTTP (page and /api), the multiplexed WebSocket at /ws, and /websockify. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomToken();
  if (token === '' && !isLoopbackHost(host)) {
    throw new GatewayError(ErrorCode.BadOption, `refusing to serve on ${host} without a token: anyone on the network could open sockets through this machine`);
  }
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const adminToken = options.adminToken || randomToken();
  let proxies: TrustedProxies;
  try {
    proxies = new TrustedProxies(options.trustProxy ?? []);
  } catch (err) {
    throw new GatewayError(ErrorCode.BadOption, `--trust-proxy: ${(err as Error).message}`);
  }
  const auditFile = options.auditLog !== undefined && options.audit !== null ? fileSink(options.auditLog) : undefined;
  const sink = options.audit === undefined ? (line: string) => process.stderr.write(line + '\n') : options.audit;
  const audit = new AuditLog(auditFile?.sink ?? sink, options.auditFormat ?? 'text');
  const policy = new TargetPolicy({
    allow: options.allow,
    deny: options.deny,
    lookup: options.lookup,
    broadcastAddresses: listInterfaces().flatMap((i) => (i.broadcast ? [i.broadcast] : [])),
  });
  const access = new AccessControl(token, host, options.allowOrigins ?? []);
  // Before listening: a gateway started with a broken grants file refuses to start rather than run without them.
  const grants = options.grants !== undefined ? await GrantStore.open(options.grants, policy, limits, audit.write) : undefined;
  access.grants = grants;
  const heartbeat = new Heartbeat(options.heartbeatMs ?? 15_000);
  const connections = new ConnectionCap(limits.httpConnections);
  const registry = new PageRegistry();
  const upgrades = new UpgradeHandler({ access, audit, policy, limits, heartbeat, connections, websockifyTarget: options.websockifyTarget, proxies, register: (p, info) => registry.add(p, info) });
  const api = createApiRouter({ access, policy, limits, stats: () => upgrades.stats() });
  // The admin side reads `gateway.grants` late: the grants store attaches it after start.
  let grantsOf: () => Gateway['grants'] = () => undefined;
  const events = new AdminEvents(() => adminState(adminCtx));
  const metrics = new GatewayMetrics(registry, { websockifyStreams: () => upgrades.raw.size, websockifyBytes: () => upgrades.websockifyBytes, windowGrowth: () => ({ used: upgrades.windowBudget.used, limit: upgrades.windowBudget.limit }), adminClients: () => events.size });
  const adminDir = path.join(options.publicDir ?? defaultPublicDir(), 'admin');
  const adminCtx: AdminContext = { access, admin: new AdminAccess(adminToken), registry, metrics, events, audit, proxies, grants: () => grantsOf(), indexFile: path.join(adminDir, 'index.html'), csp: PAGE_CSP };
  audit.tap(registry.observe);
  audit.tap(metrics.observe);
  const app = createHttpApp(access, api, { publicDir: options.publicDir, proxies, admin: createAdminRouter(adminCtx) });
  const server = createServer(limits, app, finalHandler(audit));
  server.on('connection', connections.admit);
  server.on('upgrade', upgrades.handle);
  grants?.onEnded(upgrades.grantEnded);
  server.on('clientError', answerClientError);

  let port;
  try {
    port = await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (err) {
    grants?.close();
    throw err;
  }
  const bound = (server.address() as net.AddressInfo).address;
  if (token === '' && !isLoopbackHost(bound)) {
    // A name that passed the check above must still have bound a loopback address.
    await new Promise((r) => server.close(r));
    grants?.close();
    throw new GatewayError(ErrorCode.BadOption, `refusing to serve on ${host} (${bound}) without a token: it is not a loopback address`);
  }
  // After listen, an accept failure (EMFILE when fds run out) is an 'error' event: without a
  // listener it would end the process; the served pages carry on.
  server.on('error', (err: NodeJS.ErrnoException) => audit.write('server-error', { code: err.code ?? err.name }));
  access.setPort(port);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const origin = `http://${urlHost}:${port}`;
  const closeHooks: (() => Promise<void> | void)[] = [];

  const gateway: Gateway = {
    url: token ? `${origin}/?token=${encodeURIComponent(token)}` : `${origin}/`,
    adminUrl: `${origin}/admin/?admin_token=${encodeURIComponent(adminToken)}`,
    origin,
    host,
    port,
    token,
    adminToken,
    limits,
    policy,
    app,
    api,
    ...(grants && { grants }),
    stats: () => upgrades.stats(),
    onClose: (hook) => void closeHooks.push(hook),
    close: async (reason = 'gateway stopping') => {
      for (const hook of closeHooks.splice(0)) await hook();
      heartbeat.stop();
      events.close();
      grants?.close();
      upgrades.shutdown(reason);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      auditFile?.close();
    },
  };
  grantsOf = () => gateway.grants;
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

/**
 * The HTTP server: Express for requests, `done` for what no route answered or a route failed,
 * request heads within `headersTimeoutMs` (checked every second, not Node's default 30 s).
 */
function createServer(limits: Limits, app: (req: http.IncomingMessage, res: http.ServerResponse, next: (err?: unknown) => void) => void, done: (req: http.IncomingMessage, res: http.ServerResponse, err?: unknown) => void): http.Server {
  const headersTimeout = Math.max(limits.headersTimeoutMs, 1);
  return http.createServer(
    { headersTimeout, requestTimeout: Math.max(300_000, headersTimeout), connectionsCheckingInterval: Math.min(1_000, headersTimeout), keepAliveTimeout: 5_000 },
    (req, res) => {
      try {
        app(req, res, (err) => done(req, res, err));
      } catch (err) {
        done(req, res, err);
      }
    },
  );
}

/** Listens on `host:port` and resolves with the port actually bound. */
function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
