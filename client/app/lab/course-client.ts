/**
 * One client of the concurrency lab: a real TCP socket through the gateway to one of the course's
 * servers. It sends `hello from client N` as soon as `connect()` returns and records when the
 * (upper-cased) reply comes, so the page can show who is served and who waits.
 */
import type { SocketGateway, TCPSocket } from '../../lib/index.js';

/** Where a client is: connect() still running, connected with no reply yet, answered, closed, failed. */
export type CourseClientState = 'connecting' | 'waiting' | 'served' | 'closed' | 'failed';

/** One client socket of the concurrency lab. */
export class CourseClient {
  state: CourseClientState = 'connecting';
  /** Page clock (ms) when the socket was opened, connected, first answered. */
  readonly startedAt = Date.now();
  connectedAt: number | undefined;
  servedAt: number | undefined;
  localPort: number | undefined;
  reply = '';
  error = '';
  #socket: TCPSocket;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Aborts a connect() still waiting (a SYN the server's kernel dropped). */
  #abort = new AbortController();

  constructor(
    gateway: SocketGateway,
    readonly number: number,
    host: string,
    port: number,
    private readonly onChange: () => void,
  ) {
    this.#socket = new gateway.TCPSocket(host, port, { noDelay: true, extras: { signal: this.#abort.signal } });
    void this.#run();
  }

  /** Settles once connect() returned (or failed): the kernel finished this client's handshake. */
  get opened(): Promise<unknown> {
    return this.#socket.opened.catch(() => undefined);
  }

  /** What the client sends once connected. */
  get hello(): string {
    return `hello from client ${this.number}`;
  }

  async #run(): Promise<void> {
    try {
      const info = await this.#socket.opened;
      if (this.state === 'closed') return;
      this.state = 'waiting';
      this.connectedAt = Date.now();
      this.localPort = info.localPort;
      this.onChange();
      this.#writer = info.writable.getWriter();
      await this.#writer.write(new TextEncoder().encode(this.hello));
      const reader = info.readable.getReader();
      this.#reader = reader;
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.reply += decoder.decode(value, { stream: true });
        if (this.state === 'waiting') {
          this.state = 'served';
          this.servedAt = Date.now();
        }
        this.onChange();
      }
      this.state = 'closed';
    } catch (err) {
      if (this.state !== 'closed') {
        this.state = 'failed';
        this.error = err instanceof Error ? err.message : String(err);
      }
    }
    this.onChange();
  }

  /** Closes the socket (Python's `s.close()`): the loop server's recv() returns b'' and it accepts the next one. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const connecting = this.state === 'connecting';
    this.state = 'closed';
    this.onChange();
    if (connecting) return this.#abort.abort(new DOMException('closed before connect() returned', 'AbortError'));
    await this.#reader?.cancel().catch(() => {});
    this.#reader?.releaseLock();
    this.#writer?.releaseLock();
    await this.#socket.close().catch(() => {});
  }
}
