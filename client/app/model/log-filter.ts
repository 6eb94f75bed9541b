/**
 * The lines of a {@link LogStore} that match a filter, found a slice at a time so a filter over a
 * long log never holds up a frame: `scan(budgetMs)` looks at new lines until the budget is spent
 * and says whether it caught up. Matches are kept as line numbers in a growing typed array; lines
 * the store drops fall off the front.
 */
import type { LogStore } from './log-store.js';

/** Tests one line of the store (by number) against the filter. */
export type LineTest = (store: LogStore, n: number) => boolean;

/** The matching line numbers of one store for one test. */
export class LogFilter {
  #numbers = new Float64Array(1024);
  #head = 0;
  #tail = 0;
  /** The next line number to look at. */
  #next: number;
  #version = -1;
  #firstN: number;

  constructor(
    readonly store: LogStore,
    readonly test: LineTest,
  ) {
    this.#next = store.firstN;
    this.#firstN = store.firstN;
  }

  /** Matches kept. */
  get length(): number {
    return this.#tail - this.#head;
  }

  /** Line number of match `i` (0 = oldest kept). */
  at(i: number): number {
    return this.#numbers[this.#head + i]!;
  }

  /** True when every line of the store has been looked at. */
  get done(): boolean {
    return this.#next > this.store.lastN && this.#version === this.store.version;
  }

  /** Looks at new lines for up to `budgetMs`; true when it caught up with the store. */
  scan(budgetMs = 4): boolean {
    const store = this.store;
    if (store.firstN !== this.#firstN) {
      // Trimmed or cleared: matches before the store's first line are gone.
      this.#firstN = store.firstN;
      while (this.#head < this.#tail && this.#numbers[this.#head]! < store.firstN) this.#head++;
      if (this.#next < store.firstN) this.#next = store.firstN;
    }
    const until = performance.now() + budgetMs;
    const last = store.lastN;
    while (this.#next <= last) {
      const stop = Math.min(last, this.#next + 255);
      for (; this.#next <= stop; this.#next++) if (this.test(store, this.#next)) this.#push(this.#next);
      if (performance.now() > until) break;
    }
    if (this.#next > last) this.#version = store.version;
    return this.#next > last;
  }

  #push(n: number): void {
    if (this.#tail === this.#numbers.length) {
      const live = this.#tail - this.#head;
      const grown = live * 2 > this.#numbers.length ? new Float64Array(this.#numbers.length * 2) : this.#numbers;
      grown.set(this.#numbers.subarray(this.#head, this.#tail));
      this.#numbers = grown;
      this.#head = 0;
      this.#tail = live;
    }
    this.#numbers[this.#tail++] = n;
  }
}
