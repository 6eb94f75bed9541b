import type { ServerResponse } from 'node:http';

/** Admin pages following live updates at once; more get 503. */
export const MAX_ADMIN_CLIENTS = 16;
/** Bytes queued to one admin client before it is dropped (a tab that stopped reading). */
export const ADMIN_CLIENT_QUEUE = 512 * 1024;

/**
 * Live updates for the admin page as Server-Sent Events: the whole state, once a second while
 * anyone listens. Nothing queues per client beyond what its socket holds: a client with more
 * than ADMIN_CLIENT_QUEUE unsent is disconnected (its EventSource reconnects when it catches up).
 */
export class AdminEvents {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  /** Clients dropped for reading too slowly, since start. */
  dropped = 0;

  constructor(
    private readonly state: () => unknown,
    private readonly intervalMs = 1000,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Starts streaming to `res`; false (nothing written) when MAX_ADMIN_CLIENTS already listen. */
  add(res: ServerResponse): boolean {
    if (this.clients.size >= MAX_ADMIN_CLIENTS) return false;
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    this.push(res, JSON.stringify(this.state()));
    this.timer ??= setInterval(() => this.tick(), this.intervalMs).unref();
    return true;
  }

  /** Sends the state now (after an admin action, so the view does not wait for the tick). */
  tick(): void {
    if (this.clients.size === 0) return;
    const data = JSON.stringify(this.state());
    for (const res of this.clients) this.push(res, data);
  }

  /** Ends every stream (the gateway is stopping). */
  close(): void {
    this.stop();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private push(res: ServerResponse, data: string): void {
    if (res.writableLength > ADMIN_CLIENT_QUEUE) {
      this.dropped++;
      res.destroy();
      return;
    }
    res.write(`event: state\ndata: ${data}\n\n`);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
