/** The sockets of a lab connection as the TCP-state panel watches them, and which of them are closed. */
import { endpoint } from '../../lib/gateway-api.js';
import { msg } from '../i18n.js';
import type { LabConnection } from './lab-connection.js';
import type { WatchedSocket } from './tcp-state-panel.js';

/** The listener (pair only), the page's client and the accepted socket (pair only), with their addresses. */
export function watchedSockets(conn: LabConnection | undefined): WatchedSocket[] {
  if (!conn) return [];
  const out: WatchedSocket[] = [];
  const c = conn.client.info;
  if (conn.serverAddress) {
    out.push({ key: 'listener', label: msg("page's server (listening)", { id: 'lab.sock.listener' }), local: endpoint(conn.serverAddress.address, conn.serverAddress.port), closable: true });
  }
  out.push({
    key: 'client',
    label: msg('client socket (page)', { id: 'lab.sock.client' }),
    local: endpoint(c.localAddress, c.localPort),
    remote: endpoint(c.remoteAddress, c.remotePort),
    closable: true,
    showPeer: !conn.accepted,
  });
  if (conn.accepted) {
    const a = conn.accepted.info;
    out.push({
      key: 'accepted',
      label: msg('accepted socket (page)', { id: 'lab.sock.accepted' }),
      local: endpoint(a.localAddress, a.localPort),
      remote: endpoint(a.remoteAddress, a.remotePort),
      closable: true,
    });
  }
  return out;
}

/** Keys of the watched sockets the page has closed (the panel disables their close() buttons). */
export function closedKeys(conn: LabConnection | undefined): string[] {
  if (!conn) return [];
  return [conn.client.status === 'closed' ? 'client' : '', conn.accepted?.status === 'closed' ? 'accepted' : '', conn.server ? '' : 'listener'];
}
