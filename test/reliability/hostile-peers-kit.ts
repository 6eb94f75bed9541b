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

/**
 * A port whose connections never complete: a Python listener with a full accept queue that
 * never accepts, so further handshakes stall until the connect timeout (SYNs are dropped).
 * Node cannot stop accepting, hence python3.
 */
export async function stalledPort(seconds = 30, thenServe = false) {
  const { spawn } = await import('node:child_process');
  // With thenServe, after `seconds` it accepts every queued connection and reports, per
  // connection, how many bytes arrived before the client closed ("BYTES n" lines).
  const serve = [
    'import threading',
    'def count(c):',
    '    n = 0',
    '    while True:',
    '        d = c.recv(1 << 20)',
    '        if not d: break',
    '        n += len(d)',
    "    print('BYTES', n, flush=True)",
    'while True:',
    '    c, _ = s.accept()',
    '    threading.Thread(target=count, args=(c,), daemon=True).start()',
  ];
  const script = [
    'import socket, time',
    "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
    'fill = []',
    'for i in range(3):',
    '    c = socket.socket(); c.setblocking(False)',
    "    try: c.connect(('127.0.0.1', s.getsockname()[1]))",
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'time.sleep(0.2)',
    'print(s.getsockname()[1], flush=True)',
    `time.sleep(${seconds})`,
    ...(thenServe ? serve : []),
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
  });
  const counts: number[] = [];
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (const m of buffered.matchAll(/BYTES (\d+)\n/g)) counts.push(Number(m[1]));
    buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
  });
  return { port, counts, close: () => void child.kill() };
}
