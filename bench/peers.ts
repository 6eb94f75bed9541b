/**
 * The bench's far ends, each run in its own process so their CPU is not the client's:
 * the TCP/UDP peer (echo, sink, source, UDP echo) and the wisp-js server.
 */
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** Ports the peer process listens on (all on 127.0.0.1). */
export interface PeerPorts {
  /** Echoes every byte back. */
  echo: number;
  /** Swallows bytes; when a chunk contains the sentinel byte it answers with the byte count (8 ASCII digits + \n). */
  sink: number;
  /** Writes 64 KiB chunks as fast as the connection takes them. */
  source: number;
  /** Echoes every datagram to its sender. */
  udp: number;
  /** Reads "RATE MS\n", then writes 64-byte messages at RATE per second for MS ms, one write each, evenly spaced. */
  ticker: number;
}

/** The byte that ends a small-message run; every other message byte is 'a'. */
export const SINK_SENTINEL = 0x7a;

const listen = (server: net.Server) =>
  new Promise<number>((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => resolve((server.address() as net.AddressInfo).port)));

/** Runs the TCP/UDP peer and prints its ports as one JSON line. */
export async function runPeer(): Promise<void> {
  const echo = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  const sink = net.createServer({ noDelay: true }, (s) => {
    let count = 0;
    s.on('error', () => s.destroy());
    s.on('data', (chunk: Buffer) => {
      count += chunk.length;
      if (chunk.indexOf(SINK_SENTINEL) !== -1) {
        s.write(String(count).padStart(12, '0') + '\n');
        count = 0;
      }
    });
  });
  const block = Buffer.alloc(64 * 1024, 0x62);
  const source = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => s.destroy());
    let open = true;
    s.on('close', () => (open = false));
    const pump = () => {
      while (open && s.write(block));
      if (open) s.once('drain', pump);
    };
    pump();
  });
  // Paced writes, each its own write() and (Nagle off) its own segment, spaced evenly in time so the
  // gateway can read each one alone: between two due writes the ticker sleeps (Atomics.wait, no
  // CPU) rather than spinning on setImmediate, which took a whole core from the machine it measures
  // and made the readers late, so the kernel handed them several writes per read. It yields to its
  // event loop every 20 ms. A write that falls behind is sent at once (the count stays exact).
  const tick = Buffer.alloc(64, 0x74);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  // Linux lets a timed wait end up to the thread's timer slack (50 µs by default) late; 1 ns here
  // (a process may set its own) so the ticker sleeps to within a few µs of each due write instead
  // of spinning the last 70 µs, which at 10k writes/s took 70 % of a core from the page it measures.
  let slackSet = false;
  try {
    fs.writeFileSync('/proc/self/timerslack_ns', '1');
    slackSet = true;
  } catch {
    // Not Linux, or not allowed: spin the slack instead.
  }
  const SLACK_MS = slackSet ? 0.01 : 0.07;
  const ticker = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => s.destroy());
    let line = '';
    s.on('data', (c: Buffer) => {
      line += c.toString();
      const m = /^(\d+) (\d+)\n/.exec(line);
      if (!m) return;
      line = '';
      const rate = Number(m[1]);
      const total = Math.round((rate * Number(m[2])) / 1000);
      const t0 = performance.now();
      let sent = 0;
      const slice = () => {
        const until = performance.now() + 20;
        while (!s.destroyed && sent < total) {
          const now = performance.now();
          const wait = t0 + ((sent + 1) * 1000) / rate - now;
          if (wait <= 0) {
            s.write(tick);
            sent++;
          } else if (now > until) break;
          // The kernel wakes a sleeper ~60 µs late (timer slack): sleep short of the due time, spin the rest.
          else if (wait > SLACK_MS) Atomics.wait(sleeper, 0, 0, wait - SLACK_MS);
        }
        if (!s.destroyed && sent < total) setImmediate(slice);
      };
      slice();
    });
  });
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => udp.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  udp.setRecvBufferSize(4 << 20);
  udp.setSendBufferSize(4 << 20);
  const ports: PeerPorts = { echo: await listen(echo), sink: await listen(sink), source: await listen(source), udp: udp.address().port, ticker: await listen(ticker) };
  process.stdout.write(JSON.stringify(ports) + '\n');
}

/** Runs the wisp-js server (loopback allowed) and prints its port. */
export async function runWispServer(): Promise<void> {
  const { server: wisp, logging } = await import('@mercuryworkshop/wisp-js/server');
  logging.set_level(logging.NONE);
  wisp.options.allow_loopback_ips = true;
  wisp.options.allow_private_ips = true;
  const server = http.createServer((_req, res) => res.end('wisp'));
  server.on('upgrade', (req, socket, head) => wisp.routeRequest(req, socket, head));
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: (server.address() as net.AddressInfo).port }) + '\n'));
}
