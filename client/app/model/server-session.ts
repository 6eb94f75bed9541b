/**
 * A listening TCP socket in the workspace and the connections it accepted, each its own
 * {@link TcpSession} whose traffic also counts on the server. The server sends to one client or
 * to all, kicks one, and forgets the closed ones.
 */
import type { SocketGateway, TCPServerSocket, TCPSocket } from '../../lib/index.js';
import type { SendTarget } from './send-job.js';
import { hostPort, SocketSession } from './socket-session.js';
import { TcpSession } from './tcp-session.js';

/** TCP server options. */
export interface TcpServerOptions {
  address: string;
  port?: number;
  backlog?: number;
  reuseAddr?: boolean;
}

/** A TCP server with its accepted clients. */
export class ServerSession extends SocketSession {
  readonly kind = 'server' as const;
  /** What was asked for, to reopen with the same settings. */
  readonly options: TcpServerOptions;
  /** Accepted connections, oldest first (replaced, not mutated, when one comes or goes). */
  clients: TcpSession[] = [];

  #server: TCPServerSocket | undefined;

  private constructor(options: TcpServerOptions) {
    super();
    this.options = options;
  }

  /** Listens on `options.address:port`. */
  static listen(gateway: SocketGateway, options: TcpServerOptions): ServerSession {
    const s = new ServerSession(options);
    s.local = hostPort(options.address, options.port ?? 0);
    s.begin(
      () =>
        new gateway.TCPServerSocket(options.address, {
          ...(options.port ? { localPort: options.port } : {}),
          ...(options.backlog ? { backlog: options.backlog } : {}),
          extras: { chunks: true, signal: s.opening.signal, onError: (e) => s.logError(e), ...(options.reuseAddr !== undefined && { reuseAddr: options.reuseAddr }) },
        }),
      (server) => s.#run(server),
    );
    return s;
  }

  protected override get socket(): TCPServerSocket | undefined {
    return this.#server;
  }

  /** A server can send while any client can. */
  override get canSend(): boolean {
    return this.clients.some((c) => c.canSend);
  }

  async #run(server: TCPServerSocket): Promise<void> {
    this.#server = server;
    const info = await this.awaitOpen(server.opened);
    if (!info) return;
    this.log.event('listening', { detail: this.local });
    this.changed();
    await this.readAll(info.readable, (socket) => this.#adopt(socket));
    this.endWhen(server.closed);
  }

  #adopt(socket: TCPSocket): void {
    const client = TcpSession.accepted(socket, this, () => this.pruneClients());
    this.clients = [...this.clients, client];
    this.changed();
  }

  protected override async sendOnce(bytes: Uint8Array, target: SendTarget): Promise<void> {
    switch (target.kind) {
      case 'all':
        // Not to a client that ended its side (FIN): the course's chat client sends one message and
        // closes, and writing to it would only earn a RESET. Its own Send button still reaches it.
        await Promise.all(this.clients.filter((c) => c.canSend && c.state === 'open').map((c) => c.write(bytes)));
        return;
      case 'client':
        await this.clients.find((c) => c.id === target.id)?.write(bytes);
        return;
      default:
        throw new Error(`a server sends to its clients, not to ${target.kind}`);
    }
  }

  /** Closes one accepted client (kick). */
  async kick(clientId: number): Promise<void> {
    await this.clients.find((c) => c.id === clientId)?.kick();
  }

  /** Forgets closed clients. */
  pruneClients(): void {
    this.clients = this.clients.filter((c) => c.state !== 'closed' && c.state !== 'failed');
    this.changed();
  }

  /** Stops listening and closes every client. */
  override async closeAll(): Promise<void> {
    await Promise.all([this.close(), ...this.clients.map((c) => c.close())]);
  }

  /** Zeroes the server's counters and its clients'. */
  override resetCounters(): void {
    for (const c of this.clients) c.resetCounters();
    super.resetCounters();
  }
}
