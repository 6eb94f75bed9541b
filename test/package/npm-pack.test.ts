// sockgate as a package (issue 15 item 5): `npm pack` from a clean copy of the sources (no dist/,
// so the prepack build is what ships), a global install under a temporary prefix (the machine's
// global directory is untouched), the installed `sockgate` bin serving the page and the API,
// and `sockgate/client` imported and type-checked from a fresh project.
// The runtime dependencies come from the npm cache (--prefer-offline) or else the registry.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
// Sources only: what a fresh checkout has. Build outputs and local state stay behind.
const SKIP = new Set(['node_modules', 'dist', '.git', 'test-artifacts']);

let tmp: string;
let tgz: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-pack-'));
  const src = path.join(tmp, 'src');
  fs.cpSync(root, src, { recursive: true, filter: (from) => !SKIP.has(path.basename(from)) || path.dirname(from) !== root });
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(src, 'node_modules'));
  const { stdout } = await run('npm', ['pack', '--pack-destination', tmp, '--loglevel=error'], { cwd: src, timeout: 60_000 });
  tgz = path.join(tmp, stdout.trim().split('\n').pop()!);
  expect(fs.existsSync(tgz)).toBe(true);
}, 90_000);
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('installs globally and the bin serves the page and the API from a clean directory', async () => {
    const prefix = path.join(tmp, 'global');
    await run('npm', ['install', '-g', '--prefix', prefix, tgz, ...NPM_FLAGS], { cwd: tmp, timeout: 60_000 });
    const installed = path.join(prefix, 'lib', 'node_modules', 'sockgate');
    // No devDependency came along: the page and the gateway are prebuilt, nothing compiles.
    for (const dev of ['esbuild', 'typescript', 'lit', 'vitest']) expect(fs.existsSync(path.join(installed, 'node_modules', dev)), dev).toBe(false);
    const clean = fs.mkdtempSync(path.join(tmp, 'cwd-'));
    const child = spawn(path.join(prefix, 'bin', 'sockgate'), ['--port', '0', '--token', 'T', '--quiet'], { cwd: clean });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`sockgate exited with ${code}: ${err}`)));
        setTimeout(() => reject(new Error(`sockgate printed nothing in 15 s: ${err}`)), 15_000).unref();
      });
      const m = /^sockgate ready: http:\/\/127\.0\.0\.1:(\d+)\/\?token=T$/.exec(line);
      expect(m, line).not.toBeNull();
      const origin = `http://127.0.0.1:${m![1]}`;
      const health = await fetch(`${origin}/api/health`, { headers: { authorization: 'Bearer T' } });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, name: 'sockgate' });
      const page = await fetch(`${origin}/?token=T`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('app.js');
      const app = await fetch(`${origin}/app.js`, { headers: { authorization: 'Bearer T' } });
      expect(app.status).toBe(200);
      expect((await app.text()).length).toBeGreaterThan(10_000);
      expect(fs.readdirSync(clean)).toEqual([]);
    } finally {
      child.kill();
    }
  }, 90_000);

  it('a project imports sockgate/client at run time and type-checks against its declarations', async () => {
    const project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-sockgate', private: true, type: 'module' }));
    await run('npm', ['install', tgz, ...NPM_FLAGS], { cwd: project, timeout: 60_000 });
    const { stdout } = await run(process.execPath, ['-e', "import('sockgate/client').then(m => console.log(typeof m.SocketGateway, typeof m.TCPSocket))"], { cwd: project });
    expect(stdout.trim()).toBe('function function');
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [], strict: true, noEmit: true }, files: ['check.ts'] }),
    );
    const check = (body: string) => fs.writeFileSync(path.join(project, 'check.ts'), `import { SocketGateway, TCPSocket, type SocketGatewayConnectOptions } from 'sockgate/client';\n${body}\n`);
    const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
    check("const o: SocketGatewayConnectOptions | undefined = undefined;\nexport const f = (s: TCPSocket) => s.opened;\nexport const g = typeof SocketGateway.connect;\nvoid o;");
    await run(tsc, ['-p', project], { cwd: project });
    // The declarations are real: a wrong use fails to type-check.
    check('export const n: number = new TCPSocket("127.0.0.1", 7).opened;');
    await expect(run(tsc, ['-p', project], { cwd: project })).rejects.toMatchObject({ stdout: expect.stringContaining('TS2322') });
  }, 90_000);
});
