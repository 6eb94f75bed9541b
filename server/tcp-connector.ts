import net from 'node:net';
import tls from 'node:tls';
import { ErrorCode, type TlsOptions } from '../shared/protocol.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import { registerOwner } from './labs/connection-owners.js';
import type { TargetPolicy } from './target-policy.js';
import { connectSharingReads } from './tcp-reads.js';

const tcpUnder = new WeakMap<net.Socket, net.Socket>();

/** The TCP socket under a TLS socket made by {@link connectTcp} (the socket itself for plain TCP). */
export function tcpSocketOf(socket: net.Socket): net.Socket {
  return tcpUnder.get(socket) ?? socket;
}

/** Sends RST on the connection (TCP or TLS over TCP) and destroys it. */
export function resetConnection(socket: net.Socket): void {
  const raw = tcpSocketOf(socket);
  // After our FIN (end()), libuv refuses the reset (uv_tcp_close_reset: EINVAL) and Node then
  // drops the handle without closing it: the fd leaked. A half-closed socket is closed plainly.
  if (!raw.destroyed) {
    if (raw.writableEnded) raw.destroy();
    else raw.resetAndDestroy();
  }
  socket.destroy();
}

export interface ConnectRequest {
  host: string;
  port: number;
  timeoutMs: number;
  noDelay?: boolean;
  keepAliveDelay?: number;
  tls?: TlsOptions;
  family?: 0 | 4 | 6;
  signal?: AbortSignal;
  /** The page dialling (its label), so loopback lab services can count connections per page. */
  owner?: string;
  /** Bind the client here first (a lab capture needs the exact 4-tuple before the SYN). */
  localAddress?: string;
  localPort?: number;
  /**
   * Reads go through the gateway's shared read buffer to the sink `takeReads` sets (tcp-reads.ts),
   * never as 'data' events: for a consumer that copies every read (the page relay). Not with TLS.
   */
  sharedReads?: boolean;
}

/**
 * Resolves and checks the target, then connects to the checked address (never the name
 * again, so DNS rebinding cannot redirect it). Resolves once the connection (and the TLS
 * handshake, when asked) is up; rejects with a GatewayError carrying a stable code.
 */
export async function connectTcp(policy: TargetPolicy, req: ConnectRequest): Promise<net.Socket> {
  const target = await policy.resolve(req.host, req.port, 'connect', req.family ?? 0);
  if (req.signal?.aborted) throw new GatewayError(ErrorCode.Aborted, 'connect abandoned: the page closed the socket');
  const base = {
    host: target.address,
    port: req.port,
    family: target.family,
    allowHalfOpen: true,
    noDelay: req.noDelay ?? false,
    keepAlive: (req.keepAliveDelay ?? 0) > 0,
    keepAliveInitialDelay: req.keepAliveDelay ?? 0,
    ...(req.localPort !== undefined && { localAddress: req.localAddress, localPort: req.localPort }),
  };
  // TLS runs over a TCP socket of our own, so a reset can reach the TCP handle underneath
  // (a TLSSocket's own handle is a TLSWrap, which resetAndDestroy() refuses).
  const raw = req.sharedReads && !req.tls ? connectSharingReads(base) : net.connect(base);
  const socket = req.tls
    ? tls.connect({
        socket: raw,
        servername: req.tls.servername ?? (net.isIP(req.host.replace(/^\[|\]$/g, '')) ? undefined : req.host.replace(/\.$/, '')),
        rejectUnauthorized: !req.tls.insecure,
      })
    : raw;
  if (socket !== raw) {
    tcpUnder.set(socket, raw);
    raw.once('error', (err) => socket.destroy(err));
  }
  return new Promise<net.Socket>((resolve, reject) => {
    const fail = (err: unknown) => {
      cleanup();
      socket.destroy();
      raw.destroy();
      reject(toGatewayError(err));
    };
    const timer = setTimeout(
      () => fail(new GatewayError(ErrorCode.TimedOut, `connect to ${req.host}:${req.port} timed out after ${req.timeoutMs} ms`, { osCode: 'ETIMEDOUT' })),
      req.timeoutMs,
    );
    const onAbort = () => fail(new GatewayError(ErrorCode.Aborted, 'connect abandoned: the page closed the socket'));
    const onReady = () => {
      cleanup();
      if (req.owner !== undefined) registerOwner(raw, req.owner, req.port);
      resolve(socket);
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.off(req.tls ? 'secureConnect' : 'connect', onReady);
      req.signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', fail);
    socket.once(req.tls ? 'secureConnect' : 'connect', onReady);
    req.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
