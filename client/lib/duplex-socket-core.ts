/**
 * What the TCP and UDP cores share beyond SocketCore: a credited readable and a credit-gated
 * writable, Credit and Ack frames, and how both streams end — cleanly, with an error, or cut
 * by close(). The concrete cores say how a write is validated and framed and what a received
 * frame becomes; everything about flow control and stream state lives here once.
 */
import { encodeCounter, Frame } from '../../shared/protocol.js';
import type { DecodedFrame, ServerMessage } from '../../shared/protocol.js';
import { AdaptiveWindows } from './adaptive-windows.js';
import { CreditedReadable } from './credited-readable.js';
import { SendCredit } from './credit.js';
import { SocketCore } from './socket-core.js';
import type { SocketStats } from './types.js';

/**
 * Writes the writable's queue holds at most: each queued write counts at least 1/MAX_QUEUED_WRITES
 * of the high-water mark, however small it is. Node's stream queues are plain arrays, and V8 moves
 * one of more than ~16,000 entries out of the normal heap, after which every write copies the whole
 * queue: 64-byte writes against a 1 MiB window (16,384 of them) cost 25 µs each instead of 1–4
 * (bench/README, optimisation log 14). It also bounds a loop of empty writes, which count 0 bytes.
 */
export const MAX_QUEUED_WRITES = 4096;

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
  #windows: AdaptiveWindows | undefined;

  // ---- hooks ---------------------------------------------------------------------------------

  /** Validates one written chunk and says how to send it; a throw errors the writable with it. */
  protected abstract prepareWrite(chunk: W): OutgoingWrite;
  /** A frame other than Ack for this socket (Chunk, Datagram); `owned`: its payload's buffer may be kept (SocketHandler.onFrame). */
  protected abstract onData(frame: DecodedFrame, owned: boolean): void;
  /** The user closed the writable; resolves once the gateway knows (TCP's half-close). */
  protected closeWrites(): Promise<void> | void {
    this.writeFinished();
  }
  /** No more writes will come (the writable aborted or failed); TCP tells the gateway. */
  protected writesAbandoned(): void {}

  // ---- streams -------------------------------------------------------------------------------

  /**
   * Builds both streams once the socket is open. `size` is a received item's payload bytes,
   * `writeSize` a written chunk's (it must not throw: a bad chunk counts 0 and fails in
   * prepareWrite), `bytes` makes the readable a byte stream (TCP), `maxItems` bounds the items
   * waiting unread (UDP; see CreditedReadable).
   *
   * The writable's queue is measured in bytes and holds one send window: while credit lasts a
   * write frames and sends its pieces synchronously (no promise of its own), so `writer.write()`
   * calls stream without a round trip each; once credit runs out the write in progress waits for
   * Acks, the queue fills, and `desiredSize`/`ready` tell the page to hold off.
   */
  protected openStreams(
    sendWindow: number,
    size: (item: R) => number,
    writeSize: (chunk: W) => number,
    bytes = false,
    maxItems?: number,
  ): { readable: ReadableStream<R>; writable: WritableStream<W> } {
    this.#sendCredit = new SendCredit(sendWindow);
    const limits = this.conn.limits;
    this.#windows = new AdaptiveWindows(
      {
        id: this.id,
        stats: this.stats,
        live: () => this.conn.isOpen && (this.state === 'open' || this.state === 'closing'),
        unread: () => this.#source?.queuedBytes ?? 0,
        send: (msg) => this.conn.send(msg),
        grant: (bytes) => this.grant(bytes),
      },
      this.#sendCredit,
      this.conn.receiveWindowBudget,
      { send: sendWindow, receive: limits.receiveWindow, max: limits.windowMax ?? 0 },
    );
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
      writableStrategy(sendWindow, writeSize),
    );
    return { readable: this.#source.readable, writable: this.#writable };
  }

  /** Sends what credit allows now; returns a promise only when a piece has to wait for credit. */
  #write(chunk: W, signal: AbortSignal): Promise<void> | undefined {
    let outgoing: OutgoingWrite;
    try {
      outgoing = this.prepareWrite(chunk);
    } catch (err) {
      this.writesAbandoned();
      this.writeFinished(err);
      throw err;
    }
    const pieces = outgoing.pieces;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      // Throws the socket's failure, as acquire() rejects with it: the write rejects the same way.
      if (!this.#sendCredit.tryAcquire(piece.byteLength)) return this.#writeWaiting(outgoing, i, signal);
      this.#send(outgoing, piece);
    }
    this.stats.messagesOut++;
    return undefined;
  }

  /** The rest of a write from piece `from` on, each piece once its credit is free (in order: waiters queue). */
  async #writeWaiting(outgoing: OutgoingWrite, from: number, signal: AbortSignal): Promise<void> {
    const pieces = outgoing.pieces;
    for (let i = from; i < pieces.length; i++) {
      const piece = pieces[i]!;
      await this.#sendCredit.acquire(piece.byteLength, signal);
      this.#send(outgoing, piece);
    }
    this.stats.messagesOut++;
  }

  #send(outgoing: OutgoingWrite, piece: Uint8Array): void {
    this.conn.sendFrame(outgoing.frame(piece));
    this.stats.bytesOut += piece.byteLength;
  }

  /** Hands a received item to the readable and counts it; `'joined'`: it went on the end of the entry before it (CreditedReadable.push). */
  protected deliver(item: R, bytes: number): boolean | 'joined' {
    const took = this.#source?.push(item) ?? true;
    if (took === false) {
      this.stats.droppedUnread++;
      return false;
    }
    this.countIn(bytes);
    return took;
  }

  /** Counts a received item of `bytes` (deliver() does; a core that runs a hook in between calls this, then {@link enqueue}). */
  protected countIn(bytes: number): void {
    this.stats.bytesIn += bytes;
    this.stats.messagesIn++;
  }

  /** Hands an already counted item to the readable. */
  protected enqueue(item: R): boolean | 'joined' {
    return this.#source?.push(item) ?? true;
  }

  /** Gives the gateway `bytes` more receive credit while the socket can still receive. */
  protected grant(bytes: number): void {
    if (bytes <= 0 || !this.conn.isOpen || (this.state !== 'open' && this.state !== 'closing')) return;
    this.conn.sendFrame(encodeCounter(Frame.Credit, this.id, bytes));
  }

  /** The counters, with the windows as they are now (AdaptiveWindows). */
  override snapshot(): SocketStats {
    const w = this.#windows?.sizes;
    return { ...this.stats, ...(w && { sendWindow: w.send, receiveWindow: w.receive }) };
  }

  protected override onOther(msg: ServerMessage): void {
    if (msg.t === 'window') this.#windows?.onWindow(msg);
  }

  override onFrame(frame: DecodedFrame, owned: boolean): void {
    if (frame.kind === Frame.Ack) this.#sendCredit.release(frame.bytes);
    else this.onData(frame, owned);
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
    this.#windows?.dispose();
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
    this.#windows?.dispose();
    const source = this.#source;
    if (source?.open) source.readable.cancel(reason).catch(() => {});
    else this.readFinished();
    if (this.#writable && !this.writeDone) this.#writable.abort(reason).catch(() => {});
    else this.writeFinished();
  }
}

/** The writable's queuing strategy: bytes against the send window, each write at least 1/{@link MAX_QUEUED_WRITES} of it. */
export function writableStrategy<W>(sendWindow: number, writeSize: (chunk: W) => number): QueuingStrategy<W> {
  const highWaterMark = Math.max(1, sendWindow);
  const least = Math.ceil(highWaterMark / MAX_QUEUED_WRITES);
  return { highWaterMark, size: (chunk) => Math.max(least, writeSize(chunk)) };
}
