/**
 * Credit-based flow control (docs/PROTOCOL.md, "Flow control"), one object per direction.
 *
 * SendCredit: page → gateway. Every Data/SendTo spends its payload; Ack frames give it back.
 * A write waits here, so `await writer.write()` paces itself to the gateway's room.
 *
 * ReceiveCredit: gateway → page. Counts bytes the consumer has taken off the readable and says
 * when to grant them back, batched so a stream of small chunks does not cost a Credit frame each.
 */

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Send credit for one socket. Waiters are served in order, so frames never overtake each other. */
export class SendCredit {
  #available: number;
  #waiters: Waiter[] = [];
  #failure: { reason: unknown } | undefined;

  constructor(initial: number) {
    this.#available = initial;
  }

  /** Bytes that may be sent right now. */
  get available(): number {
    return this.#available;
  }

  /** Writes currently waiting for credit. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Spends `bytes` now if they are free and nobody waits ahead; false otherwise (then
   * {@link acquire}). Throws the failure reason once the socket has failed. No promise: the
   * write path's common case costs nothing but the subtraction.
   */
  tryAcquire(bytes: number): boolean {
    if (this.#failure) throw this.#failure.reason;
    if (this.#waiters.length !== 0 || this.#available < bytes) return false;
    this.#available -= bytes;
    return true;
  }

  /** Resolves once `bytes` of credit are free, and spends them. Rejects if the socket fails or `signal` aborts. */
  acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure.reason);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.length === 0 && this.#available >= bytes) {
      this.#available -= bytes;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(signal.reason);
          this.#drain();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
    });
  }

  /** An Ack arrived: `bytes` more may be sent. */
  release(bytes: number): void {
    this.#available += bytes;
    this.#drain();
  }

  /** Gives back up to `bytes` of unspent credit (none while writes wait); returns how many. */
  takeBack(bytes: number): number {
    if (this.#failure || this.#waiters.length !== 0) return 0;
    const back = Math.max(0, Math.min(bytes, this.#available));
    this.#available -= back;
    return back;
  }

  /** The socket is gone: every waiting and future write rejects with `reason`. */
  fail(reason: unknown): void {
    if (this.#failure) return;
    this.#failure = { reason };
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(reason);
    }
  }

  #drain(): void {
    while (this.#waiters.length > 0 && this.#available >= this.#waiters[0]!.bytes) {
      const w = this.#waiters.shift()!;
      this.#available -= w.bytes;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }
}

/** Receive credit bookkeeping for one socket: how much consumed data still has to be granted back. */
export class ReceiveCredit {
  readonly window: number;
  readonly batch: number;
  #pending = 0;

  /** `batch` defaults to a quarter of the window. */
  constructor(window: number, batch = Math.max(1, Math.floor(window / 4))) {
    this.window = window;
    this.batch = Math.min(batch, window);
  }

  /** Bytes consumed but not yet granted back. */
  get pending(): number {
    return this.#pending;
  }

  /** The consumer took `bytes`; returns how many to grant now (0 until a batch has built up). */
  consumed(bytes: number): number {
    this.#pending += bytes;
    if (this.#pending < this.batch) return 0;
    return this.flush();
  }

  /** Everything not yet granted, now. */
  flush(): number {
    const grant = this.#pending;
    this.#pending = 0;
    return grant;
  }
}
