/**
 * Conformance cases of the library suite (run in Node and in Chromium): where the WICG Direct
 * Sockets IDL and the multicast extension fix a behaviour, sockgate shows the same one —
 * DOMException names and legacy codes, a byte-stream readable with BYOB readers, WebIDL integer
 * conversion, empty and oversized datagrams, and source-specific multicast (docs/CLIENT.md,
 * "Conformance").
 */
import { bytes, checksum, deepEqual, equal, ok, pattern, rejects, sleep, text, throws, within } from './suite-assert.js';
import { closeQuietly, withGateway, type SuiteCase } from './suite-context.js';

/** Legacy DOMException codes of the names the library uses (WebIDL's table). */
const legacyCode = { NetworkError: 19, NotAllowedError: 0, InvalidStateError: 11 } as const;

export const conformanceSuite: SuiteCase[] = [
  {
    name: 'conformance: failures are DOMExceptions with the spec name, the legacy numeric code and sockgateCode',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const refused = new gw.TCPSocket('127.0.0.1', await ctx.peers.closedPort());
        const error = await rejects(refused.opened, { name: 'NetworkError', code: legacyCode.NetworkError, sockgateCode: 'REFUSED' }, 'refused');
        ok(error instanceof DOMException, 'refused: instanceof DOMException');
        ok(error instanceof Error, 'refused: instanceof Error');
        equal(Object.prototype.toString.call(error), '[object DOMException]', 'refused: brand');
        await rejects(refused.closed, { name: 'NetworkError', code: legacyCode.NetworkError }, 'refused closed');
        const denied = new gw.TCPSocket('8.8.8.8', 53);
        const deniedError = await rejects(denied.opened, { name: 'NotAllowedError', code: legacyCode.NotAllowedError, sockgateCode: 'DENIED' }, 'denied');
        ok(typeof deniedError.rule === 'string' && deniedError instanceof DOMException, 'denied: DOMException with rule');
        const opening = new gw.TCPSocket('127.0.0.1', await ctx.peers.echoServer());
        const stateError = await rejects(opening.close(), { name: 'InvalidStateError', code: legacyCode.InvalidStateError }, 'close() while opening');
        ok(stateError instanceof DOMException, 'InvalidStateError is a DOMException');
        await opening.opened;
        await opening.close();
        // Argument errors are TypeErrors (WebIDL), not DOMExceptions.
        const typeError = throws(() => new gw.UDPSocket({}), { instanceOf: TypeError }, 'no mode');
        ok(!(typeError instanceof DOMException), 'TypeError is not a DOMException');
      }),
  },
  {
    name: 'conformance: TCPSocket.readable is a byte stream; a BYOB reader reads a real 1 MiB echo in partial fills',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const socket = new gw.TCPSocket('127.0.0.1', await ctx.peers.echoServer());
        const { readable, writable } = await socket.opened;
        const reader = readable.getReader({ mode: 'byob' });
        // More than the receive window: the echo only completes if BYOB reads grant credit back.
        const total = Math.max(1 << 20, gw.limits.receiveWindow * 3);
        const sent = pattern(total, 11);
        const writer = writable.getWriter();
        const writing = writer.write(sent);
        const received = new Uint8Array(total);
        let filled = 0;
        let reads = 0;
        let buffer = new ArrayBuffer(4096);
        while (filled < total) {
          const { value, done } = await within(reader.read(new Uint8Array(buffer, 0, Math.min(4096, total - filled))), 10_000, `BYOB read at ${filled}`);
          if (done) throw new Error(`ended after ${filled} bytes`);
          ok(value!.byteLength > 0 && value!.byteLength <= 4096, `a fill of ${value!.byteLength} bytes fits the view`);
          received.set(value!, filled);
          filled += value!.byteLength;
          buffer = value!.buffer as ArrayBuffer; // the view's buffer comes back transferred, to be reused
          reads++;
        }
        await writing;
        equal(checksum(received), checksum(sent), 'bytes intact');
        ok(reads >= total / 4096, `${reads} BYOB reads`);
        // The peer's FIN settles a waiting BYOB read with done.
        await writer.close();
        const end = await within(reader.read(new Uint8Array(16)), 5000, 'BYOB read at EOF');
        equal(end.done, true, 'done after FIN');
        reader.releaseLock();
        writer.releaseLock();
        await socket.close();
      }),
  },
  {
    name: 'conformance: a default reader of the byte stream still gets each gateway read as one chunk',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const socket = new gw.TCPSocket('127.0.0.1', await ctx.peers.echoServer(), { noDelay: true });
        const { readable, writable } = await socket.opened;
        const reader = readable.getReader();
        const writer = writable.getWriter();
        for (const word of ['alpha', 'beta', 'gamma']) {
          await writer.write(bytes(word));
          const { value } = await within(reader.read(), 5000, word);
          ok(value instanceof Uint8Array, 'a Uint8Array');
          equal(text(value!), word, 'one write echoed, one read, one chunk');
        }
        reader.releaseLock();
        writer.releaseLock();
        await socket.close();
      }),
  },
  {
    name: 'conformance: [EnforceRange] members throw TypeError at 65536, -1 and NaN; plain unsigned short ports wrap',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const T = { instanceOf: TypeError };
        for (const bad of [65_536, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
          throws(() => new gw.UDPSocket({ remoteAddress: '127.0.0.1', remotePort: bad }), T, `UDP remotePort ${bad}`);
          throws(() => new gw.UDPSocket({ localAddress: '127.0.0.1', localPort: bad }), T, `UDP localPort ${bad}`);
          throws(() => new gw.TCPServerSocket('127.0.0.1', { localPort: bad }), T, `server localPort ${bad}`);
          throws(() => new gw.TCPServerSocket('127.0.0.1', { backlog: bad === 65_536 ? 2 ** 32 : bad }), T, `backlog ${bad}`);
          throws(() => new gw.TCPSocket('127.0.0.1', 7, { sendBufferSize: bad === 65_536 ? 2 ** 32 : bad }), T, `sendBufferSize ${bad}`);
          throws(() => new gw.TCPSocket('127.0.0.1', 7, { keepAliveDelay: bad === 65_536 ? 2 ** 32 : bad }), T, `keepAliveDelay ${bad}`);
          throws(() => new gw.UDPSocket({ localAddress: '127.0.0.1', multicastTimeToLive: bad === 65_536 ? 256 : bad }), T, `multicastTimeToLive ${bad}`);
        }
        // TCPSocket's remotePort argument is plain `unsigned short`: 65536 + p connects to p.
        const port = await ctx.peers.echoServer();
        const wrapped = new gw.TCPSocket('127.0.0.1', port + 65_536);
        equal((await wrapped.opened).remotePort, port, 'remotePort wrapped modulo 2^16');
        await wrapped.close();
        // NaN converts to 0: no TypeError, and a connect to port 0 is refused by the OS.
        const zero = new gw.TCPSocket('127.0.0.1', Number.NaN);
        await rejects(zero.opened, { name: 'NetworkError' }, 'port 0 (from NaN)');
        // UDPMessage.remotePort is plain `unsigned short` too.
        const peer = await ctx.peers.udpPeer();
        const udp = new gw.UDPSocket({ localAddress: '127.0.0.1' });
        const writer = (await udp.opened).writable.getWriter();
        await writer.write({ data: bytes('wrapped'), remoteAddress: '127.0.0.1', remotePort: peer + 65_536 });
        const [got] = await ctx.peers.udpReceived(peer, 1);
        equal(got!.text, 'wrapped', 'datagram reached remotePort modulo 2^16');
        writer.releaseLock();
        await udp.close();
      }),
  },
  {
    name: 'conformance: an empty datagram is sent and received; an oversized one rejects the write with NetworkError',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const peer = await ctx.peers.udpPeer();
        const udp = new gw.UDPSocket({ localAddress: '127.0.0.1' });
        const { readable, writable, localPort } = await udp.opened;
        const writer = writable.getWriter();
        await writer.write({ data: new Uint8Array(0), remoteAddress: '127.0.0.1', remotePort: peer });
        const [got] = await ctx.peers.udpReceived(peer, 1);
        equal(got!.text, '', 'zero-length datagram arrived');
        await ctx.peers.udpSend(peer, localPort, '');
        const reader = readable.getReader();
        const { value } = await within(reader.read(), 5000, 'empty datagram');
        equal(value!.data.byteLength, 0, 'zero-length datagram read');
        equal(value!.remotePort, peer, 'from the peer');
        const error = await rejects(writer.write({ data: new Uint8Array(65_508), remoteAddress: '127.0.0.1', remotePort: peer }), {
          name: 'NetworkError',
          code: legacyCode.NetworkError,
          sockgateCode: 'TOO_BIG',
        }, 'oversized');
        ok(error instanceof DOMException, 'oversized: a DOMException');
        reader.releaseLock();
        writer.releaseLock();
        await closeQuietly(udp);
      }),
  },
  {
    name: 'conformance: UDPMessage.dnsQueryType in bound mode picks the records of the asked family (or fails the write)',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const peer = await ctx.peers.udpPeer();
        const udp = new gw.UDPSocket({ localAddress: '127.0.0.1' });
        const writer = (await udp.opened).writable.getWriter();
        // localhost is in /etc/hosts: the gateway's lookup never leaves the machine.
        await writer.write({ data: bytes('by name, A'), remoteAddress: 'localhost', remotePort: peer, dnsQueryType: 'ipv4' });
        const [got] = await ctx.peers.udpReceived(peer, 1);
        equal(got!.text, 'by name, A', 'sent to the A record');
        const error = await rejects(writer.write({ data: bytes('AAAA'), remoteAddress: 'localhost', remotePort: peer, dnsQueryType: 'ipv6' }), {
          name: 'NetworkError',
        }, 'AAAA from an IPv4 socket');
        ok(error instanceof DOMException, 'a DOMException');
        writer.releaseLock();
        await closeQuietly(udp);
        throws(() => new gw.UDPSocket({ localAddress: '127.0.0.1', dnsQueryType: 'ipv4' }), { instanceOf: TypeError }, 'dnsQueryType option in bound mode');
      }),
  },
  {
    name: 'conformance: MulticastController — TypeError for a non-multicast group, source-specific join over loopback',
    run: (ctx) =>
      withGateway(ctx, async (gw) => {
        const receiver = new gw.UDPSocket({ localAddress: '0.0.0.0', multicastAllowAddressSharing: true });
        const { readable, localPort, multicastController: mc } = await receiver.opened;
        await rejects(mc!.joinGroup('127.0.0.1'), { instanceOf: TypeError }, 'unicast group');
        await rejects(mc!.joinGroup('240.0.0.1'), { instanceOf: TypeError }, 'class E group');
        ok(!('reset' in mc!), 'no public reset()');
        // Admin-scoped (239/8): the gateway's default multicast scope; SSM works on any group on Linux.
        const group = '239.1.77.' + (1 + Math.floor(Math.random() * 250));
        // Only 127.0.0.2 may send to this membership; the sender below is 127.0.0.1.
        await mc!.joinGroup(group, { sourceAddress: '127.0.0.2', interface: '127.0.0.1' });
        deepEqual(mc!.joinedGroups, [group], 'joinedGroups after the first source');
        const sender = new gw.UDPSocket({ localAddress: '127.0.0.1', multicastLoopback: true, multicastTimeToLive: 0, extras: { multicastInterface: '127.0.0.1' } });
        const writer = (await sender.opened).writable.getWriter();
        const reader = readable.getReader();
        const first = reader.read();
        await writer.write({ data: bytes('filtered out'), remoteAddress: group, remotePort: localPort });
        const early = await Promise.race([first.then(() => 'delivered'), sleep(300).then(() => 'nothing')]);
        equal(early, 'nothing', 'a source not joined is filtered by the kernel');
        await mc!.joinGroup(group, { sourceAddress: '127.0.0.1', interface: '127.0.0.1' });
        deepEqual(mc!.joinedGroups, [group], 'joinedGroups lists the group once');
        await writer.write({ data: bytes('from the source'), remoteAddress: group, remotePort: localPort });
        const { value } = await within(first, 5000, 'source-specific datagram');
        equal(text(value!.data), 'from the source', 'data from the joined source');
        equal(value!.remoteAddress, '127.0.0.1', 'source address');
        await mc!.leaveGroup(group, { sourceAddress: '127.0.0.1', interface: '127.0.0.1' });
        await mc!.leaveGroup(group, { sourceAddress: '127.0.0.2', interface: '127.0.0.1' });
        deepEqual(mc!.joinedGroups, [], 'joinedGroups after leaving both');
        reader.releaseLock();
        writer.releaseLock();
        await sender.close();
        await receiver.close();
      }),
  },
];
