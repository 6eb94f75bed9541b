import { defineConfig } from 'vitest/config';

/** `npm run soak`: the long mixed-traffic run, kept out of `npm test` (its files end in .soak.ts). */
export default defineConfig({
  test: {
    include: ['test/soak/**/*.soak.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
