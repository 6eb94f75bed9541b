/**
 * A page's `tcp.connect`, with its lab capture when asked: the capture (page-captures.ts) binds
 * the client to the local port it filters on before the dial; a failed dial tells it so.
 */
import type net from 'node:net';
import type { TcpConnectMsg } from '../shared/protocol.js';
import type { PageCaptures } from './labs/page-captures.js';
import type { PageLink } from './page-socket.js';
import { connectTcp } from './tcp-connector.js';

/** Dials `msg`'s target for the page `page` (labelled `owner`); resolves with the connected socket. */
export async function dialForPage(page: PageLink, owner: string, captures: PageCaptures, msg: TcpConnectMsg, signal: AbortSignal): Promise<net.Socket> {
  const family = msg.dnsQueryType === 'ipv6' ? 6 : msg.dnsQueryType === 'ipv4' ? 4 : 0;
  const bind = msg.capture ? await captures.begin(msg.id, page.policy, msg.host, msg.port, family) : undefined;
  try {
    return await connectTcp(page.policy, {
      ...bind,
      host: bind?.host ?? msg.host,
      port: msg.port,
      timeoutMs: Math.min(msg.timeoutMs ?? page.limits.connectTimeoutMs, page.limits.connectTimeoutMs),
      noDelay: msg.noDelay,
      keepAliveDelay: msg.keepAliveDelay,
      tls: msg.tls,
      family,
      signal,
      owner,
      sharedReads: true,
    });
  } catch (err) {
    if (bind) captures.failed(msg.id);
    throw err;
  }
}
