/**
 * Adaptive windows, the page's side (docs/PROTOCOL.md, "Adaptive windows"). Every socket starts
 * at the gateway's `limits.sendWindow` and `limits.receiveWindow`.
 *
 * - Send: the gateway grows the window when the page is window-limited and says so (`window`
 *   with `sendWindow`): the growth is credit, usable at once. After {@link WINDOW_IDLE_MS} without
 *   a write the page gives the growth back (`window` with its smaller `sendWindow`), so the
 *   gateway's budget serves other sockets.
 * - Receive: the window is the page's own memory. The gateway says when a socket ran out of
 *   credit while the WebSocket was clear (`window` with a suggested `receiveWindow`); the page
 *   grows to it when its reader keeps up (little waits unread) and its budget
 *   ({@link RECEIVE_WINDOW_BUDGET}, all sockets of one connection) allows: it tells the gateway the
 *   new window, then grants the growth. After {@link WINDOW_IDLE_MS} without data it shrinks back
 *   (the gateway takes the difference off its credit).
 */
import type { WindowGrewMsg, WindowMsg } from '../../shared/protocol.js';
import { WindowBudget } from '../../shared/window-budget.js';
import type { SendCredit } from './credit.js';

/** A socket with no writes (send) or no data (receive) for this long gives its growth back. */
export const WINDOW_IDLE_MS = 1000;
/** How far the receive windows of one connection's sockets may grow past where they start, together. */
export const RECEIVE_WINDOW_BUDGET = 64 << 20;

/** A budget for one connection's receive windows. */
export const receiveWindowBudget = (): WindowBudget => new WindowBudget(RECEIVE_WINDOW_BUDGET);

/** What the windows need from their socket. */
export interface WindowedSocket {
  readonly id: number;
  readonly stats: { readonly messagesIn: number; readonly messagesOut: number };
  /** True while the socket may still send control messages and Credit. */
  live(): boolean;
  /** Bytes received and not yet read by the page. */
  unread(): number;
  send(msg: WindowMsg): void;
  grant(bytes: number): void;
}

export class AdaptiveWindows {
  readonly #sendStart: number;
  readonly #receiveStart: number;
  #send: number;
  #receive: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seenIn = -1;
  #seenOut = -1;
  /** The most either window grows to (the gateway's `limits.windowMax`). */
  readonly max: number;

  constructor(
    private readonly socket: WindowedSocket,
    private readonly credit: SendCredit,
    private readonly budget: WindowBudget,
    windows: { send: number; receive: number; max: number },
  ) {
    this.#send = this.#sendStart = windows.send;
    this.#receive = this.#receiveStart = windows.receive;
    this.max = Math.max(windows.max, windows.send, windows.receive);
  }

  /** The windows now (bytes). */
  get sizes(): { send: number; receive: number } {
    return { send: this.#send, receive: this.#receive };
  }

  /**
   * The gateway's `window` message. A window that is not a whole number above the current one
   * and within `max` is ignored (a gateway's bug must not hand the page unbounded credit).
   */
  onWindow(msg: WindowGrewMsg): void {
    if (this.#grows(msg.sendWindow, this.#send)) {
      this.credit.release(msg.sendWindow - this.#send);
      this.#send = msg.sendWindow;
      this.#arm();
    }
    if (this.#grows(msg.receiveWindow, this.#receive) && this.socket.live()) {
      // A reader that lags would only queue more here: grow for one that keeps up.
      if (this.socket.unread() * 4 > this.#receive) return;
      const got = this.budget.take(msg.receiveWindow - this.#receive);
      if (got === 0) return;
      this.#receive += got;
      this.socket.send({ t: 'window', id: this.socket.id, receiveWindow: this.#receive });
      this.socket.grant(got);
      this.#arm();
    }
  }

  #grows(window: unknown, now: number): window is number {
    return Number.isSafeInteger(window) && (window as number) > now && (window as number) <= this.max;
  }

  /** The socket is gone: its growth goes back to the budget. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.budget.give(this.#receive - this.#receiveStart);
    this.#receive = this.#receiveStart;
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#seenIn = this.socket.stats.messagesIn;
    this.#seenOut = this.socket.stats.messagesOut;
    this.#timer = setTimeout(this.#tick, WINDOW_IDLE_MS);
    // A page must not stay alive (Node) for a bookkeeping timer.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    if (!this.socket.live()) return;
    const { messagesIn, messagesOut } = this.socket.stats;
    const msg: WindowMsg = { t: 'window', id: this.socket.id };
    if (messagesOut === this.#seenOut && this.#send > this.#sendStart) {
      const back = this.credit.takeBack(this.#send - this.#sendStart);
      if (back > 0) msg.sendWindow = this.#send -= back;
    }
    if (messagesIn === this.#seenIn && this.#receive > this.#receiveStart) {
      this.budget.give(this.#receive - this.#receiveStart);
      msg.receiveWindow = this.#receive = this.#receiveStart;
    }
    if (msg.sendWindow !== undefined || msg.receiveWindow !== undefined) this.socket.send(msg);
    if (this.#send > this.#sendStart || this.#receive > this.#receiveStart) this.#arm();
  };
}
