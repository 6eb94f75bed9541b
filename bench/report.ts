/**
 * Turns raw samples into medians with min–max, computes the ratios the project targets, and
 * renders the Markdown table `npm run bench` prints and bench/README.md carries.
 */

/** scenario → path → metric → one value per round. */
export type Samples = Record<string, Record<string, Record<string, number[]>>>;

export interface Stat {
  median: number;
  min: number;
  max: number;
  /** Rounds the figure is from. */
  n: number;
  /** Rounds measured, including those left out because the machine was busy. */
  measured: number;
}

/** A round counts only if other processes used less than this (% of one core) just before it. */
export const BUSY_PCT = 50;

export interface Target {
  name: string;
  value: number;
  goal: string;
  met: boolean;
}

export interface Results {
  machine: string;
  date: string;
  rounds: number;
  quick: boolean;
  durationSec: number;
  notes: string[];
  limits: Record<string, number>;
  scenarios: Record<string, Record<string, Record<string, Stat>>>;
  page?: Record<string, number | string>;
  errors: string[];
  ratios?: Record<string, number>;
  targets?: Target[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Medians and ranges per scenario, path and metric. Rounds that started while other processes
 * kept the machine busy are left out when at least two quiet rounds remain (the machine is shared).
 */
export function summarise(samples: Samples): Results['scenarios'] {
  const out: Results['scenarios'] = {};
  for (const [scenario, byPath] of Object.entries(samples)) {
    for (const [path, metrics] of Object.entries(byPath)) {
      const load = metrics.otherLoadPct;
      const quiet = load ? load.map((l, i) => (l < BUSY_PCT ? i : -1)).filter((i) => i >= 0) : [];
      for (const [metric, all] of Object.entries(metrics)) {
        const xs = quiet.length >= 2 && all.length === load!.length ? quiet.map((i) => all[i]!) : all;
        ((out[scenario] ??= {})[path] ??= {})[metric] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, measured: all.length };
      }
    }
  }
  return out;
}

const M = {
  direct: 'direct',
  sgWs: 'sockgate /websockify',
  ws: 'websockify',
  sgMux: 'sockgate mux',
  sgRaw: 'sockgate mux (raw)',
  wisp: 'wisp-js',
};

/** Bytes the stalled-reader scenario may add to the gateway: a receive window, the page's WebSocket high-water mark, and V8's slack. */
export const STALL_BOUND = (1 << 20) + (4 << 20) + (8 << 20);

/** Ratios from medians, and each target with whether this run met it. */
export function judge(r: Results): void {
  const get = (scenario: string, path: string, metric: string) => r.scenarios[scenario]?.[path]?.[metric]?.median ?? NaN;
  const ratios: Record<string, number> = {};
  const bulk = (p: string) => get('bulk', p, 'mbps');
  const p50 = (p: string) => get('rtt', p, 'p50');
  ratios['bulk sockgate /websockify ÷ websockify'] = bulk(M.sgWs) / bulk(M.ws);
  ratios['bulk sockgate /websockify ÷ direct'] = bulk(M.sgWs) / bulk(M.direct);
  ratios['bulk sockgate mux ÷ wisp-js'] = bulk(M.sgMux) / bulk(M.wisp);
  ratios['bulk sockgate mux ÷ direct'] = bulk(M.sgMux) / bulk(M.direct);
  ratios['bulk sockgate mux ÷ websockify'] = bulk(M.sgMux) / bulk(M.ws);
  ratios['bulk16 sockgate mux ÷ wisp-js'] = get('bulk16', M.sgMux, 'mbps') / get('bulk16', M.wisp, 'mbps');
  ratios['small sockgate mux ÷ wisp-js'] = get('small', M.sgMux, 'msgsPerSec') / get('small', M.wisp, 'msgsPerSec');
  for (const p of [M.sgWs, M.ws, M.sgMux, M.sgRaw, M.wisp]) ratios[`rtt p50 overhead µs: ${p}`] = p50(p) - p50(M.direct);
  // The page 20 ms from its gateway (bench/wan.ts): adaptive windows against windows fixed where they start.
  const wan = Object.keys(r.scenarios.wan ?? {});
  const fixed = wan.find((p) => p.endsWith('fixed windows'));
  const adaptive = wan.find((p) => p !== fixed);
  if (fixed && adaptive) ratios['wan bulk, adaptive ÷ fixed windows'] = get('wan', adaptive, 'mbps') / get('wan', fixed, 'mbps');
  r.ratios = ratios;

  const targets: Target[] = [];
  const t = (name: string, value: number, goal: string, met: boolean) => targets.push({ name, value, goal, met: Number.isFinite(value) && met });
  // Issue 13's targets ("Must show"), each a ratio of medians from this one interleaved run.
  const c = ratios['bulk sockgate mux ÷ wisp-js']!;
  t('bulk echo, one stream, library ÷ wisp-js', c, '≥ 1.5×', c >= 1.5);
  const c16 = ratios['bulk16 sockgate mux ÷ wisp-js']!;
  t('bulk echo, 16 streams on one page, library ÷ wisp-js', c16, '≥ 1.3×', c16 >= 1.3);
  const cpu16 = get('bulk16', M.sgMux, 'bridgeCpuPerWork') / get('bulk16', M.wisp, 'bridgeCpuPerWork');
  t('gateway CPU per byte, 16 streams, library path ÷ wisp-js server', cpu16, '≤ 1×', cpu16 <= 1);
  const small = ratios['small sockgate mux ÷ wisp-js']!;
  t('64 B messages one way, library ÷ wisp-js', small, '≥ 1.5×', small >= 1.5);
  const clientSmall = get('small', M.sgMux, 'clientCpuPerWork') / get('small', M.sgRaw, 'clientCpuPerWork');
  t('client CPU per small message, library ÷ bare client', clientSmall, '≤ 1.3×', clientSmall <= 1.3);
  const p99 = get('rtt', M.sgMux, 'p99') / get('rtt', M.sgRaw, 'p99');
  t('64 B round trip p99, library ÷ bare client', p99, '≤ 1.5×', p99 <= 1.5);
  const a = ratios['bulk sockgate /websockify ÷ websockify']!;
  t('bulk echo, /websockify endpoint ÷ websockify', a, '≥ 2×', a >= 2);
  const wsCpu = get('bulk', M.sgWs, 'bridgeCpuPerWork') / get('bulk', M.ws, 'bridgeCpuPerWork');
  t('bridge CPU per byte, /websockify endpoint ÷ websockify', wsCpu, '≤ 0.5×', wsCpu <= 0.5);
  const udpRate = get('udp', M.sgMux, 'dgramsPerSec') / get('udp', M.direct, 'dgramsPerSec');
  t('UDP datagrams echoed, library ÷ direct', udpRate, '≥ 0.6×', udpRate >= 0.6);
  const udpLoss = get('udp', M.sgMux, 'lossPct') - get('udp', M.direct, 'lossPct');
  t('UDP loss, library minus direct (points)', udpLoss, '≤ 10', udpLoss <= 10);
  const idle = r.scenarios.idle?.[M.sgMux];
  if (idle) {
    t(`idle sockets held (of the attempted count)`, idle.held!.median, '10,000', idle.held!.median >= 10_000);
    t('gateway memory per idle socket (bytes)', idle.bytesPerSocket!.median, '< 3 KiB', idle.bytesPerSocket!.median < 3 * 1024);
  }
  for (const p of [M.sgMux, M.sgWs]) {
    const g = r.scenarios.stalled?.[p]?.growthBytes?.median;
    if (g !== undefined) t(`gateway RSS growth (MiB), page stops reading for 2 s (${p})`, g / 2 ** 20, `≤ ${fmt(STALL_BOUND / 2 ** 20)} MiB`, g <= STALL_BOUND);
  }
  r.targets = targets;
}

function fmt(x: number | undefined, digits?: number): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

const cell = (s: Stat | undefined, scale = 1, digits?: number) =>
  s ? `${fmt(s.median / scale, digits)} (${fmt(s.min / scale, digits)}–${fmt(s.max / scale, digits)})` : '—';

/** The Markdown the bench prints: figures, ratios, targets. */
export function renderMarkdown(r: Results): string {
  judge(r);
  const known = [M.direct, M.sgWs, M.ws, M.sgMux, M.sgRaw, M.wisp];
  const extra = [...new Set(Object.values(r.scenarios).flatMap((s) => Object.keys(s)))].filter((p) => !known.includes(p)).sort();
  const paths = [...known, ...extra].filter((p) => Object.values(r.scenarios).some((s) => s[p]));
  const rows: [string, string, string, number, number?][] = [
    ['Bulk echo, 64 KiB writes (MB/s)', 'bulk', 'mbps', 1],
    ['64 B round trip p50 (µs)', 'rtt', 'p50', 1],
    ['64 B round trip p99 (µs)', 'rtt', 'p99', 1],
    ['64 B messages/s one way, flow-controlled (k/s)', 'small', 'msgsPerSec', 1000],
    ['16 sockets bulk on one page (MB/s, total)', 'bulk16', 'mbps', 1],
    ['Bulk echo, the page 20 ms (round trip) from its gateway (MB/s)', 'wan', 'mbps', 1],
    ['UDP 64 B datagrams/s echoed (k/s)', 'udp', 'dgramsPerSec', 1000],
    ['UDP loss (%)', 'udp', 'lossPct', 1],
    ['UDP echoes late, 0.3–1.3 s after the end (% of sent; counted as loss above)', 'udp', 'latePct', 1],
    ['Bridge CPU per datagram relayed, either way (µs)', 'udp', 'bridgeCpuPerWork', 1000],
    ['CPU during bulk, bridge (% of one core)', 'bulk', 'bridgeCpuPct', 1, 0],
    ['CPU during bulk, bench client (% of one core)', 'bulk', 'clientCpuPct', 1, 0],
    ['CPU during bulk, echo peer (% of one core)', 'bulk', 'peerCpuPct', 1, 0],
    ['Bridge CPU per byte echoed in bulk (ns)', 'bulk', 'bridgeCpuPerWork', 1],
    ['Client CPU per byte echoed in bulk (ns)', 'bulk', 'clientCpuPerWork', 1],
    ['Bridge CPU per small message (µs)', 'small', 'bridgeCpuPerWork', 1000],
    ['Client CPU per small message (µs)', 'small', 'clientCpuPerWork', 1000],
    ['Bridge CPU per byte, 16 sockets (ns)', 'bulk16', 'bridgeCpuPerWork', 1],
    ['CPU during small messages, bridge (% of one core)', 'small', 'bridgeCpuPct', 1, 0],
    ['CPU during small messages, bench client (% of one core)', 'small', 'clientCpuPct', 1, 0],
    ['Other processes\' CPU just before each bulk run (% of one core)', 'bulk', 'otherLoadPct', 1, 0],
    ['Idle TCP sockets held', 'idle', 'held', 1, 0],
    ['Bridge memory per idle socket (bytes)', 'idle', 'bytesPerSocket', 1, 0],
    ['Bridge RSS growth, page stops reading 2 s (MiB)', 'stalled', 'growthBytes', 2 ** 20],
  ];
  const lines: string[] = [];
  lines.push(`Machine: ${r.machine}. ${r.date}. ${r.rounds} rounds, interleaved; median (min–max) of the rounds that started with other processes under ${BUSY_PCT} % of a core (all rounds when fewer than two did).${r.quick ? ' QUICK RUN — not for comparison.' : ''}`);
  lines.push('');
  lines.push(`| | ${paths.join(' | ')} |`);
  lines.push(`|---|${paths.map(() => '---:').join('|')}|`);
  for (const [label, scenario, metric, scale, digits] of rows) {
    if (!r.scenarios[scenario]) continue;
    lines.push(`| ${label} | ${paths.map((p) => cell(r.scenarios[scenario]?.[p]?.[metric], scale, digits)).join(' | ')} |`);
  }
  const counts = (scenario: string) => paths.map((p) => {
    const st = Object.values(r.scenarios[scenario]?.[p] ?? {})[0];
    return st ? `${st.n}/${st.measured}` : '—';
  });
  for (const scenario of ['bulk', 'rtt', 'small', 'bulk16', 'udp']) {
    if (r.scenarios[scenario]) lines.push(`| Rounds counted / run, ${scenario} (busy rounds left out) | ${counts(scenario).join(' | ')} |`);
  }
  if (r.page) {
    lines.push('');
    lines.push(`Page side (Chromium): ${Object.entries(r.page).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}.`);
  }
  lines.push('');
  lines.push('| Ratio (medians) | value |');
  lines.push('|---|---:|');
  for (const [k, v] of Object.entries(r.ratios ?? {})) lines.push(`| ${k} | ${fmt(v)} |`);
  lines.push('');
  lines.push('| Target | this run | goal | met |');
  lines.push('|---|---:|---|---|');
  for (const t of r.targets ?? []) lines.push(`| ${t.name} | ${fmt(t.value)} | ${t.goal} | ${t.met ? 'yes' : '**MISSED**'} |`);
  lines.push('');
  lines.push(`Gateway peak RSS over the whole run: ${fmt((r.limits.gatewayPeakRssBytes ?? 0) / 2 ** 20)} MiB. Run took ${r.durationSec} s.`);
  for (const n of r.notes.filter(Boolean)) lines.push(`Note: ${n}.`);
  for (const e of r.errors) lines.push(`Error: ${e}`);
  return lines.join('\n');
}
