import net from 'node:net';
import type { Address, ErrorCode } from '../shared/protocol.js';
import { toGatewayError } from './gateway-error.js';
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

  /** Binds and listens; resolves once the port is open. */
  static async listen(
    id: number,
    page: PageLink,
    opts: { host: string; port: number; backlog?: number; ipv6Only?: boolean },
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
 * connections arrive paused (`pauseOnConnect`) and half-open is allowed. Closes it on failure.
 */
export async function openServer(policy: TargetPolicy, opts: { host: string; port: number; backlog?: number; ipv6Only?: boolean }): Promise<net.Server> {
  const target = await policy.resolve(opts.host, opts.port, 'listen');
  const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: target.address, port: opts.port, backlog: opts.backlog ?? 511, ipv6Only: opts.ipv6Only ?? false }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err) => {
    server.close();
    throw toGatewayError(err);
  });
  return server;
}
