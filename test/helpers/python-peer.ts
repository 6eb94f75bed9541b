/**
 * A course-style Python 3 program of test/fixtures/python/ as a peer: started with `python3 -u`,
 * it prints its port first; the lines it prints later are collected. Stop them all with
 * {@link stopPythons} (in an afterEach or afterAll).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/python/', import.meta.url));

/** A Python program that printed its port first; later stdout lines are collected. */
export interface PythonPeer {
  port: number;
  child: ChildProcessWithoutNullStreams;
  /** Resolves with every line printed after the port, once `line` has been printed. */
  linesUntil(line: string): Promise<string[]>;
}

const running: ChildProcessWithoutNullStreams[] = [];

/** Kills every program started since the last call. */
export function stopPythons(): void {
  for (const child of running.splice(0)) child.kill();
}

/** Starts `script` with `args` and resolves once it printed its port. */
export function startPython(script: string, ...args: string[]): Promise<PythonPeer> {
  const child = spawn('python3', ['-u', FIXTURES + script, ...args]);
  running.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let port = 0;
  const lines: string[] = [];
  let wake = () => {};
  const exited = new Promise<never>((_, reject) => child.on('close', (code) => reject(new Error(`${script} exited with ${code}: ${stderr}`))));
  exited.catch(() => {});
  const printed = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (port === 0) {
        port = Number(line);
        resolve();
      } else {
        lines.push(line);
        wake();
      }
    });
  });
  const linesUntil = async (last: string): Promise<string[]> => {
    while (!lines.includes(last)) {
      const error = lines.find((l) => l.startsWith('error:'));
      if (error) throw new Error(`${script}: ${error}`);
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
    }
    return lines.slice(0, lines.indexOf(last));
  };
  return Promise.race([printed, exited]).then(() => ({ port, child, linesUntil }));
}
