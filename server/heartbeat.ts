import type { WebSocket } from 'ws';
import { CloseCode } from '../shared/protocol.js';

/**
 * Drops a WebSocket whose other end vanished without a close (sleep, network loss): each round
 * pings every watched socket, and one that did not answer the previous ping is closed with 4002.
 */
export class Heartbeat {
  private readonly alive = new Map<WebSocket, boolean>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.round(), intervalMs);
    this.timer.unref();
  }

  /** Starts watching `ws` until it closes. */
  watch(ws: WebSocket): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('close', () => this.alive.delete(ws));
  }

  /** Stops the rounds (the sockets themselves are closed by their owners). */
  stop(): void {
    clearInterval(this.timer);
  }

  private round(): void {
    for (const [ws, alive] of this.alive) {
      if (!alive) {
        ws.close(CloseCode.HeartbeatTimeout, 'heartbeat missed');
        ws.terminate();
        this.alive.delete(ws);
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }
}
