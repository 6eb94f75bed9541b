/**
 * A first-in, first-out queue whose `shift` costs O(1): an array read from a head index, compacted
 * once the spent half is large. `Array.prototype.shift` copies the whole array whenever V8 cannot
 * move the array's start, which is always the case past ~16,000 entries (the array then lives in
 * large-object space) — a queue of that size made every dequeue a 128 KB copy.
 */
export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest item, left in the queue. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Takes the oldest item out (undefined when empty). */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
