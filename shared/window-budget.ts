/**
 * A byte budget for the growth of windows (docs/PROTOCOL.md, "Adaptive windows"). A send
 * window is memory the gateway promises a page: up to that many of its bytes may wait here for a
 * slow target. Every socket starts at `--send-window`; what a window-limited socket grows past
 * that is taken from its page's budget (`--page-window-budget`), which takes it from the gateway's
 * (`--window-budget`), so one stream can have a large window while many sockets cost only their
 * starting windows, and the gateway's worst case stays sockets × start + the gateway budget.
 */
export class WindowBudget {
  #used = 0;

  constructor(
    readonly limit: number,
    /** The budget this one draws from too (a page's draws from the gateway's). */
    private readonly parent?: WindowBudget,
  ) {}

  /** Bytes taken and not yet given back. */
  get used(): number {
    return this.#used;
  }

  /** Bytes that could be taken now, here and in every budget above. */
  get free(): number {
    const here = this.limit - this.#used;
    return Math.max(0, this.parent ? Math.min(here, this.parent.free) : here);
  }

  /** Takes up to `bytes`; returns how many it got (0 when the budget is spent). */
  take(bytes: number): number {
    const got = Math.min(Math.max(0, bytes), this.free);
    this.#add(got);
    return got;
  }

  /** Gives back `bytes` taken earlier. */
  give(bytes: number): void {
    this.#add(-Math.min(Math.max(0, bytes), this.#used));
  }

  #add(bytes: number): void {
    this.#used += bytes;
    if (this.parent) this.parent.#add(bytes);
  }
}
