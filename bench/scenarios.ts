/**
 * The measurements, each written once against {@link BenchPath} so every path does exactly
 * the same work. Each returns plain numbers; the runner repeats, interleaves and summarises.
 */
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises';
import type { BenchPage, BenchPath, BenchStream } from './paths.js';
import { SINK_SENTINEL } from './peers.js';

/** Bytes per write in the bulk scenarios. */
export const BULK_WRITE = 64 * 1024;
/** Bytes the bulk client keeps in flight (sent, not yet echoed) per page; a deep pipe for every path. */
export const BULK_WINDOW = Number(process.env.BENCH_BULK_WINDOW ?? 4 << 20);
export const SMALL = 64;

/** Wall-clock budget per measured run, ms (the bench's --quick shortens it). */
export const timing = { bulkMs: 1200, warmMs: 300, smallMs: 1000, rttCount: 3000, udpMs: 1000 };

const block = new Uint8Array(BULK_WRITE).fill(0x61);

/** Keeps `window` bytes in flight on one echo stream; counts echoed bytes. */
function bulkPump(s: BenchStream, window: number) {
  const st = { echoed: 0, outstanding: 0, running: true, pumping: false, error: undefined as unknown };
  const pump = async () => {
    if (st.pumping) return;
    st.pumping = true;
    try {
      while (st.running && st.outstanding + BULK_WRITE <= window) {
        st.outstanding += BULK_WRITE;
        const p = s.write(block);
        if (p) await p;
      }
    } catch (err) {
      st.error = err;
    } finally {
      st.pumping = false;
    }
  };
  s.onData = (c) => {
    st.echoed += c.byteLength;
    st.outstanding -= c.byteLength;
    if (!st.pumping && st.outstanding + BULK_WRITE <= window) void pump();
  };
  void pump();
  return st;
}

/** Bulk echo on `n` streams of one page: MB/s echoed (10^6 bytes per second, counted once). */
export async function bulkEcho(path: BenchPath, n: number): Promise<{ mbps: number; work: number }> {
  const page = await path.openPage();
  try {
    const streams = await Promise.all(Array.from({ length: n }, () => page.tcp('echo')));
    const pumps = streams.map((s) => bulkPump(s, Math.max(BULK_WRITE * 2, BULK_WINDOW / n)));
    const total = () => pumps.reduce((sum, p) => sum + p.echoed, 0);
    await sleep(timing.warmMs);
    const b0 = total();
    const t0 = performance.now();
    await sleep(timing.bulkMs);
    const bytes = total() - b0;
    const secs = (performance.now() - t0) / 1000;
    for (const p of pumps) p.running = false;
    const err = pumps.find((p) => p.error)?.error;
    if (err) throw err;
    for (const s of streams) s.close();
    // `work`: every byte echoed in the whole run (warm-up included), for CPU cost per byte.
    return { mbps: bytes / secs / 1e6, work: total() };
  } finally {
    await page.close();
  }
}

/** 64-byte ping-pong on one stream: round-trip percentiles in µs. */
export async function roundTrip(path: BenchPath): Promise<{ p50: number; p99: number }> {
  const page = await path.openPage();
  try {
    const s = await page.tcp('echo');
    const msg = new Uint8Array(SMALL).fill(0x61);
    const warm = Math.min(500, timing.rttCount / 4);
    const samples = new Float64Array(timing.rttCount);
    await new Promise<void>((resolve, reject) => {
      let i = -warm;
      let got = 0;
      let t = 0;
      const next = () => {
        got = 0;
        t = performance.now();
        const p = s.write(msg);
        if (p) p.catch(reject);
      };
      s.onData = (c) => {
        got += c.byteLength;
        if (got < SMALL) return;
        if (i >= 0) samples[i] = (performance.now() - t) * 1000;
        if (++i >= timing.rttCount) return resolve();
        next();
      };
      next();
    });
    s.close();
    samples.sort();
    return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
  } finally {
    await page.close();
  }
}

/**
 * 64-byte messages one way (page → peer) as fast as the path's flow control lets them go;
 * the rate is what reached the peer, timed until the peer confirmed the last one.
 */
