/**
 * One block of a LogStore's rows (see log-store.ts): {@link BLOCK_LINES} rows stored column by
 * column in typed arrays, and the byte arena their payloads are copied into, back to back.
 */

/** Rows per block (a power of two). */
export const BLOCK_LINES = 4096;

const MIN_PAGE = 16 * 1024;
const MAX_PAGE = 1024 * 1024;

/** One block of rows and the arena its payloads sit in. */
export class Block {
  readonly time = new Float64Array(BLOCK_LINES);
  readonly size = new Uint32Array(BLOCK_LINES);
  /** Payload bytes kept (less than size when only a prefix, or nothing, was copied: relay reads past their budget). */
  readonly kept = new Uint32Array(BLOCK_LINES);
  readonly seq = new Uint32Array(BLOCK_LINES);
  readonly offset = new Uint32Array(BLOCK_LINES);
  readonly peer = new Uint32Array(BLOCK_LINES);
  readonly page = new Uint16Array(BLOCK_LINES);
  readonly dir = new Uint8Array(BLOCK_LINES);
  readonly pages: Uint8Array[] = [];
  used = 0;
  bytes = 0;

  /** Copies row `r` to row `r + 1` (its payload stays where it is in the arena). */
  moveDown(r: number): void {
    const b = r + 1;
    this.time[b] = this.time[r]!;
    this.dir[b] = this.dir[r]!;
    this.size[b] = this.size[r]!;
    this.kept[b] = this.kept[r]!;
    this.seq[b] = this.seq[r]!;
    this.peer[b] = this.peer[r]!;
    this.page[b] = this.page[r]!;
    this.offset[b] = this.offset[r]!;
  }

  /** Copies `data` into the arena; returns [page, offset]. */
  store(data: Uint8Array): [number, number] {
    let last = this.pages.at(-1);
    if (!last || last.byteLength - this.used < data.byteLength) {
      // Pages grow with the block's traffic, so small reads share a page and big ones get few.
      const size = Math.max(data.byteLength, Math.min(MAX_PAGE, Math.max(MIN_PAGE, this.bytes)));
      last = new Uint8Array(size);
      this.pages.push(last);
      this.used = 0;
    }
    last.set(data, this.used);
    const at = this.used;
    this.used += data.byteLength;
    this.bytes += data.byteLength;
    return [this.pages.length - 1, at];
  }
}

