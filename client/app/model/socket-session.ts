/**
 * What every socket of the workspace shares, whatever its kind: the life (opening → open → closing
 * → closed, or failed), the counters, log and rate, the traffic bookkeeping (an accepted client's
 * bytes also count on its server), the error lines, the read loop and the close. Opening carries
 * an AbortSignal, so closing a session that is still opening aborts the open at the gateway.
 * The kinds live in `tcp-session.ts`, `server-session.ts` and `udp-session.ts`; this file knows
 * none of them, and nothing here touches the DOM, so the model runs in Node for its unit tests.
 */
import { FrameBatcher } from './frame-batcher.js';
import { LogStore, type EventKind } from './log-store.js';
import { RateMeter } from './rate-meter.js';
import { SendJobRunner, type SendJob, type SendTarget } from './send-job.js';
import { TrafficCapture } from './traffic-capture.js';

/** What kind of socket a session is. */
export type SessionKind = 'tcp' | 'server' | 'accepted' | 'udp';

/** Life of a session. `half-closed`: one direction has ended (FIN sent or received). */
export type SessionState = 'opening' | 'open' | 'half-closed' | 'closing' | 'closed' | 'failed';

/** Page-side counters (resettable, unlike the library's). */
export interface Counters {
  bytesIn: number;
  bytesOut: number;
  msgsIn: number;
  msgsOut: number;
}

/** The part of a library socket (TCPSocket, TCPServerSocket, UDPSocket) the common session uses. */
export interface LibrarySocket {
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** What the addresses of an open library socket look like. */
interface LocalEnd {
  localAddress: string;
  localPort: number;
}

/** `address:port`, with brackets around IPv6 addresses. */
export const hostPort = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

let nextId = 1;

/** One socket in the workspace, any kind. Events: `change` (at most once per frame). */
export abstract class SocketSession extends EventTarget {
  /** Page-local id (stable across the session's life). */
  readonly id = nextId++;
  abstract readonly kind: SessionKind;
  state: SessionState = 'opening';
  /** Local `address:port` once open. */
  local = '';
  /** Remote `address:port` (TCP client and accepted), or the target asked for while opening. */
  remote = '';
  /** The error that ended or failed the session. */
  error: unknown;
  /** When it opened (or was accepted). */
  since = Date.now();
  readonly counters: Counters = { bytesIn: 0, bytesOut: 0, msgsIn: 0, msgsOut: 0 };
  readonly log = new LogStore();
  readonly rate = new RateMeter();
  /** Raw reads and writes for "save received" and the capture exports (bounded, traffic-capture.ts). */
  readonly capture = new TrafficCapture();
  /** The server that accepted this connection; its counters and log see this session's traffic too. */
  readonly parent: SocketSession | undefined;
  /** Settles once the session is `closed` or `failed`. */
  readonly ended: Promise<void>;
  /** Told of every message received here (auto-reply, checksum checks, sequences: `client/app/tools/`); a server's hear its clients'. */
  readonly inbound = new Set<(data: Uint8Array, peer: string, from: SocketSession) => void>();

  /** Aborted when the page closes the session before it opened; its signal goes to the library. */
  protected readonly opening = new AbortController();
  /** The writer to abort on close (TCP and UDP). */
  protected writer: { abort(): Promise<void> } | undefined;

  #reader: ReadableStreamDefaultReader<unknown> | undefined;
  #resolveEnded!: () => void;
  #lastLogged: { code?: string; message?: string } | undefined;
  #batcher = new FrameBatcher(() => this.dispatchEvent(new Event('change')));
  #sender = new SendJobRunner(
    () => this.changed(),
    (error) => this.logError(error),
  );

  protected constructor(parent?: SocketSession) {
    super();
    this.parent = parent;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
  }

  /** The library socket, once created. */
  protected abstract get socket(): LibrarySocket | undefined;

  /** True while data can be sent. */
  abstract get canSend(): boolean;

  /** Sends `bytes` once to `target` (the send job's single step). */
  protected abstract sendOnce(bytes: Uint8Array, target: SendTarget): Promise<void>;