export async function smallRate(path: BenchPath): Promise<{ msgsPerSec: number; work: number }> {
  const page = await path.openPage();
  try {
    const s = await page.tcp('sink');
    const msg = new Uint8Array(SMALL).fill(0x61);
    const last = new Uint8Array(SMALL).fill(SINK_SENTINEL);
    let reply = '';
    const done = new Promise<number>((resolve) => {
      s.onData = (c) => {
        reply += Buffer.from(c).toString();
        if (reply.endsWith('\n')) resolve(Number(reply.trim()));
      };
    });
    const t0 = performance.now();
    const until = t0 + timing.smallMs;
    let sent = 0;
    while (performance.now() < until) {
      // A batch, then a turn of the event loop, so acknowledgements and credit get through.
      for (let k = 0; k < 256; k++) {
        sent++;
        const p = s.write(msg);
        if (p) {
          await p;
          break;
        }
      }
      await turn();
    }
    const p = s.write(last);
    if (p) await p;
    const bytes = await done;
    const secs = (performance.now() - t0) / 1000;
    if (bytes !== (sent + 1) * SMALL) throw new Error(`small-message rate: sink got ${bytes} bytes, ${(sent + 1) * SMALL} sent`);
    s.close();
    return { msgsPerSec: sent / secs, work: sent };
  } finally {
    await page.close();
  }
}

/**
 * 64-byte datagrams to the UDP echo as fast as the path takes them; what came back within 300 ms of
 * the end, what was lost, and (`latePct`) what still came back in the second after that — on a busy
 * machine a share of the "loss" is echoes queued in a slow bridge, not drops.
 */
export async function udpRate(path: BenchPath): Promise<{ dgramsPerSec: number; lossPct: number; latePct: number; work: number }> {
  const page = await path.openPage();
  try {
    const u = await page.udp!();
    const msg = new Uint8Array(SMALL).fill(0x75);
    let received = 0;
    let lastAt = 0;
    u.onMessage = () => {
      received++;
      lastAt = performance.now();
    };
    // Let the bind settle (wisp opens UDP streams lazily).
    const probe = u.send(msg);
    if (probe) await probe;
    await sleep(100);
    received = 0;
    const t0 = performance.now();
    const until = t0 + timing.udpMs;
    let sent = 0;
    while (performance.now() < until) {
      for (let k = 0; k < 64; k++) {
        sent++;
        const p = u.send(msg);
        if (p) {
          await p;
          break;
        }
      }
      await turn();
    }
    await sleep(300);
    const secs = ((lastAt || performance.now()) - t0) / 1000;
    const inTime = received;
    await sleep(1000);
    u.close();
    // `work`: datagrams the bridge relayed either way (each sent one, and each echo that came back).
    return { dgramsPerSec: inTime / secs, lossPct: (100 * Math.max(0, sent - inTime)) / sent, latePct: (100 * (received - inTime)) / sent, work: sent + received };
  } finally {
    await page.close();
  }
}

/** Opens `count` idle TCP sockets on one page; returns the bridge's RSS growth per socket. */
export async function idleSockets(path: BenchPath, count: number, rssOf: (pid: number) => number): Promise<{ held: number; bytesPerSocket: number; openMs: number }> {
  const pid = path.bridgePid!;
  const page = await path.openPage();
  const streams: BenchStream[] = [];
  try {
    await sleep(300);
    const before = rssOf(pid);
    const t0 = performance.now();
    const batch = 200;
    for (let i = 0; i < count; i += batch) {
      const got = await Promise.allSettled(Array.from({ length: Math.min(batch, count - i) }, () => page.tcp('echo')));
      for (const g of got) if (g.status === 'fulfilled') streams.push(g.value);
      if (streams.length < i) break;
    }
    const openMs = performance.now() - t0;
    await sleep(1000);
    const after = rssOf(pid);
    return { held: streams.length, bytesPerSocket: streams.length ? (after - before) / streams.length : NaN, openMs };
  } finally {
    await page.close();
  }
}

/**
 * The page stops reading while the peer sends as fast as it can: how much the bridge's
 * memory grows. Flow control should hold it to about one receive window.
 */
export async function stalledReader(path: BenchPath, rssOf: (pid: number) => number, ms = 2000): Promise<{ growthBytes: number; deliveredBeforeStall: number }> {
  const pid = path.bridgePid!;
  const page: BenchPage = await path.openPage();
  try {
    const before = rssOf(pid);
    const s = await page.tcp('source');
    let delivered = 0;
    s.onData = (c) => (delivered += c.byteLength);
    await sleep(200);
    s.setReading(false);
    const atStall = delivered;
    let peak = before;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      await sleep(100);
      peak = Math.max(peak, rssOf(pid));
    }
    s.setReading(true);
    s.close();
    return { growthBytes: peak - before, deliveredBeforeStall: atStall };
  } finally {
    await page.close();
  }
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}
