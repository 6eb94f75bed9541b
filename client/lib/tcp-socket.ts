/**
 * TCPSocket: the Direct Sockets TCP client over the gateway. Spec surface: the constructor,
 * `opened`, `closed`, `close()`. Extras (documented as non-spec): `set()`, `stats`, and the
 * `extras` option bag.
 */
import { DATA_HEADER, encodeData, Frame } from '../../shared/protocol.js';
import type { AcceptedMsg, DecodedFrame, OpenedMsg, TcpConnectMsg } from '../../shared/protocol.js';
import { DuplexSocketCore, type OutgoingWrite } from './duplex-socket-core.js';
import type { GatewayConnection } from './gateway-connection.js';
import { boundConnection, kConnection } from './socket-core.js';
import type { SocketError } from './socket-error.js';
import type { TCPChunk, TCPChunkInfo, TCPSetOptions, TCPSocketExtras, TCPSocketOpenInfo, TCPSocketOptions, SocketStats } from './types.js';
import { Fifo } from '../../shared/fifo.js';
import {
  checkCallback,
  queuedByteLength,
  checkSignal,
  present,
  toBufferSize,
  toBytes,
  toDictionary,
  toDomString,
  toEnum,
  toUnsignedLong,
  toWrappedUnsignedShort,
} from './validation.js';


/** Constructor argument marking an accepted connection (never visible to users). */
/**
 * Reads a TCPSocket's readable holds as separate entries; past it, further reads are joined into
 * one (bytes and order exact) until the consumer catches up. The receive window bounds the bytes,
 * this the entries: a peer sending 1-byte segments to a page that does not read would otherwise
 * queue a window's worth of 1-byte entries. As `MAX_UNREAD_DATAGRAMS`, below Node's cliff at 16,384.
 */
export const MAX_UNREAD_READS = 8192;

const kAccepted = Symbol('sockgate.accepted');
/** Internal: TCPSocket's method handing out the next read's metadata (lab-extras' takeChunkInfo). */
export const kTakeChunkInfo = Symbol('sockgate.takeChunkInfo');

interface TcpSettings {
  chunks: boolean;
  allowHalfOpen: boolean;
  onChunk: ((chunk: TCPChunk) => void) | undefined;
  onError?: ((error: SocketError) => void) | undefined;
}

/** The receive extras a dialled and an accepted connection share (`allowHalfOpen` defaults to true, as in the spec). */
export function receiveSettings(extras: { chunks?: unknown; allowHalfOpen?: unknown }): Pick<TcpSettings, 'chunks' | 'allowHalfOpen'> {
  return { chunks: Boolean(extras.chunks), allowHalfOpen: extras.allowHalfOpen === undefined ? true : Boolean(extras.allowHalfOpen) };
}

/** Validates TCPSocketOptions like Chromium does and builds the `tcp.connect` request. */
function connectRequest(remoteAddress: unknown, remotePort: unknown, rawOptions: unknown) {
  const host = toDomString(remoteAddress, 'remoteAddress');
  // The IDL declares this argument plain `unsigned short` (no [EnforceRange]): it wraps.
  const port = toWrappedUnsignedShort(remotePort, 'remotePort');
  const options = toDictionary<TCPSocketOptions>(rawOptions, 'TCPSocketOptions');
  const request: Omit<TcpConnectMsg, 'id' | 'ref'> = { t: 'tcp.connect', host, port };
  request.noDelay = Boolean(options.noDelay);
  if (present(options.keepAliveDelay)) {
    const delay = toUnsignedLong(options.keepAliveDelay, 'keepAliveDelay');
    if (delay < 1000) throw new TypeError('keepAliveDelay must be no less than 1,000 milliseconds.');
    request.keepAliveDelay = delay;
  }
  if (present(options.sendBufferSize)) request.sendBufferSize = toBufferSize(options.sendBufferSize, 'sendBufferSize');
  if (present(options.receiveBufferSize)) request.receiveBufferSize = toBufferSize(options.receiveBufferSize, 'receiveBufferSize');
  if (present(options.dnsQueryType)) request.dnsQueryType = toEnum(options.dnsQueryType, 'dnsQueryType', ['ipv4', 'ipv6']);

  const extras = toDictionary<TCPSocketExtras>(options.extras, 'extras');
  if (extras.capture) request.capture = true;
  if (present(extras.connectTimeout)) request.timeoutMs = toUnsignedLong(extras.connectTimeout, 'extras.connectTimeout');
  const secure = present(extras.secureTransport) ? toEnum(extras.secureTransport, 'extras.secureTransport', ['on', 'off']) : 'off';
  if (secure === 'on') {
    request.tls = {};
    if (present(extras.serverName)) request.tls.servername = toDomString(extras.serverName, 'extras.serverName');
    if (extras.allowSelfSigned) request.tls.insecure = true;
  } else if (present(extras.serverName) || present(extras.allowSelfSigned)) {
    throw new TypeError("extras.serverName and extras.allowSelfSigned need extras.secureTransport: 'on'");
  }
  const signal = checkSignal(extras.signal);
  checkCallback(extras.onChunk, 'extras.onChunk');
  checkCallback(extras.onError, 'extras.onError');
  const settings: TcpSettings = { ...receiveSettings(extras), onChunk: extras.onChunk, onError: extras.onError };
  return { request, signal, settings };
}

