import { spawn, type ChildProcess } from 'node:child_process';
import { PYTHON_PRELUDE } from '../../shared/course-servers.js';
import { LAB_HOST, type LabService, type LabServiceInfo } from './lab-service.js';

/** How long a Python lab program may take to say its port. */
const START_TIMEOUT_MS = 5000;

/** The Python 3 the lab programs run with (`SOCKGATE_PYTHON` overrides, for hosts where it is not `python3`). */
export const PYTHON = process.env.SOCKGATE_PYTHON || 'python3';

/**
 * A lab service that is a real Python 3 program (the course's own code), run as a child of the
 * gateway on 127.0.0.1, port 0. Used where Node cannot behave like the course's server: a loop
 * server that leaves connections in the kernel's accept queue, a bind without SO_REUSEADDR.
 * The program prints `PORT n` once listening; it exits when the gateway closes its stdin.
 */
export class PythonLabService implements LabService {
  private child: ChildProcess | undefined;
  private port = 0;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly title: string,
    readonly usage: string,
    private readonly code: string,
    private readonly args: readonly string[] = [],
  ) {}

  /** Starts the program and waits for its port; rejects with Python's own words when it fails. */
  async listen(): Promise<void> {
    const child = spawn(PYTHON, ['-I', '-u', '-c', PYTHON_PRELUDE + this.code, ...this.args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      if (stderr.length < 4000) stderr += s;
    });
    child.stdin!.on('error', () => {});
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${this.name}: ${why}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
      };
      const timer = setTimeout(() => fail(`${PYTHON} did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      child.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? `needs ${PYTHON}, which is not installed on the gateway's host` : err.message));
      child.once('exit', (code) => fail(`${PYTHON} exited with code ${code}`));
      child.stdout!.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /^PORT (\d+)$/m.exec(out);
        if (!m) return;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout!.removeAllListeners('data').resume();
        resolve(Number(m[1]));
      });
    });
  }

  /** The program's pid (tests look at its sockets). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  info(): LabServiceInfo {
    return { name: this.name, transport: 'tcp', host: LAB_HOST, port: this.port, title: this.title, usage: this.usage, clients: 0 };
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await this.exited;
  }
}
