import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';

/** A TCP echo server on 127.0.0.1, port 0. */
export async function echoServer(): Promise<net.Server & { port: number }> {
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

/** A TCP port on loopback with nothing listening on it (bound then closed). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A loopback port free right now (bound then closed), for a gateway that must come back on the same port. */
export const freePort = closedPort;

/** Connects a plain TCP client and collects what it receives. */
export async function tcpClient(port: number, host = '127.0.0.1'): Promise<net.Socket & { data: () => Buffer }> {
  const chunks: Buffer[] = [];
  const s = net.connect({ port, host, allowHalfOpen: true });
  s.on('data', (c) => chunks.push(c));
  s.on('error', () => {});
  await new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('error', j)));
  return Object.assign(s, { data: () => Buffer.concat(chunks) });
}

/** A UDP socket bound on loopback that records datagrams with their source. */
export async function udpPeer(address = '127.0.0.1', type: 'udp4' | 'udp6' = 'udp4') {
  // 1 MiB of receive buffer (capped by net.core.rmem_max): a burst of a few hundred small
  // datagrams must not overflow the default 208 KiB while a loaded event loop is slow to read.
  const socket = dgram.createSocket({ type, reuseAddr: true, recvBufferSize: 1 << 20 });
  const got: Array<{ data: Buffer; address: string; port: number }> = [];
  socket.on('message', (data, r) => got.push({ data, address: r.address, port: r.port }));
  await new Promise<void>((r) => socket.bind(0, address, r));
  return { socket, got, port: socket.address().port };
}

/** Polls until `predicate` is true. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Open file descriptors of this process (Linux). */
export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}
