import os from 'node:os';

/** One address of one interface, with its directed broadcast address (IPv4). */
export interface InterfaceAddress {
  name: string;
  family: 'IPv4' | 'IPv6';
  address: string;
  netmask: string;
  cidr: string | null;
  broadcast: string | null;
  internal: boolean;
  scopeid?: number;
}

/** Directed broadcast: the address with every host bit set. */
export function broadcastAddress(address: string, netmask: string): string {
  const a = address.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  return a.map((octet, i) => (octet | (~m[i]! & 0xff)) & 0xff).join('.');
}

/** This host's interfaces, IPv4 first, as the page's pickers show them. */
export function listInterfaces(): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      out.push({
        name,
        family: a.family,
        address: a.address,
        netmask: a.netmask,
        cidr: a.cidr,
        broadcast: a.family === 'IPv4' ? broadcastAddress(a.address, a.netmask) : null,
        internal: a.internal,
        ...(a.family === 'IPv6' && { scopeid: a.scopeid }),
      });
    }
  }
  return out.sort((x, y) => (x.family === y.family ? 0 : x.family === 'IPv4' ? -1 : 1));
}
