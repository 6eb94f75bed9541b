/**
 * Node flags the gateway runs with: `npm start`, `bin/sockgate.js` (its `#!` line) and the bench
 * pass them; test/server/node-flags.test.ts keeps those three in step with this list.
 *
 * `--initial-old-space-size=64`: the gateway's live heap is small (about 9 MB while relaying at
 * full speed), so V8 sizes the old generation's limit to ~24 MB, while the young generation grows
 * to 16 MB under load. V8 starts an incremental mark-compact whenever less than one young
 * generation fits under that limit — which, with these sizes, was always: 10–20 major GCs a
 * second and about a third of the gateway's CPU during bulk transfers (bench/README, log 16).
 * A 64 MB starting limit (kept after each major GC) leaves room; scavenges alone free the relay's
 * short-lived buffers. The cost: up to ~64 MB of heap before the first major GC. The flag cannot
 * be set from inside the process (V8 reads it when the heap is made) nor via NODE_OPTIONS.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];
