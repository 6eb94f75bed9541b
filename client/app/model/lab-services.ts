/**
 * The gateway's built-in lab services (echo, upper-case, chat room, burst, bulk reply; UDP echo)
 * for the new-socket dialog, through the library's lab calls (same credentials as the rest of
 * the API: the gateway's cookie, or the page URL's `?token=`).
 */
import { labServices, type LabServiceInfo } from '../../lib/lab-extras.js';

export type { LabServiceInfo };

/** Whether the services run, and where. */
export interface LabServices {
  running: boolean;
  services: LabServiceInfo[];
}

/** Lists the lab services (none when the gateway has not started them, or cannot say). */
export async function fetchLabServices(base: string): Promise<LabServices> {
  const services = await labServices(base).catch(() => []);
  return { running: services.length > 0, services };
}

/** Starts the lab services on the gateway's loopback. */
export async function startLabServices(base: string): Promise<LabServices> {
  return { running: true, services: await labServices(base, { start: true }) };
}
