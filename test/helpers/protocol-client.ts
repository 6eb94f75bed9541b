import { WebSocket } from 'ws';
import {
  Frame,
  SUBPROTOCOL,
  decodeFrame,
  encodeCounter,
  encodeData,
  encodeSendTo,
  type ClientMessage,
  type ServerMessage,
  type SocketFrame,
} from '../../shared/protocol.js';

/** A received TCP chunk or UDP datagram, as the gateway framed it. */
export interface Received {
  id: number;
  seq: number;
  time: number;
  payload: Buffer;
  host?: string;
  port?: number;
}

type Waiter = { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void; reject: (e: Error) => void };

/**
 * A raw wire-protocol client for tests: speaks docs/PROTOCOL.md directly over `ws`, with no
 * library in between, so gateway tests check the gateway alone. Keeps every message it got.
 */
export class ProtocolClient {
  readonly messages: ServerMessage[] = [];
  readonly received = new Map<number, Received[]>();
  readonly acked = new Map<number, number>();
  /** RelayRead frames, in arrival order. */
  readonly relayReads: Array<Extract<ReturnType<typeof decodeFrame>, { kind: typeof Frame.RelayRead }>> = [];
  private waiters: Waiter[] = [];
  private dataWaiters: Array<() => void> = [];
  private nextRef = 1;
  /** When true, every chunk is credited back at once (a page that keeps reading). */
  autoCredit = true;
  closeCode: number | undefined;
  closeReason = '';
  /** The kind byte of every binary message seen (a v1 page must never see Frame.Batch). */
  readonly binaryKinds = new Set<number>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        const msg = JSON.parse(data.toString()) as ServerMessage;
        this.messages.push(msg);
        this.waiters = this.waiters.filter((w) => (w.match(msg) ? (w.resolve(msg), false) : true));
        return;
      }
      this.binaryKinds.add(data[0]!);
      const decoded = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      for (const f of decoded.kind === Frame.Batch ? decoded.frames : [decoded]) this.onFrame(f);
      const w = this.dataWaiters;
      this.dataWaiters = [];
      for (const fn of w) fn();
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      for (const w of this.waiters) w.reject(new Error(`WebSocket closed (${code} ${reason})`));
      this.waiters = [];
    });
  }

  /** One frame of a socket (a Batch's frames come here one by one). */
  private onFrame(f: SocketFrame): void {
    if (f.kind === Frame.RelayRead) {
      this.relayReads.push({ ...f, payload: Buffer.from(f.payload) });
    } else if (f.kind === Frame.Ack) {
      this.acked.set(f.id, (this.acked.get(f.id) ?? 0) + f.bytes);
    } else if (f.kind === Frame.Chunk || f.kind === Frame.Datagram) {
      const list = this.received.get(f.id) ?? [];
      list.push({
        id: f.id,
        seq: f.seq,
        time: f.time,
        payload: Buffer.from(f.payload),
        ...(f.kind === Frame.Datagram && { host: f.host, port: f.port }),
      });
      this.received.set(f.id, list);
      if (this.autoCredit) this.credit(f.id, f.payload.byteLength);
    }
  }

  /** Connects to a gateway at `origin` (http://host:port) with `token`; resolves after `welcome`. */
  static async connect(origin: string, token: string, opts: { origin?: string; protocol?: string | string[] } = {}): Promise<ProtocolClient> {
    const url = `${origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url, opts.protocol ?? SUBPROTOCOL, { headers: opts.origin ? { Origin: opts.origin } : {} });
    const client = new ProtocolClient(ws);
    const welcome = client.next((m) => m.t === 'welcome');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
    await welcome;
    return client;
  }

  /** Resolves with the next message (already received ones are not considered) that matches. */
  next(match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a message; last: ${JSON.stringify(this.messages.slice(-3))}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  /** Sends a control message with a fresh `ref` and resolves with the reply that carries it (or the socket's error). */
  request(msg: ClientMessage): Promise<ServerMessage> {
    const ref = this.nextRef++;
    const reply = this.next((m) => ('ref' in m && m.ref === ref) || (m.t === 'error' && m.ref === ref));
    this.ws.send(JSON.stringify({ ...msg, ref }));
    return reply;
  }

  /** Sends raw text (for malformed-message tests). */
  sendText(text: string): void {
    this.ws.send(text);
  }

  sendBinary(frame: Uint8Array): void {
    this.ws.send(frame);
  }

  write(id: number, payload: Uint8Array): void {
    this.ws.send(encodeData(id, payload));
  }

  sendTo(id: number, host: string, port: number, payload: Uint8Array): void {
    this.ws.send(encodeSendTo(id, host, port, payload));
  }

  credit(id: number, bytes: number): void {
    if (bytes > 0) this.ws.send(encodeCounter(Frame.Credit, id, bytes));
  }

  /** All bytes received so far on a socket, concatenated. */
  bytes(id: number): Buffer {
    return Buffer.concat((this.received.get(id) ?? []).map((r) => r.payload));
  }

  /** Waits until `predicate` holds, re-checking whenever data arrives. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for data');
      await new Promise<void>((r) => {
        this.dataWaiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

