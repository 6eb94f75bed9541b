const EMPTY = new Uint8Array(0);

/**
 * FIFO of received chunks that hands out frames with exactly one copy each, however finely the
 * bytes were split, so many tiny chunks or one huge frame in many chunks both stay linear.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first live chunk; consumed slots are released and compacted lazily. */
  private head = 0;
  /** Bytes of `chunks[head]` already consumed. */
  private headStart = 0;
  private size = 0;
  private consumed = 0;

  /** Bytes held. */
  get length(): number {
    return this.size;
  }

  /** Stream offset of the first byte held (bytes consumed so far). */
  get offset(): number {
    return this.consumed;
  }

  /** Appends a chunk without copying it; the caller must not modify it afterwards. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Copies the first `n` held bytes into `target` without consuming them. */
  peekInto(target: Uint8Array, n: number): void {
    if (n > this.size) throw new RangeError(`peek of ${n} bytes with ${this.size} held`);
    let index = this.head;
    let start = this.headStart;
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[index++];
      const step = Math.min(chunk.length - start, n - written);
      target.set(chunk.subarray(start, start + step), written);
      written += step;
      start = 0;
    }
  }

  /** Removes the first `n` bytes and returns them as a new plain Uint8Array (one copy). */
  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.consume(n, out);
    return out;
  }

  /** Removes the first `n` bytes. */
  skip(n: number): void {
    this.consume(n, undefined);
  }

  private consume(n: number, target: Uint8Array | undefined): void {
    if (n > this.size) throw new RangeError(`consume of ${n} bytes with ${this.size} held`);
    this.size -= n;
    this.consumed += n;
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.head];
      const available = chunk.length - this.headStart;
      const step = Math.min(available, n - written);
      if (target) target.set(chunk.subarray(this.headStart, this.headStart + step), written);
      written += step;
      if (step === available) {
        this.chunks[this.head++] = EMPTY;
        this.headStart = 0;
      } else {
        this.headStart += step;
      }
    }
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      // Dropping the dead prefix only when it is most of the array keeps this amortised O(1).
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
