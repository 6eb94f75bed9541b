/**
 * The sockets behind one lab run: either the page's own loopback server plus a client connected to
 * it (the page then sees both ends: every write and every read), or one client connected to a lab
 * service or any server. Records the writes each side makes and the reads each side gets.
 */
import { readChunk, recv, setReceiveMode, type ReceiveMode, type RecvOptions } from '../../lib/lab-extras.js';
import type { SocketGateway, TCPServerSocket, TCPSocket, TCPSocketOpenInfo } from '../../lib/index.js';
import type { PacketLog } from './packet-log.js';
import { ProgressWaiters } from './progress-waiters.js';
import type { ReadChunk, WrittenMessage } from './stream-model.js';

/** How long a recv() waits for the pump to record the chunk the gateway already delivered. */
const RECORD_BOUND_MS = 1000;

/** Which end of a lab connection: the page's client, or the socket its own server accepted. */
export type LabRole = 'client' | 'accepted';

/** One open TCP socket of the lab, with what it wrote and read. */
export class LabSide {
  readonly writes: WrittenMessage[] = [];
  readonly reads: ReadChunk[] = [];
  /** The socket's state as the page sees it. */
  status: 'open' | 'eof' | 'closed' | 'failed' = 'open';
  #writer: WritableStreamDefaultWriter<ArrayBuffer | ArrayBufferView>;
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #onChange: () => void;
  /** Woken on every recorded read and when reading ends (see {@link LabSide.untilRead}). */
  #waiters = new ProgressWaiters();
  /** False once the readable ended (EOF, close, failure): nothing more will be recorded. */
  #reading = true;

  constructor(
    readonly role: LabRole,
    readonly socket: TCPSocket,
    readonly info: TCPSocketOpenInfo,
    onChange: () => void,
  ) {
    this.#onChange = onChange;
    this.#writer = info.writable.getWriter();
    this.#reader = info.readable.getReader();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await readChunk(this.socket, this.#reader);
        if (done) break;
        this.reads.push({ data: value.data, seq: value.seq, time: value.time });
        this.#wake();
        this.#onChange();
      }
      if (this.status === 'open') this.status = 'eof';
    } catch {
      if (this.status === 'open') this.status = 'failed';
    }
    this.#reading = false;
    this.#wake();
    this.#onChange();
  }

  #wake(): void {
    this.#waiters.wake();
  }

  /** Resolves once `done()` holds, checked after every recorded read (see {@link ProgressWaiters.until}). */
  #until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.#waiters.until(done, () => !this.#reading, timeoutMs);
  }

  /** Waits until `bytes` bytes have been read in all; false if reading ended or `timeoutMs` passed first. */
  untilRead(bytes: number, timeoutMs: number): Promise<boolean> {
    return this.#until(() => this.readBytes >= bytes, timeoutMs);
  }

  /** Bytes read so far. */
  get readBytes(): number {
    return this.reads.reduce((n, c) => n + c.data.length, 0);
  }

  /** Bytes written so far. */
  get writtenBytes(): number {
    return this.writes.reduce((n, m) => n + m.bytes.length, 0);
  }

  /** Queues one write (one `send()`); resolves when the gateway took it. */
  write(message: Omit<WrittenMessage, 'time'>): Promise<void> {
    this.writes.push({ ...message, time: Date.now() });
    this.#onChange();
    return this.#writer.write(message.bytes);
  }

  /** Like Python's `sock.close()`, from the page: both directions, at once. */
  async close(): Promise<void> {
    if (this.status === 'closed') return;
    this.status = 'closed';
    await this.#reader.cancel().catch(() => {});
    this.#reader.releaseLock();
    this.#writer.releaseLock();
    await this.socket.close().catch(() => {});
    this.#onChange();
  }

  /** Sender knobs: Nagle (noDelay) and cork the next N writes. */
  async setSender(options: { noDelay?: boolean; corkWrites?: number }): Promise<void> {
    await this.socket.set(options);
  }

  /** Receiver knobs: manual mode, read delay, read size. */
  async setReceiver(mode: ReceiveMode): Promise<void> {
    await setReceiveMode(this.socket, mode);
  }

  /** Manual mode: bytes the gateway already holds for later recv()s (a `recv(0)`, which reads nothing). */
  async held(): Promise<number> {
    return (await recv(this.socket, 0)).buffered;
  }

  /** Python's `recv(n)` (manual mode): resolves once the read's chunk was recorded. */
  async recv(n: number, how: RecvOptions = {}): Promise<number> {
    const before = this.reads.length;
    const { bytes } = await recv(this.socket, n, how);
    // The chunk is queued on the readable before the `ok`: the pump records it within a few turns.
    if (bytes > 0) await this.#until(() => this.reads.length > before, RECORD_BOUND_MS);
    return bytes;
  }
}

/** Where the lab's client connects. */
export type LabTarget = { kind: 'pair' } | { kind: 'remote'; host: string; port: number };

/** The sockets of one lab run. */
export class LabConnection {
  server: TCPServerSocket | undefined;
  serverAddress: { address: string; port: number } | undefined;
  client!: LabSide;
  accepted: LabSide | undefined;
  #serverReader: ReadableStreamDefaultReader<TCPSocket> | undefined;

  private constructor(readonly target: LabTarget) {}

  /** Opens the sockets for `target` (`pair`: a page-owned listener on 127.0.0.1 and a client to it). */
  static async open(gateway: SocketGateway, target: LabTarget, options: { noDelay: boolean; capture?: PacketLog }, onChange: () => void): Promise<LabConnection> {
    const lab = new LabConnection(target);
    const dial = (host: string, port: number) => {
      const socket = new gateway.TCPSocket(host, port, { noDelay: options.noDelay, extras: { chunks: true, capture: Boolean(options.capture) } });
      // Before any await: the gateway's first capture message comes a turn later at the earliest.
      options.capture?.attach(socket);
      return socket;
    };
    if (target.kind === 'remote') {
      const socket = dial(target.host, target.port);
      lab.client = new LabSide('client', socket, await socket.opened, onChange);
      return lab;
    }
    const server = new gateway.TCPServerSocket('127.0.0.1', { extras: { chunks: true } });
    const listening = await server.opened;
    lab.server = server;
    lab.serverAddress = { address: listening.localAddress, port: listening.localPort };
    lab.#serverReader = listening.readable.getReader();
    const socket = dial('127.0.0.1', listening.localPort);
    const [info, accept] = await Promise.all([socket.opened, lab.#serverReader.read()]);
    lab.client = new LabSide('client', socket, info, onChange);
    if (accept.done) throw new Error('the lab server closed before it accepted the client');
    lab.accepted = new LabSide('accepted', accept.value, await accept.value.opened, onChange);
    return lab;
  }

  /** The side that writes for a direction (`reply`: the server side answers). */
  sender(direction: 'forward' | 'reply'): LabSide {
    return direction === 'reply' && this.accepted ? this.accepted : this.client;
  }

  /** The side that reads for a direction (one socket to a remote server does both). */
  receiver(direction: 'forward' | 'reply'): LabSide {
    if (!this.accepted) return this.client;
    return direction === 'reply' ? this.client : this.accepted;
  }

  /** Stops listening (accepted connections live on, as in the kernel). */
  async closeServer(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await this.#serverReader?.cancel().catch(() => {});
    this.#serverReader?.releaseLock();
    await server.close().catch(() => {});
  }

  /** Closes every socket of the run. */
  async close(): Promise<void> {
    await Promise.all([this.client?.close(), this.accepted?.close(), this.closeServer()]);
  }
}
