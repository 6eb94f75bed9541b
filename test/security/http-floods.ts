/**
 * Measures the HTTP-surface floods of issue 10 against a real gateway process (dist/sockgate.js,
 * or SOCKGATE_GATEWAY_BIN): 30 s of empty (then one-byte) /websockify messages at a target that
 * never reads, and a slowloris of 1,000 connections. For each: gateway RSS and fds (start, peak,
 * end) and the echo round trip of a page connected before the flood.
 *
 *   npx esbuild --bundle --platform=node --format=esm --packages=external \
 *     test/security/http-floods.ts --outfile=/tmp/http-floods.mjs && SOCKGATE_GATEWAY_BIN=dist/sockgate.js node /tmp/http-floods.mjs [seconds]
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { bystanderEcho } from '../helpers/gateway-invariant.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

const seconds = Number(process.argv[2] === '--flood' ? process.argv[5] : (process.argv[2] ?? 30));
const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples RSS, fds and a bystander page's echo round trip every 250 ms while `flood` runs. */
async function measure(name: string, gp: GatewayProcess, echoPort: number, flood: (until: number) => Promise<void>): Promise<void> {
  const page = await ProtocolClient.connect(gp.origin, gp.token);
  await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echoPort });
  const start = { rss: gp.rss(), fds: gp.fds() };
  let peakRss = start.rss;
  let peakFds = start.fds;
  const rtts: number[] = [];
  let failures = 0;
  let expected = 0;
  const until = Date.now() + seconds * 1000;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peakRss = Math.max(peakRss, gp.rss());
      peakFds = Math.max(peakFds, gp.fds());
      const payload = Buffer.from(`ping ${rtts.length}`);
      expected += payload.length;
      const t0 = performance.now();
      page.write(1, payload);
      try {
        await page.until(() => page.bytes(1).length >= expected, 5_000);
        rtts.push(performance.now() - t0);
      } catch {
        failures++;
      }
      await sleep(250);
    }
  })();
  await flood(until);
  running = false;
  await sampler;
  await sleep(2_000);
  const end = { rss: gp.rss(), fds: gp.fds() };
  await page.close();
  rtts.sort((a, b) => a - b);
  const q = (p: number) => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))]?.toFixed(2) ?? '-';
  console.log(
    `${name}: RSS ${(start.rss / MiB).toFixed(1)} → peak ${(peakRss / MiB).toFixed(1)} → ${(end.rss / MiB).toFixed(1)} MiB 2 s after; ` +
      `fds ${start.fds} → peak ${peakFds} → ${end.fds}; bystander echo p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms, ${failures} failed of ${rtts.length + failures}; alive ${gp.child.exitCode === null}`,
  );
}

/** A TCP target that accepts and never reads. */
async function stalledTarget(): Promise<{ port: number; close: () => void }> {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => {
    s.pause();
    s.on('error', () => {});
    held.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => (held.forEach((s) => s.destroy()), server.close()) };
}

/** The flooding client, in its own process so its CPU does not slow the bystander's measurement. */
async function floodClient(url: string, size: number, secondsLeft: number): Promise<void> {
  const ws = new WebSocket(url, ['binary']);
  await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
  await sleep(200);
  const payload = Buffer.alloc(size, 0x61);
  const until = Date.now() + secondsLeft * 1000;
  let sent = 0;
  while (Date.now() < until && ws.readyState === ws.OPEN) {
    for (let i = 0; i < 1000; i++) ws.send(payload);
    sent += 1000;
    while (ws.bufferedAmount > 4 * MiB && Date.now() < until) await sleep(5);
    await new Promise((r) => setImmediate(r));
  }
  console.log(`  (${sent} messages sent, ${ws.bufferedAmount} bytes still queued in the client)`);
  ws.terminate();
}

async function websockifyFlood(gp: GatewayProcess, echoPort: number, size: number): Promise<void> {
  const target = await stalledTarget();
  const url = `ws://127.0.0.1:${gp.port}/websockify?target=127.0.0.1:${target.port}&token=${gp.token}`;
  await measure(`/websockify ${size === 0 ? 'empty' : `${size}-byte`} messages, ${seconds} s`, gp, echoPort, async () => {
    const child = fork(fileURLToPath(import.meta.url), ['--flood', url, String(size), String(seconds)]);
    await new Promise((r) => child.once('exit', r));
  });
  target.close();
}

async function slowloris(gp: GatewayProcess, echoPort: number, count: number): Promise<void> {
  const sockets = new Set<net.Socket>();
  let opened = 0;
  let cut = 0;
  let newPagesOk = 0;
  let newPagesFailed = 0;
  await measure(`slowloris of ${count} connections, ${seconds} s`, gp, echoPort, async (until) => {
    const open = () => {
      const s = net.connect(gp.port, '127.0.0.1');
      opened++;
      s.on('error', () => {});
      s.resume();
      s.on('connect', () => s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${gp.port}\r\n`));
      s.on('close', () => {
        sockets.delete(s);
        cut++;
      });
      sockets.add(s);
    };
    while (Date.now() < until) {
      while (sockets.size < count) open();
      for (const s of sockets) if (s.writable) s.write('X-a: b\r\n');
      try {
        const p = await ProtocolClient.connect(gp.origin, gp.token);
        newPagesOk++;
        await p.close();
      } catch {
        newPagesFailed++;
      }
      await sleep(1000);
    }
  });
  console.log(`  (${opened} connections opened, ${cut} closed by the gateway or refused; new pages during the flood: ${newPagesOk} opened, ${newPagesFailed} refused)`);
  for (const s of sockets) s.destroy();
}

if (process.argv[2] === '--flood') {
  await floodClient(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  process.exit(0);
}
// A page refused during the slowloris (the cap is full) rejects inside the test client: expected.
process.on('unhandledRejection', () => {});
const echo = await bystanderEcho();
const only = process.env.FLOODS?.split(',');
for (const [i, run] of [
  (gp: GatewayProcess) => websockifyFlood(gp, echo.port, 0),
  (gp: GatewayProcess) => websockifyFlood(gp, echo.port, 1),
  (gp: GatewayProcess) => slowloris(gp, echo.port, 1000),
].entries()) {
  if (only && !only.includes(String(i))) continue;
  const gp = await spawnGateway(['--port', '0', '--quiet']);
  try {
    await run(gp);
  } finally {
    await gp.stop();
  }
}
await echo.close();
