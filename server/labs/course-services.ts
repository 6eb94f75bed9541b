import { COURSE_BACKLOG, COURSE_SERVER_CODE, COURSE_SERVER_NAMES, COURSE_SERVER_TITLES } from '../../shared/course-servers.js';
import type { LabServiceInfo } from './lab-service.js';
import { PythonLabService } from './python-lab-service.js';
import { readTcpTable, endpointKey, type TcpTableEntry } from '../tcp-states.js';

/** The course's loop, threaded and select servers, each its own Python 3 program (not started). */
export function courseServers(): PythonLabService[] {
  return COURSE_SERVER_NAMES.map(
    (name) => new PythonLabService(name, COURSE_SERVER_TITLES[name], 'any text; each recv(1024) comes back upper-cased', COURSE_SERVER_CODE[name]),
  );
}

/**
 * Adds what the kernel says about each TCP service's listen socket: connections waiting in its
 * accept queue (the LISTEN row's rx_queue on Linux), connections still in SYN_SENT towards it,
 * and, for the course's programs, the connections the kernel holds on their side. Unchanged
 * where the host has no /proc.
 */
export async function withKernelQueues(services: LabServiceInfo[]): Promise<LabServiceInfo[]> {
  if (!services.some((s) => s.transport === 'tcp')) return services;
  const table = await readTcpTable('/proc');
  if (!table) return services;
  return services.map((s) => (s.transport === 'tcp' ? { ...s, ...queuesOf(table, s) } : s));
}

function queuesOf(table: TcpTableEntry[], s: LabServiceInfo): Partial<LabServiceInfo> {
  const key = endpointKey(s.host, s.port);
  let acceptQueue = 0;
  let synSent = 0;
  let held = 0;
  for (const e of table) {
    if (e.local === key && e.state === 'LISTEN') acceptQueue = e.rxQueue;
    else if (e.remote === key && e.state === 'SYN_SENT') synSent++;
    else if (e.local === key && e.state === 'ESTABLISHED') held++;
  }
  const course = (COURSE_SERVER_NAMES as readonly string[]).includes(s.name);
  return { acceptQueue, synSent, ...(course && { backlog: COURSE_BACKLOG, clients: held }) };
}
