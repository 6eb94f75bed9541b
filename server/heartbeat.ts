import crypto from 'node:crypto';
import type { WebSocket } from 'ws';
import { CloseCode } from '../shared/protocol.js';

/**
 * Drops a WebSocket whose other end vanished or stopped reading: each round pings every watched
 * socket with a fresh random payload, and one that did not answer the previous ping is closed
 * with 4002. Only a pong carrying that payload counts (RFC 6455 §5.5.3): unsolicited pongs,
 * which a page can send without reading anything, keep nobody alive.
 */
export class Heartbeat {
  /** Per socket: the payload of the ping not answered yet, or null once answered. */
  private readonly awaiting = new Map<WebSocket, Buffer | null>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.round(), intervalMs);
    this.timer.unref();
  }

  /** Starts watching `ws` until it closes. */
  watch(ws: WebSocket): void {
    this.awaiting.set(ws, null);
    ws.on('pong', (data: Buffer) => {
      const want = this.awaiting.get(ws);
      if (want && data.length === want.length && crypto.timingSafeEqual(data, want)) this.awaiting.set(ws, null);
    });
    ws.on('close', () => this.awaiting.delete(ws));
  }

  /** Stops the rounds (the sockets themselves are closed by their owners). */
  stop(): void {
    clearInterval(this.timer);
  }

  private round(): void {
    for (const [ws, want] of this.awaiting) {
      if (want) {
        ws.close(CloseCode.HeartbeatTimeout, 'heartbeat missed');
        ws.terminate();
        this.awaiting.delete(ws);
        continue;
      }
      const payload = crypto.randomBytes(8);
      this.awaiting.set(ws, payload);
      ws.ping(payload);
    }
  }
}
