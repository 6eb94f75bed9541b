import { ErrorCode } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';
import { windowMaxOf } from './config.js';
import type { PageLink } from './page-socket.js';

/** Times a socket runs out of credit (its page's WebSocket clear) before the gateway suggests a larger window. */
export const STARVED_BEFORE_HINT = 2;
/** After a suggestion the page did not take, this many more starvations before the next. */
const STARVED_BEFORE_REHINT = 64;

/**
 * Receive credit of one socket (gateway → page), with the page's receive window as the page told
 * it: `limits.receiveWindow` at first, then what `window` messages say (docs/PROTOCOL.md,
 * "Adaptive windows"). The receive window is the page's memory, so the page decides it; the
 * gateway only sees when a socket is window-limited — it ran out of credit while the page's
 * WebSocket was clear — and then suggests twice the window (a `window` message), up to
 * `limits.windowMax`. Credit past the window the page told is clamped, as before.
 */
export class ReceiveWindow {
  /** Bytes the gateway may still send (a read may overdraw it: reads are never split). */
  credit: number;
  #window: number;
  #suggested = 0;
  #starved = 0;

  constructor(
    readonly id: number,
    initialCredit: number,
    private readonly page: Pick<PageLink, 'limits' | 'send' | 'sendError'>,
  ) {
    this.#window = page.limits.receiveWindow;
    this.credit = Math.min(initialCredit, this.#window);
  }

  /** The page's receive window as the gateway knows it. */
  get window(): number {
    return this.#window;
  }

  /** The page granted `bytes` more. */
  grant(bytes: number): void {
    if (this.credit + bytes > this.#window) {
      // Never let a page talk the gateway into buffering more than one window for it.
      this.page.sendError(new GatewayError(ErrorCode.FlowViolation, `credit of ${bytes} would exceed the receive window of ${this.#window} bytes; clamped`), { id: this.id });
      this.credit = this.#window;
    } else {
      this.credit += bytes;
    }
  }

  /** A `window` message: the page's receive window is now `window` bytes (grown: Credit follows; shrunk: taken off the credit). */
  resize(window: number): void {
    const max = windowMaxOf(this.page.limits);
    if (window < 1 || window > max) {
      throw new GatewayError(ErrorCode.BadOption, `window: "receiveWindow" must be 1–${max} (limits.windowMax), got ${window}`);
    }
    if (window < this.#window) this.credit -= this.#window - window;
    this.#window = window;
  }

  /** The socket stopped reading (or dropped a datagram) for want of credit; `clear`: the page's WebSocket is not congested. */
  starved(clear: boolean): void {
    if (!clear) return;
    const max = windowMaxOf(this.page.limits);
    if (this.#window >= max) return;
    const declined = this.#suggested > this.#window;
    if (++this.#starved < (declined ? STARVED_BEFORE_REHINT : STARVED_BEFORE_HINT)) return;
    this.#starved = 0;
    this.#suggested = Math.min(max, this.#window * 2);
    this.page.send({ t: 'window', id: this.id, receiveWindow: this.#suggested });
  }
}
