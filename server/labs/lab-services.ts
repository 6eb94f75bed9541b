import { BulkReplyService } from './bulk-reply.js';
import { BurstService } from './burst.js';
import { ChatRoomService } from './chat-room.js';
import type { LabService, LabServiceInfo } from './lab-service.js';
import { TcpEchoService } from './tcp-echo.js';
import { UdpEchoService } from './udp-echo.js';
import { UpperEchoService } from './upper-echo.js';
import { courseServers } from './course-services.js';

/** Names of the built-in services, in the order they are listed. */
export const LAB_SERVICE_NAMES = ['tcp-echo', 'udp-echo', 'upper', 'chat', 'burst', 'bulk'] as const;

/**
 * The built-in lab services of one gateway: all started together on 127.0.0.1 (a fresh port
 * each), listed, and stopped together. Starting twice is harmless; concurrent starts share one.
 */
export class LabServices {
  private services: LabService[] = [];
  private starting: Promise<LabServiceInfo[]> | undefined;
  /** The course's three server shapes (real Python programs), started on demand: {@link LabServices.startCourse}. */
  private course: LabService[] = [];
  private startingCourse: Promise<LabServiceInfo[]> | undefined;

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

  /**
   * Starts the built-in services and the course's loop, threaded and select servers (Python 3
   * children; the loop server needs a process that leaves connections in the accept queue).
   * Rejects with the reason when python3 is missing; the built-in services run either way.
   */
  async startCourse(): Promise<LabServiceInfo[]> {
    await this.start();
    if (this.course.length === 0) {
      this.startingCourse ??= this.startCourseServers().finally(() => (this.startingCourse = undefined));
      await this.startingCourse;
    }
    return this.list();
  }

  private async startCourseServers(): Promise<LabServiceInfo[]> {
    const all = courseServers();
    const results = await Promise.allSettled(all.map((s) => s.listen()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(all.map((s) => s.close()));
      throw failed.reason;
    }
    if (!this.running) {
      // Stopped while the programs started.
      await Promise.all(all.map((s) => s.close()));
      return this.list();
    }
    this.course = all;
    return this.list();
  }

  /** Every running service with its port (empty when stopped). */
  list(): LabServiceInfo[] {
    return [...this.services, ...this.course].map((s) => s.info());
  }

  /** Stops every service and drops their connections. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => {});
    await this.startingCourse?.catch(() => {});
    const services = [...this.services, ...this.course];
    this.services = [];
    this.course = [];
    await Promise.all(services.map((s) => s.close()));
  }
}
