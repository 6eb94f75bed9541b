import crypto from 'node:crypto';
import net from 'node:net';
import { Frame, decodeSocketFrame, type ClientMessage, type OpenedMsg, type ServerMessage } from '../../shared/protocol.js';
import type { ProtocolClient } from '../helpers/protocol-client.js';

/**
 * Checksummed bulk transfer through a page, both directions at once, with random write
 * sizes, random read (credit) sizes and random pauses on every side. Data comes from a
 * random block whose length is not a power of two, so a lost, repeated or reordered chunk
 * changes the digest even when the byte count happens to match.
 */

const BLOCK = crypto.randomBytes((8 << 20) + 4093);

/** Cheap deterministic stream of pseudo-random bytes: slices of BLOCK, wrapping around. */
export class ByteSource {
  private offset: number;
  readonly hash = crypto.createHash('sha256');
  produced = 0;
  constructor(readonly total: number, seed = crypto.randomInt(BLOCK.length)) {
    this.offset = seed;
  }
  /** The next `n` bytes (fewer at the end). The slice is a view into the block, not a copy. */
  next(n: number): Buffer {
    n = Math.min(n, this.total - this.produced, BLOCK.length - this.offset);
    const out = BLOCK.subarray(this.offset, this.offset + n);
    this.offset = (this.offset + n) % BLOCK.length;
    this.produced += n;
    this.hash.update(out);
    return out;
  }
  get done(): boolean {
    return this.produced >= this.total;
  }
}

let nextRef = 1_000_000;

/**
 * Sends a control message and waits up to `timeoutMs` for its reply. The shared client's
 * `request` gives up after 10 s, too short for a thousand sockets on a loaded 2-core machine.
 */
export function requestWithin(page: ProtocolClient, msg: ClientMessage, timeoutMs = 60_000): Promise<ServerMessage> {
  const ref = nextRef++;
  const reply = page.next((m) => 'ref' in m && m.ref === ref, timeoutMs);
  page.ws.send(JSON.stringify({ ...msg, ref }));
  return reply;
}

/** A random integer in [lo, hi]. */
export const rand = (lo: number, hi: number) => lo + crypto.randomInt(hi - lo + 1);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What one side saw: byte count and SHA-256 of everything, in order. */
export interface Digest {
  bytes: number;
  sha256: string;
}

export interface PeerTransfer {
  /** What the peer received from the page. */
  received: Promise<Digest>;
  /** What the peer sent to the page (known once it finished sending). */
  sent: Promise<Digest>;
}

/**
 * A loopback TCP server whose every connection sends `sendBytes` (random write sizes, random
 * pauses, respecting backpressure) while hashing what it reads (pausing its reads at random),
 * then half-closes after it has sent everything and closes once the page has ended too.
 */
