import { defineConfig } from 'vitest/config';

/**
 * Files that measure rates or load the machine on purpose (floods, 1,000 sockets, 200 pages,
 * byte-rate limits, UDP pacing): they run one at a time after the rest, so no other file
 * competes with them for the two cores.
 */
const ALONE = [
  'test/app/flood.test.ts',
  'test/reliability/no-data-loss.test.ts',
  'test/reliability/hostile-floods.test.ts',
  'test/deploy/behind-nginx.test.ts',
  'test/server/grants/grant-limits.test.ts',
  'test/server/udp-relay.test.ts',
];

export default defineConfig({
  test: {
    // Real sockets and a real browser: give slow CI machines room, but never hang forever.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on sockets and Chromium more than they compute: two at a time on two cores
    // (Vitest's default there is one).
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ALONE, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
