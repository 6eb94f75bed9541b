import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { READ_BUFFER_BYTES, connectSharingReads, takeReads } from '../../server/tcp-reads.js';
import { waitFor } from '../helpers/peers.js';

const open: { destroy(): void }[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
});

/** A loopback server that runs `onSocket` for each connection. */
async function server(onSocket: (s: net.Socket) => void): Promise<number> {
  const srv = net.createServer(onSocket);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  open.push({ destroy: () => srv.close() });
  return (srv.address() as net.AddressInfo).port;
}

function connect(port: number): Promise<net.Socket> {
  const s = connectSharingReads({ host: '127.0.0.1', port });
  open.push(s);
  return new Promise((resolve, reject) => s.once('connect', () => resolve(s)).once('error', reject));
}

describe('shared TCP reads (one read buffer for every dialled socket)', () => {
  it('a read that comes before anyone takes the reads is kept, the socket pauses on it, and the sink gets it first', async () => {
    const peers: net.Socket[] = [];
    const port = await server((s) => {
      peers.push(s);
      s.write('banner: hello\r\n');
    });
    const socket = await connect(port);
    // Long enough for the banner to be read with no sink yet.
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.isPaused()).toBe(true);
    peers[0]!.write('second');
    const got: string[] = [];
    takeReads(socket, (view) => got.push(view.toString()));
    expect(got).toEqual(['banner: hello\r\n']);
    // Nothing more until the owner resumes the socket, as the relay does when it has credit.
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    socket.resume();
    await waitFor(() => got.join('') === 'banner: hello\r\nsecond', 2000, 'the next read');
  });

  it('the views share one buffer: a sink that copies keeps every socket’s bytes intact, one that does not sees them overwritten', async () => {
    const port = await server((s) => s.on('data', (d) => s.write(d)));
    const [a, b] = await Promise.all([connect(port), connect(port)]);
    const copies = new Map<net.Socket, Buffer[]>([[a, []], [b, []]]);
    const views: Buffer[] = [];
    for (const s of [a, b]) {
      takeReads(s, (view) => {
        views.push(view);
        copies.get(s)!.push(Buffer.from(view));
      });
      s.resume();
    }
    a.write('a'.repeat(1000));
    await waitFor(() => Buffer.concat(copies.get(a)!).length === 1000, 2000, 'a’s echo');
    b.write('b'.repeat(1000));
    await waitFor(() => Buffer.concat(copies.get(b)!).length === 1000, 2000, 'b’s echo');
    expect(Buffer.concat(copies.get(a)!).toString()).toBe('a'.repeat(1000));
    expect(Buffer.concat(copies.get(b)!).toString()).toBe('b'.repeat(1000));
    // The first view of a's read now shows b's bytes: the memory is reused, hence the copy rule.
    expect(views[0]!.buffer).toBe(views.at(-1)!.buffer);
    expect(views[0]!.subarray(0, 1).toString()).toBe('b');
    expect(views.every((v) => v.length <= READ_BUFFER_BYTES)).toBe(true);
  });

  it('pause and resume still govern the kernel reads; end and close arrive as usual', async () => {
    let peer!: net.Socket;
    const port = await server((s) => (peer = s));
    const socket = await connect(port);
    let bytes = 0;
    takeReads(socket, (view) => (bytes += view.length));
    socket.pause();
    await waitFor(() => peer !== undefined, 2000, 'the accept');
    peer.write(Buffer.alloc(200_000));
    await new Promise((r) => setTimeout(r, 100));
    expect(bytes).toBe(0);
    const ended = new Promise<void>((r) => socket.once('end', r));
    socket.resume();
    peer.end();
    await ended;
    expect(bytes).toBe(200_000);
  });
});
