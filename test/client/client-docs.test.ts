/**
 * docs/CLIENT.md's examples are real programs: each is bundled with esbuild and run in Node
 * against a gateway and loopback peers, so the documentation cannot drift from the library.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { echoServer } from '../helpers/peers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = path.join(root, 'node_modules', '.cache', 'sockgate-docs');
const doc = fs.readFileSync(path.join(root, 'docs', 'CLIENT.md'), 'utf8');

/** The first ```js block after the heading `### title`. */
function example(title: string): string {
  const at = doc.indexOf(`\n### ${title}\n`);
  if (at < 0) throw new Error(`no example "${title}" in docs/CLIENT.md`);
  const match = /```js\n([\s\S]*?)```/.exec(doc.slice(at));
  if (!match) throw new Error(`no code block under "${title}"`);
  return match[1]!;
}

let gateway: Gateway;
const closers: Array<() => void> = [];

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
  fs.mkdirSync(outDir, { recursive: true });
});
afterAll(async () => {
  for (const close of closers) close();
  await gateway?.close();
});

/** Bundles an example and runs it; resolves with its stdout once it exits (or when `until` matches). */
async function run(title: string, env: Record<string, string>, until?: (out: string) => boolean): Promise<{ out: string; err: string; kill: () => void }> {
  const outfile = path.join(outDir, `${title.replace(/\W+/g, '-').toLowerCase()}.mjs`);
  await build({
    stdin: { contents: example(title), resolveDir: root, loader: 'ts', sourcefile: `CLIENT.md: ${title}` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  const child = spawn(process.execPath, [outfile], {
    cwd: root,
    env: { ...process.env, SOCKGATE_URL: gateway.origin, SOCKGATE_TOKEN: gateway.token, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => child.kill();
  closers.push(kill);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`example "${title}" did not finish; stdout: ${out}; stderr: ${err}`));
    }, 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (until?.(out)) {
        clearTimeout(timer);
        resolve({ out, err, kill });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 || until) resolve({ out, err, kill });
      else reject(new Error(`example "${title}" exited with ${code}; stderr: ${err}`));
    });
  });
}

describe('docs/CLIENT.md examples', () => {
  it('TCP client: GET over a half-closed connection, one line per read', async () => {
    const server = http.createServer((_req, res) => res.end('hello from http'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => server.close());
    const { out, err } = await run('TCP client', { PORT: String((server.address() as net.AddressInfo).port) });
    expect(err).toBe('');
    expect(out).toMatch(/^connected to 127\.0\.0\.1:\d+/);
    expect(out).toMatch(/read #0 at \d{4}-\d\d-\d\dT/);
    expect(out).toContain('hello from http');
  });

  it('TCP server: upper-cases what a client sends', async () => {
    const { kill } = await run('TCP server', {}, (out) => out.includes('listening on'));
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect({ port: 9999, host: '127.0.0.1', allowHalfOpen: true });
        let got = '';
        socket.on('data', (d) => (got += d));
        socket.on('end', () => resolve(got));
        socket.on('error', reject);
        socket.on('connect', () => socket.end('make me loud'));
      });
      expect(reply).toBe('MAKE ME LOUD');
    } finally {
      kill();
    }
  });

  it('UDP broadcast: the receiver sees the message and the sender address', async () => {
    const { out, err } = await run('UDP broadcast', {});
    expect(err).toBe('');
    expect(out).toMatch(/^127\.0\.0\.1:\d+ says hello, everyone/);
  });

  it('Lab services and TCP states: gateway.api with the token given to connect', async () => {
    const { out, err } = await run('Lab services and TCP states', {});
    expect(err).toBe('');
    expect(out.trim().split('\n')).toEqual([expect.stringMatching(/^.+ on 127\.0\.0\.1:\d+$/), 'page side ESTABLISHED, service side ESTABLISHED']);
  });

  it('Framed messages: three messages come back whole', async () => {
    const echo = await echoServer();
    closers.push(() => echo.close());
    const { out, err } = await run('Framed messages', { ECHO_PORT: String(echo.port) });
    expect(err).toBe('');
    expect(out.trim().split('\n')).toEqual(['5 bytes: short', `100000 bytes: ${'x'.repeat(20)}`, '12 bytes: 最后一条']);
  });
});
