/**
 * The ways the bench reaches the peer: direct TCP/UDP, a websockify-style WebSocket (sockgate's
 * /websockify endpoint or Debian's websockify), sockgate's multiplexed protocol (through the
 * browser socket library, or a bare protocol client kept to tell library cost from relay cost),
 * and wisp-js. Every path offers the same small interface so a scenario is written once.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { WebSocket } from 'ws';
import { SocketGateway } from '../client/lib/index.js';
import { Frame, SUBPROTOCOL, SUBPROTOCOL_V2, decodeFrame, encodeCounter, encodeData, type SocketFrame } from '../shared/protocol.js';
import type { PeerPorts } from './peers.js';

/** A byte stream to one of the peer's ports. */
export interface BenchStream {
  /** Queues bytes; returns a promise only when the caller should wait before writing more. */
  write(data: Uint8Array): void | Promise<void>;
  /** Every received chunk, in order. */
  onData: (chunk: Uint8Array) => void;
  /** Stops reading (the page stops consuming) or resumes it. */
  setReading(on: boolean): void;
  close(): void;
}

/** A connected UDP socket to the peer's UDP echo port. */
export interface BenchDatagrams {
  send(data: Uint8Array): void | Promise<void>;
  onMessage: (data: Uint8Array) => void;
  close(): void;
}

/** One page (one WebSocket for multiplexed paths): opens streams to the peer's ports. */
export interface BenchPage {
  tcp(target: keyof PeerPorts): Promise<BenchStream>;
  udp?(): Promise<BenchDatagrams>;
  close(): Promise<void>;
}

/** A path the bench measures. */
export interface BenchPath {
  /** Column name in the table. */
  name: string;
  openPage(): Promise<BenchPage>;
  /** pid of the bridge process (for its RSS), when there is one. */
  bridgePid?: number;
  /** Every process of the bridge, for its CPU time (websockify forks one per connection). */
  bridgePids?: () => number[];
  /** UDP is not offered by this path. */
  noUdp?: boolean;
}

/** A WebSocket path waits for its bufferedAmount to fall below this before writing more. */
export const HIGH_WATER = 1 << 20;
/** SO_RCVBUF every UDP path asks for where it can (wisp-js has no such option): the default overflows under bursts. */
const UDP_RCVBUF = 4 << 20;
/** Ignores an event (error and data listeners the bench does not read). */
export const noop = () => {};

/** Waits for a Node stream's 'drain'. */
export const drained = (s: net.Socket) => new Promise<void>((resolve) => s.once('drain', resolve));

// ---- direct ------------------------------------------------------------------------------

/** Plain sockets from the bench process to the peer: the floor every bridge is measured against. */
export function directPath(ports: PeerPorts): BenchPath {
  return {
    name: 'direct',
    async openPage() {
      return {
        async tcp(target) {
          const s = net.connect({ host: '127.0.0.1', port: ports[target], noDelay: true });
          await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
          s.on('error', noop);
          const stream: BenchStream = {
            write: (data) => (s.write(data) ? undefined : drained(s)),
            onData: noop,
            setReading: (on) => void (on ? s.resume() : s.pause()),
            close: () => s.destroy(),
          };
          s.on('data', (c) => stream.onData(c));
          return stream;
        },
        async udp() {
          const u = dgram.createSocket('udp4');
          await new Promise<void>((resolve) => u.connect(ports.udp, '127.0.0.1', resolve));
          u.setRecvBufferSize(UDP_RCVBUF);
          let inFlight = 0;
          let wake: (() => void) | undefined;
          const d: BenchDatagrams = {
            send(data) {
              inFlight++;
              u.send(data, () => {
                inFlight--;
                if (wake && inFlight < 64) {
                  const w = wake;
                  wake = undefined;
                  w();
                }
              });
              if (inFlight >= 256) return new Promise<void>((resolve) => (wake = resolve));
            },
            onMessage: noop,
            close: () => u.close(),
          };
          u.on('message', (m) => d.onMessage(m));
          return d;
        },
        async close() {},
      };
    },
  };
}

// ---- websockify-style: one WebSocket per stream -----------------------------------------

/** A WebSocket carrying raw bytes (websockify's binary protocol). */
async function rawWebSocket(url: string, headers: Record<string, string> = {}): Promise<BenchStream> {
  const ws = new WebSocket(url, ['binary'], { perMessageDeflate: false, headers });
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.on('error', noop);
  const raw = (ws as unknown as { _socket: net.Socket })._socket;
  const stream: BenchStream = {
    write(data) {
      ws.send(data);
      if (ws.bufferedAmount > HIGH_WATER) return waitBelow();
    },
    onData: noop,
    setReading: (on) => (on ? ws.resume() : ws.pause()),
    close: () => ws.terminate(),
  };
  const waitBelow = async () => {
    while (ws.bufferedAmount > HIGH_WATER / 2 && ws.readyState === ws.OPEN) await drained(raw);
  };
  ws.on('message', (data: Buffer) => stream.onData(data));
  return stream;
}

