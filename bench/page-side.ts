/**
 * The page-side figure: in real Chromium (Debian's, through playwright-core), how many
 * received chunks per second a page's log can show without dropping frames. The page is
 * bench/page/log-page.ts, bundled here with esbuild and served from a loopback server
 * whose origin the gateway is told to allow.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PeerPorts } from './peers.js';

/** Rates (messages per second) the ramp asks the ticker for. */
const RAMP = [500, 1000, 2000, 5000, 10_000, 20_000];
const STEP_MS = 1500;
/** A rate "shows without dropping frames" while at most this share of frames is late. */
const DROP_TOLERANCE = 0.02;

/** The page's own HTTP server; started before the gateway so the gateway can allow its origin. */
export async function servePage(root: string): Promise<{ origin: string; close: () => void }> {
  const { build } = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-bench-page-'));
  await build({
    entryPoints: [path.join(root, 'bench/page/log-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'page.js'),
    tsconfig: path.join(root, 'client/tsconfig.json'),
    logLevel: 'warning',
  });
  const html = `<!doctype html><meta charset="utf-8"><title>sockgate bench log</title>
<style>body{margin:0;font:12px/16px monospace}#log{height:100vh;overflow:hidden;white-space:pre;contain:strict}#log div{height:16px}</style>
<div id="log"></div><script type="module" src="/page.js"></script>`;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/page.js')) return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(path.join(dir, 'page.js')));
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the ramp in Chromium; returns the best rate shown without dropped frames, and the ramp. */
export async function pageSide(o: { pageOrigin: string; gatewayPort: number; token: string; ports: PeerPorts }): Promise<Record<string, number | string>> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${o.pageOrigin}/?gateway=${encodeURIComponent(`http://127.0.0.1:${o.gatewayPort}`)}&token=${o.token}&ticker=${o.ports.ticker}`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 15_000 }).catch(() => {
      throw new Error(`page did not start: ${errors.join('; ') || 'no error reported'}`);
    });
    type Step = { rate: number; chunksPerSec: number; frames: number; droppedFrames: number; worstFrameMs: number };
    const steps: Step[] = [];
    const ramp = async (render: boolean) => {
      const steps: Step[] = [];
      for (const rate of RAMP) {
        const r = await page.evaluate(
          ([rate, ms, render]) => (window as unknown as { runStep: (a: number, b: number, c: boolean) => Promise<Step> }).runStep(rate as number, ms as number, render as boolean),
          [rate, STEP_MS, render] as const,
        );
        steps.push(r);
        process.stderr.write(`bench: page${render ? '' : ' (not rendered)'} ${rate}/s asked → ${Math.round(r.chunksPerSec)} chunks/s, ${r.droppedFrames}/${r.frames} frames late, worst ${Math.round(r.worstFrameMs)} ms\n`);
      }
      const smooth = steps.filter((s) => s.frames > 0 && s.droppedFrames / s.frames <= DROP_TOLERANCE);
      return { best: smooth.reduce((m, s) => Math.max(m, s.chunksPerSec), 0), text: steps.map((s) => `${s.rate}/s→${Math.round(s.chunksPerSec)} (${s.droppedFrames}/${s.frames} late, worst ${Math.round(s.worstFrameMs)} ms)`).join('; ') };
    };
    const shown = await ramp(true);
    const bare = await ramp(false);
    return {
      'chunks/s shown with ≤2% late frames': shown.best,
      'chunks/s read, not rendered, with ≤2% late frames': bare.best,
      page: 'bench/page/log-page.ts (minimal page on client/lib; log rendered per animation frame, newest 200 lines)',
      ramp: shown.text,
      'ramp not rendered': bare.text,
    };
  } finally {
    await browser.close();
  }
}
