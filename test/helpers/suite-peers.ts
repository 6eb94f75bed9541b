/**
 * The Node side of the library suite (test/client/library-suite.ts): real loopback peers made
 * on request, addressed by port so the browser can drive them through page.exposeFunction.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { SuitePeers } from '../client/library-suite.js';
import { pattern } from '../client/suite-assert.js';
import { closedPort, echoServer, waitFor } from './peers.js';

type Closer = () => void;

let selfSigned: { key: Buffer; cert: Buffer } | null | undefined;

/** A throwaway self-signed certificate for localhost (openssl), or null where openssl is missing. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } | null {
  if (selfSigned !== undefined) return selfSigned;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    selfSigned = { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  } catch {
    selfSigned = null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return selfSigned;
}

/** Makes a fresh set of peers; `dispose()` closes everything they opened. */
export function createSuitePeers(gatewaySockets: () => number): SuitePeers & { dispose(): Promise<void> } {
  const closers: Closer[] = [];
  const finReceived = new Map<number, Promise<string>>();
  const stalled = new Map<number, () => void>();
  const flood = new Map<number, { written: number }>();
  const udp = new Map<number, { socket: dgram.Socket; got: Array<{ text: string; address: string; port: number }> }>();

  const listen = async (onConnection: (socket: net.Socket) => void): Promise<number> => {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => {});
      closers.push(() => socket.destroy());
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    return (server.address() as net.AddressInfo).port;
  };

  return {
    async echoServer() {
      const server = await echoServer();
      closers.push(() => server.close());
      return server.port;
    },
    closedPort,
    async tlsEchoServer() {
      const credentials = selfSignedCertificate();
      if (!credentials) return 0;
      const server = tls.createServer(credentials, (socket) => {
        socket.on('error', () => {});
        socket.pipe(socket);
      });
      server.on('tlsClientError', () => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closers.push(() => server.close());
      return (server.address() as net.AddressInfo).port;
    },
    upperOnFinServer: () =>
      listen((socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (c) => chunks.push(c));
        socket.on('end', () => socket.end(Buffer.concat(chunks).toString().toUpperCase()));
      }),
    async finFirstServer(greeting) {
      let resolveReceived!: (text: string) => void;
      const received = new Promise<string>((resolve) => (resolveReceived = resolve));
      const port = await listen((socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (c) => chunks.push(c));
        socket.on('end', () => {
          resolveReceived(Buffer.concat(chunks).toString());
          socket.destroy();
        });
        socket.end(greeting);
      });
      finReceived.set(port, received);
      return port;
    },
    async finFirstReceived(port) {
      return finReceived.get(port)!;
    },
    async stallServer() {
      let startReading!: () => void;
      const go = new Promise<void>((resolve) => (startReading = resolve));
      const port = await listen((socket) => {
        socket.pause();
        void go.then(() => {
          socket.on('data', () => {});
          socket.resume();
        });
      });
      stalled.set(port, startReading);
      return port;
    },
    async stallStartReading(port) {
      stalled.get(port)!();
    },
    async floodServer(total) {
      const state = { written: 0 };
      const data = Buffer.from(pattern(total, 3));
      const port = await listen((socket) => {
        const piece = 64 * 1024;
        const pump = () => {
          while (state.written < total) {
            const end = Math.min(state.written + piece, total);
            const more = socket.write(data.subarray(state.written, end));
            state.written = end;
            if (!more) return void socket.once('drain', pump);
          }
          socket.end();
        };
        pump();
      });
      flood.set(port, state);
      return port;
    },
    async floodClient(port, total) {
      const state = { written: 0 };
      const data = Buffer.from(pattern(total, 3));
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.on('error', () => {});
      closers.push(() => socket.destroy());
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const pump = () => {
        while (state.written < total) {
          const end = Math.min(state.written + 64 * 1024, total);
          const more = socket.write(data.subarray(state.written, end));
          state.written = end;
          if (!more) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
      const id = socket.localPort!;
      flood.set(id, state);
      return id;
    },
    async floodProgress(port) {
      // Bytes written minus what still sits in Node's own buffer: what the kernel took.
      return flood.get(port)!.written;
    },
    /** Resets the connection (RST) as soon as the page sends anything. */
    resetServer: () => listen((socket) => socket.once('data', () => socket.resetAndDestroy())),
    async tcpExchange(port, text) {
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      closers.push(() => socket.destroy());
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('end', () => resolve());
        socket.once('connect', () => socket.end(text));
      });
      socket.destroy();
      return Buffer.concat(chunks).toString();
    },
    async udpPeer() {
      const socket = dgram.createSocket('udp4');
      const got: Array<{ text: string; address: string; port: number }> = [];
      socket.on('message', (data, rinfo) => got.push({ text: data.toString(), address: rinfo.address, port: rinfo.port }));
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      closers.push(() => socket.close());
      const port = socket.address().port;
      udp.set(port, { socket, got });
      return port;
    },
    async udpSend(fromPort, toPort, text) {
      const { socket } = udp.get(fromPort)!;
      await new Promise<void>((resolve, reject) => socket.send(text, toPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    },
    async udpReceived(port, count) {
      const peer = udp.get(port)!;
      await waitFor(() => peer.got.length >= count, 5000, `${count} datagrams on ${port}`);
      return peer.got.slice(0, count);
    },
    async memory() {
      return process.memoryUsage().rss;
    },
    async gatewaySockets() {
      return gatewaySockets();
    },
    async dispose() {
      for (const close of closers.splice(0)) {
        try {
          close();
        } catch {
          // already closed
        }
      }
    },
  };
}
