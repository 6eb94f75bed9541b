/**
 * A SocketGateway over a {@link FakeWebSocket}: tests script the gateway's side (replies, frames)
 * and read what the library sent, with no network. `fakeGateway()` hands back the raw socket for
 * the library's unit tests; `scriptedGateway()` wraps it in a {@link FakeGatewayEnd} that answers
 * like the gateway (`opened`, `accepted`, `closed`, chunks…) for the page model's tests.
 */
import { SocketGateway } from '../../client/lib/index.js';
import { CHUNK_HEADER, Frame, decodeFrame, encodeDatagram, writeChunkHeader, type DecodedFrame } from '../../shared/protocol.js';
import { FakeWebSocket, welcome } from './fake-websocket.js';

/** Connects a SocketGateway to a fresh FakeWebSocket that has sent `welcome`. */
export async function fakeGateway(): Promise<[SocketGateway, FakeWebSocket]> {
  const connecting = SocketGateway.connect('http://127.0.0.1:1', { token: 't', WebSocket: FakeWebSocket });
  const ws = FakeWebSocket.last!;
  ws.open();
  ws.receive(welcome);
  return [await connecting, ws];
}

/** The last control message the library sent. */
export const lastJson = (ws: FakeWebSocket): Record<string, unknown> => ws.json().at(-1)!;

/** Every binary frame the library sent, decoded. */
export const sentFrames = (ws: FakeWebSocket): DecodedFrame[] =>
  ws.sent.filter((s): s is Uint8Array => typeof s !== 'string').map((f) => decodeFrame(f));

/** The gateway's `opened` for a TCP connection `id` answering request `ref`. */
export const tcpOpened = (id: number, ref: unknown, sendWindow = 1000) => ({
  t: 'opened',
  id,
  ref,
  kind: 'tcp',
  local: { address: '127.0.0.1', port: 5 },
  remote: { address: '127.0.0.1', port: 7 },
  sendWindow,
});

type Msg = Record<string, unknown> & { t: string; id?: number; ref?: number };

/** The scripted gateway end of one page connection. */
export class FakeGatewayEnd {
  /** Answer every `close` the page sends with `closed`, as the gateway does (set false to hold them). */
  autoClose = true;

  constructor(readonly ws: FakeWebSocket) {
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      send(data);
      if (this.autoClose && typeof data === 'string') queueMicrotask(() => this.answerCloses());
    };
  }

  /** Control messages the page sent, parsed, in order. */
  requests(): Msg[] {
    return this.ws.json() as Msg[];
  }

  /** The last request of type `t` (throws if there is none). */
  last(t: string): Msg {
    const m = this.requests().filter((r) => r.t === t).at(-1);
    if (!m) throw new Error(`the page sent no ${t}; it sent ${this.requests().map((r) => r.t).join(', ') || 'nothing'}`);
    return m;
  }

  /** Requests of type `t` about socket `id`. */
  about(t: string, id: number): Msg[] {
    return this.requests().filter((r) => r.t === t && r.id === id);
  }

  /** Answers an open request with `opened`. */
  opened(request: Msg, kind: 'tcp' | 'tcp-server' | 'udp', local = { address: '127.0.0.1', port: 40000 }, remote?: { address: string; port: number }): void {
    this.ws.receive({ t: 'opened', id: request.id, ref: request.ref, kind, local, ...(remote ? { remote } : {}), sendWindow: 1000 });
  }

  /** Answers a request with `ok`. */
  ok(request: Msg): void {
    this.ws.receive({ t: 'ok', id: request.id, ref: request.ref, op: request.t });
  }

  /** The peer sent FIN on socket `id`. */
  eof(id: number): void {
    this.ws.receive({ t: 'eof', id });
  }

  /** A connection accepted by listening socket `server`. */
  accepted(server: number, id: number, remote: { address: string; port: number }, local = { address: '127.0.0.1', port: 9000 }): void {
    this.ws.receive({ t: 'accepted', id, server, local, remote, sendWindow: 1000 });
  }

  /** Answers a request with an error (fatal: the socket is gone). */
  error(request: Msg, code: string, message: string, fatal = true): void {
    this.ws.receive({ t: 'error', id: request.id, ref: request.ref, code, message, fatal });
  }

  /** The gateway closed socket `id` (with `ref` when it answers a `close`). */
  closed(id: number, fields: { ref?: number; error?: string; dropped?: number } = {}): void {
    this.ws.receive({ t: 'closed', id, bytesIn: 0, bytesOut: 0, ...fields });
  }

  /** Answers every `close` request not answered yet with `closed`. */
  answerCloses(): void {
    for (const r of this.requests()) {
      if (r.t === 'close' && !this.#answered.has(r.ref ?? -1)) {
        this.#answered.add(r.ref ?? -1);
        this.closed(r.id!, { ref: r.ref });
      }
    }
  }
  #answered = new Set<number>();

  /** One TCP read of `bytes` on socket `id`. */
  chunk(id: number, seq: number, bytes: Uint8Array, time = Date.now()): void {
    const frame = new Uint8Array(CHUNK_HEADER + bytes.byteLength);
    writeChunkHeader(frame, id, seq, time);
    frame.set(bytes, CHUNK_HEADER);
    this.ws.receive(frame);
  }

  /** One UDP datagram on socket `id` from `address:port`. */
  datagram(id: number, seq: number, address: string, port: number, bytes: Uint8Array): void {
    this.ws.receive(encodeDatagram(id, seq, Date.now(), address, port, bytes));
  }

  /** Binary frames the page sent, decoded. */
  frames(): ReturnType<typeof decodeFrame>[] {
    return this.ws.sent.filter((s): s is Uint8Array => typeof s !== 'string').map((f) => decodeFrame(f));
  }

  /** Data frames the page sent on socket `id`. */
  data(id: number): Uint8Array[] {
    return this.frames().flatMap((f) => (f.kind === Frame.Data && f.id === id ? [f.payload] : []));
  }
}

/** Connects a SocketGateway to a fresh FakeWebSocket whose gateway end the test scripts. */
export async function scriptedGateway(): Promise<{ gateway: SocketGateway; end: FakeGatewayEnd }> {
  const [gateway, ws] = await fakeGateway();
  return { gateway, end: new FakeGatewayEnd(ws) };
}
