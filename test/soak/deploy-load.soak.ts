/**
 * The load figure of docs/DEPLOY.md: 200 pages × 5 TCP sockets through nginx (TLS) to two
 * gateway processes on loopback, echo round trips of 64 bytes on every socket, p50/p99 and
 * each gateway's RSS. Prints one Markdown table row set; `npm run soak` runs it.
 * PAGES, SOCKETS and ROUNDS override the sizes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { freePort, startNginx, type Nginx } from '../helpers/nginx.js';
import { echoServer } from '../helpers/peers.js';
import { echoRoundTrip, openLoadPage, pagesOn, percentile, type LoadPage } from '../deploy/deploy-kit.js';

const PAGES = Number(process.env.PAGES ?? 200);
const SOCKETS = Number(process.env.SOCKETS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const TOKEN = 'load-token';
let nginx: Nginx;
let gateways: GatewayProcess[] = [];
let echo: Awaited<ReturnType<typeof echoServer>>;

beforeAll(async () => {
  echo = await echoServer();
  const publicPort = await freePort();
  const allow = ['--allow-origin', `https://127.0.0.1:${publicPort}`];
  gateways = await Promise.all([0, 1].map(() => spawnGateway(['--port', '0', '--quiet', '--max-pages', String(PAGES), ...allow], { token: TOKEN })));
  nginx = await startNginx(gateways.map((g) => g.port), { port: publicPort });
});

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(gateways.map((g) => g.stop()));
  echo?.close();
});

it(`${PAGES} pages × ${SOCKETS} sockets through nginx to two gateways`, async () => {
  const rss0 = gateways.map((g) => g.rss());
  const pages: LoadPage[] = [];
  const t0 = performance.now();
  for (let i = 0; i < PAGES; i += 20) {
    pages.push(...(await Promise.all(Array.from({ length: Math.min(20, PAGES - i) }, () => openLoadPage(nginx.origin, TOKEN, nginx.ca, echo.port, SOCKETS)))));
  }
  const openMs = performance.now() - t0;
  const spread = await Promise.all(gateways.map(pagesOn));
  expect(spread[0]! + spread[1]!).toBe(PAGES);
  const payload = new Uint8Array(64).fill(0x61);
  const rtts: number[] = [];
  const all = pages.flatMap((p) => p.sockets);
  const t1 = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    // Every socket has one 64-byte message in flight at a time: 1,000 concurrent round trips.
    rtts.push(...(await Promise.all(all.map((s) => echoRoundTrip(s, payload)))));
  }
  const echoSeconds = (performance.now() - t1) / 1000;
  const rss = gateways.map((g) => g.rss());
  await Promise.all(pages.map((p) => p.gateway.close()));
  const mib = (b: number) => (b / 1048576).toFixed(1);
  const rows = [
    `| pages × sockets | ${PAGES} × ${SOCKETS} (${spread.join(' + ')} pages per gateway) |`,
    `| time to open all pages and sockets | ${(openMs / 1000).toFixed(1)} s |`,
    `| echo round trip, 64 B, ${all.length} in flight | p50 ${percentile(rtts, 50).toFixed(1)} ms, p99 ${percentile(rtts, 99).toFixed(1)} ms (${rtts.length} round trips) |`,
    `| echoes per second, all sockets | ${Math.round(rtts.length / echoSeconds)} |`,
    `| gateway RSS, idle → loaded | ${rss0.map(mib).join(' / ')} → ${rss.map(mib).join(' / ')} MiB |`,
    `| gateway RSS per socket (loaded − idle) | ${rss.map((b, i) => ((b - rss0[i]!) / ((spread[i]! * SOCKETS) || 1) / 1024).toFixed(1)).join(' / ')} KiB |`,
  ];
  console.log(['| measure | value |', '| --- | --- |', ...rows].join('\n'));
  expect(rtts.length).toBe(all.length * ROUNDS);
});
