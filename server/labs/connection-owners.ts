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

/**
 * Ports whose listener asks who dialled (the lab services). Only connections to them are recorded:
 * a record costs a map entry and a close listener per socket, and 10,000 idle sockets to anything
 * else should not pay for it.
 */
const watched = new Map<number, number>();

/** Connections to loopback port `port` get their dialling page recorded until the returned function is called. */
export function watchPort(port: number): () => void {
  watched.set(port, (watched.get(port) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (watched.get(port) ?? 1) - 1;
    if (left > 0) watched.set(port, left);
    else watched.delete(port);
  };
}

/** Records that `owner` (a page label) dialled `socket` to `targetPort`, if a watched port; forgotten when the socket closes. */
export function registerOwner(socket: net.Socket, owner: string, targetPort: number): void {
  if (!watched.has(targetPort)) return;
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
