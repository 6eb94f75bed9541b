import net from 'node:net';
import { LAB_HOST, MAX_CLIENTS, type LabService, type LabServiceInfo } from './lab-service.js';

/**
 * A TCP lab service on 127.0.0.1, port 0: listening, the connection limit, and closing every
 * client with the service. Subclasses say what to do with one connection.
 */
export abstract class TcpLabService implements LabService {
  abstract readonly name: string;
  abstract readonly title: string;
  abstract readonly usage: string;
  protected readonly clients = new Set<net.Socket>();
  private server: net.Server | undefined;

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
      this.clients.add(socket);
      socket.on('close', () => this.clients.delete(socket));
      this.serve(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LAB_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  info(): LabServiceInfo {
    const port = (this.server?.address() as net.AddressInfo | null)?.port ?? 0;
    return { name: this.name, transport: 'tcp', host: LAB_HOST, port, title: this.title, usage: this.usage, clients: this.clients.size };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.clients) s.destroy();
    this.clients.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
