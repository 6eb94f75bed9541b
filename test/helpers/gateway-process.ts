import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bundled gateway CLI (`npm run build` first), or SOCKGATE_GATEWAY_BIN to test another build. */
export const GATEWAY_BIN = process.env.SOCKGATE_GATEWAY_BIN ?? path.join(root, 'dist', 'sockgate.js');

/** A gateway running as its own process (`node dist/sockgate.js …`), as users run it. */
export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  /** `http://host:port` */
  origin: string;
  port: number;
  token: string;
  /** Everything the process wrote to stderr so far (the audit log). */
  stderr(): string;
  /** Resident memory of the gateway process, bytes (from /proc). */
  rss(): number;
  /** Open file descriptors of the gateway process (from /proc). */
  fds(): number;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns the built gateway with `args` (add `--port 0`; the token defaults to a fixed one) and
 * resolves once it prints its URL. `netns` runs it inside that network namespace via
 * `ip netns exec` (root only); the pid is then that of `ip`, which execs node in place.
 */
export async function spawnGateway(args: string[], opts: { netns?: string; token?: string; timeoutMs?: number } = {}): Promise<GatewayProcess> {
  if (!fs.existsSync(GATEWAY_BIN)) throw new Error(`${GATEWAY_BIN} is missing: run npm run build first`);
  const token = opts.token ?? 'test-token';
  const argv = [GATEWAY_BIN, '--token', token, ...args];
  const child = opts.netns ? spawn('ip', ['netns', 'exec', opts.netns, process.execPath, ...argv]) : spawn(process.execPath, argv);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${opts.timeoutMs ?? 10_000} ms; stderr: ${err}`)), opts.timeoutMs ?? 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /sockgate ready: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]!));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before it was ready; stderr: ${err}`));
    });
  });
  const pid = child.pid!;
  const proc = (file: string) => `/proc/${pid}/${file}`;
  return {
    child,
    pid,
    origin: url.origin,
    port: Number(url.port),
    token,
    stderr: () => err,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(proc('status'), 'utf8'))![1]) * 1024,
    fds: () => fs.readdirSync(proc('fd')).length,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
