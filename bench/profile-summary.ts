/**
 * `node dist/bench.js --role profile-summary FILE.cpuprofile`: the top functions of a V8 CPU
 * profile (Chromium's CDP `Profiler` or `node --cpu-prof`) by self time and by total time (a
 * function's own samples plus its callees', counted once per sample however deep it recurses),
 * as % of the samples, with the idle, GC and program shares.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export function summariseProfile(file: string, top = 25): void {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const id of p.samples) {
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = name(byId.get(at)!);
      if (!seen.has(k)) (seen.add(k), total.set(k, (total.get(k) ?? 0) + 1));
    }
  }
  const all = p.samples.length;
  const pct = (v: number) => ((100 * v) / all).toFixed(1).padStart(5) + ' %';
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${pct(v)}  ${k}`).join('\n');
  process.stdout.write(`${file}: ${all} samples\n\nself:\n${list(self)}\n\ntotal:\n${list(total)}\n`);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * `--role trace-summary FILE`: a Chromium trace (`browser.startTracing`) added up per thread: the
 * threads' names, then for the busiest ones the complete events (`ph: 'X'`) with the most time.
 * Nested events count inside their parents too, so the rows of one thread add up to more than its
 * busy time; read them as "time spent in (and under) X".
 */
export function summariseTrace(file: string, top = Number(process.env.TOP ?? 14)): void {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const perThread = new Map<string, Map<string, number>>();
  let t0 = Infinity;
  let t1 = 0;
  for (const e of events as (TraceEvent & { ts?: number })[]) {
    if (e.ts !== undefined && e.ts > 0) (t0 = Math.min(t0, e.ts), (t1 = Math.max(t1, e.ts + (e.dur ?? 0))));
    if (e.ph !== 'X' || !e.dur) continue;
    const key = `${e.pid}:${e.tid}`;
    const m = perThread.get(key) ?? new Map<string, number>();
    m.set(e.name, (m.get(e.name) ?? 0) + e.dur);
    perThread.set(key, m);
  }
  const span = (t1 - t0) / 1000;
  const out: string[] = [`${file}: ${span.toFixed(0)} ms traced`];
  const threads = [...perThread].map(([k, m]) => ({ k, m, top: Math.max(...m.values()) })).sort((a, b) => b.top - a.top).slice(0, 6);
  for (const t of threads) {
    out.push(`\n${names.get(t.k) ?? t.k} (${t.k}):`);
    for (const [name, us] of [...t.m].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${((us / 1000 / span) * 100).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
  process.stdout.write(out.join('\n') + '\n');
}
