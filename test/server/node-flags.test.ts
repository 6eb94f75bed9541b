import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from '../../server/node-flags.js';

describe('the Node flags the gateway runs with (server/node-flags.ts)', () => {
  it('npm start passes them to node before the bundle', () => {
    const start = JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(start).toContain(`node ${GATEWAY_NODE_FLAGS.join(' ')} dist/sockgate.js`);
  });

  it('bin/sockgate.js, run as a program, is a node process with them (its #! line)', async () => {
    expect(fs.readFileSync('bin/sockgate.js', 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${GATEWAY_NODE_FLAGS.join(' ')}`);
    const child = spawn('bin/sockgate.js', ['--port', '0', '--token', 'T', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d) => String(d).includes('sockgate ready') && resolve());
        child.once('exit', (code) => reject(new Error(`bin/sockgate.js exited with ${code}`)));
      });
      const argv = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      expect(argv.slice(1, 1 + GATEWAY_NODE_FLAGS.length)).toEqual(GATEWAY_NODE_FLAGS);
    } finally {
      child.kill();
    }
  });
});
