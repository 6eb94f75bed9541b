import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sockets and a real browser: give slow CI machines room, but never hang forever.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
