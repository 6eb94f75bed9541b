/**
 * `--only wan`: a page far from its gateway. Each gateway here is reached through a delay line
 * (`--role delay-proxy`, a process of its own: every byte waits {@link WAN_DELAY_MS} each way, a
 * 20 ms round trip, with no loss and room for 64 MiB in flight), as a page on another machine
 * reaches a lab's gateway. Two gateways side by side: adaptive windows (the defaults) and windows
 * fixed where they start (`--window-max 0`), so the table shows what growing a window-limited
 * stream's windows buys when the round trip is long. (This machine's kernel has no netem, so the
 * delay is a process, not a qdisc.)
 */
import net from 'node:net';
import { GATEWAY_NODE_FLAGS } from '../server/node-flags.js';
import { sockgateLibraryPath, type BenchPath } from './paths.js';
import type { PeerPorts } from './peers.js';
import { firstLine, freePort, start, waitForPort } from './processes.js';

/** One way delay (ms). */
export const WAN_DELAY_MS = 10;
/** Bytes and reads one direction of a delay line holds before it stops reading its source. */
const LINE_BYTES = 64 << 20;
const LINE_READS = 65_536;

/** Starts both gateways, each behind its own delay line; the paths that reach them. */
export async function startWan(opts: { node: string; self: string; bundle: string; token: string; ports: PeerPorts }): Promise<BenchPath[]> {
  const rtt = `${2 * WAN_DELAY_MS} ms RTT`;
  const one = async (name: string, extra: string[]) => {
    const front = await freePort();
    const gateway = start([opts.node, ...GATEWAY_NODE_FLAGS, opts.bundle, '--port', '0', '--token', opts.token, '--quiet', '--allow-origin', `http://127.0.0.1:${front}`, ...extra]);
    const port = Number((await firstLine(gateway, /^sockgate ready: http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
    start([opts.node, opts.self, '--role', 'delay-proxy', String(front), String(port), String(WAN_DELAY_MS)], { stdio: 'ignore' });
    await waitForPort(front);
    return { ...sockgateLibraryPath(front, opts.token, opts.ports, gateway.pid!), name };
  };
  return [await one(`sockgate mux, ${rtt}`, []), await one(`sockgate mux, ${rtt}, fixed windows`, ['--window-max', '0'])];
}

/** `--role delay-proxy LISTEN TARGET MS`: forwards loopback TCP from LISTEN to TARGET, every byte MS later, both ways. */
export function runDelayProxy(listen: number, target: number, delayMs: number): void {
  const line = (from: net.Socket, to: net.Socket) => {
    let held = 0;
    let reads = 0;
    from.on('data', (chunk: Buffer) => {
      held += chunk.length;
      if (held > LINE_BYTES || ++reads > LINE_READS) from.pause();
      setTimeout(() => {
        held -= chunk.length;
        reads--;
        to.write(chunk);
        if (held <= LINE_BYTES / 2 && reads <= LINE_READS / 2 && from.isPaused()) from.resume();
      }, delayMs);
    });
    from.on('end', () => setTimeout(() => to.end(), delayMs));
  };
  net.createServer((client) => {
    client.setNoDelay(true);
    const server = net.connect({ port: target, host: '127.0.0.1', noDelay: true });
    line(client, server);
    line(server, client);
    const cut = () => { client.destroy(); server.destroy(); };
    client.on('error', cut).on('close', cut);
    server.on('error', cut).on('close', cut);
  }).listen(listen, '127.0.0.1');
}
