/**
 * Page → target byte rates (`--send-rate`, a grant's `bytesPerSecond`): token buckets, and the
 * pacer that holds a TCP socket's bytes back until the buckets allow them. Nothing is dropped:
 * held bytes keep the page's send credit spent, so the page's own writes slow down to the rate.
 */

/** A bucket holds at most this share of a second's bytes: the burst above the rate. */
const BURST_SECONDS = 0.1;
/** A paced TCP write waits for at least this share of a second's bytes (no 1-byte writes at 1 ms ticks). */
const QUANTUM_SECONDS = 0.02;

/** Bytes per second, shared by every socket it paces (one per page, one per grant). */
export class ByteBucket {
  readonly burst: number;
  private tokens: number;
  private at = performance.now();

  constructor(readonly rate: number) {
    this.burst = Math.max(1, Math.floor(rate * BURST_SECONDS));
    this.tokens = this.burst;
  }

  /** Whole bytes that may go now (negative while a datagram larger than the burst is paid off). */
  available(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    return Math.floor(this.tokens);
  }

  /** Spends `n` bytes (may go below zero: the next sends wait until it is paid back). */
  take(n: number): void {
    this.tokens -= n;
  }

  /** Milliseconds until `n` bytes are available (`n` at most the burst). */
  waitMs(n: number): number {
    return Math.max(1, Math.ceil(((Math.min(n, this.burst) - this.tokens) / this.rate) * 1000));
  }
}

/** The buckets a page's sends pass through: its own (`--send-rate`) and its grant's (`bytesPerSecond`). */
export type SendBuckets = readonly ByteBucket[];

/** Bytes every bucket allows now. */
export function allowance(buckets: SendBuckets): number {
  let n = Infinity;
  for (const b of buckets) n = Math.min(n, b.available());
  return n;
}

/** Takes `n` bytes from every bucket. */
export function spend(buckets: SendBuckets, n: number): void {
  for (const b of buckets) b.take(n);
}

/** Milliseconds until every bucket allows `n` bytes. */
export function waitMs(buckets: SendBuckets, n: number): number {
  let ms = 1;
  for (const b of buckets) ms = Math.max(ms, b.waitMs(n));
  return ms;
}

/** True when a datagram of `n` bytes may go now (it may overdraw a bucket by less than itself). */
export function datagramMayGo(buckets: SendBuckets, n: number): boolean {
  for (const b of buckets) if (b.available() < Math.min(n, b.burst)) return false;
  return true;
}

/**
 * Holds a byte stream's writes until the buckets allow them, then hands them on in order. One
 * buffer (not a queue of writes), and never more than the page's send window in it: the credit
 * for held bytes is returned only once they are written.
 */
export class PacedStream {
  private buf = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private whenEmpty: (() => void)[] = [];

  constructor(
    private readonly buckets: SendBuckets,
    private readonly out: (chunk: Uint8Array) => void,
  ) {}

  /** Bytes held, not yet handed on. */
  get held(): number {
    return this.end - this.start;
  }

  write(payload: Uint8Array): void {
    if (this.stopped) return;
    if (this.held === 0 && allowance(this.buckets) >= payload.byteLength) {
      spend(this.buckets, payload.byteLength);
      return this.out(payload);
    }
    this.append(payload);
    if (!this.timer) this.pump();
  }

  /** Runs `fn` once nothing is held (now, if nothing is). */
  onEmpty(fn: () => void): void {
    if (this.held === 0) return fn();
    this.whenEmpty.push(fn);
  }

  /** Drops what is held and stops (the socket is gone). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.start = this.end = 0;
    this.buf = Buffer.alloc(0);
    this.whenEmpty = [];
  }

  private append(payload: Uint8Array): void {
    const n = payload.byteLength;
    if (this.end + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(64 * 1024, 2 * (this.held + n)));
      this.buf.copy(grown, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      this.buf = grown;
    }
    this.buf.set(payload, this.end);
    this.end += n;
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    while (this.held > 0 && !this.stopped) {
      const quantum = Math.min(this.held, Math.max(1, Math.floor(Math.min(...this.buckets.map((b) => b.rate)) * QUANTUM_SECONDS)));
      const n = Math.min(this.held, allowance(this.buckets));
      if (n < quantum) {
        this.timer = setTimeout(this.pump, waitMs(this.buckets, quantum));
        return;
      }
      spend(this.buckets, n);
      const chunk = Buffer.from(this.buf.subarray(this.start, this.start + n));
      this.start += n;
      if (this.start === this.end) this.start = this.end = 0;
      this.out(chunk);
    }
    for (const fn of this.whenEmpty.splice(0)) fn();
  };
}
