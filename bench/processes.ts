/**
 * Child processes of the bench (peer, gateway, websockify, wisp-js server) and reading their
 * memory from /proc. Every child listens on loopback only and is killed by pid when the bench ends.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';

const children: ChildProcess[] = [];

/** Open-file limit the bench gives its children (10,000 idle sockets need two descriptors each across processes). */
export const NOFILE = 65536;

/** Starts `argv` under `sh -c 'ulimit -n …; exec …'` so the child gets the raised descriptor limit, keeping the same pid. */
export function start(argv: string[], opts: { env?: NodeJS.ProcessEnv; stdio?: 'pipe' | 'ignore' } = {}): ChildProcess {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('sh', ['-c', `ulimit -n ${NOFILE} 2>/dev/null || ulimit -n $(ulimit -Hn); exec ${quoted}`], {
    stdio: ['ignore', opts.stdio ?? 'pipe', opts.stdio === 'ignore' ? 'ignore' : 'inherit'],
    env: { ...process.env, ...opts.env },
  });
  children.push(child);
  return child;
}

/** The first stdout line of a child that matches `re`. */
export function firstLine(child: ChildProcess, re: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`child ${child.pid} printed nothing matching ${re} in ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`child ${child.pid} exited with ${code} before printing ${re}`)));
    rl.on('line', (line) => {
      const m = re.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

/** Resident set size of a process in bytes (VmRSS), 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Total CPU time (user + system) a process has used, in ms. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** A free loopback port (for websockify, which cannot listen on port 0 and report it). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Whether a command is on PATH. */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Stops every child this bench started (each by its own pid). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => (c.kill('SIGKILL'), resolve()), 3000).unref();
        }),
    ),
  );
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3]! + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU jiffies used by these pids (and the bench itself). */
function ownJiffies(pids: number[]): number {
  let sum = 0;
  for (const pid of [process.pid, ...pids]) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      sum += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone
    }
  }
  return sum;
}

/**
 * Other work on the machine (CPU % of one core not used by the bench's own processes) over
 * `ms`. Other engineers' test runs share this machine; the bench waits for them.
 */
export async function otherLoad(pids: number[], ms = 200): Promise<number> {
  const m0 = machineJiffies();
  const o0 = ownJiffies(pids);
  await new Promise((r) => setTimeout(r, ms));
  const m1 = machineJiffies();
  const o1 = ownJiffies(pids);
  const cores = (m1.total - m0.total) / ((ms / 1000) * 100);
  return (100 * cores * Math.max(0, m1.busy - m0.busy - (o1 - o0))) / Math.max(1, m1.total - m0.total);
}

/** Waits (up to `maxMs`) until other processes use less than `pct` % of one core; returns the load seen last. */
export async function waitForQuiet(pids: number[], pct = 25, maxMs = Number(process.env.BENCH_QUIET_WAIT_MS ?? 2500)): Promise<number> {
  const until = Date.now() + maxMs;
  for (;;) {
    const load = await otherLoad(pids);
    if (load < pct || Date.now() > until) return load;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A process and all its descendants (websockify forks one process per connection). */
export function withDescendants(pid: number): number[] {
  const out = [pid];
  try {
    const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    for (const k of kids) out.push(...withDescendants(k));
  } catch {
    // gone
  }
  return out;
}
