import { ErrorCode, Frame, encodeCounter } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';

/**
 * The page's send credit on one socket, as the gateway sees it: bytes the page sent that
 * have not yet been returned to it in an Ack frame. Credit comes back only when the Ack is
 * actually sent, so a page that honours the credit it has been told about never trips this,
 * and the gateway never holds more than one window of a page's bytes per socket.
 */
export class PageSendWindow {
  private outstanding = 0;
  /** Set when the socket is gone: late write completions no longer produce Acks. */
  private retired = false;

  constructor(
    readonly id: number,
    private readonly window: number,
    private readonly acks: AckBatcher,
  ) {}

  /** Records `n` bytes from the page; throws FLOW_VIOLATION when they exceed the credit. */
  spend(n: number): void {
    if (this.outstanding + n > this.window) {
      throw new GatewayError(
        ErrorCode.FlowViolation,
        `socket ${this.id}: ${n} bytes sent with only ${this.window - this.outstanding} bytes of send credit; socket closed`,
      );
    }
    this.outstanding += n;
  }

  /** `n` bytes left the gateway (or were refused): they go back to the page in the next Ack. */
  written(n: number): void {
    if (n > 0 && !this.retired) this.acks.add(this, n);
  }

  /** The socket closed: nothing more is acknowledged on this window. */
  retire(): void {
    this.retired = true;
    this.acks.forget(this);
  }

  /** Called by the batcher as an Ack for `n` bytes goes out. */
  returned(n: number): void {
    this.outstanding -= n;
  }

  /** The page still has at least three quarters of its credit: an Ack for this window may wait a little. */
  get roomy(): boolean {
    return this.outstanding <= this.window / 4;
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

  /** A new window of `window` bytes for socket `id`, acknowledged through this batcher. */
  open(id: number, window: number): PageSendWindow {
    return new PageSendWindow(id, window, this);
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
      window.returned(bytes);
      this.sendFrame(encodeCounter(Frame.Ack, window.id, bytes));
    }
    this.pending.clear();
  };
}
