import net from 'node:net';

/**
 * Loopback peers that misbehave on purpose, shared by the hostile-page, hostile-peer and soak
 * tests. Each returns its port and a close() that also destroys every connection it holds.
 */

async function serve(handler: (s: net.Socket) => void) {
  const conns = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    s.on('error', () => {});
    handler(s);
  });
  // A deep accept queue: a thousand connects at once must not overflow it (the kernel would
  // drop the handshake's last ACK and the connection would sit idle for seconds).
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    connections: conns,
    close: () =>
      new Promise<void>((r) => {
        for (const s of conns) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Sends without end on every connection, as fast as the connection takes it; counts what it wrote. */
export async function blasterPeer(chunk = 64 * 1024) {
  const buf = Buffer.alloc(chunk, 0x5a);
  let written = 0;
  const peer = await serve((s) => {
    const pump = () => {
      while (!s.destroyed && s.writable) {
        written += buf.length;
        if (!s.write(buf)) return void s.once('drain', pump);
      }
    };
    pump();
  });
  return Object.assign(peer, { written: () => written });
}

/** Accepts and never reads a byte (the kernel's buffers fill, then the sender must stop). */
export async function deafPeer() {
  return serve((s) => s.pause());
}

/** Echoes every byte back. */
export async function echoPeer() {
  return serve((s) => s.pipe(s));
}
