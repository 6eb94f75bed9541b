import { BulkReplyService } from './bulk-reply.js';
import { BurstService } from './burst.js';
import { ChatRoomService } from './chat-room.js';
import type { LabService, LabServiceInfo } from './lab-service.js';
import { TcpEchoService } from './tcp-echo.js';
import { UdpEchoService } from './udp-echo.js';
import { UpperEchoService } from './upper-echo.js';

/** Names of the built-in services, in the order they are listed. */
export const LAB_SERVICE_NAMES = ['tcp-echo', 'udp-echo', 'upper', 'chat', 'burst', 'bulk'] as const;

/**
 * The built-in lab services of one gateway: all started together on 127.0.0.1 (a fresh port
 * each), listed, and stopped together. Starting twice is harmless; concurrent starts share one.
 */
export class LabServices {
  private services: LabService[] = [];
  private starting: Promise<LabServiceInfo[]> | undefined;

  get running(): boolean {
    return this.services.length > 0;
  }

  /** Starts every service (if not running yet) and lists them. */
  start(): Promise<LabServiceInfo[]> {
    if (this.running) return Promise.resolve(this.list());
    this.starting ??= this.startAll().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startAll(): Promise<LabServiceInfo[]> {
    const tcp = [new TcpEchoService(), new UpperEchoService(), new ChatRoomService(), new BurstService(), new BulkReplyService()];
    const udp = new UdpEchoService();
    const all: LabService[] = [tcp[0]!, udp, ...tcp.slice(1)];
    const results = await Promise.allSettled([...tcp.map((s) => s.listen()), udp.listen()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(all.map((s) => s.close()));
      throw failed.reason;
    }
    this.services = all;
    return this.list();
  }

  /** Every running service with its port (empty when stopped). */
  list(): LabServiceInfo[] {
    return this.services.map((s) => s.info());
  }

  /** Stops every service and drops their connections. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => {});
    const services = this.services;
    this.services = [];
    await Promise.all(services.map((s) => s.close()));
  }
}
