#!/usr/bin/env -S node --initial-old-space-size=64
// The flag: server/node-flags.ts.
// Builds the bundle on first use (from a git checkout), then runs the gateway.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(new URL('../dist/sockgate.js', import.meta.url))) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
await import('../dist/sockgate.js');
