/**
 * The one WebSocket a page holds to the gateway: the handshake (subprotocol, `welcome`), frame
 * dispatch to sockets by id, request/reply matching by `ref`, and failing every socket when the
 * connection goes away. Socket classes talk to the gateway only through this.
 */
import { receiveWindowBudget } from './adaptive-windows.js';
import {
  BATCH_PROTOCOL_VERSION,
  CloseCode,
  decodeFrame,
  Frame,
  FrameError,
  GATEWAY_ID_BASE,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
} from '../../shared/protocol.js';
import type {
  ClientMessage,
  DecodedFrame,
  ErrorMsg,
  GatewayLimits,
  ServerMessage,
  SocketFrame,
  WelcomeMsg,
} from '../../shared/protocol.js';
import { abortReason, ClientErrorCode, connectionLostError, SocketError, socketErrorFromMessage } from './socket-error.js';

/** What a socket implements to receive its share of the traffic. */
export interface SocketHandler {
  /** A control message about this socket that no pending request claimed. */
  onControl(msg: ServerMessage): void;
  /**
   * A binary frame for this socket (a Batch arrives as its frames, one call each, in order).
   * `owned`: the frame was its WebSocket message's only frame, so nothing else reads that
   * message's buffer and the handler may keep `frame.payload` as it is or hand its buffer to a
   * byte stream, which detaches it. False for a Batch's entries: their payloads share the
   * buffer with the other entries (and would pin all of it), so copy what you keep.
   */
  onFrame(frame: SocketFrame, owned: boolean): void;
  /** The WebSocket closed; the socket is gone. */
  onConnectionLost(error: SocketError): void;
}

/** The part of the WebSocket API this library uses; both the DOM's and `ws`'s classes have it. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
}

/** A WebSocket class: the browser's `WebSocket`, or `ws`'s in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => object;

/** How the connection ended. */
export interface ConnectionCloseInfo {
  code: number;
  reason: string;
  /** The `shutdown` reason, when the gateway announced it was stopping. */
  shutdown?: string;
}

/** Reply callbacks; called synchronously, before any later message is dispatched. */
export interface ReplyHandlers {
  resolve: (msg: ServerMessage) => void;
  reject: (error: unknown) => void;
}

const OPEN = 1;
const MAX_PAGE_ID = GATEWAY_ID_BASE - 1;

/** A live connection to the gateway. Create with {@link GatewayConnection.open}. */
export class GatewayConnection extends EventTarget {
  readonly limits: GatewayLimits;
  /** The gateway's clock minus the page's (ms), from the welcome message; 0 when it sent no time. */
  readonly clockOffsetMs: number;
  readonly version: number;
  /** The gateway's name and version, e.g. `sockgate/0.1.0`. */
  readonly gatewayName: string;
  /** Resolves when the WebSocket has closed, for whatever reason. */
  readonly closed: Promise<ConnectionCloseInfo>;
  /** What this connection's receive windows may grow, all sockets together (AdaptiveWindows). */
  readonly receiveWindowBudget = receiveWindowBudget();

  #ws: WebSocketLike;
  #handlers = new Map<number, SocketHandler>();
  #pending = new Map<number, ReplyHandlers>();
  #nextId = 1;
  #nextRef = 1;
  #lost: SocketError | undefined;
  #shutdown: string | undefined;
  #resolveClosed!: (info: ConnectionCloseInfo) => void;

  private constructor(ws: WebSocketLike, welcome: WelcomeMsg, clockOffsetMs: number) {
    super();
    this.#ws = ws;
    this.limits = welcome.limits;
    this.version = welcome.version;
    this.gatewayName = welcome.gateway;
    this.clockOffsetMs = clockOffsetMs;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /**
   * Opens the WebSocket at `wsUrl` offering `sockgate.v2` (v1 plus Batch frames) and `sockgate.v1`,
   * and waits for `welcome`: a gateway that speaks v2 batches small frames, an older one does not.
   * Rejects with a NetworkError (`CONNECT_FAILED`) when the upgrade is refused or the socket closes first.
   */
  static open(wsUrl: string, WebSocketClass: WebSocketConstructor, signal?: AbortSignal): Promise<GatewayConnection> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      let ws: WebSocketLike;
      const openedAt = Date.now();
      try {
        ws = new WebSocketClass(wsUrl, [SUBPROTOCOL_V2, SUBPROTOCOL]) as WebSocketLike;
      } catch (err) {
        reject(new SocketError('NetworkError', ClientErrorCode.ConnectFailed, `cannot open ${redact(wsUrl)}: ${String(err)}`, { cause: err }));
        return;
      }
      ws.binaryType = 'arraybuffer';
      let conn: GatewayConnection | undefined;
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(error);
        try {
          ws.close();
        } catch {
          // already closing
        }
      };
      const onAbort = () => fail(abortReason(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });

