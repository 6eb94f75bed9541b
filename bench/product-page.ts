/**
 * The product page's log at speed (issue 13 item 5): the real page (`client/app`, served by the
 * bench's gateway) in Chromium, one socket per source — a TCP client to the peer's ticker (paced
 * 64-byte writes) and a UDP socket fed by a sender process — through a ramp of 1k … 50k reads a
 * second, then 10 s held at 10k. Per step, measured in the page: log lines added per second (every
 * read is its own line), the share of frames later than 25 ms, the worst frame, and clicks (one
 * every 200 ms on "Reset counters") to the next animation frame, p95.
 */
import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import type { PeerPorts } from './peers.js';

const RAMP = [1000, 2000, 5000, 10_000, 20_000, 50_000];
const STEP_MS = 2000;
const HOLD = { rate: 10_000, ms: 10_000 };
const LATE_MS = 25;

/** One measured step. */
export interface ProductStep {
  source: 'tcp' | 'udp';
  rate: number;
  seconds: number;
  linesPerSec: number;
  frames: number;
  latePct: number;
  worstFrameMs: number;
  clickP95Ms: number;
}

const lineCount = async (page: Page) => Number(((await page.getByTestId('log-count').textContent()) ?? '').replace(/\D/g, ''));

/** A sender process: `rate` datagrams a second for `ms` to 127.0.0.1:port (5 ms ticks). */
function sendUdp(port: number, rate: number, ms: number): Promise<void> {
  const script = `const s=require('node:dgram').createSocket('udp4');let sent=0;const t0=Date.now();
const t=setInterval(()=>{const el=Date.now()-t0;const due=Math.min(${Math.round((rate * ms) / 1000)},Math.floor(el*${rate}/1000));
for(;sent<due;sent++)s.send(Buffer.from('tick '+String(sent).padStart(7,'0')+' temperature=21.5'),${port},'127.0.0.1');
if(el>=${ms}){clearInterval(t);setTimeout(()=>s.close(),50)}},5);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function openSocket(page: Page, kind: 'tcp' | 'udp', ticker: number): Promise<void> {
  if (kind === 'udp') {
    await page.getByTestId('new-udp').click();
    await page.getByTestId('udp-address').selectOption('127.0.0.1');
    await page.getByTestId('udp-bind-port').fill('');
  } else {
    await page.getByTestId('new-tcp').click();
    await page.getByTestId('tcp-host').fill('127.0.0.1');
    await page.getByTestId('tcp-port').fill(String(ticker));
  }
  await page.getByTestId('dialog-open').click();
  await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
}

/** Runs one step on the socket shown; `start` starts the source for `ms`. */
async function step(page: Page, source: 'tcp' | 'udp', rate: number, ms: number, start: () => Promise<void>): Promise<ProductStep> {
  await page.evaluate(() => {
    const w = window as unknown as { bench: { frames: number[]; clicks: number[]; on: boolean } };
    if (!w.bench) {
      w.bench = { frames: [], clicks: [], on: false };
      let last = performance.now();
      const tick = (now: number) => {
        if (w.bench.on) w.bench.frames.push(now - last);
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      document.addEventListener('click', (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => w.bench.on && w.bench.clicks.push(performance.now() - t0));
      }, true);
    }
    Object.assign(w.bench, { frames: [], clicks: [], on: true });
  });
  const before = await lineCount(page);
  const t0 = Date.now();
  const running = start();
  const box = (await page.getByTestId('reset-counters').boundingBox())!;
  while (Date.now() - t0 < ms) {
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(200);
  }
  await running;
  await page.waitForTimeout(300);
  const seconds = (Date.now() - t0) / 1000;
  const r = await page.evaluate(() => {
    const b = (window as unknown as { bench: { frames: number[]; clicks: number[]; on: boolean } }).bench;
    b.on = false;
    const clicks = [...b.clicks].sort((x, y) => x - y);
    return { frames: b.frames.slice(1), clickP95: clicks[Math.min(clicks.length - 1, Math.floor(0.95 * clicks.length))] ?? 0 };
  });
  const lines = (await lineCount(page)) - before;
  return {
    source,
    rate,
    seconds,
    linesPerSec: Math.round(lines / seconds),
    frames: r.frames.length,
    latePct: Math.round((1000 * r.frames.filter((f) => f > LATE_MS).length) / Math.max(1, r.frames.length)) / 10,
    worstFrameMs: Math.round(Math.max(0, ...r.frames)),
    clickP95Ms: Math.round(r.clickP95),
  };
}

/** Runs the product-page ramp for both sources; returns the figures and the ramp as text. */
export async function productPage(o: { gatewayPort: number; token: string; ports: PeerPorts; log: (m: string) => void }): Promise<Record<string, number | string>> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const out: Record<string, number | string> = {};
  try {
    for (const source of ['udp', 'tcp'] as const) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addInitScript(() => localStorage.setItem('sockgate.locale', 'en'));
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${o.gatewayPort}/?token=${o.token}`);
      await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
      await openSocket(page, source, o.ports.ticker);
      let udpPort = 0;
      if (source === 'udp') udpPort = Number(/:(\d+)$/.exec((await page.getByTestId('socket-title').textContent()) ?? '')?.[1]);
      else {
        await page.getByTestId('mode-text').click();
        await page.getByTestId('line-ending').selectOption('lf');
      }
      const start = (rate: number, ms: number) => async () => {
        if (source === 'udp') return sendUdp(udpPort, rate, ms);
        await page.getByTestId('composer-input').fill(`${rate} ${ms}`);
        await page.getByTestId('send').click();
        await new Promise((r) => setTimeout(r, ms));
      };
      const steps: ProductStep[] = [];
      for (const rate of [...RAMP, HOLD.rate]) {
        const ms = steps.length === RAMP.length ? HOLD.ms : STEP_MS;
        const s = await step(page, source, rate, ms, start(rate, ms));
        steps.push(s);
        o.log(`bench: product page ${source} ${rate}/s for ${ms / 1000} s → ${s.linesPerSec} lines/s, ${s.latePct} % late frames, worst ${s.worstFrameMs} ms, click p95 ${s.clickP95Ms} ms`);
      }
      const hold = steps.at(-1)!;
      out[`${source}: lines/s over 10 s at 10k/s asked`] = hold.linesPerSec;
      out[`${source}: late frames at 10k/s (%)`] = hold.latePct;
      out[`${source}: click p95 at 10k/s (ms)`] = hold.clickP95Ms;
      out[`${source} ramp`] = steps
        .slice(0, -1)
        .map((s) => `${s.rate / 1000}k/s→${s.linesPerSec} lines/s (${s.latePct} % late, worst ${s.worstFrameMs} ms, click p95 ${s.clickP95Ms} ms)`)
        .join('; ');
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return out;
}
