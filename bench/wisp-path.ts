/** The wisp-js path of the benchmark: one Wisp connection multiplexing streams, as its client library does. */
import type net from 'node:net';
import { WebSocket } from 'ws';
import { HIGH_WATER, drained, noop, type BenchDatagrams, type BenchPath, type BenchStream } from './paths.js';
import type { PeerPorts } from './peers.js';

interface WispStream {
  send(data: Uint8Array): void;
  onmessage: (data: Uint8Array) => void;
  onclose: (reason: number) => void;
  close(): void;
  buffer_size: number;
  send_buffer: Uint8Array[];
  continue_received(n: number): void;
}
interface WispConnection {
  onopen: () => void;
  onerror: () => void;
  onclose: () => void;
  ws: WebSocket;
  create_stream(host: string, port: number, type?: 'tcp' | 'udp'): WispStream;
  close(): void;
}

/** wisp-js's own client against its own server (loopback allowed), Wisp v2. */
export function wispPath(wispPort: number, ports: PeerPorts, pid: number): BenchPath {
  return {
    name: 'wisp-js',
    bridgePid: pid,
    async openPage() {
      const { client } = (await import('@mercuryworkshop/wisp-js/client')) as unknown as { client: { ClientConnection: new (url: string) => WispConnection } };
      const conn = new client.ClientConnection(`ws://127.0.0.1:${wispPort}/`);
      await new Promise<void>((resolve, reject) => {
        conn.onopen = resolve;
        conn.onerror = () => reject(new Error('wisp connection failed'));
      });
      const raw = () => (conn.ws as unknown as { _socket: net.Socket })._socket;
      // Wisp's flow control counts packets the server can buffer; the client queues the rest itself.
      // Waiting while that queue is non-empty (or the WebSocket is full) keeps the comparison bounded.
      const wrap = (st: WispStream) => {
        let waiters: (() => void)[] = [];
        const cont = st.continue_received.bind(st);
        st.continue_received = (n) => {
          cont(n);
          if (st.send_buffer.length === 0) for (const w of waiters.splice(0)) w();
        };
        return (data: Uint8Array): void | Promise<void> => {
          st.send(data);
          if (st.send_buffer.length > 0) return new Promise<void>((resolve) => waiters.push(resolve));
          if (conn.ws.bufferedAmount > HIGH_WATER) return drained(raw());
        };
      };
      return {
        async tcp(target) {
          const st = conn.create_stream('127.0.0.1', ports[target]);
          const stream: BenchStream = {
            write: wrap(st),
            onData: noop,
            setReading: (on) => (on ? conn.ws.resume() : conn.ws.pause()),
            close: () => st.close(),
          };
          st.onmessage = (d) => stream.onData(d);
          return stream;
        },
        async udp() {
          const st = conn.create_stream('127.0.0.1', ports.udp, 'udp');
          const d: BenchDatagrams = { send: wrap(st), onMessage: noop, close: () => st.close() };
          st.onmessage = (m) => d.onMessage(m);
          return d;
        },
        async close() {
          conn.close();
        },
      };
    },
  };
}
