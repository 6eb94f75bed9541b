import type { ProtocolClient } from '../helpers/protocol-client.js';

/** Round-trip times (ms) of `rounds` small messages echoed through socket `id` of `page`, one at a time. */
export async function echoRoundTrips(page: ProtocolClient, id: number, rounds: number, size = 64): Promise<number[]> {
  const times: number[] = [];
  let got = page.bytes(id).length;
  for (let i = 0; i < rounds; i++) {
    const payload = Buffer.alloc(size, i & 0xff);
    const start = performance.now();
    page.write(id, payload);
    const want = got + size;
    await page.until(() => page.bytes(id).length >= want, 10_000);
    got = want;
    times.push(performance.now() - start);
  }
  return times;
}

/** The q-quantile (0–1) of `values`. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
