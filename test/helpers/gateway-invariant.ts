import http from 'node:http';
import type net from 'node:net';
import { ErrorCode } from '../../shared/protocol.js';
import type { GatewayProcess } from './gateway-process.js';
import { echoServer } from './peers.js';
import { ProtocolClient } from './protocol-client.js';

/** Every error code the protocol defines: a reply outside this set is itself a failure. */
export const DEFINED_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** GET `path` on the gateway with the token as a bearer; resolves with the status (0 when the request failed). */
export function httpStatus(gp: GatewayProcess, path: string, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve) => {
    // agent: false — Node 20's global agent keeps the connection alive, and its descriptor would
    // stay open in the gateway for the keep-alive timeout (5 s), above the fd baseline.
    const req = http.get(`${gp.origin}${path}`, { headers: { authorization: `Bearer ${gp.token}` }, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** What a healthy gateway looked like before an attack: compared against after it. */
export interface Baseline {
  rss: number;
  fds: number;
}

/** Takes the baseline once the gateway has served one page (so lazily loaded modules are counted). */
export async function baseline(gp: GatewayProcess, echoPort: number): Promise<Baseline> {
  await assertEchoes(gp, echoPort);
  return { rss: gp.rss(), fds: gp.fds() };
}

/** A fresh page opens a TCP socket to the echo server and gets its bytes back, within `timeoutMs`. Returns the round trip in ms. */
export async function assertEchoes(gp: GatewayProcess, echoPort: number, timeoutMs = 5_000): Promise<number> {
  const page = await ProtocolClient.connect(gp.origin, gp.token);
  try {
    const opened = await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echoPort });
    if (opened.t !== 'opened') throw new Error(`bystander page could not connect: ${JSON.stringify(opened)}`);
    const payload = Buffer.from(`still alive ${Date.now()}`);
    const started = performance.now();
    page.write(1, payload);
    await page.until(() => page.bytes(1).equals(payload), timeoutMs);
    return performance.now() - started;
  } finally {
    await page.close();
  }
}

/**
 * The invariant every fuzz case ends on: the process is alive, `/api/health` answers 200, another
 * page still echoes, and (after settling, up to `settleMs`) fds are back to the baseline and RSS
 * within `rssSlackBytes` of it. Throws with what was violated.
 */
export async function assertHealthy(
  gp: GatewayProcess,
  echoPort: number,
  base: Baseline,
  opts: { settleMs?: number; rssSlackBytes?: number; fdSlack?: number } = {},
): Promise<void> {
  const { settleMs = 5_000, rssSlackBytes = 64 * 2 ** 20, fdSlack = 0 } = opts;
  if (gp.child.exitCode !== null || gp.child.signalCode !== null) {
    throw new Error(`gateway exited (${gp.child.exitCode ?? gp.child.signalCode}); stderr tail: ${gp.stderr().slice(-2000)}`);
  }
  const status = await httpStatus(gp, '/api/health');
  if (status !== 200) throw new Error(`/api/health answered ${status}`);
  await assertEchoes(gp, echoPort);
  const deadline = Date.now() + settleMs;
  for (;;) {
    const fds = gp.fds();
    const rss = gp.rss();
    if (fds <= base.fds + fdSlack && rss <= base.rss + rssSlackBytes) return;
    if (Date.now() > deadline) {
      throw new Error(`gateway did not return to baseline: fds ${fds} (baseline ${base.fds}), RSS ${(rss / 2 ** 20).toFixed(1)} MiB (baseline ${(base.rss / 2 ** 20).toFixed(1)} MiB)`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** An echo server for the bystander page, closed by the returned function. */
export async function bystanderEcho(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: net.Server & { port: number } = await echoServer();
  return { port: server.port, close: () => new Promise((r) => server.close(() => r())) };
}
