import type net from 'node:net';

/**
 * Which page dialled each of the gateway's own loopback connections, keyed by the connection's
 * local port: a lab service sees the gateway as its client and looks the page up by the remote
 * port of what it accepted, so it can bound connections per page, not only per service.
 */
const owners = new Map<number, string>();

/** Accepted connections waiting to learn their page: the accept can run before the dialler's connect callback. */
const waiting = new Map<number, (owner: string) => void>();

/** How long an accepted loopback connection waits for the gateway to say which page dialled it. */
const CLAIM_WAIT_MS = 50;

/** Records that `owner` (a page label) dialled `socket`; forgotten when the socket closes. */
export function registerOwner(socket: net.Socket, owner: string): void {
  const port = socket.localPort;
  if (port === undefined || !socket.localAddress?.startsWith('127.')) return;
  owners.set(port, owner);
  waiting.get(port)?.(owner);
  socket.once('close', () => {
    if (owners.get(port) === owner) owners.delete(port);
  });
}

/** The page behind an accepted loopback connection, when the gateway dialled it for one. */
export function ownerOf(socket: net.Socket): Promise<string | undefined> {
  const addr = socket.remoteAddress ?? '';
  const port = socket.remotePort;
  if ((!addr.startsWith('127.') && !addr.startsWith('::ffff:127.')) || port === undefined) return Promise.resolve(undefined);
  const known = owners.get(port);
  if (known !== undefined) return Promise.resolve(known);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(port);
      resolve(undefined);
    }, CLAIM_WAIT_MS);
    waiting.set(port, (owner) => {
      clearTimeout(timer);
      waiting.delete(port);
      resolve(owner);
    });
  });
}
