/**
 * Pieces the deployment tests share: pages as the library in Node (wss through nginx, trusting
 * exactly nginx's self-signed certificate), echo round trips over their sockets, and which
 * gateway a page landed on.
 */
import { WebSocket } from 'ws';
import { SocketGateway } from '../../client/lib/index.js';
import type { TCPSocket } from '../../client/lib/tcp-socket.js';
import type { GatewayProcess } from '../helpers/gateway-process.js';

/** A `ws` WebSocket class that trusts `ca` (and nothing else) for wss. */
export function trustingWebSocket(ca: Buffer): new (url: string, protocols?: string | string[]) => WebSocket {
  return class TrustingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  };
}

/** One page: its gateway connection and its open echo sockets. */
export interface LoadPage {
  gateway: SocketGateway;
  sockets: { socket: TCPSocket; reader: ReadableStreamDefaultReader<Uint8Array>; writer: WritableStreamDefaultWriter<Uint8Array> }[];
}

/** Connects a page through `origin` (nginx) and opens `count` TCP sockets to 127.0.0.1:`echoPort`. */
export async function openLoadPage(origin: string, token: string, ca: Buffer, echoPort: number, count: number): Promise<LoadPage> {
  const gateway = await SocketGateway.connect(origin, { token, WebSocket: trustingWebSocket(ca) as never });
  const sockets: LoadPage['sockets'] = [];
  for (let i = 0; i < count; i++) {
    const socket = new gateway.TCPSocket('127.0.0.1', echoPort);
    const { readable, writable } = await socket.opened;
    sockets.push({ socket, reader: readable.getReader(), writer: writable.getWriter() });
  }
  return { gateway, sockets };
}

/** Writes `bytes` and reads until they all came back; resolves with the round trip in ms. */
export async function echoRoundTrip(s: LoadPage['sockets'][number], bytes: Uint8Array): Promise<number> {
  const t0 = performance.now();
  await s.writer.write(bytes);
  let got = 0;
  while (got < bytes.length) {
    const { value, done } = await s.reader.read();
    if (done) throw new Error(`socket ended after ${got} of ${bytes.length} echoed bytes`);
    got += value.byteLength;
  }
  return performance.now() - t0;
}

/** Live page count a gateway reports on /api/health (asked directly, not through the proxy). */
export async function pagesOn(gp: GatewayProcess): Promise<number> {
  const res = await fetch(`${gp.origin}/api/health`);
  return ((await res.json()) as { pages: number }).pages;
}

/** The p-th percentile (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
