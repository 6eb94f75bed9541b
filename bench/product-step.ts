/**
 * One measured step of the product-page scenario (bench/product-page.ts): the source runs for
 * `ms` at `rate` reads a second while the page records its frame intervals and, for a click on
 * "Reset counters" every 200 ms, the time from the click to the next animation frame.
 *
 * What is counted, read from the socket view's session (`<socket-view>.session`) before and after:
 * - lines: received lines the log added (`log.lastN` counts on past the line cap; the on-screen
 *   count would shrink when the oldest tenth goes);
 * - reads: the library's `stats.messagesIn` (one per gateway read or datagram);
 * - writes (TCP): `stats.bytesIn / 64`, the ticker's 64-byte writes that arrived. Fewer reads than
 *   writes means the kernel handed the gateway several writes in one read (a byte stream may);
 *   then the shortfall is the source's and the gateway's, not the page's.
 * lines/s is lines over the source's own duration; the count is taken once the log stopped
 * growing (at most 3 s after the source ended), and `catchUpMs` says how long after the end the
 * last lines still came.
 */
import type { Page } from 'playwright-core';

export const LATE_MS = 25;

/** One measured step. */
export interface ProductStep {
  source: 'tcp' | 'udp';
  rate: number;
  ms: number;
  /** Received lines the log added. */
  lines: number;
  linesPerSec: number;
  /** Lines as a share of the reads asked (rate × ms), %. */
  deliveredPct: number;
  /** Gateway reads / datagrams the library received. */
  reads: number;
  /** TCP: 64-byte writes that arrived (bytes / 64); UDP: datagrams sent. */
  writes: number;
  /** UDP datagrams the gateway dropped for want of credit (the page's `dropped`). */
  creditDrops: number;
  frames: number;
  latePct: number;
  worstFrameMs: number;
  clickP95Ms: number;
  /** How long after the source's end lines still arrived, ms. */
  catchUpMs: number;
}

interface Counts {
  /** Number of the newest line. */
  last: number;
  /** Received lines after line `from`. */
  lines: number;
  reads: number;
  bytes: number;
  dropped: number;
}

/** The session's counts (see the file comment); `lines` counts received lines after line `from`. */
export function counts(page: Page, from = 0): Promise<Counts> {
  return page.locator('socket-view').evaluate((el, from) => {
    type Log = { lastN: number; firstN: number; dirOf(n: number): string };
    const s = (el as unknown as { session: { log: Log; libraryStats?: { messagesIn: number; bytesIn: number }; dropped?: number } }).session;
    // Every line after `from` less the few sent and event lines (counted on the kept ones: the cap may have dropped the oldest).
    let lines = s.log.lastN - from;
    for (let n = Math.max(from + 1, s.log.firstN); n <= s.log.lastN; n++) if (s.log.dirOf(n) !== 'in') lines--;
    return { last: s.log.lastN, lines, reads: s.libraryStats?.messagesIn ?? 0, bytes: s.libraryStats?.bytesIn ?? 0, dropped: s.dropped ?? 0 };
  }, from);
}

/** Installs (once) and arms the page's frame and click recorder. */
function arm(page: Page): Promise<void> {
  return page.evaluate(() => {
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
      document.addEventListener(
        'click',
        (e) => {
          const t0 = e.timeStamp;
          requestAnimationFrame(() => w.bench.on && w.bench.clicks.push(performance.now() - t0));
        },
        true,
      );
    }
    Object.assign(w.bench, { frames: [], clicks: [], on: true });
  });
}

/** Runs one step on the socket shown; `start` starts the source for `ms` and settles when it has ended. */
export async function step(page: Page, source: 'tcp' | 'udp', rate: number, ms: number, start: () => Promise<void>): Promise<ProductStep> {
  await arm(page);
  const before = await counts(page);
  const t0 = Date.now();
  let done = false;
  const running = start().then(() => (done = true));
  const box = (await page.getByTestId('reset-counters').boundingBox())!;
  while (!done || Date.now() - t0 < ms) {
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(200);
  }
  await running;
  const ended = Date.now();
  // Wait for the log to stop growing: two looks 150 ms apart that agree, 3 s at most.
  const newest = () => page.locator('socket-view').evaluate((el) => (el as unknown as { session: { log: { lastN: number } } }).session.log.lastN);
  let last = await newest();
  let lastGrowth = ended;
  while (Date.now() - ended < 3000) {
    await page.waitForTimeout(150);
    const next = await newest();
    if (next === last) break;
    last = next;
    lastGrowth = Date.now();
  }
  const r = await page.evaluate(() => {
    const b = (window as unknown as { bench: { frames: number[]; clicks: number[]; on: boolean } }).bench;
    b.on = false;
    const clicks = [...b.clicks].sort((x, y) => x - y);
    return { frames: b.frames.slice(1), clickP95: clicks[Math.min(clicks.length - 1, Math.floor(0.95 * clicks.length))] ?? 0 };
  });
  const after = await counts(page, before.last);
  const lines = after.lines;
  const asked = Math.round((rate * ms) / 1000);
  return {
    source,
    rate,
    ms,
    lines,
    linesPerSec: Math.round(lines / (ms / 1000)),
    deliveredPct: Math.round((1000 * lines) / asked) / 10,
    reads: after.reads - before.reads,
    writes: source === 'tcp' ? Math.floor((after.bytes - before.bytes) / 64) : asked,
    creditDrops: after.dropped - before.dropped,
    frames: r.frames.length,
    latePct: Math.round((1000 * r.frames.filter((f) => f > LATE_MS).length) / Math.max(1, r.frames.length)) / 10,
    worstFrameMs: Math.round(Math.max(0, ...r.frames)),
    clickP95Ms: Math.round(r.clickP95),
    catchUpMs: lastGrowth - ended,
  };
}
