import net from 'node:net';
import { ownerOf, watchPort } from './connection-owners.js';
import { LAB_HOST, MAX_CLIENTS, MAX_CLIENTS_PER_PAGE, type LabService, type LabServiceInfo } from './lab-service.js';

/**
 * A TCP lab service on 127.0.0.1, port 0: listening, the connection limit, and closing every
 * client with the service. Subclasses say what to do with one connection.
 */
export abstract class TcpLabService implements LabService {
  abstract readonly name: string;
  abstract readonly title: string;
  abstract readonly usage: string;
  protected readonly clients = new Set<net.Socket>();
  /** Open connections per page (connections not dialled through a page are not counted here). */
  private readonly perPage = new Map<string, number>();
  private server: net.Server | undefined;
  /** Stops recording which page dials this service's port. */
  private unwatch: (() => void) | undefined;

  /** Serves one accepted connection; errors on it are already swallowed. */
  protected abstract serve(socket: net.Socket): void;

  /** Listens on an ephemeral loopback port. */
  async listen(): Promise<void> {
    const server = net.createServer((socket) => {
      socket.on('error', () => socket.destroy());
      if (this.clients.size >= MAX_CLIENTS) {
        socket.end(`error: ${this.name} already serves ${MAX_CLIENTS} connections\n`);
        return;
      }
      socket.pause();
      void ownerOf(socket).then((owner) => this.admit(socket, owner));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LAB_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.unwatch = watchPort((server.address() as net.AddressInfo).port);
  }

  /** Takes a connection into service unless its page already holds its share of the slots. */
  private admit(socket: net.Socket, owner: string | undefined): void {
    if (socket.destroyed || !this.server) return void socket.destroy();
    if (owner !== undefined && (this.perPage.get(owner) ?? 0) >= MAX_CLIENTS_PER_PAGE) {
      socket.end(`error: ${this.name} already serves ${MAX_CLIENTS_PER_PAGE} connections of this page\n`);
      return;
    }
    this.clients.add(socket);
    if (owner !== undefined) this.perPage.set(owner, (this.perPage.get(owner) ?? 0) + 1);
    socket.on('close', () => {
      this.clients.delete(socket);
      if (owner === undefined) return;
      const left = (this.perPage.get(owner) ?? 1) - 1;
      if (left > 0) this.perPage.set(owner, left);
      else this.perPage.delete(owner);
    });
    this.serve(socket);
    // Held paused while the page was looked up; bytes that came meanwhile are buffered, not lost.
    socket.resume();
  }

  info(): LabServiceInfo {
    const port = (this.server?.address() as net.AddressInfo | null)?.port ?? 0;
    return { name: this.name, transport: 'tcp', host: LAB_HOST, port, title: this.title, usage: this.usage, clients: this.clients.size };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.unwatch?.();
    for (const s of this.clients) s.destroy();
    this.clients.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
