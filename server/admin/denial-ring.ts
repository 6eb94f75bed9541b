/** One denial as the admin view shows it. */
export interface Denial {
  /** Epoch ms. */
  time: number;
  /** What was asked: `connect`, `listen`, `bind`, `send`, `join`, `websockify`. */
  op: string;
  target: string;
  rule: string;
}

/** Longest text kept per field: a page chooses its targets, so it could make them huge. */
const FIELD_CHARS = 120;

/**
 * The denials of the last `windowMs`, newest last, bounded in entries (`max`) and so in bytes
 * (each field is cut to FIELD_CHARS): a page looping over denied targets costs a fixed amount.
 */
export class DenialRing {
  private readonly items: Denial[] = [];
  /** Denials ever recorded, including those the ring has dropped. */
  total = 0;

  constructor(
    private readonly max = 32,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Records a denial now. */
  add(d: { op?: string; target?: string; rule?: string }, now = Date.now()): void {
    this.total++;
    this.items.push({ time: now, op: cut(d.op ?? '?'), target: cut(d.target ?? ''), rule: cut(d.rule ?? '') });
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
  }

  /** The denials within the window, oldest first. */
  recent(now = Date.now()): Denial[] {
    const from = now - this.windowMs;
    while (this.items.length > 0 && this.items[0]!.time < from) this.items.shift();
    return [...this.items];
  }
}

const cut = (s: string) => (s.length > FIELD_CHARS ? s.slice(0, FIELD_CHARS - 1) + '…' : s);
