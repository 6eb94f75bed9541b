// Bundles the page (client/app → dist/public), the admin page (client/admin → dist/public/admin), the Direct Sockets polyfill (dist/public/sockgate/polyfill.js),
// the library as the package's `sockgate/client` (client/lib → dist/client/index.js)
// and the gateway CLI (server → dist/sockgate.js)
// with esbuild. `--if-needed` skips the work when every output is newer than every source.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = (...p) => path.join(root, ...p);
const sources = ['client', 'server', 'shared', 'bench', 'scripts', 'package.json'];
const outputs = [r('dist/sockgate.js'), r('dist/public/app.js'), r('dist/public/index.html'), r('dist/public/sockgate/polyfill.js'), r('dist/client/index.js'), r('dist/public/admin/index.html'), r('dist/public/admin/admin.js')];

function newest(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

if (process.argv.includes('--if-needed')) {
  const built = Math.min(...outputs.map((o) => (fs.existsSync(o) ? fs.statSync(o).mtimeMs : 0)));
  if (built > Math.max(...sources.map((s) => newest(r(s))))) process.exit(0);
}

const started = Date.now();
fs.mkdirSync(r('dist/public'), { recursive: true });
fs.copyFileSync(r('client/app/index.html'), r('dist/public/index.html'));
fs.mkdirSync(r('dist/public/admin'), { recursive: true });
fs.copyFileSync(r('client/admin/index.html'), r('dist/public/admin/index.html'));
for (const asset of fs.readdirSync(r('client/app')).filter((f) => /\.(svg|png|ico|css)$/.test(f))) {
  fs.copyFileSync(r('client/app', asset), r('dist/public', asset));
}

const common = { bundle: true, sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
const jobs = [
  build({
    ...common,
    entryPoints: [r('client/app/main.ts')],
    outfile: r('dist/public/app.js'),
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    tsconfig: r('client/tsconfig.json'),
  }),
  // The teacher's view, served at /admin/ (server/admin/admin-router.ts).
  build({
    ...common,
    entryPoints: [r('client/admin/main.ts')],
    outfile: r('dist/public/admin/admin.js'),
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    tsconfig: r('client/tsconfig.json'),
  }),
  // A classic script (IIFE), so any page can load it with a plain <script src> from the gateway.
  build({
    ...common,
    entryPoints: [r('client/lib/polyfill-script.ts')],
    outfile: r('dist/public/sockgate/polyfill.js'),
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    tsconfig: r('client/tsconfig.json'),
  }),
  // Not minified: it is a dependency of someone else's build, which minifies (and debugs) it.
  build({
    ...common,
    entryPoints: [r('client/lib/index.ts')],
    outfile: r('dist/client/index.js'),
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    tsconfig: r('client/tsconfig.json'),
  }),
  build({
    ...common,
    entryPoints: [r('server/cli.ts')],
    outfile: r('dist/sockgate.js'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
  }),
];
if (fs.existsSync(r('bench/run.ts'))) {
  jobs.push(
    build({ ...common, entryPoints: [r('bench/run.ts')], outfile: r('dist/bench.js'), format: 'esm', platform: 'node', target: 'node20', packages: 'external' }),
  );
}
await Promise.all(jobs);
console.error(`sockgate: built dist/ in ${Date.now() - started} ms`);
