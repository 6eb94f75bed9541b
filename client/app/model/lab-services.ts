/**
 * The gateway's built-in lab services (echo, upper-case, chat room, burst, bulk reply; UDP echo)
 * for the new-socket dialog, through the connection's `gateway.api` (so with its token).
 */
import type { GatewayApi, LabServiceInfo } from '../../lib/index.js';

export type { LabServiceInfo };

/** Whether the services run, and where. */
export interface LabServices {
  running: boolean;
  services: LabServiceInfo[];
}

/** Lists the lab services (none when the gateway has not started them, or cannot say). */
export async function fetchLabServices(api: GatewayApi): Promise<LabServices> {
  const services = await api.labs().then((report) => report.services, () => []);
  return { running: services.length > 0, services };
}

/** Starts the lab services on the gateway's loopback. */
export async function startLabServices(api: GatewayApi): Promise<LabServices> {
  return { running: true, services: (await api.startLabs()).services };
}
