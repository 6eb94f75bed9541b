/**
 * What every gateway-backed socket shares: opening with a request and an optional AbortSignal,
 * the `opened`/`closed` promises, the two-sided end (the socket is closed once its readable and
 * its writable are both done), the gateway's `closed`/`error` messages, connection loss, counters.
 * TCPSocket, TCPServerSocket and UDPSocket each wrap a subclass of this.
 */
import type { ClientMessage, ClosedMsg, DecodedFrame, OpenedMsg, ServerMessage } from '../../shared/protocol.js';
import type { GatewayConnection, SocketHandler } from './gateway-connection.js';
import {
  abortReason,
  ClientErrorCode,
  connectionLostError,
  errorNameFor,
  invalidState,
  SocketError,
  socketErrorFromMessage,
} from './socket-error.js';
import type { SocketStats } from './types.js';

export type SocketState = 'opening' | 'open' | 'closing' | 'closed' | 'aborted';

/** Static slot holding the gateway a bound class (`gateway.TCPSocket` …) opens its sockets on. */
export const kConnection = Symbol('sockgate.connection');

/** The connection the socket class `Class` is bound to, or the TypeError an unbound class throws. */
export function boundConnection(Class: { [kConnection]?: GatewayConnection | undefined }, name: string): GatewayConnection {
  const conn = Class[kConnection];
  if (!conn) throw new TypeError(`${name} is not bound to a gateway: use the ${name} of SocketGateway.connect()`);
  return conn;
}

/** Distributive Omit, so each message type of the union keeps its own fields. */
type OpenRequest = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id' | 'ref'> : never) : never;

