/**
 * The product page's log at speed (issue 13 item 5): the real page (`client/app`, served by the
 * bench's gateway) in Chromium, one socket per source — a TCP client to the peer's ticker (paced
 * 64-byte writes) and a UDP socket fed by a sender process — through a ramp of 1k … 50k reads a
 * second, then 10 s held at 10k. What one step measures: bench/product-step.ts.
 *
 * With several gateways (the bench's `--baseline`: a bundle in its own directory serves its own
 * page build beside it, e.g. dist/before/sockgate.js with dist/before/public) every round runs
 * each source on each gateway in turn, the order rotating, so a before and an after page meet the
 * same moments of a shared machine. `--product-rounds N` sets the rounds (1 by default).
 * `--product-profile DIR` writes a Chromium CPU profile of the page (CDP `Profiler`) during each
 * 10 s hold to DIR/<gateway>-<source>-<round>.cpuprofile (open it in DevTools, or summarise it
 * with `node dist/bench.js --role profile-summary FILE`); `--product-trace DIR` a Chromium trace
 * of each hold (DevTools timeline categories; `--role trace-summary FILE` adds up its events).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PeerPorts } from './peers.js';
import { step, type ProductStep } from './product-step.js';

const RAMP = [1000, 2000, 5000, 10_000, 20_000, 50_000];
const STEP_MS = 2000;
const HOLD = { rate: 10_000, ms: 10_000 };

/** A gateway whose page is measured: `name` labels its rows. */
export interface ProductGateway {
  name: string;
  port: number;
}

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

/** The ramp and the hold for one source on one gateway's page, in a fresh browser context. */
async function runSource(browser: Browser, gw: ProductGateway, token: string, source: 'tcp' | 'udp', ports: PeerPorts, log: (m: string) => void, profile?: string, trace?: string): Promise<ProductStep[]> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('sockgate.locale', 'en'));
  const page = await context.newPage();
  try {
    await page.goto(`http://127.0.0.1:${gw.port}/?token=${token}`);
    await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
    await openSocket(page, source, ports.ticker);
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
      const hold = steps.length === RAMP.length;
      const ms = hold ? HOLD.ms : STEP_MS;
      const cdp = hold && profile ? await context.newCDPSession(page) : undefined;
      if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.setSamplingInterval', { interval: 200 })).then(() => cdp.send('Profiler.start'));
      if (hold && trace) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'gpu', 'viz'] });
      const s = await step(page, source, rate, ms, start(rate, ms));
      if (hold && trace) {
        fs.mkdirSync(path.dirname(trace), { recursive: true });
        fs.writeFileSync(trace, await browser.stopTracing());
        log(`bench: wrote ${trace}`);
      }
      if (cdp && profile) {
        fs.mkdirSync(path.dirname(profile), { recursive: true });
        fs.writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
        log(`bench: wrote ${profile}`);
      }
      steps.push(s);
      log(
        `bench: product page [${gw.name}] ${source} ${rate}/s for ${ms / 1000} s → ${s.linesPerSec} lines/s (${s.deliveredPct} % of asked; ` +
          `reads ${s.reads}, writes ${s.writes}, credit drops ${s.creditDrops}), ${s.latePct} % late frames, worst ${s.worstFrameMs} ms, ` +
          `click p95 ${s.clickP95Ms} ms, caught up ${s.catchUpMs} ms after, load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
    return steps;
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const cell = (xs: number[], unit = '') => {
  const m = median(xs);
  const t = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1 }) + unit;
  return xs.length > 1 ? `${t(m)} (${t(Math.min(...xs))}–${t(Math.max(...xs))})` : t(m);
};

/** A Markdown table of one source's steps over the rounds, one column group per gateway. */
function table(source: 'tcp' | 'udp', gateways: ProductGateway[], runs: Map<string, ProductStep[][]>): string {
  const head = ['asked', ...gateways.flatMap((g) => [`lines/s [${g.name}]`, `late frames [${g.name}]`, `worst frame [${g.name}]`, `click p95 [${g.name}]`])];
  const rows = [...RAMP, HOLD.rate].map((rate, i) => {
    const label = i === RAMP.length ? `**${rate / 1000}k/s for 10 s**` : `${rate / 1000}k/s`;
    return [
      label,
      ...gateways.flatMap((g) => {
        const steps = (runs.get(`${g.name} ${source}`) ?? []).map((r) => r[i]!).filter(Boolean);
        return [cell(steps.map((s) => s.linesPerSec)), cell(steps.map((s) => s.latePct), ' %'), cell(steps.map((s) => s.worstFrameMs), ' ms'), cell(steps.map((s) => s.clickP95Ms), ' ms')];
      }),
    ];
  });
  return [`${source.toUpperCase()}:`, `| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Runs the product-page ramp for both sources on every gateway, `rounds` times interleaved; returns the hold figures. */
export async function productPage(o: { gateways: ProductGateway[]; rounds?: number; profileDir?: string; traceDir?: string; token: string; ports: PeerPorts; log: (m: string) => void }): Promise<Record<string, number | string>> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const runs = new Map<string, ProductStep[][]>();
  const rounds = o.rounds ?? 1;
  try {
    for (let round = 0; round < rounds; round++) {
      const order = o.gateways.map((_, i) => o.gateways[(i + round) % o.gateways.length]!);
      for (const source of ['udp', 'tcp'] as const) {
        for (const gw of order) {
          const key = `${gw.name} ${source}`;
          runs.set(key, [...(runs.get(key) ?? []), await runSource(browser, gw, o.token, source, o.ports, o.log, o.profileDir && path.join(o.profileDir, `${gw.name}-${source}-${round + 1}.cpuprofile`), o.traceDir && path.join(o.traceDir, `${gw.name}-${source}-${round + 1}.trace.json`))]);
        }
      }
    }
  } finally {
    await browser.close();
  }
  o.log(`bench: product page, ${rounds} round(s):\n${table('udp', o.gateways, runs)}\n\n${table('tcp', o.gateways, runs)}`);
  const out: Record<string, number | string> = {};
  for (const gw of o.gateways) {
    const tag = o.gateways.length > 1 ? ` [${gw.name}]` : '';
    for (const source of ['udp', 'tcp'] as const) {
      const holds = (runs.get(`${gw.name} ${source}`) ?? []).map((r) => r.at(-1)!);
      out[`${source}: lines/s over 10 s at 10k/s asked${tag}`] = median(holds.map((s) => s.linesPerSec));
      out[`${source}: late frames at 10k/s (%)${tag}`] = median(holds.map((s) => s.latePct));
      out[`${source}: click p95 at 10k/s (ms)${tag}`] = median(holds.map((s) => s.clickP95Ms));
    }
  }
  return out;
}
