/**
 * Lifecycle cases of the library suite (run in Node and in Chromium): half-close, failures and
 * their errors, option validation, close(), set(), backpressure, and losing the gateway.
 */
import { TCPSocket as UnboundTCPSocket } from '../../client/lib/index.js';
import {
  below,
  bytes,
  deepEqual,
  equal,
  ok,
  pattern,
  readBytes,
  readToEnd,
  rejects,
  sleep,
  text,
  throws,
  until,
  within,
} from './suite-assert.js';
import { closeQuietly, withGateway, type SuiteCase } from './suite-context.js';

export const lifecycleSuite: SuiteCase[] = [
  {
    name: 'half-close: closing the writable sends FIN and reading goes on',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.upperOnFinServer();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { readable, writable } = await socket.opened;
        const writer = writable.getWriter();
        await writer.write(bytes('shout this'));
        await writer.close();
        const reply = await within(readToEnd(readable as ReadableStream<Uint8Array>), 5000, 'reply after FIN');
        equal(text(reply), 'SHOUT THIS', 'reply');
        await within(socket.closed, 5000, 'closed after both sides ended');
      }),
  },
  {
    name: 'half-close: the peer FIN ends the readable and writing goes on',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.finFirstServer('bye');
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { readable, writable } = await socket.opened;
        equal(text(await within(readToEnd(readable as ReadableStream<Uint8Array>), 5000, 'greeting then FIN')), 'bye', 'greeting');
        const writer = writable.getWriter();
        await writer.write(bytes('still here'));
        await writer.close();
        equal(await ctx.peers.finFirstReceived(port), 'still here', 'peer received after its FIN');
        await within(socket.closed, 5000, 'closed');
      }),
  },
  {
    name: 'extras.allowHalfOpen false: the peer FIN also ends the write side',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.finFirstServer('bye');
        const socket = new gw.TCPSocket('127.0.0.1', port, { extras: { allowHalfOpen: false } });
        const { readable } = await socket.opened;
        equal(text(await readToEnd(readable as ReadableStream<Uint8Array>)), 'bye', 'greeting');
        await within(socket.closed, 5000, 'closed without closing the writable');
        equal(await ctx.peers.finFirstReceived(port), '', 'nothing written');
      }),
  },
  {
    name: 'refused: opened and closed reject with NetworkError REFUSED (ECONNREFUSED)',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.closedPort();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const error = await rejects(socket.opened, { name: 'NetworkError', sockgateCode: 'REFUSED', osCode: 'ECONNREFUSED' }, 'opened');
        ok(error.message.length > 0, 'a message');
        await rejects(socket.closed, { name: 'NetworkError', sockgateCode: 'REFUSED' }, 'closed');
      }),
  },
  {
    name: 'denied: a public address is refused by policy with NotAllowedError, code DENIED and the rule',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const socket = new gw.TCPSocket('8.8.8.8', 53);
        const error = await rejects(socket.opened, { name: 'NotAllowedError', sockgateCode: 'DENIED' }, 'opened');
        ok(typeof error.rule === 'string' && error.rule.length > 0, `rule ${error.rule}`);
        const udp = new gw.UDPSocket({ remoteAddress: '8.8.8.8', remotePort: 53 });
        await rejects(udp.opened, { name: 'NotAllowedError', sockgateCode: 'DENIED' }, 'udp opened');
        // A datagram to a denied address from a bound socket: checked before sending, reported via onError.
        const errors: Array<{ name: string; sockgateCode: string; rule?: string }> = [];
        const bound = new gw.UDPSocket({ localAddress: '127.0.0.1', extras: { onError: (e) => errors.push(e) } });
        const writer = (await bound.opened).writable.getWriter();
        await writer.write({ data: bytes('x'), remoteAddress: '8.8.8.8', remotePort: 53 });
        await until(() => errors.length > 0, 5000, 'the denial to be reported');
        equal(errors[0]!.name, 'NotAllowedError', 'onError name');
        equal(errors[0]!.sockgateCode, 'DENIED', 'onError code');
        ok(errors[0]!.rule, 'onError rule');
        writer.releaseLock();
        await bound.close();
      }),
  },
  {
    name: 'extras.signal: an aborted signal rejects opened with its reason and nothing leaks',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const already = new gw.TCPSocket('127.0.0.1', port, { extras: { signal: AbortSignal.abort() } });
        await rejects(already.opened, { name: 'AbortError' }, 'pre-aborted');
        const controller = new AbortController();
        const racing = new gw.TCPSocket('127.0.0.1', port, { extras: { signal: controller.signal } });
        controller.abort(new DOMException('changed my mind', 'AbortError'));
        await rejects(racing.opened, { name: 'AbortError', message: /changed my mind/ }, 'aborted while opening');
        await rejects(racing.closed, { name: 'AbortError' }, 'closed of an aborted open');
        const server = new gw.TCPServerSocket('127.0.0.1', { extras: { signal: AbortSignal.abort() } });
        await rejects(server.opened, { name: 'AbortError' }, 'server pre-aborted');
        // The gateway drops the abandoned attempt; a normal socket still works afterwards.
        const fine = new gw.TCPSocket('127.0.0.1', port);
        await fine.opened;
        await fine.close();
        await until(async () => (await ctx.peers.gatewaySockets()) === 0, 5000, 'no sockets left on the gateway');
      }),
  },
  {
    name: 'option validation: bad options throw TypeError synchronously, as the spec says',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const T = { instanceOf: TypeError };
        // TCPSocket's remotePort is a plain `unsigned short` in the IDL (it wraps, see the conformance
        // cases); UDPSocketOptions' ports are [EnforceRange] and still throw.
        throws(() => new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 70000 }), T, 'remotePort out of range');
        throws(() => new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: Number.NaN }), T, 'remotePort NaN');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { keepAliveDelay: 999 }), T, 'keepAliveDelay < 1000');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { sendBufferSize: 0 }), T, 'sendBufferSize 0');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { receiveBufferSize: -1 }), T, 'receiveBufferSize negative');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { dnsQueryType: 'ipv5' as 'ipv4' }), T, 'dnsQueryType');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, 'fast' as never), T, 'options not an object');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { extras: { secureTransport: 'yes' as 'on' } }), T, 'secureTransport');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { extras: { serverName: 'x' } }), T, 'serverName without TLS');
        throws(() => new gw.TCPSocket('127.0.0.1', 7, { extras: { signal: {} as AbortSignal } }), T, 'signal not a signal');
        throws(() => new gw.TCPServerSocket('localhost'), T, 'server localAddress not an IP');
        throws(() => new gw.TCPServerSocket('127.0.0.1', { localPort: 0 }), T, 'server localPort 0');
        throws(() => new gw.TCPServerSocket('127.0.0.1', { backlog: 0 }), T, 'backlog 0');
        throws(() => new gw.TCPServerSocket('127.0.0.1', { ipv6Only: true }), T, 'ipv6Only on IPv4');
        throws(() => new gw.UDPSocket(undefined as never), T, 'UDP without options');
        throws(() => new gw.UDPSocket({}), T, 'UDP neither remote nor local');
        throws(() => new gw.UDPSocket({ remoteAddress: '127.0.0.1' }), T, 'remoteAddress without remotePort');
        throws(() => new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, localAddress: '127.0.0.1' }), T, 'both modes');
        throws(() => new gw.UDPSocket({ localPort: 9 }), T, 'localPort without localAddress');
        throws(() => new gw.UDPSocket({ localAddress: 'example.com' }), T, 'bound localAddress not an IP');
        throws(() => new gw.UDPSocket({ localAddress: '127.0.0.1', localPort: 0 }), T, 'bound localPort 0');
        throws(() => new gw.UDPSocket({ localAddress: '127.0.0.1', dnsQueryType: 'ipv4' }), T, 'dnsQueryType in bound mode');
        throws(() => new gw.UDPSocket({ localAddress: '127.0.0.1', multicastTimeToLive: 256 }), T, 'TTL over an octet');
        throws(() => new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: 9, ipv6Only: true }), T, 'ipv6Only in connected mode');
        equal(gw.limits.socketsPerPage > 0, true, 'still connected');
        // Validation of what is written and of multicast groups.
        const socket = new gw.UDPSocket({ localAddress: '127.0.0.1' });
        const { writable, multicastController } = await socket.opened;
        await rejects(multicastController!.joinGroup('not-an-ip'), T, 'joinGroup with a name');
        await rejects(multicastController!.joinGroup('239.1.2.3', { sourceAddress: 'not-an-ip' }), T, 'source-specific multicast from a name');
        const cases: Array<[string, unknown]> = [
          ['no address in bound mode', { data: bytes('x') }],
          ['no data', { remoteAddress: '127.0.0.1', remotePort: 9 }],
          // Empty data is a valid datagram and an oversized one a NetworkError: the conformance cases.
          ['data not a BufferSource', { data: 'text', remoteAddress: '127.0.0.1', remotePort: 9 }],
        ];
        for (const [what, message] of cases) {
          // A rejected write errors the writable (WHATWG streams), so each case gets its own socket.
          const s = new gw.UDPSocket({ localAddress: '127.0.0.1' });
          const w = (await s.opened).writable.getWriter();
          await rejects(w.write(message as never), T, what);
          w.releaseLock();
          await closeQuietly(s);
        }
        const w = writable.getWriter();
        await rejects(w.write('not bytes' as never), T, 'not a UDPMessage');
        w.releaseLock();
        await closeQuietly(socket);
        // The base classes are not bound to a gateway.
        throws(() => new UnboundTCPSocket('127.0.0.1', 7), T, 'unbound class');
      }),
  },
  {
    name: 'close(): InvalidStateError while opening and while a stream is locked, then resolves',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        await rejects(socket.close(), { name: 'InvalidStateError' }, 'close() while opening');
        const { readable, writable } = await socket.opened;
        const reader = readable.getReader();
        await rejects(socket.close(), { name: 'InvalidStateError' }, 'close() with a locked readable');
        reader.releaseLock();
        const writer = writable.getWriter();
        await rejects(socket.close(), { name: 'InvalidStateError' }, 'close() with a locked writable');
        writer.releaseLock();
        await within(socket.close(), 5000, 'close() with unlocked streams');
        await socket.close();
        const server = new gw.TCPServerSocket('127.0.0.1');
        const opened = await server.opened;
        const serverReader = opened.readable.getReader();
        await rejects(server.close(), { name: 'InvalidStateError' }, 'server close() with a locked readable');
        serverReader.releaseLock();
        await server.close();
        await server.closed;
      }),
  },
  {
    name: 'a reset by the peer errors the streams and rejects closed with NetworkError RESET',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.resetServer();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { readable, writable } = await socket.opened;
        const writer = writable.getWriter();
        await writer.write(bytes('provoke'));
        const reader = (readable as ReadableStream<Uint8Array>).getReader();
        await rejects(within(reader.read(), 5000, 'read'), { name: 'NetworkError', sockgateCode: 'RESET' }, 'read after reset');
        await rejects(socket.closed, { name: 'NetworkError', sockgateCode: 'RESET' }, 'closed');
      }),
  },
  {
    name: 'set(): noDelay/corkWrites on TCP and broadcast on UDP reach the gateway',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.echoServer();
        const tcp = new gw.TCPSocket('127.0.0.1', port);
        await rejects(tcp.set({ noDelay: true }), { name: 'InvalidStateError' }, 'set() while opening');
        const { readable, writable } = await tcp.opened;
        await tcp.set({ noDelay: false, corkWrites: 2 });
        const writer = writable.getWriter();
        await writer.write(bytes('ab'));
        await writer.write(bytes('cd'));
        const reader = (readable as ReadableStream<Uint8Array>).getReader();
        equal(text(await readBytes(reader, 4)), 'abcd', 'corked writes arrive');
        writer.releaseLock();
        reader.releaseLock();
        await tcp.close();
        const udp = new gw.UDPSocket({ localAddress: '127.0.0.1' });
        await udp.opened;
        await udp.set({ broadcast: true, multicastTimeToLive: 1 });
        await udp.close();
      }),
  },
  {
    name: 'backpressure: writes to a peer that does not read stall with bounded memory, then resume',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const port = await ctx.peers.stallServer();
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { writable } = await socket.opened;
        const writer = writable.getWriter();
        const chunk = pattern(64 * 1024);
        const memoryBefore = await ctx.peers.memory();
        const pageMemory = () => (globalThis.performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
        const pageBefore = pageMemory();
        let resolved = 0;
        let stop = false;
        const loop = (async () => {
          while (!stop) {
            await writer.write(chunk);
            resolved++;
          }
        })();
        loop.catch(() => {});
        // Wait for the writes to stop making progress.
        let last = -1;
        let stableSince = Date.now();
        await until(() => {
          if (resolved !== last) {
            last = resolved;
            stableSince = Date.now();
          }
          return Date.now() - stableSince > 400;
        }, 20_000, 'writes to stall');
        const stalledAt = resolved;
        const written = stalledAt * chunk.byteLength;
        // The page's send window plus what the kernel buffers on loopback; never the whole stream.
        below(written, 64 * 1024 * 1024, 'bytes accepted before the stall');
        ok(stalledAt > 0, 'some writes went through');
        await sleep(300);
        equal(resolved, stalledAt, 'no progress while the peer does not read');
        const growth = (await ctx.peers.memory()) - memoryBefore;
        below(growth, 96 * 1024 * 1024, 'gateway memory growth while stalled');
        const pageAfter = pageMemory();
        if (ctx.runtime === 'browser' && pageBefore !== undefined && pageAfter !== undefined) {
          below(pageAfter - pageBefore, 64 * 1024 * 1024, 'page heap growth while stalled');
        }
        await ctx.peers.stallStartReading(port);
        await until(() => resolved >= stalledAt + 64, 15_000, 'writes to resume once the peer reads');
        stop = true;
        await writer.abort(new Error('done')).catch(() => {});
        await loop.catch(() => {});
        writer.releaseLock();
        await within(socket.close(), 5000, 'close() after abort');
      }),
  },
  {
    name: 'backpressure: a page that does not read pauses the peer; reading later gets every byte',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const total = 24 * 1024 * 1024;
        const port = await ctx.peers.floodServer(total);
        const socket = new gw.TCPSocket('127.0.0.1', port);
        const { readable } = await socket.opened;
        let last = -1;
        let stableSince = Date.now();
        await until(async () => {
          const progress = await ctx.peers.floodProgress(port);
          if (progress !== last) {
            last = progress;
            stableSince = Date.now();
          }
          return Date.now() - stableSince > 400;
        }, 20_000, 'the peer to stall');
        below(last, total, 'the peer stalls before sending everything');
        const reader = (readable as ReadableStream<Uint8Array>).getReader();
        let got = 0;
        let sum = 0;
        const expected = pattern(total, 3);
        for (;;) {
          const { value, done } = await within(reader.read(), 10_000, `read after ${got} bytes`);
          if (done) break;
          for (let i = 0; i < value.byteLength; i++) sum = (sum + value[i]! * ((got + i) % 251)) % 1_000_000_007;
          got += value.byteLength;
        }
        equal(got, total, 'bytes read');
        let want = 0;
        for (let i = 0; i < total; i++) want = (want + expected[i]! * (i % 251)) % 1_000_000_007;
        equal(sum, want, 'content');
        reader.releaseLock();
        await socket.close();
      }),
  },
  {
    name: 'interfaces() lists loopback with its broadcast address',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const list = await gw.interfaces();
        const lo = list.find((i) => i.address === '127.0.0.1');
        ok(lo, 'an interface with 127.0.0.1');
        equal(lo.family, 'IPv4', 'family');
        equal(lo.broadcast, '127.255.255.255', 'broadcast');
        equal(lo.internal, true, 'internal');
      }),
  },
  {
    name: 'install() puts the classes on a global only where none exists',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        class Native {}
        const target: Record<string, unknown> = { TCPSocket: Native };
        deepEqual(gw.install(target), ['TCPServerSocket', 'UDPSocket'], 'installed');
        equal(target.TCPSocket, Native, 'native TCPSocket kept');
        equal(target.UDPSocket, gw.UDPSocket, 'UDPSocket installed');
      }),
  },
  {
    name: 'losing the gateway connection fails open sockets with NetworkError CONNECTION_LOST',
    run: async (ctx) => {
      const gw = await ctx.connect();
      const port = await ctx.peers.echoServer();
      const socket = new gw.TCPSocket('127.0.0.1', port);
      const { readable } = await socket.opened;
      const reader = readable.getReader();
      const reading = reader.read();
      let event: { code?: number } | undefined;
      gw.addEventListener('close', (e) => (event = e as unknown as { code: number }));
      await gw.close();
      await rejects(reading, { name: 'NetworkError', sockgateCode: 'CONNECTION_LOST' }, 'pending read');
      await rejects(socket.closed, { name: 'NetworkError', sockgateCode: 'CONNECTION_LOST' }, 'closed');
      equal(event?.code, 1000, 'close event code');
      equal(gw.connected, false, 'connected');
      const late = new gw.TCPSocket('127.0.0.1', port);
      await rejects(late.opened, { name: 'NetworkError', sockgateCode: 'CONNECTION_LOST' }, 'a socket opened afterwards');
    },
  },
];
