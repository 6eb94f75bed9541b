/**
 * Measures the issue-10 data-path floods against a real gateway process (dist/sockgate.js):
 * 30 s of zero-length Data frames, then 30 s of one-byte Data frames (within send credit), each
 * at a peer on 127.0.0.1 that never reads. Prints gateway RSS growth and fds, and a second
 * page's echo round trip sampled during each. Run: node scripts/build.mjs, then
 *   npx esbuild test/reliability/data-path-floods.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=test/reliability/floods.tmp.mjs && node test/reliability/floods.tmp.mjs
 * Figures go into docs/SECURITY.md ("Data path and policy (issue 10)").
 */
import net from 'node:net';
import { spawnGateway } from '../helpers/gateway-process.js';
import { assertEchoes, bystanderEcho } from '../helpers/gateway-invariant.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

const SECONDS = Number(process.env.FLOOD_SECONDS ?? 30);
const MiB = 2 ** 20;

async function nonReadingPeer() {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => (s.pause(), s.on('error', () => {}), held.push(s)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => (held.forEach((s) => s.destroy()), server.close()) };
}

async function flood(name: string, send: (page: ProtocolClient) => boolean): Promise<void> {
  const echo = await bystanderEcho();
  const peer = await nonReadingPeer();
  const gp = await spawnGateway(['--port', '0', '--quiet']);
  await assertEchoes(gp, echo.port);
  const rss0 = gp.rss();
  const fds0 = gp.fds();
  const page = await ProtocolClient.connect(gp.origin, gp.token);
  await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: peer.port });
  let frames = 0;
  let peakRss = rss0;
  let peakFds = fds0;
  const rtts: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  let nextSample = Date.now() + 1000;
  while (Date.now() < end) {
    for (let i = 0; i < 2000; i++) if (send(page)) frames++;
    // Only as fast as the gateway reads: the client never queues more than 4 MiB.
    while (page.ws.bufferedAmount > 4 * MiB && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setImmediate(r));
    if (Date.now() >= nextSample) {
      nextSample += 1000;
      peakRss = Math.max(peakRss, gp.rss());
      peakFds = Math.max(peakFds, gp.fds());
      rtts.push(await assertEchoes(gp, echo.port, 10_000).catch(() => Infinity));
    }
  }
  const sorted = [...rtts].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  await page.close();
  await new Promise((r) => setTimeout(r, 1000));
  console.log(
    `${name}: ${frames} frames in ${SECONDS} s; gateway RSS +${((peakRss - rss0) / MiB).toFixed(1)} MiB at peak ` +
      `(${(rss0 / MiB).toFixed(0)} → ${(peakRss / MiB).toFixed(0)} MiB), +${((gp.rss() - rss0) / MiB).toFixed(1)} MiB 1 s after the page left; ` +
      `fds ${fds0} → peak ${peakFds} → ${gp.fds()} after; second page's echo round trip median ${q(0.5).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${rtts.length} samples)`,
  );
  await gp.stop();
  peer.close();
  await echo.close();
}

const empty = new Uint8Array([1, 0, 0, 0, 1]);
const oneByte = new Uint8Array([1, 0, 0, 0, 1, 0x61]);
await flood('zero-length Data frames', (page) => (page.sendBinary(empty), true));
// A page that honours its credit: one-byte frames until the 1 MiB window is out (the peer never reads, so no Acks return).
let spent = 0;
await flood('one-byte Data frames within credit', (page) => {
  if (spent - (page.acked.get(1) ?? 0) >= 1 << 20) return false;
  page.sendBinary(oneByte);
  spent++;
  return true;
});
