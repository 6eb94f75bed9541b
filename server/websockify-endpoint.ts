import type net from 'node:net';
import type { WebSocket } from 'ws';
import { CloseCode, ErrorCode } from '../shared/protocol.js';
import type { Limits } from './config.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import { ByteBucket, PacedStream, type SendBuckets } from './send-rate.js';
import { connectTcp } from './tcp-connector.js';
import type { TargetPolicy } from './target-policy.js';

// The target socket runs with TCP_NODELAY, as websockify's does: VNC updates and keystrokes are
// small writes that must not wait for Nagle.

/** Parses `HOST:PORT` or `[IPv6]:PORT` from `?target=`. */
export function parseTarget(target: string | null): { host: string; port: number } {
  const m = target ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(target) : null;
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new GatewayError(ErrorCode.BadOption, `target must be HOST:PORT or [IPv6]:PORT, got ${JSON.stringify(target ?? '')}`);
  }
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * Most writes queued on one target socket (or parked before it connects) before the WebSocket
 * stops being read: each queued write costs ~200 bytes beyond its payload, so tiny messages must
 * be bounded by count as well as by bytes.
 */
export const MAX_QUEUED_WRITES = 1024;

/** A WebSocket reason is at most 123 bytes. */
const reason = (text: string) => Buffer.from(text).subarray(0, 123).toString().replace(/\uFFFD$/, '');

/**
 * websockify-compatible relay: one WebSocket is one TCP connection, raw bytes in binary
 * frames both ways. Bounded both ways: TCP reads stop while the WebSocket has a receive
 * window queued; WebSocket reads stop while the TCP socket has a send window queued.
 */
export function relayWebsockify(
  ws: WebSocket,
  target: { host: string; port: number },
  ctx: {
    policy: TargetPolicy;
    limits: Limits;
    audit: (event: string, fields: Record<string, string | number | undefined>) => void;
    label: string;
    /** The grant's shared byte-rate bucket, if it has one (`--send-rate` adds one per stream). */
    buckets?: SendBuckets;
    /** Every stream's bytes, counted as they move (for /metrics while streams are live). */
    traffic?: { in: number; out: number };
  },
): void {
  let tcp: net.Socket | undefined;
  let bytesIn = 0;
  let bytesOut = 0;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  // Writes handed to the target socket whose callback has not run yet.
  let queued = 0;
  let corked = false;
  const abort = new AbortController();
  const where = `${target.host}:${target.port}`;
  const buckets = [...(ctx.limits.sendBytesPerSecond > 0 ? [new ByteBucket(ctx.limits.sendBytesPerSecond)] : []), ...(ctx.buckets ?? [])];
  const paced = buckets.length > 0 ? new PacedStream(buckets, (chunk) => submit(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) : undefined;
  const traffic = ctx.traffic ?? { in: 0, out: 0 };

  ws.on('message', (data: Buffer, isBinary) => {
    // An empty message carries no byte: queuing a write for it would cost memory for nothing.
    if (data.length === 0) return;
    if (!isBinary) data = Buffer.from(data); // websockify accepts text frames as bytes too
    if (!tcp) {
      pending.push(data);
      pendingBytes += data.length;
      // Until the target answers (up to the connect timeout) stop reading the WebSocket once a
      // send window (or MAX_QUEUED_WRITES messages) is parked: no unbounded data here.
      if (pendingBytes >= ctx.limits.sendWindow || pending.length >= MAX_QUEUED_WRITES) ws.pause();
      return;
    }
    writeTcp(data);
  });
  ws.on('close', () => {
    abort.abort();
    paced?.stop();
    if (tcp && !tcp.destroyed) {
      tcp.end();
      setTimeout(() => tcp?.destroy(), 2000).unref();
    }
  });
  ws.on('error', () => tcp?.destroy());

  const full = () => queued >= MAX_QUEUED_WRITES || tcp!.writableLength + (paced?.held ?? 0) >= ctx.limits.sendWindow;
  function writeTcp(data: Buffer): void {
    if (!paced) return submit(data);
    paced.write(data);
    if (full()) ws.pause();
  }
  function submit(data: Buffer): void {
    bytesOut += data.length;
    traffic.out += data.length;
    queued++;
    // One writev for all the messages of one WebSocket read: a flood of tiny messages must not
    // cost a syscall (and a TCP segment, with TCP_NODELAY) each.
    if (!corked) {
      corked = true;
      tcp!.cork();
      process.nextTick(() => {
        corked = false;
        tcp!.uncork();
      });
    }
    tcp!.write(data, () => {
      queued--;
      if (ws.isPaused && !full()) ws.resume();
    });
    if (full()) ws.pause();
  }

  connectTcp(ctx.policy, { host: target.host, port: target.port, timeoutMs: ctx.limits.connectTimeoutMs, signal: abort.signal, noDelay: true })
    .then((socket) => {
      tcp = socket;
      ctx.audit('open', { page: ctx.label, kind: 'websockify', remote: where });
      if (ws.readyState !== ws.OPEN) return void socket.destroy();
      for (const data of pending.splice(0)) writeTcp(data);
      pendingBytes = 0;
      if (ws.isPaused && !full()) ws.resume();
      const raw = (ws as unknown as { _socket: net.Socket })._socket;
      socket.on('data', (chunk) => {
        bytesIn += chunk.length;
        traffic.in += chunk.length;
        ws.send(chunk, { binary: true });
        if (ws.bufferedAmount >= ctx.limits.receiveWindow) {
          socket.pause();
          raw.once('drain', () => socket.resume());
        }
      });
      socket.on('end', () => ws.close(CloseCode.Normal, 'Target closed'));
      socket.on('error', (err) => {
        const e = toGatewayError(err);
        ws.close(CloseCode.TargetFailed, reason(`${e.code}: ${e.message}`));
      });
      socket.on('close', () => {
        if (ws.readyState === ws.OPEN) ws.close(CloseCode.Normal, 'Target closed');
        ctx.audit('close', { page: ctx.label, kind: 'websockify', remote: where, in: bytesIn, out: bytesOut });
      });
    })
    .catch((err) => {
      const e = toGatewayError(err);
      ctx.audit(e.code === ErrorCode.Denied ? 'deny' : 'open-failed', { page: ctx.label, kind: 'websockify', target: where, code: e.code, rule: e.extra.rule });
      if (ws.readyState === ws.OPEN) ws.close(CloseCode.TargetFailed, reason(`${e.code}: ${e.message}`));
    });
}
