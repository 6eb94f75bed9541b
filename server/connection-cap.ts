import type net from 'node:net';

/**
 * Caps the HTTP connections that have not become WebSockets (requests in progress, keep-alive,
 * half-sent headers): a slowloris flood is refused at accept, and WebSockets already open are
 * counted by their own limits, so it never takes a served page's place.
 */
export class ConnectionCap {
  private readonly counted = new WeakSet<net.Socket>();
  private open = 0;
  /** Connections refused since the gateway started. */
  refused = 0;

  constructor(private readonly max: number) {}

  /** The server's 'connection' listener: counts the socket, or destroys it when the cap is reached. */
  readonly admit = (socket: net.Socket): void => {
    if (this.max > 0 && this.open >= this.max) {
      this.refused++;
      socket.destroy();
      return;
    }
    this.open++;
    this.counted.add(socket);
    socket.once('close', () => this.release(socket));
  };

  /** Stops counting `socket` (it closed, or became a WebSocket). */
  release(socket: net.Socket): void {
    if (!this.counted.delete(socket)) return;
    this.open--;
  }

  /** HTTP connections counted now. */
  get count(): number {
    return this.open;
  }
}
