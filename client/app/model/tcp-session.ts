/**
 * A TCP connection in the workspace: a client the page opened, or a connection a server of the
 * page accepted. It reads every chunk as the gateway delivered it, writes, half-closes (FIN) and
 * follows the peer's FIN to `half-closed` and then `closed`.
 */
import { takeChunkInfo } from '../../lib/lab-extras.js';
import type { SocketGateway, SocketStats, TCPSocket } from '../../lib/index.js';
import type { SendTarget } from './send-job.js';
import { hostPort, SocketSession, type SessionState } from './socket-session.js';
import type { EventKind } from './log-store.js';
import { onPageClock } from './gateway-clock.js';

/** TCP client options the dialog collects. */
export interface TcpClientOptions {
  host: string;
  port: number;
  noDelay?: boolean;
  keepAliveDelay?: number;
  connectTimeout?: number;
  tls?: boolean;
  /** TLS SNI and certificate name; empty = the host. */
  serverName?: string;
  allowSelfSigned?: boolean;
}

type TcpWriter = WritableStreamDefaultWriter<ArrayBuffer | ArrayBufferView>;

/** One TCP connection (`tcp`: opened by the page; `accepted`: by one of its servers). */
export class TcpSession extends SocketSession {
  readonly kind: 'tcp' | 'accepted';
  /** What was asked for, to reopen with the same settings (clients only). */
  readonly options: TcpClientOptions | undefined;

  protected declare writer: TcpWriter | undefined;
  #tcp: TCPSocket | undefined;
  #writeEnded = false;
  #kicked = false;
  #onRemove: (() => void) | undefined;

  private constructor(kind: 'tcp' | 'accepted', options: TcpClientOptions | undefined, parent?: SocketSession) {
    super(parent);
    this.kind = kind;
    this.options = options;
  }

  /** Opens a TCP connection to `options.host:port`. */
  static connect(gateway: SocketGateway, options: TcpClientOptions): TcpSession {
    const s = new TcpSession('tcp', options);
    s.remote = hostPort(options.host, options.port);
    s.log.event('connecting', { peer: s.remote });
    s.begin(
      () =>
        new gateway.TCPSocket(options.host, options.port, {
          noDelay: Boolean(options.noDelay),
          ...(options.keepAliveDelay ? { keepAliveDelay: options.keepAliveDelay } : {}),
          extras: {
            chunks: true,
            signal: s.opening.signal,
            onError: (e) => s.logError(e),
            ...(options.connectTimeout ? { connectTimeout: options.connectTimeout } : {}),
            ...(options.tls
              ? { secureTransport: 'on' as const, ...(options.serverName ? { serverName: options.serverName } : {}), ...(options.allowSelfSigned ? { allowSelfSigned: true } : {}) }
              : {}),
          },
        }),
      (socket) => s.#run(socket),
    );
    return s;
  }

  /** A connection `server` accepted; `onRemove` runs when the page removes it. */
  static accepted(socket: TCPSocket, server: SocketSession, onRemove: () => void): TcpSession {
    const s = new TcpSession('accepted', undefined, server);
    s.#onRemove = onRemove;
    s.begin(
      () => socket,
      (socket) => s.#run(socket),
    );
    return s;
  }

  protected override get socket(): TCPSocket | undefined {
    return this.#tcp;
  }

  /** Connections are named after their remote end. */
  override get title(): string {
    return this.remote;
  }

  protected override get eventPeer(): string {
    return this.remote;
  }

  override get canSend(): boolean {
    return this.state === 'open' || (this.state === 'half-closed' && this.writer !== undefined && !this.#writeEnded);
  }

  /** The library socket, once created (the workspace's receiver, model/tcp-receiver.ts, reads through it). */
  get tcpSocket(): TCPSocket | undefined {
    return this.#tcp;
  }

  /** The library's counters for this socket. */
  get libraryStats(): SocketStats | undefined {
    return this.#tcp?.stats;
  }

  async #run(socket: TCPSocket): Promise<void> {
    this.#tcp = socket;
    const info = await this.awaitOpen(socket.opened);
    if (!info) return;
    this.remote = hostPort(info.remoteAddress, info.remotePort);
    if (this.kind === 'tcp') this.log.event('connected', { peer: this.remote, detail: this.local });
    else this.logBoth('accepted', { peer: this.remote });
    this.changed();
    this.writer = (info.writable as WritableStream<ArrayBuffer | ArrayBufferView>).getWriter();
    const peerEnded = await this.readAll(info.readable, (data) => {
      // The readable yields plain bytes (as the spec says); each read's seq and time come beside it.
      const c = takeChunkInfo(socket);
      this.received(data, c ? onPageClock(c.time) : Date.now(), c?.seq, this.remote);
    });
    if (peerEnded && (this.state === 'open' || this.state === 'half-closed')) {
      this.logBoth('peer-closed', { peer: this.remote });
      this.state = this.#writeEnded ? 'closing' : 'half-closed';
      this.changed();
    }
    this.endWhen(socket.closed);
    if (this.#writeEnded && (this.state as SessionState) !== 'closed') void this.close();
  }

  /** Writes `bytes` (logged and counted first, like the course's `send()`). */
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.writer) throw new Error('not writable');
    this.sent(bytes, this.remote);
    await this.writer.write(bytes);
  }

  protected override sendOnce(bytes: Uint8Array, target: SendTarget): Promise<void> {
    if (target.kind !== 'self') return Promise.reject(new Error(`a TCP connection cannot send to ${target.kind}`));
    return this.write(bytes);
  }

  /** Ends the write side (FIN; the course's `shutdown(SHUT_WR)`). */
  async halfClose(): Promise<void> {
    if (!this.writer || this.#writeEnded) return;
    this.#writeEnded = true;
    try {
      await this.writer.close();
      this.logBoth('half-closed', { peer: this.remote });
      this.state = this.state === 'half-closed' ? 'closing' : 'half-closed';
      if (this.state === 'closing') void this.close();
    } catch (error) {
      this.logError(error);
    }
    this.changed();
  }

  /** Closes the connection on the server's behalf (kick); the log says `kicked`. */
  kick(): Promise<void> {
    this.#kicked = true;
    return this.close();
  }

  /** Closes the connection and, for an accepted one, takes it off its server's list. */
  override async remove(): Promise<void> {
    const closing = this.closeAll();
    this.#onRemove?.();
    await closing;
  }

  protected override endLine(error: unknown): { event: EventKind; code?: string } {
    return this.#kicked ? { event: 'kicked' } : super.endLine(error);
  }
}