/** The TCP socket behind a TCPSocket: the stream and credit plumbing is DuplexSocketCore's; this adds half-close and chunk metadata. */
export class TcpSocketCore extends DuplexSocketCore<TCPSocketOpenInfo, Uint8Array, ArrayBuffer | ArrayBufferView> {
  #settings: TcpSettings;
  /** seq/time of each delivered read not yet taken (extras.chunks only); bounded by the receive window. */
  #chunkInfo = new Fifo<TCPChunkInfo>();
  #sendWindow = 0;
  #taken = false;
  /** Set by TCPSocket so onChunk hooks of a server can name the socket. */
  owner: TCPSocket | undefined;

  constructor(conn: GatewayConnection, settings: TcpSettings) {
    super(conn);
    this.#settings = settings;
    this.onError = settings.onError;
  }

  /** Opens a client connection. */
  connect(request: Omit<TcpConnectMsg, 'id' | 'ref'>, signal: AbortSignal | undefined): void {
    this.start({ ...request, credit: this.conn.limits.receiveWindow }, signal);
  }

  /** Adopts a connection the gateway accepted; it stays paused (zero credit) until {@link take}. */
  adopt(msg: AcceptedMsg): void {
    const info = this.#build(msg.sendWindow, msg.local, msg.remote);
    this.openNow(msg.id, info);
  }

  /** The user got hold of an accepted socket: grant its first window so data starts to flow. */
  take(): void {
    if (this.#taken) return;
    this.#taken = true;
    this.grant(this.conn.limits.receiveWindow);
  }

  protected override onOpened(msg: OpenedMsg): TCPSocketOpenInfo {
    this.#taken = true;
    return this.#build(msg.sendWindow, msg.local, msg.remote ?? { address: '', port: 0 });
  }

  #build(sendWindow: number, local: { address: string; port: number }, remote: { address: string; port: number }): TCPSocketOpenInfo {
    this.#sendWindow = sendWindow;
    const { readable, writable } = this.openStreams(sendWindow, (item) => item.byteLength, queuedByteLength, true, MAX_UNREAD_READS);
    return {
      readable,
      writable,
      remoteAddress: remote.address,
      remotePort: remote.port,
      localAddress: local.address,
      localPort: local.port,
    };
  }