/** sockgate's /websockify endpoint. */
export function sockgateWebsockifyPath(gatewayPort: number, token: string, ports: PeerPorts, pid: number): BenchPath {
  return {
    name: 'sockgate /websockify',
    bridgePid: pid,
    noUdp: true,
    async openPage() {
      return {
        tcp: (target) => rawWebSocket(`ws://127.0.0.1:${gatewayPort}/websockify?target=127.0.0.1:${ports[target]}&token=${token}`),
        async close() {},
      };
    },
  };
}

/** Debian's websockify (Python), one instance per peer port since it has one fixed target each. */
export function websockifyPath(listenPorts: Partial<Record<keyof PeerPorts, number>>, pids: () => number[]): BenchPath {
  return {
    name: 'websockify',
    bridgePids: pids,
    noUdp: true,
    async openPage() {
      return {
        tcp: (target) => {
          const port = listenPorts[target];
          if (!port) throw new Error(`no websockify instance for ${target}`);
          return rawWebSocket(`ws://127.0.0.1:${port}/`);
        },
        async close() {},
      };
    },
  };
}

// ---- sockgate multiplexed, through the browser socket library ---------------------------

/** sockgate's multiplexed protocol through `client/lib` (SocketGateway + Direct Sockets streams). */
export function sockgateLibraryPath(gatewayPort: number, token: string, ports: PeerPorts, pid: number, gatewayHost = '127.0.0.1'): BenchPath {
  return {
    name: 'sockgate mux',
    bridgePid: pid,
    async openPage() {
      const gw = await SocketGateway.connect(`http://${gatewayHost}:${gatewayPort}`, { token, WebSocket: WebSocket as never });
      return {
        async tcp(target) {
          const sock = new gw.TCPSocket('127.0.0.1', ports[target], { noDelay: true });
          const { readable, writable } = await sock.opened;
          const writer = writable.getWriter();
          const reader = (readable as ReadableStream<Uint8Array>).getReader();
          let reading = true;
          let resumeReading: (() => void) | undefined;
          let closed = false;
          const stream: BenchStream = {
            write(data) {
              // Resolves once the gateway acknowledged; the writer's desiredSize says when to wait.
              writer.write(data as Uint8Array<ArrayBuffer>).catch(noop);
              if ((writer.desiredSize ?? 0) <= 0) return writer.ready;
            },
            onData: noop,
            setReading(on) {
              reading = on;
              if (on && resumeReading) {
                const r = resumeReading;
                resumeReading = undefined;
                r();
              }
            },
            close() {
              closed = true;
              reader.cancel().catch(noop);
              writer.abort().catch(noop);
              sock.close().catch(noop);
            },
          };
          void (async () => {
            try {
              for (;;) {
                if (!reading) await new Promise<void>((resolve) => (resumeReading = resolve));
                const { value, done } = await reader.read();
                if (done || closed) return;
                stream.onData(value);
              }
            } catch {
              // closed under us
            }
          })();
          return stream;
        },
        async udp() {
          const sock = new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: ports.udp, receiveBufferSize: UDP_RCVBUF });
          const { readable, writable } = await sock.opened;
          const writer = writable.getWriter();
          const reader = readable.getReader();
          let closed = false;
          const d: BenchDatagrams = {
            send(data) {
              writer.write({ data: data as Uint8Array<ArrayBuffer> }).catch(noop);
              if ((writer.desiredSize ?? 0) <= 0) return writer.ready;
            },
            onMessage: noop,
            close() {
              closed = true;
              reader.cancel().catch(noop);
              sock.close().catch(noop);
            },
          };
          void (async () => {
            try {
              for (;;) {
                const { value, done } = await reader.read();
                if (done || closed) return;
                d.onMessage(value.data as Uint8Array);
              }
            } catch {
              // closed
            }
          })();
          return d;
        },
        async close() {
          gw.close?.();
        },
      };
    },
  };
}

// ---- sockgate multiplexed, bare protocol client -----------------------------------------

/**
 * The multiplexed protocol spoken directly (no streams, no promises per chunk): what the relay
 * costs without the library, so the table can tell the two apart.
 */
