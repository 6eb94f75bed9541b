/** Bytes per second in and out over the last minute, in one-second buckets (for the live graph). */

/** Seconds of history kept. */
export const RATE_SECONDS = 60;

/** Per-second byte counts of one socket. */
export class RateMeter {
  #in = new Float64Array(RATE_SECONDS);
  #out = new Float64Array(RATE_SECONDS);
  #second = Math.floor(Date.now() / 1000);

  /** Counts `bytes` received now. */
  addIn(bytes: number): void {
    this.#advance();
    this.#in[this.#second % RATE_SECONDS] += bytes;
  }

  /** Counts `bytes` sent now. */
  addOut(bytes: number): void {
    this.#advance();
    this.#out[this.#second % RATE_SECONDS] += bytes;
  }

  /** The last `RATE_SECONDS` complete seconds, oldest first (the running second is left out: it is partial). */
  series(): { in: number[]; out: number[] } {
    this.#advance();
    const inSeries: number[] = [];
    const outSeries: number[] = [];
    for (let k = RATE_SECONDS - 1; k >= 1; k--) {
      const i = (this.#second - k + RATE_SECONDS * 2) % RATE_SECONDS;
      inSeries.push(this.#in[i]!);
      outSeries.push(this.#out[i]!);
    }
    return { in: inSeries, out: outSeries };
  }

  #advance(): void {
    const now = Math.floor(Date.now() / 1000);
    if (now === this.#second) return;
    const steps = Math.min(RATE_SECONDS, now - this.#second);
    for (let k = 1; k <= steps; k++) {
      const i = (this.#second + k) % RATE_SECONDS;
      this.#in[i] = 0;
      this.#out[i] = 0;
    }
    this.#second = now;
  }
}
