/** Loopback port helpers for tests: a port nothing listens on, and a port held only by a TIME_WAIT. */
import net from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (the kernel's pick, released). */
export async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Leaves a TIME_WAIT on the server side of a fresh port (the server closes first), then stops listening; returns the port. */
export async function timeWaitPort(): Promise<number> {
  const server = net.createServer((c) => c.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const c = net.connect(port, '127.0.0.1');
  c.resume();
  await new Promise((r) => c.once('end', r));
  c.end();
  await new Promise((r) => c.once('close', r));
  await new Promise((r) => server.close(r));
  return port;
}