export async function bulkPeer(sendBytes: number, opts: { pauseChance?: number; maxWrite?: number } = {}) {
  const transfers: PeerTransfer[] = [];
  const waiting: Array<(t: PeerTransfer) => void> = [];
  const pauseChance = opts.pauseChance ?? 0.01;
  const maxWrite = opts.maxWrite ?? 256 * 1024;
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (s) => {
    s.on('error', () => {});
    const inHash = crypto.createHash('sha256');
    let inBytes = 0;
    const received = new Promise<Digest>((resolve, reject) => {
      s.on('data', (c) => {
        inHash.update(c);
        inBytes += c.length;
        if (Math.random() < pauseChance) {
          s.pause();
          setTimeout(() => s.resume(), rand(1, 5));
        }
      });
      s.on('end', () => {
        resolve({ bytes: inBytes, sha256: inHash.digest('hex') });
        if (s.writableEnded) s.destroy();
      });
      s.on('close', () => reject(new Error(`peer connection closed after reading ${inBytes} bytes, before the page's FIN`)));
    });
    received.catch(() => {});
    const sent = (async () => {
      const src = new ByteSource(sendBytes);
      while (!src.done) {
        if (s.destroyed) throw new Error(`peer connection gone after sending ${src.produced} bytes`);
        if (!s.write(src.next(rand(1, maxWrite)))) await new Promise((r) => s.once('drain', r));
        if (Math.random() < pauseChance) await sleep(rand(1, 5));
      }
      await new Promise<void>((r) => s.end(r));
      if (s.readableEnded) s.destroy();
      return { bytes: src.produced, sha256: src.hash.digest('hex') };
    })();
    sent.catch(() => {});
    const t = { received, sent };
    const w = waiting.shift();
    if (w) w(t);
    else transfers.push(t);
  });
  // A deep accept queue: a thousand connects at once must not overflow it (the kernel would
  // drop the handshake's last ACK and the connection would sit idle for seconds).
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, r));
  return {
    server,
    port: (server.address() as net.AddressInfo).port,
    /** The transfer of the next connection the peer accepts (in accept order). */
    nextTransfer: (): Promise<PeerTransfer> => {
      const t = transfers.shift();
      return t ? Promise.resolve(t) : new Promise((r) => waiting.push(r));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Streams traffic of many sockets of one page without keeping what it receives: hashes each
 * socket's chunks, grants credit back in random-sized reads after random pauses, and tracks
 * acknowledgements so writes never exceed the send window.
 */
export class PageStreams {
  private readonly sockets = new Map<number, { hash: crypto.Hash; bytes: number; unread: number; eof: boolean; acked: number; waiters: Set<() => void> }>();

  constructor(
    readonly page: ProtocolClient,
    private readonly opts: { maxRead?: number; pauseChance?: number } = {},
  ) {
    page.autoCredit = false;
    page.ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        const msg = JSON.parse(data.toString()) as { t: string; id?: number };
        if (msg.t === 'eof' || msg.t === 'closed') {
          const s = this.sockets.get(msg.id!);
          if (s) {
            s.eof = true;
            this.notify(s);
          }
        }
        return;
      }
      const f = decodeSocketFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const s = this.sockets.get(f.id);
      if (!s) return;
      if (f.kind === Frame.Chunk) {
        s.hash.update(f.payload);
        s.bytes += f.payload.byteLength;
        s.unread += f.payload.byteLength;
        // The shared client keeps every chunk; bulk traffic must not accumulate in the test.
        page.received.delete(f.id);
      } else if (f.kind === Frame.Ack) {
        s.acked += f.bytes;
      }
      this.notify(s);
    });
  }

  private notify(s: { waiters: Set<() => void> }): void {
    const list = [...s.waiters];
    s.waiters.clear();
    for (const fn of list) fn();
  }

  /** Starts tracking socket `id` (call before its first chunk can arrive). */
  track(id: number): void {
    this.sockets.set(id, { hash: crypto.createHash('sha256'), bytes: 0, unread: 0, eof: false, acked: 0, waiters: new Set() });
  }

  private wait(id: number): Promise<void> {
    const s = this.sockets.get(id)!;
    return new Promise((resolve) => {
      const timer = setTimeout(done, 100);
      function done() {
        clearTimeout(timer);
        s.waiters.delete(done);
        resolve();
      }
      s.waiters.add(done);
    });
  }

  /** Writes `src` to socket `id` in random sizes within the send window, then sends `end`. */
  async upload(id: number, src: ByteSource, window: number, maxWrite: number, deadline: number): Promise<void> {
    const s = this.sockets.get(id)!;
    const pauseChance = this.opts.pauseChance ?? 0.01;
    let sent = 0;
    while (!src.done) {
      const room = window - (sent - s.acked);
      if (room <= 0) {
        if (Date.now() > deadline) throw new Error(`upload on ${id} stalled at ${sent} bytes (acked ${s.acked})`);
        await this.wait(id);
        continue;
      }
      const chunk = src.next(Math.min(room, rand(1, maxWrite)));
      this.page.write(id, chunk);
      sent += chunk.length;
      if (Math.random() < pauseChance) await sleep(rand(1, 5));
      // Let the WebSocket drain instead of queueing the whole window in the client.
      while (this.page.ws.bufferedAmount > 4 << 20) await sleep(1);
    }
    await requestWithin(this.page, { t: 'end', id });
  }

  /** Reads (grants credit for) everything socket `id` delivers until EOF; resolves with its digest. */
  async download(id: number, deadline: number): Promise<Digest> {
    const s = this.sockets.get(id)!;
    const maxRead = this.opts.maxRead ?? 512 * 1024;
    const pauseChance = this.opts.pauseChance ?? 0.01;
    while (!(s.eof && s.unread === 0)) {
      if (s.unread === 0) {
        if (Date.now() > deadline) throw new Error(`download on ${id} stalled at ${s.bytes} bytes`);
        await this.wait(id);
        continue;
      }
      const n = Math.min(s.unread, rand(1, maxRead));
      s.unread -= n;
      // After EOF nothing more will arrive: the credit would be for a socket that is closing.
      if (!s.eof) this.page.credit(id, n);
      if (Math.random() < pauseChance) await sleep(rand(1, 5));
      else if (s.unread === 0) await this.wait(id);
    }
    return { bytes: s.bytes, sha256: s.hash.digest('hex') };
  }
}

/** Opens a TCP socket to 127.0.0.1:`port` and runs {@link PageStreams.upload} and `download` on it. */
export async function pageRoundTrip(
  streams: PageStreams,
  id: number,
  port: number,
  upBytes: number,
  opts: { maxWrite?: number; timeoutMs?: number; credit?: number } = {},
): Promise<{ up: Digest; down: Digest }> {
  streams.track(id);
  const opened = (await requestWithin(streams.page, { t: 'tcp.connect', id, host: '127.0.0.1', port, credit: opts.credit })) as OpenedMsg;
  if (opened.t !== 'opened') throw new Error(`connect failed: ${JSON.stringify(opened)}`);
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const src = new ByteSource(upBytes);
  const [, down] = await Promise.all([streams.upload(id, src, opened.sendWindow, opts.maxWrite ?? 256 * 1024, deadline), streams.download(id, deadline)]);
  return { up: { bytes: src.produced, sha256: src.hash.digest('hex') }, down };
}