  /** Short name for lists: the local end (connections name their remote end instead). */
  get title(): string {
    return this.local;
  }

  /** The peer named on event lines (connections only). */
  protected get eventPeer(): string {
    return '';
  }

  /** True while a repeated send runs. */
  get sending(): boolean {
    return this.#sender.sending;
  }

  /** Sets the counters back to zero. */
  resetCounters(): void {
    Object.assign(this.counters, { bytesIn: 0, bytesOut: 0, msgsIn: 0, msgsOut: 0 });
    this.changed();
  }

  /** Schedules a `change` event (coalesced per frame), for this session and its server. */
  changed(): void {
    this.#batcher.schedule();
    this.parent?.changed();
  }

  // ---- opening -----------------------------------------------------------------------------------

  /** Creates the library socket with `create` and hands it to `run`; a throw fails the session. */
  protected begin<S>(create: () => S, run: (socket: S) => Promise<void>): void {
    let socket: S;
    try {
      socket = create();
    } catch (error) {
      this.fail(error);
      return;
    }
    void run(socket);
  }

  /**
   * Waits for the socket's `opened` and marks the session open. Undefined when it did not open
   * (the session failed), or when the page closed the session meanwhile (it ends closed).
   */
  protected async awaitOpen<T extends LocalEnd>(opened: Promise<T>): Promise<T | undefined> {
    let info: T;
    try {
      info = await opened;
    } catch (error) {
      if (this.opening.signal.aborted) this.#end();
      else this.fail(error);
      return undefined;
    }
    if (this.opening.signal.aborted) {
      // The answer crossed the abort: the socket did open, so it must be closed for real.
      await this.socket?.close().catch(() => {});
      await this.socket?.closed.catch(() => {});
      this.#end();
      return undefined;
    }
    this.local = hostPort(info.localAddress, info.localPort);
    this.since = Date.now();
    this.state = 'open';
    return info;
  }

  // ---- reading -----------------------------------------------------------------------------------

