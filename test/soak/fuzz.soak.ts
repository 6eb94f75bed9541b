/**
 * `npm run soak`: the issue-10 fuzz suites with 20× the batches (120,000 control messages and
 * 120,000 frames), or SOCKGATE_FUZZ_SCALE batches-multiplier if set.
 */
process.env.SOCKGATE_FUZZ_SCALE ??= '20';
await import('../security/fuzz-control.test.js');
await import('../security/fuzz-frames.test.js');
