/**
 * TCPSocket over a scripted transport: the `tcp.connect` request its options make, the TypeErrors
 * a native implementation throws for bad options, the spec's shape of the class, and what a
 * received Chunk becomes (plain bytes or `{data, seq, time}`, and the `onChunk` hook).
 */
import { describe, expect, it } from 'vitest';
import { TCPSocket } from '../../client/lib/index.js';
import { CHUNK_HEADER, writeChunkHeader } from '../../shared/protocol.js';
import { fakeGateway, lastJson, tcpOpened } from '../helpers/fake-gateway.js';

function chunk(id: number, seq: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER + bytes.byteLength);
  writeChunkHeader(out, id, seq, 1000 + seq);
  out.set(bytes, CHUNK_HEADER);
  return out;
}

describe('TCPSocket', () => {
  it('has the spec members as its own, on a prototype of its own (no shared base class)', () => {
    for (const name of ['opened', 'closed', 'close']) expect(Object.hasOwn(TCPSocket.prototype, name)).toBe(true);
    expect(Object.getPrototypeOf(TCPSocket.prototype)).toBe(Object.prototype);
    expect(Object.prototype.toString.call(Object.create(TCPSocket.prototype))).toBe('[object TCPSocket]');
  });

  it('turns the options into one tcp.connect with the receive window as credit', async () => {
    const [gw, ws] = await fakeGateway();
    void new gw.TCPSocket('localhost', 6379, {
      noDelay: true,
      keepAliveDelay: 1500.7,
      sendBufferSize: 4096,
      receiveBufferSize: 8192,
      dnsQueryType: 'ipv6',
      extras: { connectTimeout: 250, secureTransport: 'on', serverName: 'db.test', allowSelfSigned: true },
    }).opened.catch(() => {});
    const { id, ref, ...request } = lastJson(ws);
    expect(typeof id).toBe('number');
    expect(request).toEqual({
      t: 'tcp.connect',
      host: 'localhost',
      port: 6379,
      noDelay: true,
      keepAliveDelay: 1500,
      sendBufferSize: 4096,
      receiveBufferSize: 8192,
      dnsQueryType: 'ipv6',
      timeoutMs: 250,
      tls: { servername: 'db.test', insecure: true },
      credit: 1000,
    });
    void ref;
  });

  it('refuses bad options with the TypeErrors of a native implementation, before asking the gateway', async () => {
    const [gw, ws] = await fakeGateway();
    const sent = ws.sent.length;
    const bad: Array<[unknown, unknown, unknown, RegExp]> = [
      // remotePort is a plain unsigned short (it wraps, below); the options' integers are [EnforceRange].
      ['127.0.0.1', 7, { keepAliveDelay: 2 ** 32 }, /keepAliveDelay must be between 0 and 4294967295/],
      ['127.0.0.1', 7, { keepAliveDelay: 999 }, /keepAliveDelay must be no less than 1,000 milliseconds/],
      ['127.0.0.1', 7, { sendBufferSize: 0 }, /^sendBufferSize must be greater than zero\.$/],
      ['127.0.0.1', 7, { receiveBufferSize: 0 }, /^receiveBufferSize must be greater than zero\.$/],
      ['127.0.0.1', 7, { dnsQueryType: 'any' }, /dnsQueryType must be one of 'ipv4', 'ipv6'/],
      ['127.0.0.1', 7, { extras: { serverName: 'x' } }, /need extras.secureTransport: 'on'/],
      ['127.0.0.1', 7, { extras: { onChunk: 'no' } }, /extras.onChunk must be a function/],
      ['127.0.0.1', 7, { extras: { signal: {} } }, /extras.signal must be an AbortSignal/],
      ['127.0.0.1', 7, 'options', /TCPSocketOptions must be an object/],
    ];
    for (const [address, port, options, message] of bad) {
      expect(() => new gw.TCPSocket(address as string, port as number, options as object)).toThrow(message);
    }
    expect(ws.sent.length).toBe(sent);
    void new gw.TCPSocket('127.0.0.1', 70000).opened.catch(() => {});
    expect(lastJson(ws)).toMatchObject({ t: 'tcp.connect', host: '127.0.0.1', port: 4464 });
  });

  it('reads plain bytes by default; onChunk sees every chunk with seq and time, counted', async () => {
    const [gw, ws] = await fakeGateway();
    const seen: Array<[number, number, number]> = [];
    const socket: TCPSocket = new gw.TCPSocket('127.0.0.1', 7, { extras: { onChunk: (c) => seen.push([c.seq, c.time, socket.stats.bytesIn]) } });
    const connect = lastJson(ws);
    const id = connect.id as number;
    ws.receive(tcpOpened(id, connect.ref));
    const { readable } = await socket.opened;
    ws.receive(chunk(id, 0, new Uint8Array([1, 2])));
    ws.receive(chunk(id, 1, new Uint8Array([3])));
    expect(seen).toEqual([
      [0, 1000, 2],
      [1, 1001, 3],
    ]);
    const reader = (readable as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array([1, 2]));
    expect((await reader.read()).value).toEqual(new Uint8Array([3]));
  });

  it('set() converts its members and sends only those given', async () => {
    const [gw, ws] = await fakeGateway();
    const socket = new gw.TCPSocket('127.0.0.1', 7);
    const connect = lastJson(ws);
    ws.receive(tcpOpened(connect.id as number, connect.ref));
    await socket.opened;
    void socket.set({ keepAliveDelay: 2000.9 });
    expect(lastJson(ws)).toMatchObject({ t: 'set', id: connect.id, keepAliveDelay: 2000 });
    expect(lastJson(ws)).not.toHaveProperty('noDelay');
    expect(() => socket.set({ corkWrites: -1 })).toThrow(/corkWrites must be between 0 and 4294967295/);
  });
});