  /**
   * Feeds every item of `readable` to `onItem`. True when the stream ended normally; false when it
   * failed (logged, unless the page itself is closing the socket).
   */
  protected async readAll<T>(readable: ReadableStream<T>, onItem: (item: T) => void): Promise<boolean> {
    const reader = readable.getReader();
    this.#reader = reader as ReadableStreamDefaultReader<unknown>;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return true;
        onItem(value);
      }
    } catch (error) {
      if ((this.state as SessionState) !== 'closing') this.logError(error);
      return false;
    }
  }

  /** The session ends when the socket's `closed` settles, with its error if any. */
  protected endWhen(closed: Promise<void>): void {
    closed.then(
      () => this.#end(),
      (error) => this.#end(error),
    );
  }

  // ---- traffic -----------------------------------------------------------------------------------

  /** Counts and logs bytes received from `peer` (`time` and `seq` from the gateway). */
  protected received(data: Uint8Array, time: number, seq: number | undefined, peer: string): void {
    this.capture.data('in', data, time, seq, peer);
    this.#count({ time, dir: 'in', peer, bytes: data, size: data.byteLength, seq });
    for (const listener of this.inbound) listener(data, peer, this);
    if (this.parent) for (const listener of this.parent.inbound) listener(data, peer, this);
  }

  /** Counts and logs bytes sent to `peer`; returns the log line's number. */
  protected sent(bytes: Uint8Array, peer: string): number {
    this.capture.data('out', bytes, Date.now(), undefined, peer);
    return this.#count({ time: Date.now(), dir: 'out', peer, bytes, size: bytes.byteLength });
  }

  #count(entry: { time: number; dir: 'in' | 'out'; peer: string; bytes: Uint8Array; size: number; seq?: number }): number {
    this.#tally(entry.dir, entry.size);
    const n = this.log.append(entry.dir, entry.time, entry.peer, entry.bytes, entry.seq);
    if (this.parent) {
      this.parent.#tally(entry.dir, entry.size);
      this.parent.log.append(entry.dir, entry.time, entry.peer, entry.bytes, entry.seq);
    }
    this.changed();
    return n;
  }

  #tally(dir: 'in' | 'out', size: number): void {
    if (dir === 'in') {
      this.counters.bytesIn += size;
      this.counters.msgsIn++;
      this.rate.addIn(size);
    } else {
      this.counters.bytesOut += size;
      this.counters.msgsOut++;
      this.rate.addOut(size);
    }
  }

  // ---- sending -----------------------------------------------------------------------------------

  /** Runs a send job; resolves when it is done or stopped. One repeated job at a time. */
  send(job: SendJob): Promise<void> {
    return this.#sender.run(job, (bytes, target) => this.sendOnce(bytes, target));
  }

  /** Sends `bytes` once, beside any running send job (auto-replies and sequence steps). */
  sendDirect(bytes: Uint8Array, target: SendTarget): Promise<void> {
    return this.sendOnce(bytes, target);
  }

  /** Stops a running repeated send. */
  stopSending(): void {
    this.#sender.stop();
  }

  // ---- closing -----------------------------------------------------------------------------------

  /**
   * Closes the socket (a server stops listening; its clients stay until kicked or closed). While
   * still opening, the open is aborted: the gateway drops the socket and the session ends closed.
   */
  async close(): Promise<void> {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.stopSending();
    const wasOpening = this.state === 'opening';
    this.state = 'closing';
    this.changed();
    if (wasOpening) {
      this.opening.abort();
      await this.ended;
      return;
    }
    // The spec's close() refuses while streams are locked; cancelling the reader and aborting the
    // writer ends both sides, and the library then closes the socket at the gateway.
    await this.#reader?.cancel().catch(() => {});
    await this.writer?.abort().catch(() => {});
    await this.socket?.closed.catch(() => {});
    this.#end();
  }

  /** Closes this session and everything under it (a server's clients). */
  closeAll(): Promise<void> {
    return this.close();
  }

  /** Closes the session for good, as the workspace's Remove does. */
  remove(): Promise<void> {
    return this.closeAll();
  }

  /** The event line that ends the session, and its code. */
  protected endLine(error: unknown): { event: EventKind; code?: string } {
    return { event: 'closed', code: (error as { sockgateCode?: string } | undefined)?.sockgateCode };
  }

  /** Called once when the session ends (after the state is `closed`). */
  protected onEnd(): void {}

  #end(error?: unknown): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    // The reader usually reported this very failure already; one line per failure.
    if (error !== undefined && this.state !== 'closing' && !this.#sameAsLogged(error)) {
      this.error = error;
      this.logError(error);
    }
    this.state = 'closed';
    this.onEnd();
    const { event, code } = this.endLine(error);
    this.logBoth(event, { peer: this.eventPeer, code });
    this.changed();
    this.#resolveEnded();
  }

  /** The socket could not be created or opened. */
  protected fail(error: unknown): void {
    this.error = error;
    this.state = 'failed';
    this.logError(error);
    this.changed();
    this.#resolveEnded();
  }

  // ---- the log -----------------------------------------------------------------------------------

  #sameAsLogged(error: unknown): boolean {
    const e = error as { sockgateCode?: string; message?: string } | undefined;
    return this.#lastLogged !== undefined && e?.sockgateCode === this.#lastLogged.code && e?.message === this.#lastLogged.message;
  }

  /** An error line (here and on the server); the error becomes the session's. */
  protected logError(error: unknown): void {
    const e = error as { sockgateCode?: string; message?: string; rule?: string };
    this.#lastLogged = { code: e?.sockgateCode, message: e?.message };
    this.logBoth('error', { peer: this.eventPeer, code: e?.sockgateCode ?? (e as Error)?.name, detail: e?.message ?? String(error) });
    this.error = error;
    this.changed();
  }

  /** An event line here and on the server. */
  protected logBoth(kind: EventKind, fields: Parameters<LogStore['event']>[1]): void {
    this.capture.event(kind, fields?.code);
    this.log.event(kind, fields);
    this.parent?.log.event(kind, fields);
  }
}