/** Base of the socket cores; `T` is the socket's open info. */
export abstract class SocketCore<T> implements SocketHandler {
  readonly conn: GatewayConnection;
  id = 0;
  state: SocketState = 'opening';
  readonly opened: Promise<T>;
  readonly closed: Promise<void>;
  readonly stats: SocketStats = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, dropped: 0, droppedUnread: 0 };

  #resolveOpened!: (info: T) => void;
  #rejectOpened!: (error: unknown) => void;
  #resolveClosed!: () => void;
  #rejectClosed!: (error: unknown) => void;
  #readDone = false;
  #writeDone = false;
  #firstError: { error: unknown } | undefined;
  #gatewayClosed = false;
  #finishing = false;
  /** The last socket error the gateway reported; `closed` with an error code refers to it. */
  #lastError: SocketError | undefined;
  /** extras.onError: gateway errors about this socket that do not close it. */
  onError: ((error: SocketError) => void) | undefined;

  constructor(conn: GatewayConnection) {
    this.conn = conn;
    this.opened = new Promise<T>((resolve, reject) => {
      this.#resolveOpened = resolve;
      this.#rejectOpened = reject;
    });
    this.closed = new Promise<void>((resolve, reject) => {
      this.#resolveClosed = resolve;
      this.#rejectClosed = reject;
    });
    // Like Chromium: a failure is reported through these promises, never as an unhandled rejection.
    this.opened.catch(() => {});
    this.closed.catch(() => {});
  }

  // ---- hooks for the concrete sockets -------------------------------------------------------

  /** Builds the streams and open info from the gateway's `opened`. */
  protected abstract onOpened(msg: OpenedMsg): T;
  /** A binary frame for this socket; `owned` as in SocketHandler.onFrame (the payload's buffer is the handler's to keep). */
  abstract onFrame(frame: DecodedFrame, owned: boolean): void;
  /** The socket is gone: error (or, with no error, end) whichever streams are still open. */
  protected abstract endStreams(error: unknown | undefined): void;
  /** True when close() must refuse because a stream is locked. */
  protected abstract locked(): boolean;
  /** Cancels/aborts the streams for close(); their callbacks report the sides as done. */
  protected abstract shutStreams(reason: unknown): void;
  /** The peer sent FIN (TCP). */
  protected onEof(): void {}
  /** A control message the base does not handle (`accepted`). */
  protected onOther(_msg: ServerMessage): void {}

  // ---- opening -------------------------------------------------------------------------------

  /** Sends the open request; `opened` settles with its answer, or with the signal's reason. */
  protected start(request: OpenRequest, signal: AbortSignal | undefined): void {
    if (!this.conn.isOpen) {
      this.#failOpen(this.conn.lostError ?? connectionLostError('not connected'));
      return;
    }
    if (signal?.aborted) {
      this.#failOpen(abortReason(signal));
      return;
    }
    this.id = this.conn.allocate(this);
    const onAbort = () => {
      if (this.state !== 'opening') return;
      this.#failOpen(abortReason(signal!));
      // The gateway abandons the open and answers with `closed` (without this ref); the id stays
      // registered until then, so a late `opened` is not misrouted.
      this.#abandon();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.conn.requestWith({ ...request, id: this.id } as ClientMessage, {
      resolve: (reply) => {
        signal?.removeEventListener('abort', onAbort);
        if (this.state !== 'opening') return;
        if (reply.t !== 'opened') {
          this.#failOpen(new SocketError('OperationError', 'BAD_MESSAGE', `expected 'opened', the gateway answered '${reply.t}'`));
          this.#abandon();
          return;
        }
        this.state = 'open';
        this.#resolveOpened(this.onOpened(reply));
      },
      reject: (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        if (this.state !== 'opening') return;
        this.#failOpen(error);
        this.conn.release(this.id, this);
      },
    });
  }

  /** For sockets born open (accepted connections). */
  protected openNow(id: number, info: T): void {
    this.id = id;
    this.state = 'open';
    this.conn.register(id, this);
    this.#resolveOpened(info);
  }

  #failOpen(error: unknown): void {
    this.state = 'aborted';
    this.#rejectOpened(error);
    this.#rejectClosed(error);
  }

  // ---- the two sides -----------------------------------------------------------------------

  /** The readable is done (closed, cancelled or errored). */
  protected readFinished(error?: unknown): void {
    if (this.#readDone) return;
    this.#readDone = true;
    if (error !== undefined && !this.#firstError) this.#firstError = { error };
    this.#maybeFinish();
  }

  /** The writable is done (closed, aborted or errored). */
  protected writeFinished(error?: unknown): void {
    if (this.#writeDone) return;
    this.#writeDone = true;
    if (error !== undefined && !this.#firstError) this.#firstError = { error };
    this.#maybeFinish();
  }

  protected get readDone(): boolean {
    return this.#readDone;
  }

  protected get writeDone(): boolean {
    return this.#writeDone;
  }

  #maybeFinish(): void {
    if (!this.#readDone || !this.#writeDone || this.#finishing) return;
    this.#finishing = true;
    if (this.state === 'open') this.state = 'closing';
    const settle = () => {
      this.conn.release(this.id, this);
      if (this.#firstError) {
        this.state = 'aborted';
        this.#rejectClosed(this.#firstError.error);
      } else {
        this.state = 'closed';
        this.#resolveClosed();
      }
    };
    if (this.#gatewayClosed || !this.conn.isOpen) settle();
    else this.#requestClose().then(settle);
  }

  /** Drops a socket that failed to open; its `closed` message releases the id. */
  #abandon(): void {
    try {
      this.conn.send({ t: 'close', id: this.id });
    } catch {
      this.conn.release(this.id, this);
    }
  }

  /** Asks the gateway to close the socket; resolves once it has (or cannot answer any more). */
  #requestClose(): Promise<void> {
    if (!this.conn.isOpen) return Promise.resolve();
    return this.conn.request({ t: 'close', id: this.id }).then(
      (reply) => {
        if (reply.t === 'closed') this.#noteClosed(reply);
        this.#gatewayClosed = true;
      },
      () => {
        // UNKNOWN_SOCKET: the gateway had already closed it; connection loss: nothing to close.
        this.#gatewayClosed = true;
      },
    );
  }

  // ---- user operations ----------------------------------------------------------------------

  /** close(): spec rules — InvalidStateError while opening or while a stream is locked. */
  close(): Promise<void> {
    if (this.state === 'opening') {
      return Promise.reject(invalidState('Socket is not properly initialized (still opening); use extras.signal to abort an open.'));
    }
    if (this.state !== 'open') return this.closed;
    if (this.locked()) return Promise.reject(invalidState('Close called on locked streams.'));
    this.state = 'closing';
    this.shutStreams(new DOMException('Stream closed.', 'AbortError'));
    return this.closed;
  }

  /** Sends a `set` and waits for `ok`. */
  set(fields: Record<string, unknown>): Promise<void> {
    if (this.state !== 'open') return Promise.reject(invalidState(`cannot set options: socket is ${this.state}`));
    return this.conn.request({ t: 'set', id: this.id, ...fields } as ClientMessage).then(() => undefined);
  }

  /** A snapshot of the counters. */
  snapshot(): SocketStats {
    return { ...this.stats };
  }

  // ---- gateway traffic ------------------------------------------------------------------------

  onControl(msg: ServerMessage): void {
    switch (msg.t) {
      case 'eof':
        if (this.state === 'open' || this.state === 'closing') this.onEof();
        return;
      case 'error': {
        const error = socketErrorFromMessage(msg);
        this.#lastError = error;
        // A fatal error is reported through the streams and `closed` when `closed` follows.
        if (!msg.fatal && this.onError) queueMicrotask(() => this.onError?.(error));
        return;
      }
      case 'closed':
        this.#onGatewayClosed(msg);
        return;
      case 'dropped':
        this.stats.dropped = msg.dropped;
        return;
      default:
        this.onOther(msg);
    }
  }

  onConnectionLost(error: SocketError): void {
    this.#gatewayClosed = true;
    if (this.state === 'opening') {
      this.#failOpen(error);
      return;
    }
    if (this.state === 'closed' || this.state === 'aborted') return;
    this.endStreams(error);
    this.readFinished(error);
    this.writeFinished(error);
  }

  #noteClosed(msg: ClosedMsg): void {
    if (msg.dropped) this.stats.dropped = msg.dropped;
  }

  #onGatewayClosed(msg: ClosedMsg): void {
    this.#noteClosed(msg);
    this.#gatewayClosed = true;
    if (this.state === 'opening' || this.state === 'aborted' || this.state === 'closed') {
      this.conn.release(this.id, this);
      return;
    }
    const error = msg.error
      ? this.#lastError?.sockgateCode === msg.error
        ? this.#lastError
        : new SocketError(errorNameFor(msg.error), msg.error, `the gateway closed the socket: ${msg.error}`)
      : undefined;
    this.endStreams(error);
    this.readFinished(error);
    this.writeFinished(error);
  }

  /** The error for a write after the gateway closed the socket cleanly. */
  protected closedByGateway(): SocketError {
    return new SocketError('InvalidStateError', ClientErrorCode.Closed, 'the socket was closed by the gateway');
  }
}
