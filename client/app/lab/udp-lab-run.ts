/**
 * The sockets of one UDP lab run: two UDP sockets bound on 127.0.0.1 through the gateway, one
 * sending datagrams to the other. The receiving side plays the course's `recvfrom(n)`: the gateway
 * (Node's dgram) always receives a datagram whole, and the lab keeps its first n bytes and counts
 * the rest as discarded — what Linux's recvfrom(n) does with a longer datagram.
 */
import type { SocketGateway, UDPSocket, UDPSocketOpenInfo } from '../../lib/index.js';
import { ProgressWaiters } from './progress-waiters.js';
import type { ScenarioMessage } from './scenarios.js';
import type { ReadChunk, WrittenMessage } from './stream-model.js';

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A sender and a receiver socket, with what was written and what `recvfrom(n)` returned. */
export class UdpLabRun {
  readonly written: WrittenMessage[] = [];
  readonly reads: ReadChunk[] = [];
  #waiters = new ProgressWaiters();
  #reading = true;

  private constructor(
    readonly sender: { socket: UDPSocket; info: UDPSocketOpenInfo },
    readonly receiver: { socket: UDPSocket; info: UDPSocketOpenInfo },
    /** The reader's `recvfrom(n)`. */
    readonly recvN: number,
    readonly onChange: () => void,
  ) {
    void this.#pump();
  }

  /** Binds both sockets on 127.0.0.1 (ports chosen by the kernel). */
  static async open(gateway: SocketGateway, recvN: number, onChange: () => void): Promise<UdpLabRun> {
    const bind = async () => {
      const socket = new gateway.UDPSocket({ localAddress: '127.0.0.1', extras: { chunks: true } });
      return { socket, info: await socket.opened };
    };
    const [sender, receiver] = await Promise.all([bind(), bind()]);
    return new UdpLabRun(sender, receiver, recvN, onChange);
  }

  async #pump(): Promise<void> {
    const reader = this.receiver.info.readable.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const whole = value.data;
        // recvfrom(n): the first n bytes; the kernel drops the rest of this datagram.
        const kept = whole.slice(0, this.recvN);
        this.reads.push({ data: kept, seq: value.seq ?? this.reads.length, time: value.time ?? Date.now(), ...(whole.length > kept.length && { lost: whole.length - kept.length }) });
        this.#waiters.wake();
        this.onChange();
      }
    } catch {
      // Closed under the reader: the run is over.
    }
    this.#reading = false;
    this.#waiters.wake();
  }

  /** Sends each message as one sendto() to the receiver, `gapMs` apart. */
  async send(messages: readonly ScenarioMessage[], gapMs: number): Promise<void> {
    const writer = this.sender.info.writable.getWriter();
    try {
      for (const [i, m] of messages.entries()) {
        if (i > 0 && gapMs > 0) await sleep(gapMs);
        const payload = encoder.encode(m.text);
        this.written.push({ payload, bytes: payload, headerBytes: 0, time: Date.now(), label: m.label });
        this.onChange();
        await writer.write({ data: payload, remoteAddress: '127.0.0.1', remotePort: this.receiver.info.localPort });
      }
    } finally {
      writer.releaseLock();
    }
  }

  /** Waits until `count` datagrams were read; false if `timeoutMs` passed first. */
  untilReads(count: number, timeoutMs: number): Promise<boolean> {
    return this.#waiters.until(() => this.reads.length >= count, () => !this.#reading, timeoutMs);
  }

  /** Closes both sockets. */
  async close(): Promise<void> {
    await Promise.all([this.sender.socket.close().catch(() => {}), this.receiver.socket.close().catch(() => {})]);
  }
}