      ws.addEventListener('message', (event: { data: unknown }) => {
        if (conn) {
          conn.#onMessage(event.data);
          return;
        }
        if (settled) return;
        const welcome = typeof event.data === 'string' ? parseJson(event.data) : undefined;
        if (!welcome || welcome.t !== 'welcome') {
          fail(new SocketError('NetworkError', ClientErrorCode.ConnectFailed, 'the gateway did not start with a welcome message'));
          return;
        }
        if (welcome.version !== PROTOCOL_VERSION && welcome.version !== BATCH_PROTOCOL_VERSION) {
          fail(new SocketError('NotSupportedError', ClientErrorCode.Version, `gateway speaks protocol version ${welcome.version}, this library ${PROTOCOL_VERSION} and ${BATCH_PROTOCOL_VERSION}`));
          return;
        }
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        conn = new GatewayConnection(ws, welcome, clockOffset(welcome.time, openedAt, Date.now()));
        resolve(conn);
      });
      // Browsers say nothing about why an upgrade failed; `ws` says e.g. "Unexpected server response: 401".
      let detail = '';
      ws.addEventListener('close', (event: { code: number; reason: string }) => {
        if (conn) {
          conn.#onClose(event.code, event.reason);
          return;
        }
        fail(new SocketError('NetworkError', ClientErrorCode.ConnectFailed, closeText(event.code, event.reason, wsUrl) + detail));
      });
      ws.addEventListener('error', (event: { message?: unknown }) => {
        if (conn || ws.readyState === OPEN) return;
        if (typeof event?.message === 'string' && event.message) detail = `; ${event.message}`;
        // The close event normally follows with the code; fail anyway if it never comes.
        queueMicrotask(() => fail(new SocketError('NetworkError', ClientErrorCode.ConnectFailed, `cannot connect to ${redact(wsUrl)}${detail}`)));
      });
    });
  }

  /** True while the WebSocket is open. */
  get isOpen(): boolean {
    return !this.#lost && this.#ws.readyState === OPEN;
  }

  /** Why the connection is gone, once it is. */
  get lostError(): SocketError | undefined {
    return this.#lost;
  }

  /** Bytes the WebSocket has queued but not yet sent. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Reserves a page-side socket id for `handler`. */
  allocate(handler: SocketHandler): number {
    // Ids only move forward (wrapping after 2^31), so a late reply about an old socket never
    // reaches a new one that happens to reuse its id.
    for (let tries = 0; tries < MAX_PAGE_ID; tries++) {
      const id = this.#nextId;
      this.#nextId = id >= MAX_PAGE_ID ? 1 : id + 1;
      if (!this.#handlers.has(id)) {
        this.#handlers.set(id, handler);
        return id;
      }
    }
    throw new SocketError('QuotaExceededError', 'LIMIT', 'no free socket ids');
  }

  /** Routes traffic for a gateway-chosen id (an accepted connection) to `handler`. */
  register(id: number, handler: SocketHandler): void {
    this.#handlers.set(id, handler);
  }

  /** Stops routing traffic for `id`; its handler gets nothing more. */
  release(id: number, handler: SocketHandler): void {
    if (this.#handlers.get(id) === handler) this.#handlers.delete(id);
  }

  /** Sends a control message. Throws the connection's error if it is gone. */
  send(msg: ClientMessage): void {
    this.#assertOpen();
    this.#ws.send(JSON.stringify(msg));
  }

  /**
   * Sends `msg` with a fresh `ref` and resolves with the reply carrying that ref; an `error`
   * reply rejects with a SocketError. Messages that end a socket (`closed`, fatal `error`) also
   * reach the socket's handler.
   */
  request<T extends ServerMessage = ServerMessage>(msg: ClientMessage): Promise<T> {
    return new Promise<T>((resolve, reject) => this.requestWith(msg, { resolve: resolve as (m: ServerMessage) => void, reject }));
  }

  /**
   * Like {@link request}, but the handlers run synchronously when the reply is dispatched. `ws`
   * delivers the messages of one read back to back with no microtask in between, so a socket
   * must set up its streams on `opened` before the Chunks right behind it are dispatched.
   */
  requestWith(msg: ClientMessage, handlers: ReplyHandlers): void {
    if (this.#lost) {
      handlers.reject(this.#lost);
      return;
    }
    const ref = this.#nextRef;
    this.#nextRef = ref >= 0x7fff_ffff ? 1 : ref + 1;
    this.#pending.set(ref, handlers);
    try {
      this.send({ ...msg, ref });
    } catch (err) {
      this.#pending.delete(ref);
      handlers.reject(err);
    }
  }

  /** Sends a binary frame. Throws the connection's error if it is gone. */
  sendFrame(frame: Uint8Array): void {
    this.#assertOpen();
    this.#ws.send(frame);
  }

  /** Closes the WebSocket (normal closure) and waits until it is closed. */
  close(): Promise<ConnectionCloseInfo> {
    if (this.#ws.readyState <= OPEN) this.#ws.close(CloseCode.Normal, 'page closed the gateway');
    return this.closed;
  }

  #assertOpen(): void {
    if (this.#lost) throw this.#lost;
    if (this.#ws.readyState !== OPEN) throw connectionLostError('the WebSocket is closing');
  }

  #onMessage(data: unknown): void {
    if (typeof data === 'string') {
      const msg = parseJson(data) as ServerMessage | undefined;
      if (!msg || typeof msg.t !== 'string') {
        this.#emitError(new SocketError('OperationError', 'BAD_MESSAGE', 'the gateway sent a control message that is not JSON'));
        return;
      }
      this.#dispatch(msg);
      return;
    }
    let frame: DecodedFrame;
    try {
      frame = decodeFrame(new Uint8Array(data as ArrayBuffer));
    } catch (err) {
      const text = err instanceof FrameError ? err.message : String(err);
      this.#emitError(new SocketError('OperationError', 'BAD_MESSAGE', `bad binary frame from the gateway: ${text}`));
      return;
    }
    // Every message event brings a fresh ArrayBuffer (binaryType 'arraybuffer') that only this
    // listener sees, so its one frame may keep it (see SocketHandler.onFrame's `owned`).
    if (frame.kind !== Frame.Batch) {
      this.#handlers.get(frame.id)?.onFrame(frame, true);
      return;
    }
    // Looked up per frame: a handler may release its id (or a new one register) mid-batch.
    for (const f of frame.frames) this.#handlers.get(f.id)?.onFrame(f, false);
  }

  #dispatch(msg: ServerMessage): void {
    const ref = 'ref' in msg ? msg.ref : undefined;
    const pending = ref === undefined ? undefined : this.#pending.get(ref);
    if (pending) {
      this.#pending.delete(ref!);
      if (msg.t === 'error') pending.reject(socketErrorFromMessage(msg));
      else pending.resolve(msg);
      const ends = msg.t === 'closed' || (msg.t === 'error' && msg.fatal);
      if (!ends) return;
    }
    switch (msg.t) {
      case 'accepted':
        (this.#handlers.get(msg.server) ?? this.#handlers.get(msg.id))?.onControl(msg);
        return;
      case 'shutdown':
        this.#shutdown = msg.reason;
        this.dispatchEvent(Object.assign(new Event('shutdown'), { reason: msg.reason }));
        return;
      case 'welcome':
        return;
      case 'capture':
        // Not the socket's handler: capture messages outlive the socket (the close comes after `closed`).
        this.dispatchEvent(Object.assign(new Event('capture'), { message: msg }));
        return;
      case 'error':
        if (msg.id !== undefined && this.#handlers.has(msg.id)) this.#handlers.get(msg.id)!.onControl(msg);
        else if (!pending) this.#emitError(socketErrorFromMessage(msg), msg);
        return;
      default:
        this.#handlers.get(msg.id)?.onControl(msg);
    }
  }

  #emitError(error: SocketError, message?: ErrorMsg): void {
    this.dispatchEvent(Object.assign(new Event('error'), { error, message }));
  }

  #onClose(code: number, reason: string): void {
    if (this.#lost) return;
    const detail = this.#shutdown !== undefined ? `gateway shut down (${this.#shutdown})` : closeText(code, reason);
    const error = connectionLostError(detail);
    this.#lost = error;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
    const handlers = [...this.#handlers.values()];
    this.#handlers.clear();
    for (const h of handlers) h.onConnectionLost(error);
    const info: ConnectionCloseInfo = { code, reason };
    if (this.#shutdown !== undefined) info.shutdown = this.#shutdown;
    this.#resolveClosed(info);
    this.dispatchEvent(Object.assign(new Event('close'), info, { error }));
  }
}

function parseJson(text: string): any {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The URL without its token, for messages. */
function redact(url: string): string {
  return url.replace(/([?&]token=)[^&]*/, '$1…');
}

const closeMeanings: Record<number, string> = {
  1000: 'normal close',
  1001: 'the gateway is shutting down',
  1006: 'closed abnormally (refused upgrade: wrong token, origin or host, or the gateway is not running)',
  1009: 'a frame exceeded the gateway limit',
  4000: 'protocol violation',
  4001: 'too many pages on this gateway',
  4002: 'heartbeat missed',
  4003: 'the grant this page was admitted with ended (revoked, expired or changed)',
};

function closeText(code: number, reason: string, url?: string): string {
  const where = url ? ` (${redact(url)})` : '';
  return `WebSocket closed with ${code}${reason ? ` "${reason}"` : ''}: ${closeMeanings[code] ?? 'closed'}${where}`;
}

/**
 * The gateway's clock minus the page's, from `welcome.time` (gateway clock) sent between
 * `openedAt` and `receivedAt` (page clock): the true offset lies in [time − receivedAt, time −
 * openedAt], as in NTP. When 0 lies in it the clocks agree as far as this can tell (one machine):
 * 0, so no latency is added to read times. Otherwise the nearer end.
 */
export function clockOffset(time: unknown, openedAt: number, receivedAt: number): number {
  if (typeof time !== 'number' || !Number.isFinite(time)) return 0;
  const low = time - receivedAt;
  const high = time - openedAt;
  return low > 0 ? low : high < 0 ? high : 0;
}
