/**
 * TCPServerSocket: listen through the gateway (spec: TCPServerSocket). `opened.readable` yields
 * one open TCPSocket per accepted connection. The gateway holds each accepted connection paused
 * (zero credit) until the page takes it off this readable, so a page that never reads its server
 * never buffers anyone's data.
 */
import type { AcceptedMsg, DecodedFrame, OpenedMsg, ServerMessage, TcpListenMsg } from '../../shared/protocol.js';
import type { GatewayConnection } from './gateway-connection.js';
import { boundConnection, kConnection, SocketCore } from './socket-core.js';
import type { SocketError } from './socket-error.js';
import { receiveSettings, TCPSocket, TcpSocketCore, wrapAcceptedSocket } from './tcp-socket.js';
import type { TCPChunk } from './types.js';
import { checkCallback, checkSignal, present, toDictionary, toIpLiteral, toIpv6Only, toLocalPort, toUnsignedLong } from './validation.js';

/** Spec: TCPServerSocketOptions. */
export interface TCPServerSocketOptions {
  /** Port to listen on (1–65535); omit for an ephemeral one. */
  localPort?: number;
  /** Accept queue length (> 0). */
  backlog?: number;
  /** Only with localAddress `::`: refuse IPv4-mapped connections. */
  ipv6Only?: boolean;
  extras?: TCPServerSocketExtras;
}

/** Non-spec server options (sockgate extras). */
export interface TCPServerSocketExtras {
  signal?: AbortSignal;
  /** SO_REUSEADDR, so a restarted lab server can listen again during TIME_WAIT. */
  reuseAddr?: boolean;
  /** extras.chunks for every accepted socket: keep each read's seq/time for `takeChunkInfo()`. */
  chunks?: boolean;
  /** Called for each TCP read of any accepted socket as it arrives; `chunk.data` as for TCPSocket's onChunk (valid during the call). */
  onChunk?: (chunk: TCPChunk, socket: TCPSocket) => void;
  /** allowHalfOpen for accepted sockets (default true). */
  allowHalfOpen?: boolean;
  /** Called with gateway errors about the server that do not close it (e.g. a connection refused at the socket limit). */
  onError?: (error: SocketError) => void;
}

/** Spec: TCPServerSocketOpenInfo. */
export interface TCPServerSocketOpenInfo {
  /** Accepted connections, one TCPSocket each, already open. */
  readable: ReadableStream<TCPSocket>;
  localAddress: string;
  localPort: number;
}

/** Static slot: the TCPSocket class accepted connections are made of. */
export const kSocketClass = Symbol('sockgate.socketClass');

interface ServerSettings {
  chunks: boolean;
  allowHalfOpen: boolean;
  onChunk: TCPServerSocketExtras['onChunk'];
  SocketClass: typeof TCPSocket;
}

/** Validates like Chromium: an IP literal, localPort ≠ 0, backlog ≠ 0, ipv6Only only on `::`. */
function listenRequest(localAddress: unknown, rawOptions: unknown) {
  const ip = toIpLiteral(localAddress, 'localAddress');
  const options = toDictionary<TCPServerSocketOptions>(rawOptions, 'TCPServerSocketOptions');
  const request: Omit<TcpListenMsg, 'id' | 'ref'> = { t: 'tcp.listen', host: ip.address, port: 0 };
  if (present(options.localPort)) request.port = toLocalPort(options.localPort);
  if (present(options.backlog)) {
    request.backlog = toUnsignedLong(options.backlog, 'backlog');
    if (request.backlog === 0) throw new TypeError('backlog must be greater than zero.');
  }
  if (present(options.ipv6Only)) request.ipv6Only = toIpv6Only(options.ipv6Only, ip);
  const extras = toDictionary<TCPServerSocketExtras>(options.extras, 'extras');
  if (present(extras.reuseAddr)) request.reuseAddr = Boolean(extras.reuseAddr);
  checkCallback(extras.onChunk, 'extras.onChunk');
  checkCallback(extras.onError, 'extras.onError');
  return { request, signal: checkSignal(extras.signal), extras };
}

/** The listening socket behind a TCPServerSocket. */
class TcpServerCore extends SocketCore<TCPServerSocketOpenInfo> {
  #settings: ServerSettings;
  #controller!: ReadableStreamDefaultController<TCPSocket>;
  #readable: ReadableStream<TCPSocket> | undefined;
  /** Accepted, not yet handed out. */
  #backlog: TcpSocketCore[] = [];
  #wantOne: (() => void) | undefined;
  #readableOpen = true;

  constructor(conn: GatewayConnection, settings: ServerSettings) {
    super(conn);
    this.#settings = settings;
  }

