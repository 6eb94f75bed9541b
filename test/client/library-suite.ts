/**
 * The library's behaviour suite, written once and run twice: in Node through `ws`
 * (library.node.test.ts) and in Chromium through the page's own WebSocket
 * (library.browser.test.ts). It only uses the public API; every peer it talks to is a real
 * socket on loopback that the Node side opens on request (see SuitePeers).
 */
import { FramingDecoderStream, FramingEncoderStream, readChunk } from '../../client/lib/index.js';
import type { TCPChunk, TCPSocket, UDPReceivedMessage } from '../../client/lib/index.js';
import {
  below,
  bytes,
  checksum,
  deepEqual,
  equal,
  ok,
  pattern,
  readBytes,
  readToEnd,
  rejects,
  text,
  until,
  within,
} from './suite-assert.js';
import { conformanceSuite } from './conformance-suite.js';
import { lifecycleSuite } from './lifecycle-suite.js';
import { withGateway, type SuiteCase, type SuiteContext } from './suite-context.js';

export type { SuiteCase, SuiteContext, SuitePeers } from './suite-context.js';


export const librarySuite: SuiteCase[] = [
  ...conformanceSuite,
  {
    name: 'connect: welcome gives version, gateway name and limits',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        // The library offers sockgate.v2 (Batch frames) and this gateway speaks it.
        equal(gw.version, 2, 'version');
        ok(/^sockgate\//.test(gw.gatewayName), `gateway name ${gw.gatewayName}`);
        ok(gw.limits.receiveWindow > 0 && gw.limits.sendWindow > 0 && gw.limits.frameBytes > 0, 'limits');
        equal(gw.connected, true, 'connected');
        // Same machine, same clock: the welcome's time falls inside the handshake, so no offset.
        equal(gw.clockOffsetMs, 0, `clock offset ${gw.clockOffsetMs} ms`);
      }),
  },
  {
    name: 'connect: a wrong token fails with NetworkError CONNECT_FAILED',
    run: async (ctx) => {
      const error = await rejects(ctx.connect({ token: 'not-the-token' }), { name: 'NetworkError', sockgateCode: 'CONNECT_FAILED' });
      ok(!String(error.message).includes('not-the-token'), 'the message does not show the token');
      if (ctx.runtime === 'node') ok(/401/.test(error.message), `ws reports the HTTP status: ${error.message}`);
    },
  },
  {
    name: 'TCP echo: opened gives streams and addresses, data comes back, close resolves closed',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const socket = new gw.TCPSocket('127.0.0.1', port, { noDelay: true });
        const info = await socket.opened;
        equal(info.remoteAddress, '127.0.0.1', 'remoteAddress');
        equal(info.remotePort, port, 'remotePort');
        equal(info.localAddress, '127.0.0.1', 'localAddress');
        ok(info.localPort > 0, 'localPort');
        const writer = info.writable.getWriter();
        const reader = (info.readable as ReadableStream<Uint8Array>).getReader();
        await writer.write(bytes('hello, '));
        await writer.write(bytes('sockgate'));
        equal(text(await readBytes(reader, 15)), 'hello, sockgate', 'echo');
        const stats = socket.stats;
        equal(stats.bytesOut, 15, 'stats.bytesOut');
        equal(stats.bytesIn, 15, 'stats.bytesIn');
        equal(stats.messagesOut, 2, 'stats.messagesOut');
        writer.releaseLock();
        reader.releaseLock();
        await within(socket.close(), 5000, 'close()');
        await socket.closed;
        await until(async () => (await ctx.peers.gatewaySockets()) === 0, 5000, 'the gateway to drop the socket');
      }),
  },
  {
    name: 'TCP echo of one 3 MiB write: split under the frame limit, paced by credit, intact',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { readable, writable } = await socket.opened;
        const data = pattern(3 * 1024 * 1024 + 123);
        ok(data.byteLength > gw.limits.frameBytes, 'bigger than one frame');
        const reader = (readable as ReadableStream<Uint8Array>).getReader();
        const received = readBytes(reader, data.byteLength);
        const writer = writable.getWriter();
        await writer.write(data);
        const back = await within(received, 15_000, 'echo of 3 MiB');
        equal(back.byteLength, data.byteLength, 'length');
        equal(checksum(back), checksum(data), 'checksum');
        writer.releaseLock();
        reader.releaseLock();
        await socket.close();
      }),
  },
  {
    name: 'extras.chunks: each TCP read arrives with the gateway seq and time; onChunk sees it too',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const hooked: TCPChunk[] = [];
        const socket = new gw.TCPSocket('127.0.0.1', port, { extras: { chunks: true, onChunk: (c) => hooked.push(c) } });
        const { readable, writable } = await socket.opened;
        const reader = readable.getReader();
        const writer = writable.getWriter();
        const before = Date.now();
        await writer.write(bytes('one'));
        const first = (await readChunk(socket, reader)).value!;
        await writer.write(bytes('two'));
        const second = (await readChunk(socket, reader)).value!;
        equal(text(first.data), 'one', 'first chunk');
        equal(text(second.data), 'two', 'second chunk');
        equal(first.seq, 0, 'first seq');
        equal(second.seq, 1, 'second seq');
        ok(first.time >= before - 1000 && first.time <= Date.now() + 1000, `time ${first.time} near now`);
        ok(second.time >= first.time, 'time increases');
        equal(hooked.length, 2, 'onChunk calls');
        writer.releaseLock();
        reader.releaseLock();
        await socket.close();
      }),
  },
  {
    name: 'TCP: 2,000 small writes not awaited (only writer.ready) come back complete and in order',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const socket = new gw.TCPSocket('127.0.0.1', port, { noDelay: true });
        const { readable, writable } = await socket.opened;
        const writer = writable.getWriter();
        const reader = readable.getReader();
        const n = 2000;
        const all = pattern(n * 37);
        const echoed = readBytes(reader, all.byteLength);
        let last: Promise<void> = Promise.resolve();
        for (let i = 0; i < n; i++) {
          // The queue is measured in bytes against the send window: ready stays resolved while it has room.
          if (writer.desiredSize! <= 0) await writer.ready;
          last = writer.write(all.subarray(i * 37, (i + 1) * 37));
        }
        await last;
        equal(socket.stats.messagesOut, n, 'messagesOut');
        const back = await within(echoed, 20_000, 'echo');
        equal(checksum(back), checksum(all), 'checksum of the echo');
        writer.releaseLock();
        reader.releaseLock();
        await socket.close();
      }),
  },
  {
    name: 'framed messages: FramingEncoderStream → TCP echo → FramingDecoderStream keeps every boundary',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { readable, writable } = await socket.opened;
        const spec = { kind: 'length', format: '!I' } as const;
        const encoder = new FramingEncoderStream(spec);
        const piping = encoder.readable.pipeTo(writable);
        const messages = (readable as ReadableStream<Uint8Array>).pipeThrough(new FramingDecoderStream(spec)).getReader();
        const sent = ['first', 'x'.repeat(200_000), '', '最后一条'];
        const writer = encoder.writable.getWriter();
        for (const m of sent) void writer.write(bytes(m));
        const got: string[] = [];
        for (let i = 0; i < sent.length; i++) got.push(text((await within(messages.read(), 5000, `message ${i}`)).value!));
        deepEqual(got, sent, 'messages');
        await writer.close();
        await piping;
        equal((await within(messages.read(), 5000, 'end of messages')).done, true, 'done after the echo ends');
        await within(socket.closed, 5000, 'closed');
      }),
  },
  {
    name: "extras.secureTransport: TLS to a self-signed loopback server fails (TLS) unless allowSelfSigned",
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.tlsEchoServer();
        if (port === 0) return; // no openssl on this machine to make a certificate
        const strict = new gw.TCPSocket('127.0.0.1', port, { extras: { secureTransport: 'on', serverName: 'localhost' } });
        await rejects(strict.opened, { name: 'NetworkError', sockgateCode: 'TLS' }, 'unverifiable certificate');
        const lab = new gw.TCPSocket('127.0.0.1', port, { extras: { secureTransport: 'on', serverName: 'localhost', allowSelfSigned: true } });
        const { readable, writable } = await lab.opened;
        const writer = writable.getWriter();
        const reader = (readable as ReadableStream<Uint8Array>).getReader();
        await writer.write(bytes('over TLS'));
        equal(text(await within(readBytes(reader, 8), 5000, 'TLS echo')), 'over TLS', 'echo');
        writer.releaseLock();
        reader.releaseLock();
        await lab.close();
      }),
  },
  {
    name: 'TCPServerSocket accepts three clients, each gets its own reply',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const server = new gw.TCPServerSocket('127.0.0.1');
        const { readable, localAddress, localPort } = await server.opened;
        equal(localAddress, '127.0.0.1', 'server localAddress');
        ok(localPort > 0, 'server localPort');
        const serve = async (socket: TCPSocket) => {
          const info = await socket.opened;
          equal(info.remoteAddress, '127.0.0.1', 'accepted remoteAddress');
          equal(info.localPort, localPort, 'accepted localPort');
          const request = text(await readToEnd(info.readable as ReadableStream<Uint8Array>));
          const writer = info.writable.getWriter();
          await writer.write(bytes(`reply to ${request}`));
          await writer.close();
          await socket.closed;
        };
        const accepting = (async () => {
          const reader = readable.getReader();
          const served: Promise<void>[] = [];
          for (let i = 0; i < 3; i++) {
            const { value, done } = await reader.read();
            ok(!done && value, 'an accepted socket');
            ok(value instanceof gw.TCPSocket, 'accepted sockets are the gateway TCPSocket class');
            served.push(serve(value));
          }
          reader.releaseLock();
          await Promise.all(served);
        })();
        const replies = await within(
          Promise.all([0, 1, 2].map((i) => ctx.peers.tcpExchange(localPort, `client ${i}`))),
          10_000,
          'three exchanges',
        );
        deepEqual(replies, ['reply to client 0', 'reply to client 1', 'reply to client 2'], 'replies');
        await within(accepting, 5000, 'serving');
        await server.close();
        await server.closed;
      }),
  },
  {
    name: 'TCPServerSocket: an accepted connection stays paused until taken off the readable, then delivers everything',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const server = new gw.TCPServerSocket('127.0.0.1');
        const { readable, localPort } = await server.opened;
        const total = 24 * 1024 * 1024;
        const client = await ctx.peers.floodClient(localPort, total);
        let last = -1;
        let stableSince = Date.now();
        await until(async () => {
          const progress = await ctx.peers.floodProgress(client);
          if (progress !== last) [last, stableSince] = [progress, Date.now()];
          return Date.now() - stableSince > 400;
        }, 20_000, 'the client to stall while nobody took its connection');
        below(last, total, 'bytes the client got rid of before anyone took the connection');
        const serverReader = readable.getReader();
        const { value: socket } = await serverReader.read();
        const { readable: data } = await socket!.opened;
        const reader = (data as ReadableStream<Uint8Array>).getReader();
        let got = 0;
        for (let r = await reader.read(); !r.done; r = await reader.read()) got += r.value.byteLength;
        equal(got, total, 'bytes received once taken');
        reader.releaseLock();
        serverReader.releaseLock();
        await server.close();
      }),
  },
  {
    name: 'UDP bound mode: datagrams both ways carry the right source address and port',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const peer = await ctx.peers.udpPeer();
        const socket = new gw.UDPSocket({ localAddress: '127.0.0.1' });
        const { readable, writable, localAddress, localPort, multicastController } = await socket.opened;
        equal(localAddress, '127.0.0.1', 'localAddress');
        ok(localPort > 0, 'localPort');
        ok(multicastController, 'bound sockets have a multicastController');
        const writer = writable.getWriter();
        await writer.write({ data: bytes('ping'), remoteAddress: '127.0.0.1', remotePort: peer });
        const [got] = await ctx.peers.udpReceived(peer, 1);
        deepEqual(got, { text: 'ping', address: '127.0.0.1', port: localPort }, 'peer received');
        await ctx.peers.udpSend(peer, localPort, 'pong');
        const reader = readable.getReader();
        const { value } = await within(reader.read(), 5000, 'datagram');
        const message = value as UDPReceivedMessage;
        equal(text(message.data), 'pong', 'data');
        equal(message.remoteAddress, '127.0.0.1', 'remoteAddress');
        equal(message.remotePort, peer, 'remotePort');
        ok(message.data instanceof Uint8Array, 'data is a Uint8Array');
        writer.releaseLock();
        reader.releaseLock();
        await socket.close();
        equal(socket.stats.messagesIn, 1, 'stats.messagesIn');
      }),
  },
  {
    name: 'UDP connected mode: write {data}, read {data} from the one peer',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const peer = await ctx.peers.udpPeer();
        const socket = new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: peer });
        const info = await socket.opened;
        equal(info.remoteAddress, '127.0.0.1', 'remoteAddress');
        equal(info.remotePort, peer, 'remotePort');
        equal(info.multicastController, undefined, 'no multicastController in connected mode');
        const writer = info.writable.getWriter();
        await writer.write({ data: bytes('hello') });
        const [got] = await ctx.peers.udpReceived(peer, 1);
        equal(got!.text, 'hello', 'peer received');
        await ctx.peers.udpSend(peer, info.localPort, 'back');
        const reader = info.readable.getReader();
        const { value } = await within(reader.read(), 5000, 'datagram');
        equal(text(value!.data), 'back', 'data');
        equal(value!.remoteAddress, undefined, 'no remoteAddress in connected mode');
        await rejects(writer.write({ data: bytes('x'), remoteAddress: '127.0.0.1', remotePort: peer }), { instanceOf: TypeError }, 'address in connected mode');
        writer.releaseLock();
        reader.releaseLock();
        await socket.close().catch(() => {});
      }),
  },
  {
    name: 'UDP broadcast (extras.broadcast) to 127.255.255.255 reaches a socket bound to 0.0.0.0',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const receiver = new gw.UDPSocket({ localAddress: '0.0.0.0' });
        const { readable, localPort } = await receiver.opened;
        const sender = new gw.UDPSocket({ localAddress: '127.0.0.1', extras: { broadcast: true } });
        const sent = await sender.opened;
        const writer = sent.writable.getWriter();
        const reader = readable.getReader();
        await writer.write({ data: bytes('to everyone'), remoteAddress: '127.255.255.255', remotePort: localPort });
        const { value } = await within(reader.read(), 5000, 'broadcast datagram');
        equal(text(value!.data), 'to everyone', 'data');
        equal(value!.remoteAddress, '127.0.0.1', 'source address');
        equal(value!.remotePort, sent.localPort, 'source port');
        writer.releaseLock();
        reader.releaseLock();
        await sender.close();
        await receiver.close();
      }),
  },
  {
    name: 'UDP multicast: joinGroup on 127.0.0.1, receive a looped-back datagram, leaveGroup',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const group = '239.255.77.' + (1 + Math.floor(Math.random() * 250));
        const receiver = new gw.UDPSocket({ localAddress: '0.0.0.0', multicastAllowAddressSharing: true });
        const { readable, localPort, multicastController } = await receiver.opened;
        await multicastController!.joinGroup(group, { interface: '127.0.0.1' });
        deepEqual(multicastController!.joinedGroups, [group], 'joinedGroups');
        ok(Object.isFrozen(multicastController!.joinedGroups), 'joinedGroups is frozen');
        await rejects(multicastController!.joinGroup(group), { name: 'InvalidStateError' }, 'joining twice');
        const sender = new gw.UDPSocket({
          localAddress: '127.0.0.1',
          multicastLoopback: true,
          multicastTimeToLive: 0,
          extras: { multicastInterface: '127.0.0.1' },
        });
        const sent = await sender.opened;
        const writer = sent.writable.getWriter();
        const reader = readable.getReader();
        await writer.write({ data: bytes('to the group'), remoteAddress: group, remotePort: localPort });
        const { value } = await within(reader.read(), 5000, 'multicast datagram');
        equal(text(value!.data), 'to the group', 'data');
        equal(value!.remotePort, sent.localPort, 'source port');
        await multicastController!.leaveGroup(group, { interface: '127.0.0.1' });
        deepEqual(multicastController!.joinedGroups, [], 'joinedGroups after leave');
        await rejects(multicastController!.leaveGroup(group), { name: 'InvalidStateError' }, 'leaving a group not joined');
        writer.releaseLock();
        reader.releaseLock();
        await sender.close();
        await receiver.close();
      }),
  },
  ...lifecycleSuite,
];

/** Runs one case by name (the browser entry calls this). */
export async function runCase(name: string, ctx: SuiteContext): Promise<void> {
  const found = librarySuite.find((c) => c.name === name);
  if (!found) throw new Error(`no suite case named ${name}`);
  await found.run(ctx);
}