export function sockgateRawPath(gatewayPort: number, token: string, ports: PeerPorts, pid: number): BenchPath {
  return {
    name: 'sockgate mux (raw)',
    bridgePid: pid,
    async openPage() {
      // Offers v2 as the library does: a gateway that speaks it sends Batch frames, an older one does not.
      const ws = new WebSocket(`ws://127.0.0.1:${gatewayPort}/ws?token=${token}`, [SUBPROTOCOL_V2, SUBPROTOCOL], { perMessageDeflate: false });
      ws.on('error', noop);
      const raw = () => (ws as unknown as { _socket: net.Socket })._socket;
      let sendWindow = 0;
      let receiveWindow = 0;
      const welcome = new Promise<void>((resolve) => {
        ws.once('message', (data: Buffer) => {
          const msg = JSON.parse(data.toString());
          sendWindow = msg.limits.sendWindow;
          receiveWindow = msg.limits.receiveWindow;
          resolve();
        });
      });
      await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
      await welcome;
      type Sock = {
        credit: number;
        waiter?: () => void;
        need: number;
        consumed: number;
        reading: boolean;
        held: Uint8Array[];
        onData: (c: Uint8Array) => void;
        opened: (err?: Error) => void;
      };
      const socks = new Map<number, Sock>();
      let nextId = 1;
      const consume = (id: number, s: Sock, n: number) => {
        s.consumed += n;
        // Credit goes back once a quarter window is consumed (as the library does): the gateway
        // still holds three quarters, so it never stalls, and small exchanges cost no Credit frames.
        if (s.consumed >= receiveWindow / 4) {
          ws.send(encodeCounter(Frame.Credit, id, s.consumed));
          s.consumed = 0;
        }
      };
      const onFrame = (f: SocketFrame) => {
        const s = socks.get(f.id);
        if (!s) return;
        if (f.kind === Frame.Ack) {
          s.credit += f.bytes;
          if (s.waiter && s.credit >= s.need) {
            const w = s.waiter;
            s.waiter = undefined;
            w();
          }
          return;
        }
        if (!('payload' in f)) return;
        if (!s.reading) {
          s.held.push(f.payload);
          return;
        }
        s.onData(f.payload);
        consume(f.id, s, f.payload.byteLength);
      };
      ws.on('message', (data: Buffer, isBinary) => {
        if (!isBinary) {
          const msg = JSON.parse(data.toString());
          const s = socks.get(msg.id);
          if (!s) return;
          if (msg.t === 'opened') s.opened();
          else if (msg.t === 'error' && msg.fatal) s.opened(new Error(`${msg.code}: ${msg.message}`));
          return;
        }
        const d = decodeFrame(data);
        if (d.kind === Frame.Batch) for (const f of d.frames) onFrame(f);
        else onFrame(d);
      });
      const open = async (msg: Record<string, unknown>) => {
        const id = nextId++;
        const s: Sock = { credit: sendWindow, need: 0, consumed: 0, reading: true, held: [], onData: noop, opened: noop };
        socks.set(id, s);
        await new Promise<void>((resolve, reject) => {
          s.opened = (err) => (err ? reject(err) : resolve());
          ws.send(JSON.stringify({ ...msg, id }));
        });
        const send = (data: Uint8Array): void | Promise<void> => {
          if (s.credit < data.byteLength) {
            s.need = data.byteLength;
            return new Promise<void>((resolve) => (s.waiter = resolve)).then(() => send(data));
          }
          s.credit -= data.byteLength;
          ws.send(encodeData(id, data));
          if (ws.bufferedAmount > HIGH_WATER) return drained(raw());
        };
        return { id, s, send };
      };
      return {
        async tcp(target) {
          const { id, s, send } = await open({ t: 'tcp.connect', host: '127.0.0.1', port: ports[target], noDelay: true });
          const stream: BenchStream = {
            write: send,
            onData: noop,
            setReading(on) {
              s.reading = on;
              if (on) for (const c of s.held.splice(0)) (s.onData(c), consume(id, s, c.byteLength));
            },
            close: () => ws.send(JSON.stringify({ t: 'close', id })),
          };
          s.onData = (c) => stream.onData(c);
          return stream;
        },
        async udp() {
          const { id, s, send } = await open({ t: 'udp.bind', host: '127.0.0.1', remoteHost: '127.0.0.1', remotePort: ports.udp, receiveBufferSize: UDP_RCVBUF });
          const d: BenchDatagrams = { send, onMessage: noop, close: () => ws.send(JSON.stringify({ t: 'close', id })) };
          s.onData = (c) => d.onMessage(c);
          return d;
        },
        async close() {
          ws.close();
        },
      };
    },
  };
}
