import net from 'node:net';
import type { Address } from '../shared/protocol.js';
import { ErrorCode } from '../shared/protocol.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import { listenWithoutReuseAddr } from './plain-bind.js';
import { portHolders } from './port-holders.js';
import type { TargetPolicy } from './target-policy.js';
import { toAddress, type ListenerSocket, type PageLink } from './page-socket.js';

/**
 * A listening TCP socket of a page. Accepted connections are handed to the session paused
 * (`pauseOnConnect`) and stay paused until the page grants them credit. Closing the listener
 * leaves accepted connections open, as with a real socket.
 */
export class TcpListener implements ListenerSocket {
  readonly kind = 'tcp-server' as const;
  bytesIn = 0;
  bytesOut = 0;
  lastActivity = Date.now();
  accepted = 0;
  private closeRef: number | undefined;
  private error: ErrorCode | undefined;
  private closed = false;

  private constructor(
    readonly id: number,
    readonly server: net.Server,
    private readonly page: PageLink,
  ) {}

  /**
   * Binds and listens; resolves once the port is open. `reuseAddr: false` binds without
   * SO_REUSEADDR (which Node always sets) through a python3 helper (plain-bind.ts). An
   * EADDRINUSE says what holds the port, from the kernel's table (TIME_WAIT only, or a listener).
   */
  static async listen(
    id: number,
    page: PageLink,
    opts: { host: string; port: number; backlog?: number; ipv6Only?: boolean; reuseAddr?: boolean },
    onConnection: (listener: TcpListener, socket: net.Socket) => void,
  ): Promise<TcpListener> {
    const server = await openServer(page.policy, opts);
    const listener = new TcpListener(id, server, page);
    server.on('connection', (socket) => {
      listener.accepted++;
      listener.lastActivity = Date.now();
      onConnection(listener, socket);
    });
    server.on('error', (err) => {
      const e = toGatewayError(err);
      page.sendError(e, { id, fatal: true });
      listener.destroy(e.code);
    });
    return listener;
  }

  addresses(): { local: Address } {
    const a = this.server.address() as net.AddressInfo;
    return { local: toAddress(a.address, a.port, a.family) };
  }

  close(ref?: number): void {
    this.closeRef = ref;
    this.destroy();
  }

  /**
   * Closes the listening handle at once. net.Server's own 'close' event waits for every
   * accepted connection to end, but those belong to the page now, so we report right away.
   */
  destroy(code?: ErrorCode): void {
    if (this.closed) return;
    this.closed = true;
    this.error ??= code;
    this.server.close();
    this.page.relayClosed(this, { ref: this.closeRef, error: this.error });
  }
}

/**
 * A listening net.Server on `host:port` once the policy allows listening there; accepted
 * connections arrive paused (`pauseOnConnect`) and half-open is allowed. `reuseAddr: false` binds
 * without SO_REUSEADDR (a plain bind handed over by python3); an "address in use" says what holds
 * the port (a listener, or only TIME_WAIT entries).
 */
export async function openServer(
  policy: TargetPolicy,
  opts: { host: string; port: number; backlog?: number; ipv6Only?: boolean; reuseAddr?: boolean },
): Promise<net.Server> {
  const target = await policy.resolve(opts.host, opts.port, 'listen');
  const how = { host: target.address, port: opts.port, backlog: opts.backlog ?? 511, ipv6Only: opts.ipv6Only ?? false };
  return (opts.reuseAddr === false ? listenWithoutReuseAddr(how) : listenNode(how)).catch(async (err) => {
    const e = toGatewayError(err);
    if (e.code !== ErrorCode.AddressInUse || opts.port === 0) throw e;
    const held = await portHolders(opts.port);
    if (!held.holder) throw e;
    const reuse = opts.reuseAddr === false ? 'without SO_REUSEADDR' : 'with SO_REUSEADDR';
    throw new GatewayError(e.code, `listen on ${opts.host}:${opts.port} ${reuse}: address in use — ${held.text}`, { ...e.extra, inUseBy: held.holder, timeWait: held.timeWait.length });
  });
}

/** Node's own listen (SO_REUSEADDR set by libuv); accepted sockets are held paused. */
function listenNode(how: { host: string; port: number; backlog: number; ipv6Only: boolean }): Promise<net.Server> {
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  return new Promise<net.Server>((resolve, reject) => {
    server.once('error', (err) => {
      server.close();
      reject(err);
    });
    server.listen(how, () => {
      server.removeAllListeners('error');
      resolve(server);
    });
  });
}
