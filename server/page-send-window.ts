import { ErrorCode } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';

/**
 * The page's send credit on one socket, as the gateway sees it: bytes the page sent that
 * have not yet been returned to it in an Ack frame. Credit comes back only when the Ack is
 * actually sent, so a page that honours the credit it has been told about never trips this,
 * and the gateway never holds more than one window of a page's bytes per socket.
 */
export class PageSendWindow {
  private outstanding = 0;

  constructor(
    private readonly id: number,
    private readonly window: number,
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

  /** Called as an Ack for `n` bytes goes out. */
  returned(n: number): void {
    this.outstanding -= n;
  }
}
