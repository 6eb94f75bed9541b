/**
 * Waits on a lab side's progress without polling: each wait re-checks its condition whenever the
 * side reports progress (a recorded read, the end of reading), and gives up after its bound.
 */

/** Pending waits of one reader. */
export class ProgressWaiters {
  #waiters = new Set<() => void>();

  /** Re-checks every pending wait; call after each recorded read and when reading ends. */
  wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** True once `done()` holds; false once `ended()` holds first or `timeoutMs` passed (a stalled peer never hangs the lab). */
  until(done: () => boolean, ended: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    if (ended()) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(ok);
      };
      const check = () => {
        if (done()) finish(true);
        else if (ended()) finish(false);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#waiters.add(check);
    });
  }
}
