/**
 * What the TCP and UDP cores share beyond SocketCore: a credited readable and a credit-gated
 * writable, Credit and Ack frames, and how both streams end — cleanly, with an error, or cut
 * by close(). The concrete cores say how a write is validated and framed and what a received
 * frame becomes; everything about flow control and stream state lives here once.
 */
import { encodeCounter, Frame } from '../../shared/protocol.js';
import type { DecodedFrame } from '../../shared/protocol.js';
import { CreditedReadable } from './credited-readable.js';
import { SendCredit } from './credit.js';
import { SocketCore } from './socket-core.js';

/** A validated write: its pieces (each fits one frame and the send window) and how to frame one. */
export interface OutgoingWrite {
  pieces: readonly Uint8Array[];
  frame(piece: Uint8Array): Uint8Array;
}

/** Base of TCPSocket's and UDPSocket's cores; `R` is what the readable yields, `W` what the writable takes. */
export abstract class DuplexSocketCore<T, R, W> extends SocketCore<T> {
  #source: CreditedReadable<R> | undefined;
  #writable: WritableStream<W> | undefined;
  #writableController: WritableStreamDefaultController | undefined;
  #sendCredit = new SendCredit(0);

  // ---- hooks ---------------------------------------------------------------------------------

  /** Validates one written chunk and says how to send it; a throw errors the writable with it. */
  protected abstract prepareWrite(chunk: W): OutgoingWrite;
  /** A frame other than Ack for this socket (Chunk, Datagram). */
  protected abstract onData(frame: DecodedFrame): void;
  /** The user closed the writable; resolves once the gateway knows (TCP's half-close). */
  protected closeWrites(): Promise<void> | void {
    this.writeFinished();
  }
  /** No more writes will come (the writable aborted or failed); TCP tells the gateway. */
  protected writesAbandoned(): void {}

  // ---- streams -------------------------------------------------------------------------------

  /**
   * Builds both streams once the socket is open; `size` is an item's payload bytes, `bytes` makes
   * a byte stream (TCP), `maxItems` bounds the items waiting unread (UDP; see CreditedReadable).
   */
  protected openStreams(sendWindow: number, size: (item: R) => number, bytes = false, maxItems?: number): { readable: ReadableStream<R>; writable: WritableStream<W> } {
    this.#sendCredit = new SendCredit(sendWindow);
    this.#source = new CreditedReadable<R>({
      window: this.conn.limits.receiveWindow,
      size,
      bytes,
      maxItems,
      grant: (bytes) => this.grant(bytes),
      cancel: () => this.readFinished(),
    });
    this.#writable = new WritableStream<W>(
      {
        start: (controller) => {
          this.#writableController = controller;
        },
        write: (chunk, controller) => this.#write(chunk, controller.signal),
        close: () => this.closeWrites(),
        abort: () => {
          this.writesAbandoned();
          this.writeFinished();
        },
      },
      { highWaterMark: 1 },
    );
    return { readable: this.#source.readable, writable: this.#writable };
  }

  async #write(chunk: W, signal: AbortSignal): Promise<void> {
    let outgoing: OutgoingWrite;
    try {
      outgoing = this.prepareWrite(chunk);
    } catch (err) {
      this.writesAbandoned();
      this.writeFinished(err);
      throw err;
    }
    for (const piece of outgoing.pieces) {
      await this.#sendCredit.acquire(piece.byteLength, signal);
      this.conn.sendFrame(outgoing.frame(piece));
      this.stats.bytesOut += piece.byteLength;
    }
    this.stats.messagesOut++;
  }

  /** Hands a received item to the readable and counts it. */
  protected deliver(item: R, bytes: number): void {
    if (this.#source?.push(item) === false) {
      this.stats.droppedUnread++;
      return;
    }
    this.stats.bytesIn += bytes;
    this.stats.messagesIn++;
  }

  /** Gives the gateway `bytes` more receive credit while the socket can still receive. */
  protected grant(bytes: number): void {
    if (bytes <= 0 || !this.conn.isOpen || (this.state !== 'open' && this.state !== 'closing')) return;
    this.conn.sendFrame(encodeCounter(Frame.Credit, this.id, bytes));
  }

  override onFrame(frame: DecodedFrame): void {
    if (frame.kind === Frame.Ack) this.#sendCredit.release(frame.bytes);
    else this.onData(frame);
  }

  /** The peer is done sending: the readable ends once its queue is read. */
  protected endReads(): void {
    this.#source?.close();
    this.readFinished();
  }

  /** Writes can no longer go anywhere: waiting and later writes reject with `error`. */
  protected failWrites(error: unknown): void {
    this.#sendCredit.fail(error);
    this.#writableController?.error(error);
    this.writeFinished();
  }

  protected override endStreams(error: unknown): void {
    this.#sendCredit.fail(error ?? this.closedByGateway());
    if (error === undefined) {
      this.#source?.close();
      if (!this.writeDone) this.#writableController?.error(this.closedByGateway());
    } else {
      this.#source?.error(error);
      this.#writableController?.error(error);
    }
  }

  protected override locked(): boolean {
    return Boolean(this.#source?.readable.locked || this.#writable?.locked);
  }

  protected override shutStreams(reason: unknown): void {
    const source = this.#source;
    if (source?.open) source.readable.cancel(reason).catch(() => {});
    else this.readFinished();
    if (this.#writable && !this.writeDone) this.#writable.abort(reason).catch(() => {});
    else this.writeFinished();
  }
}