  listen(request: Omit<TcpListenMsg, 'id' | 'ref'>, signal: AbortSignal | undefined): void {
    this.start(request, signal);
  }

  protected override onOpened(msg: OpenedMsg): TCPServerSocketOpenInfo {
    // A server has no write side.
    this.writeFinished();
    this.#readable = new ReadableStream<TCPSocket>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        // highWaterMark 0: pull runs only when someone reads, and only then is a connection taken.
        pull: () => {
          if (this.#handOut()) return;
          return new Promise<void>((resolve) => {
            this.#wantOne = () => {
              if (!this.#handOut()) return;
              this.#wantOne = undefined;
              resolve();
            };
          });
        },
        cancel: () => {
          this.#readableOpen = false;
          this.#dropBacklog();
          this.readFinished();
        },
      },
      { highWaterMark: 0 },
    );
    return { readable: this.#readable, localAddress: msg.local.address, localPort: msg.local.port };
  }

  #handOut(): boolean {
    const core = this.#backlog.shift();
    if (!core) return false;
    core.take();
    this.#controller.enqueue(core.owner!);
    return true;
  }

  protected override onOther(msg: ServerMessage): void {
    if (msg.t !== 'accepted') return;
    this.#accept(msg);
  }

  #accept(msg: AcceptedMsg): void {
    const settings = this.#settings;
    let socket: TCPSocket | undefined;
    const core = new TcpSocketCore(this.conn, {
      chunks: settings.chunks,
      allowHalfOpen: settings.allowHalfOpen,
      onChunk: settings.onChunk ? (chunk: TCPChunk) => settings.onChunk!(chunk, socket!) : undefined,
    });
    core.adopt(msg);
    socket = wrapAcceptedSocket(settings.SocketClass, core);
    if (!this.#readableOpen || this.state !== 'open') {
      // Nobody will take it: let the gateway close it.
      socket.close().catch(() => {});
      return;
    }
    this.stats.messagesIn++;
    this.#backlog.push(core);
    this.#wantOne?.();
  }

  #dropBacklog(): void {
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const core of backlog) core.close().catch(() => {});
  }

  override onFrame(_frame: DecodedFrame): void {}

  protected override endStreams(error: unknown): void {
    this.#readableOpen = false;
    if (this.#readable) {
      if (error === undefined) {
        try {
          this.#controller.close();
        } catch {
          // already closed
        }
      } else {
        this.#controller.error(error);
      }
    }
    // Accepted sockets never handed out die with the server; handed-out ones live on.
    if (error === undefined) this.#dropBacklog();
    else this.#backlog = [];
  }

  protected override locked(): boolean {
    return Boolean(this.#readable?.locked);
  }

  protected override shutStreams(reason: unknown): void {
    if (this.#readable && this.#readableOpen) this.#readable.cancel(reason).catch(() => {});
    else this.readFinished();
  }
}

/**
 * A listening TCP socket on the gateway's host (spec: TCPServerSocket). Use the class bound to a
 * gateway, `gateway.TCPServerSocket`.
 */
export class TCPServerSocket {
  static [kConnection]: GatewayConnection | undefined;
  /** The TCPSocket class accepted connections are created as (the gateway's bound class). */
  static [kSocketClass]: typeof TCPSocket = TCPSocket;

  #core: TcpServerCore;

  constructor(localAddress: string, options: TCPServerSocketOptions = {}) {
    const Class = new.target as typeof TCPServerSocket;
    const conn = boundConnection(Class, 'TCPServerSocket');
    const { request, signal, extras } = listenRequest(localAddress, options);
    this.#core = new TcpServerCore(conn, { ...receiveSettings(extras), onChunk: extras.onChunk, SocketClass: Class[kSocketClass] });
    this.#core.onError = extras.onError;
    this.#core.listen(request, signal);
  }

  // The spec's members are own properties of each class, as the IDL's separate interfaces are
  // (test/client/*-socket.test.ts check it), so these delegations repeat in TCPSocket and UDPSocket.
  /** Resolves with the readable of accepted sockets and the bound address. */
  get opened(): Promise<TCPServerSocketOpenInfo> {
    return this.#core.opened;
  }

  /** Resolves when the server is closed; rejects if it failed. */
  get closed(): Promise<void> {
    return this.#core.closed;
  }

  /** Stops listening. Rejects with InvalidStateError while opening or while the readable is locked. */
  close(): Promise<void> {
    return this.#core.close();
  }

  /** Non-spec: the gateway's socket id. */
  get id(): number {
    return this.#core.id;
  }

  get [Symbol.toStringTag](): string {
    return 'TCPServerSocket';
  }
}
