/**
 * The gateway's built-in lab services (echo, upper-case, chat room, burst, bulk reply; UDP echo)
 * from `GET /api/labs`, and `POST /api/labs/start` to start them. The page reaches them with the
 * same credentials as the rest of the API: the gateway's cookie, or the page URL's `?token=`.
 */

/** One running lab service, as `/api/labs` lists it. */
export interface LabServiceInfo {
  name: string;
  transport: 'tcp' | 'udp';
  host: string;
  port: number;
  title: string;
  usage: string;
  clients: number;
}

/** `{running, services}` from the gateway. */
export interface LabServices {
  running: boolean;
  services: LabServiceInfo[];
}

function apiUrl(base: string, path: string): string {
  const token = new URL(location.href).searchParams.get('token');
  return `${base}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** Lists the lab services (empty when the gateway has none). */
export async function fetchLabServices(base: string): Promise<LabServices> {
  const response = await fetch(apiUrl(base, '/api/labs'), { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) return { running: false, services: [] };
  return (await response.json()) as LabServices;
}

/** Starts the lab services on the gateway's loopback. */
export async function startLabServices(base: string): Promise<LabServices> {
  const response = await fetch(apiUrl(base, '/api/labs/start'), { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`POST /api/labs/start answered ${response.status}`);
  return (await response.json()) as LabServices;
}