  protected override prepareWrite(chunk: ArrayBuffer | ArrayBufferView): OutgoingWrite {
    const bytes = toBytes(chunk, 'TCPSocket: a written chunk');
    // Frames stay under the gateway's frame limit and never ask for more than the whole window.
    const max = Math.max(1, Math.min(this.conn.limits.frameBytes - DATA_HEADER, this.#sendWindow));
    // The common case, a write that fits one frame, is the written view itself: no subarray.
    const pieces: Uint8Array[] = [];
    if (bytes.byteLength <= max) {
      if (bytes.byteLength > 0) pieces.push(bytes);
    } else {
      for (let offset = 0; offset < bytes.byteLength; offset += max) pieces.push(bytes.subarray(offset, Math.min(offset + max, bytes.byteLength)));
    }
    return { pieces, frame: (piece) => encodeData(this.id, piece) };
  }

  protected override async closeWrites(): Promise<void> {
    try {
      await this.conn.request({ t: 'end', id: this.id });
    } catch (err) {
      this.writeFinished(err);
      throw err;
    }
    this.writeFinished();
  }

  /** Sends FIN's request without waiting: the writable is gone and no answer would change anything. */
  protected override writesAbandoned(): void {
    if (this.state !== 'open' || !this.conn.isOpen) return;
    try {
      this.conn.send({ t: 'end', id: this.id });
    } catch {
      // the connection is going away; its loss is reported separately
    }
  }

  protected override onData(frame: DecodedFrame, owned: boolean): void {
    if (frame.kind !== Frame.Chunk) return;
    // The byte stream transfers (detaches) the buffer of what it is given: a Chunk that had its
    // WebSocket message to itself goes in as it is (the reader's view then sits at its offset in
    // that message's buffer); one whose Batch still has frames to dispatch gets its own copy.
    const data = owned ? frame.payload : frame.payload.slice();
    const hook = this.#settings.onChunk;
    if (hook === undefined) {
      this.#noteInfo(frame, this.deliver(data, data.byteLength));
      return;
    }
    // Counted before the hook runs, as before. The hook sees the very bytes the stream is about
    // to get — no copy — so `data` is valid during the call only: once enqueued its buffer is
    // detached (docs/CLIENT.md, onChunk). Enqueued even if the hook throws.
    this.countIn(data.byteLength);
    try {
      hook({ data, seq: frame.seq, time: frame.time });
    } finally {
      this.#noteInfo(frame, this.enqueue(data));
    }
  }

  /**
   * extras.chunks: one seq/time per entry of the readable, so `readChunk()` pairs them — a read
   * joined onto the entry before it (past MAX_UNREAD_READS unread) adds none: that entry keeps its
   * first read's.
   */
  #noteInfo(frame: { seq: number; time: number }, took: boolean | 'joined'): void {
    if (this.#settings.chunks && took !== 'joined') this.#chunkInfo.push({ seq: frame.seq, time: frame.time });
  }

  /** The oldest delivered read's seq and time not yet taken (extras.chunks). */
  takeChunkInfo(): TCPChunkInfo | undefined {
    return this.#chunkInfo.shift();
  }

  protected override onEof(): void {
    this.endReads();
    if (!this.#settings.allowHalfOpen && !this.writeDone) {
      this.writesAbandoned();
      this.failWrites(this.closedByGateway());
    }
  }
}

/**
 * A TCP connection through the gateway (spec: TCPSocket). Use the class bound to a gateway,
 * `gateway.TCPSocket`; the base class cannot open sockets on its own.
 */
export class TCPSocket {
  /** Set on the subclasses SocketGateway binds to a connection. */
  static [kConnection]: GatewayConnection | undefined;

  #core: TcpSocketCore;

  constructor(remoteAddress: string, remotePort: number, options: TCPSocketOptions = {}) {
    if ((remoteAddress as unknown) === kAccepted) {
      this.#core = remotePort as unknown as TcpSocketCore;
      this.#core.owner = this;
      return;
    }
    const conn = boundConnection(new.target as typeof TCPSocket, 'TCPSocket');
    const { request, signal, settings } = connectRequest(remoteAddress, remotePort, options);
    this.#core = new TcpSocketCore(conn, settings);
    this.#core.owner = this;
    this.#core.connect(request, signal);
  }

  // The spec's members are own properties of each class, as the IDL's separate interfaces are
  // (test/client/*-socket.test.ts check it), so these delegations repeat in TCPServerSocket and UDPSocket.
  /** Resolves with the streams and addresses once connected; rejects with a SocketError. */
  get opened(): Promise<TCPSocketOpenInfo> {
    return this.#core.opened;
  }

  /** Resolves when both the readable and the writable are done; rejects on a connection error. */
  get closed(): Promise<void> {
    return this.#core.closed;
  }

  /** Closes both directions. Rejects with InvalidStateError while opening or while a stream is locked. */
  close(): Promise<void> {
    return this.#core.close();
  }

  /** Non-spec: change noDelay, keepAliveDelay or corkWrites on the open socket. */
  set(options: TCPSetOptions): Promise<void> {
    const o = toDictionary<TCPSetOptions>(options, 'options');
    const fields: Record<string, unknown> = {};
    if (present(o.noDelay)) fields.noDelay = Boolean(o.noDelay);
    if (present(o.keepAliveDelay)) fields.keepAliveDelay = toUnsignedLong(o.keepAliveDelay, 'keepAliveDelay');
    if (present(o.corkWrites)) fields.corkWrites = toUnsignedLong(o.corkWrites, 'corkWrites');
    return this.#core.set(fields);
  }

  /** Non-spec: byte and message counters. */
  get stats(): SocketStats {
    return this.#core.snapshot();
  }

  /** Non-spec: the gateway's socket id (accepted connections have ids ≥ 0x80000000). */
  get id(): number {
    return this.#core.id;
  }

  /** Internal (lab-extras' takeChunkInfo): a symbol, so the spec surface stays the spec's. */
  [kTakeChunkInfo](): TCPChunkInfo | undefined {
    return this.#core.takeChunkInfo();
  }

  get [Symbol.toStringTag](): string {
    return 'TCPSocket';
  }
}

/** Wraps an accepted connection's core in a TCPSocket of class `Class` (internal; not exported from index). */
export function wrapAcceptedSocket(Class: typeof TCPSocket, core: TcpSocketCore): TCPSocket {
  return new Class(kAccepted as unknown as string, core as unknown as number);
}
