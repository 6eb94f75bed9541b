/**
 * `npm run bench`: sockgate against direct TCP, websockify and wisp-js, side by side, in one
 * interleaved run. Starts its own peer, gateway, websockify and wisp-js server on loopback,
 * repeats every scenario for every path over several rounds (rotating the order), and prints
 * medians with min–max, the ratios the project targets, and writes bench/results.json.
 *
 * Flags: --rounds N, --quick (short runs, for trying changes), --only a,b (scenarios),
 * --paths a,b (column names), --gateway-node-args="…" (e.g. "--cpu-prof"), --gateway-args="…"
 * (extra sockgate flags), --baseline=FILE (a second, older sockgate bundle measured in the same
 * run as extra "[before]" columns, for before/after figures), --baseline-env=K=V,… (environment
 * for that baseline gateway, e.g. WS_NO_BUFFER_UTIL=1 with --baseline=dist/sockgate.js), --no-write,
 * --page (only the Chromium page-side figure), --only wan (bulk echo with the page 20 ms from its gateway through a delay line, adaptive against fixed windows), --product-page (only the product page's log ramp; with --baseline also the
 * baseline bundle's own page, interleaved; --product-rounds N). Roles used internally: --role peer|wisp; --role profile-summary FILE prints a CPU profile's top functions,
 * --role trace-summary FILE a Chromium trace's time per thread and event; --role report FILE re-renders a saved
 * run (bench/results.json) with the current targets.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GATEWAY_NODE_FLAGS } from '../server/node-flags.js';
import { pageSide, servePage } from './page-side.js';
import { productPage } from './product-page.js';
import { summariseProfile, summariseTrace } from './profile-summary.js';
import { directPath, sockgateLibraryPath, sockgateRawPath, sockgateWebsockifyPath, websockifyPath, type BenchPath } from './paths.js';
import { wispPath } from './wisp-path.js';
import { runDelayProxy, startWan } from './wan.js';
import { runPeer, runWispServer, type PeerPorts } from './peers.js';
import { cpuMsOf, firstLine, freePort, hasCommand, rssOf, withDescendants, start, stopAll, waitForPort, waitForQuiet } from './processes.js';
import { renderMarkdown, summarise, type Results, type Samples } from './report.js';
import { bulkEcho, idleSockets, roundTrip, smallRate, stalledReader, timing, udpRate } from './scenarios.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: 'string' },
    rounds: { type: 'string' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    paths: { type: 'string' },
    'gateway-node-args': { type: 'string' },
    'gateway-args': { type: 'string' },
    baseline: { type: 'string' },
    'baseline-env': { type: 'string' },
    'no-write': { type: 'boolean' },
    'idle-count': { type: 'string' },
    page: { type: 'boolean' },
    'product-page': { type: 'boolean' },
    'product-rounds': { type: 'string' },
    'product-profile': { type: 'string' },
    'product-trace': { type: 'string' },
  },
});

if (args.role === 'peer') await runPeer();
else if (args.role === 'profile-summary') summariseProfile(process.argv.at(-1)!);
else if (args.role === 'trace-summary') summariseTrace(process.argv.at(-1)!);
else if (args.role === 'wisp') await runWispServer();
else if (args.role === 'delay-proxy') runDelayProxy(...(process.argv.slice(-3).map(Number) as [number, number, number]));
// --role report FILE: the Markdown of a saved run (bench/results.json), judged by today's targets.
else if (args.role === 'report') console.log(renderMarkdown(JSON.parse(fs.readFileSync(process.argv.at(-1)!, 'utf8')) as Results));
else await main();

async function main(): Promise<void> {
  const started = Date.now();
  // wisp-js warns on stdout-side console for every packet that arrives after its stream closed
  // (data still in flight when a scenario ends); that is expected here and drowns the log.
  const warn = console.warn;
  console.warn = (...a: unknown[]) => void (String(a[0]).startsWith('wisp client warning') || warn(...a));
  const rounds = Number(args.rounds ?? (args.quick ? 2 : 6));
  if (args.quick) Object.assign(timing, { bulkMs: 700, warmMs: 200, smallMs: 500, rttCount: 1000, udpMs: 500 });
  const only = args['product-page'] ? new Set(['product-page']) : args.page ? new Set(['page']) : args.only ? new Set(args.only.split(',')) : undefined;
  const want = (s: string) => !only || only.has(s);
  const self = process.argv[1]!;
  const node = process.execPath;
  const log = (msg: string) => process.stderr.write(msg + '\n');

  // ---- start the far ends -------------------------------------------------------------
  const peer = start([node, self, '--role', 'peer']);
  const ports: PeerPorts = JSON.parse((await firstLine(peer, /^\{.*\}$/))[0]);

  const token = 'bench-' + Math.random().toString(36).slice(2);
  const pageServer = want('page') ? await servePage(root) : undefined;
  const idleCount = Number(args['idle-count'] ?? 10_000);
  const gatewayNodeArgs = (args['gateway-node-args'] ?? '').split(' ').filter(Boolean);
  const startGateway = async (bundle: string, env?: NodeJS.ProcessEnv) => {
    const child = start([
      node,
      ...GATEWAY_NODE_FLAGS,
      ...gatewayNodeArgs,
      bundle,
      '--port', '0', '--token', token, '--quiet',
      '--max-sockets', String(idleCount + 100),
      '--udp-rate', '10000000', '--udp-bytes-rate', '4000000000',
      ...(pageServer ? ['--allow-origin', pageServer.origin] : []),
      ...(args['gateway-args'] ?? '').split(' ').filter(Boolean),
    ], { env });
    const port = Number((await firstLine(child, /^sockgate ready: http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
    return { child, port };
  };
  const { child: gateway, port: gatewayPort } = await startGateway(path.join(root, 'dist/sockgate.js'));
  // --baseline-env=KEY=VALUE,…: the same bundle with different environment (e.g. WS_NO_BUFFER_UTIL=1).
  const baselineEnv = Object.fromEntries((args['baseline-env'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
  const before = args.baseline ? await startGateway(path.resolve(args.baseline), baselineEnv) : undefined;

  const wisp = start([node, self, '--role', 'wisp']);
  const wispPort = Number(JSON.parse((await firstLine(wisp, /^\{.*\}$/))[0]).port);

  let websockify: BenchPath | undefined;
  const wsPids: number[] = [];
  const websockifyPids = () => wsPids.flatMap(withDescendants);
  let websockifyNote = '';
  if (hasCommand('websockify')) {
    const listen: Partial<Record<keyof PeerPorts, number>> = {};
    for (const target of ['echo', 'sink'] as const) {
      const port = await freePort();
      wsPids.push(start(['websockify', `127.0.0.1:${port}`, `127.0.0.1:${ports[target]}`], { stdio: 'ignore' }).pid!);
      await waitForPort(port);
      listen[target] = port;
    }
    websockify = websockifyPath(listen, websockifyPids);
    const v = spawnSync('sh', ['-c', "dpkg-query -W -f='${Version}' websockify 2>/dev/null"]).stdout?.toString();
    websockifyNote = `websockify ${v || '(version unknown)'} (Debian package)`;
  } else {
    websockifyNote = 'websockify is not installed (Debian package `websockify`): its column is skipped';
    log(`bench: ${websockifyNote}`);
  }

  const all: BenchPath[] = [
    directPath(ports),
    sockgateWebsockifyPath(gatewayPort, token, ports, gateway.pid!),
    ...(websockify ? [websockify] : []),
    sockgateLibraryPath(gatewayPort, token, ports, gateway.pid!),
    sockgateRawPath(gatewayPort, token, ports, gateway.pid!),
    wispPath(wispPort, ports, wisp.pid!),
    ...(before
      ? [
          { ...sockgateWebsockifyPath(before.port, token, ports, before.child.pid!), name: 'sockgate /websockify [before]' },
          { ...sockgateRawPath(before.port, token, ports, before.child.pid!), name: 'sockgate mux (raw) [before]' },
          { ...sockgateLibraryPath(before.port, token, ports, before.child.pid!), name: 'sockgate mux [before]' },
        ]
      : []),
  ];
  const pathFilter = args.paths ? new Set(args.paths.split(',')) : undefined;
  const paths = all.filter((p) => !pathFilter || pathFilter.has(p.name));

  const samples: Samples = {};
  const record = (scenario: string, pathName: string, metrics: Record<string, number>) => {
    const s = (samples[scenario] ??= {});
    const p = (s[pathName] ??= {});
    for (const [k, v] of Object.entries(metrics)) (p[k] ??= []).push(v);
  };
  const errors: string[] = [];
  // Peak gateway RSS over the whole run, sampled every 50 ms: flow control must keep it bounded.
  let gatewayPeakRss = 0;
  const sampler = setInterval(() => (gatewayPeakRss = Math.max(gatewayPeakRss, rssOf(gateway.pid!))), 50);
  const ownPids = () => [peer.pid!, gateway.pid!, wisp.pid!, ...(before ? [before.child.pid!] : []), ...websockifyPids()];
  const gc = () => (globalThis as { gc?: () => void }).gc?.();

  const warmed = new Set<boolean>();
  const interleaved = async (scenario: string, usable: BenchPath[], run: (p: BenchPath) => Promise<Record<string, number>>) => {
    if (!want(scenario)) return;
    log(`bench: ${scenario} (${rounds} rounds × ${usable.length} paths)`);
    // A throwaway round first so every path is warm (JIT, connection caches) before it counts;
    // once per kind of traffic (TCP, UDP) is enough.
    if (!warmed.has(scenario === 'udp')) {
      warmed.add(scenario === 'udp');
      for (const p of usable) await run(p).catch(() => {});
    }
    for (let r = 0; r < rounds; r++) {
      const order = usable.map((_, i) => usable[(i + r) % usable.length]!);
      for (const p of order) {
        gc();
        const loadBefore = await waitForQuiet(ownPids());
        // websockify forks per connection: its children come and go, so sample their CPU until they exit.
        const bridgeCpu = () => (p.bridgePids ? p.bridgePids() : p.bridgePid ? [p.bridgePid] : []).reduce((sum, pid) => sum + cpuMsOf(pid), 0);
        const seen = new Map<number, number>();
        const track = () => {
          for (const pid of p.bridgePids?.() ?? []) seen.set(pid, cpuMsOf(pid) || (seen.get(pid) ?? 0));
        };
        const tracker = p.bridgePids ? setInterval(track, 20) : undefined;
        track();
        const start0 = new Map(seen);
        const cpu0 = bridgeCpu();
        const peer0 = cpuMsOf(peer.pid!);
        const own0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          const m = await run(p);
          const ms = performance.now() - t0;
          const cpuMs = (cpu: number) => (cpu * ms) / 100;
          if (tracker) {
            track();
            clearInterval(tracker);
            let used = 0;
            for (const [pid, t] of seen) used += t - (start0.get(pid) ?? 0);
            m.bridgeCpuPct = (100 * used) / ms;
          } else if (p.bridgePid) m.bridgeCpuPct = (100 * (bridgeCpu() - cpu0)) / ms;
          const own = process.cpuUsage(own0);
          m.clientCpuPct = (100 * (own.user + own.system)) / 1000 / ms;
          m.peerCpuPct = (100 * (cpuMsOf(peer.pid!) - peer0)) / ms;
          m.otherLoadPct = loadBefore;
          // CPU per unit of work is far steadier than throughput on a shared machine: the
          // before/after figures for the relay's own optimisations use it.
          if (m.work && m.bridgeCpuPct !== undefined) {
            m.bridgeCpuPerWork = (cpuMs(m.bridgeCpuPct) * 1e6) / m.work; // ns per byte or per message
          }
          if (m.work) m.clientCpuPerWork = (cpuMs(m.clientCpuPct) * 1e6) / m.work;
          delete m.work;
          record(scenario, p.name, m);
        } catch (err) {
          const msg = `${scenario} / ${p.name}: ${(err as Error).message}`;
          if (!errors.includes(msg)) errors.push(msg);
          log(`bench: ${msg}`);
        } finally {
          if (tracker) clearInterval(tracker);
        }
      }
    }
  };

  await interleaved('bulk', paths, (p) => bulkEcho(p, 1));
  await interleaved('rtt', paths, (p) => roundTrip(p));
  await interleaved('small', paths, (p) => smallRate(p));
  await interleaved('bulk16', paths, (p) => bulkEcho(p, 16));
  await interleaved('udp', paths.filter((p) => !p.noUdp), (p) => udpRate(p));
  if (want('wan')) {
    try {
      const wan = await startWan({ node, self, bundle: path.join(root, 'dist/sockgate.js'), token, ports });
      await interleaved('wan', wan, (p) => bulkEcho(p, 1));
    } catch (err) {
      errors.push(`wan: ${(err as Error).message}`);
    }
  }

  if (want('stalled')) {
    log('bench: stalled reader (flow control bound)');
    for (const p of paths.filter((x) => x.bridgePid && x.name !== 'sockgate mux (raw)')) {
      try {
        const m = await stalledReader(p, rssOf);
        record('stalled', p.name, m);
      } catch (err) {
        errors.push(`stalled / ${p.name}: ${(err as Error).message}`);
      }
    }
  }
  if (want('idle')) {
    for (const p of paths.filter((x) => x.name === 'sockgate mux' || x.name === 'sockgate mux [before]' || x.name === 'wisp-js')) {
      log(`bench: ${idleCount} idle sockets through ${p.name}`);
      gc();
      try {
        record('idle', p.name, await idleSockets(p, idleCount, rssOf));
      } catch (err) {
        errors.push(`idle / ${p.name}: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 1500));
    }
  }
  clearInterval(sampler);

  let page: Record<string, number | string> | undefined;
  if (pageServer) {
    log('bench: page-side chunks per second in Chromium');
    try {
      page = await pageSide({ pageOrigin: pageServer.origin, gatewayPort, token, ports });
    } catch (err) {
      errors.push(`page: ${(err as Error).message}`);
      log(`bench: page-side figure failed: ${(err as Error).message}`);
    }
  }

  if (want('product-page')) {
    log('bench: the product page\'s log in Chromium (TCP and UDP sources, 1k … 50k reads/s)');
    try {
      const gateways = [{ name: before ? 'after' : 'page', port: gatewayPort }, ...(before ? [{ name: 'before', port: before.port }] : [])];
      const product = await productPage({ gateways, rounds: Number(args['product-rounds'] ?? 1), profileDir: args['product-profile'] && path.resolve(args['product-profile']), traceDir: args['product-trace'] && path.resolve(args['product-trace']), token, ports, log });
      page = { ...page, ...Object.fromEntries(Object.entries(product).map(([k, v]) => [`product page ${k}`, v])) };
    } catch (err) {
      errors.push(`product page: ${(err as Error).message}`);
      log(`bench: product-page figure failed: ${(err as Error).message}`);
    }
  }

  pageServer?.close();
  await stopAll();

  const results: Results = {
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
    rounds,
    quick: Boolean(args.quick),
    durationSec: Math.round((Date.now() - started) / 1000),
    notes: [websockifyNote],
    limits: { gatewayPeakRssBytes: gatewayPeakRss },
    scenarios: summarise(samples),
    page,
    errors,
  };
  const md = renderMarkdown(results);
  process.stdout.write(md + '\n');
  if (!args['no-write'] && !args.quick && !only && !pathFilter) {
    fs.writeFileSync(path.join(root, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
    log('bench: wrote bench/results.json');
  }
  process.exit(0);
}
