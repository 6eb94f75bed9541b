import { ErrorCode, Frame, encodeCounter } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';
import type { WindowBudget } from '../shared/window-budget.js';

/** How a send window may grow: up to `max`, each step taken from `budget` (the page's, then the gateway's). */
export interface WindowGrowth {
  max: number;
  budget: WindowBudget;
  /** Tells the page its send window is now `window` bytes (a `window` message). */
  grew(id: number, window: number): void;
}

/**
 * The page's send credit on one socket, as the gateway sees it: bytes the page sent that
 * have not yet been returned to it in an Ack frame. Credit comes back only when the Ack is
 * actually sent, so a page that honours the credit it has been told about never trips this,
 * and the gateway never holds more than one window of a page's bytes per socket.
 *
 * Adaptive (with `growth`): the window starts at the page's `sendWindow` and doubles, up to
 * `growth.max` and as far as the budget allows, when the page is window-limited — it had spent
 * nearly all its credit when an Ack went out while the gateway held little of it (the target
 * drains as fast as the page sends, so the round trip of the credit is what holds it back). The
 * page gives growth back with a `window` message once the socket idles ({@link shrinkTo}).
 */
export class PageSendWindow {
  private outstanding = 0;
  /** Set when the socket is gone: late write completions no longer produce Acks. */
  private retired = false;
  /** The page had spent all but an eighth of its window since the last Ack. */
  private hungry = false;
  private current: number;

  constructor(
    readonly id: number,
    private readonly initial: number,
    private readonly acks: AckBatcher,
    private readonly growth?: WindowGrowth,
  ) {
    this.current = initial;
  }

  /** The window now: where it started plus what it grew. */
  get window(): number {
    return this.current;
  }

  /** Records `n` bytes from the page; throws FLOW_VIOLATION when they exceed the credit. */
  spend(n: number): void {
    if (this.outstanding + n > this.current) {
      throw new GatewayError(
        ErrorCode.FlowViolation,
        `socket ${this.id}: ${n} bytes sent with only ${this.current - this.outstanding} bytes of send credit; socket closed`,
      );
    }
    this.outstanding += n;
    if (this.outstanding * 8 >= this.current * 7) this.hungry = true;
  }

  /** `n` bytes left the gateway (or were refused): they go back to the page in the next Ack. */
  written(n: number): void {
    if (n > 0 && !this.retired) this.acks.add(this, n);
  }

  /** The socket closed: nothing more is acknowledged on this window, and its growth goes back to the budget. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.acks.forget(this);
    this.growth?.budget.give(this.current - this.initial);
    this.current = this.initial;
  }

  /** Called by the batcher as an Ack for `n` bytes goes out; then grows the window if the page was held back by it. */
  returned(n: number): void {
    this.outstanding -= n;
    const g = this.growth;
    if (!g || !this.hungry || this.retired) return;
    this.hungry = false;
    // Held back by a slow target, not by the window: growing would only queue more here.
    if (this.outstanding * 4 > this.current || this.current >= g.max) return;
    const more = g.budget.take(Math.min(this.current, g.max - this.current));
    if (more === 0) return;
    this.current += more;
    g.grew(this.id, this.current);
  }

  /**
   * The page gave back its credit above `window` (a `window` message: the socket idled). Every
   * frame it sent before comes before the message, so what it gave back is unspent; a page
   * that says otherwise (above the window, below where it started or below what waits here) is refused.
   */
  shrinkTo(window: number): void {
    if (window > this.current || window < this.initial || window < this.outstanding) {
      throw new GatewayError(ErrorCode.BadOption, `window: socket ${this.id}'s send window can shrink only to ${Math.max(this.initial, this.outstanding)}–${this.current} bytes, got ${window}`);
    }
    this.growth?.budget.give(this.current - window);
    this.current = window;
  }

  /** The page still has at least three quarters of its credit: an Ack for this window may wait a little. */
  get roomy(): boolean {
    return this.outstanding <= this.current / 4;
  }
}

/** Longest a small Ack waits for a frame to ride with (v2 pages only). */
export const ACK_DEFER_MS = 2;

/**
 * Batches Acks: all write completions of one I/O phase share one Ack frame per socket. The
 * credit returns to the window as its Ack goes out, not before.
 *
 * For a v2 page, small Acks (every window still roomy) may wait up to {@link ACK_DEFER_MS} for a
 * turn that sends the page something else, and ride in its Batch: in a ping-pong the Ack of a write
 * then travels with the reply instead of costing the page a wake-up of its own.
 */
export class AckBatcher {
  private readonly pending = new Map<PageSendWindow, number>();
  private scheduled = false;
  private deferred: NodeJS.Timeout | undefined;

  constructor(
    private readonly sendFrame: (frame: Uint8Array) => void,
    /** Arranges one {@link turnEnded} call at the end of this turn (the page's outbox does it with its own batch). */
    private readonly schedule: () => void = () => setImmediate(() => this.turnEnded(false)),
  ) {}

  /** A new window of `window` bytes for socket `id`, acknowledged through this batcher (and grown by `growth`). */
  open(id: number, window: number, growth?: WindowGrowth): PageSendWindow {
    return new PageSendWindow(id, window, this, growth);
  }

  /** Queues `bytes` for the window's next Ack. */
  add(window: PageSendWindow, bytes: number): void {
    this.pending.set(window, (this.pending.get(window) ?? 0) + bytes);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule();
    }
  }

  /** Drops what is queued for a window whose socket is gone. */
  forget(window: PageSendWindow): void {
    this.pending.delete(window);
  }

  /** Drops everything queued (the page is gone). */
  clear(): void {
    this.pending.clear();
    clearTimeout(this.deferred);
    this.deferred = undefined;
  }

  /**
   * End of a turn: send the Acks now, or — when `canWait` (a v2 page and nothing else goes to it
   * this turn) and every window is roomy — let them wait for the next frame or the deferral timer.
   */
  readonly turnEnded = (canWait: boolean): void => {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    if (canWait && [...this.pending.keys()].every((w) => w.roomy)) {
      this.deferred ??= setTimeout(this.flush, ACK_DEFER_MS);
      return;
    }
    this.flush();
  };

  /** Sends one Ack per socket for everything queued. */
  private readonly flush = (): void => {
    clearTimeout(this.deferred);
    this.deferred = undefined;
    for (const [window, bytes] of this.pending) {
      this.sendFrame(encodeCounter(Frame.Ack, window.id, bytes));
      window.returned(bytes);
    }
    this.pending.clear();
  };
}
