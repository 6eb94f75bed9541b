import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorMsg, OkMsg, ServerMessage } from '../../shared/protocol.js';
import { DEFAULT_LIMITS } from '../../server/config.js';
import type { GatewayError } from '../../server/gateway-error.js';
import type { PageLink } from '../../server/page-socket.js';
import { HOLD_HIGH_WATER, PulledReader } from '../../server/pulled-reader.js';
import { waitFor } from '../helpers/peers.js';

/** A loopback connection: `peer` writes, `socket` is read by the reader under test. */
async function pair() {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const peer = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const socket = await accepted;
  socket.pause();
  server.close();
  return { socket, peer };
}

/**
 * Plays the relay's part: every read of `socket` goes to the reader while it pulls (else to
 * `flowed`), and the reader's `reading(on)` pauses or resumes the socket. Records what the reader
 * tells the page and delivers.
 */
function harness(socket: net.Socket) {
  const sent: ServerMessage[] = [];
  const chunks: Buffer[] = [];
  const flowed: Buffer[] = [];
  const readings: boolean[] = [];
  const page = {
    limits: DEFAULT_LIMITS,
    congested: false,
    send: (m: ServerMessage) => sent.push(m),
    sendError: (e: GatewayError, about: { id?: number; ref?: number }) => sent.push({ t: 'error', code: e.code, message: e.message, ...about }),
  } as unknown as PageLink;
  const reader = new PulledReader(9, page, {
    credit: () => 1 << 20,
    deliver: (c) => chunks.push(Buffer.from(c)),
    reading: (on) => {
      readings.push(on);
      if (on) socket.resume();
      else socket.pause();
    },
    eof: () => sent.push({ t: 'eof', id: 9 }),
  });
  socket.on('data', (c: Buffer) => (reader.pulled ? reader.push(c) : flowed.push(c)));
  socket.pause();
  return { reader, sent, chunks, flowed, readings };
}

const open: net.Socket[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
});

describe('PulledReader', () => {
  it('recv needs manual mode: INVALID_STATE naming set {manualRecv: true}', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader } = harness(socket);
    expect(() => reader.recv(10)).toThrow(expect.objectContaining({ code: 'INVALID_STATE', message: expect.stringContaining('manualRecv') }));
  });

  it('manual recv(n) delivers at most n of what arrived as one chunk, then ok with bytes and what is still buffered', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, sent, chunks, readings } = harness(socket);
    reader.apply({ t: 'set', id: 9, manualRecv: true });
    // Pulled, the socket is read into the reader's queue (whatever the credit) until its high-water mark.
    expect(readings).toEqual([true]);
    peer.write('abcdefgh');
    await waitFor(() => reader.buffered === 8, 2000, 'the bytes to reach the reader');
    expect(chunks).toEqual([]);
    reader.recv(3, 77);
    await waitFor(() => sent.some((m) => m.t === 'ok'), 2000, 'the recv to complete');
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    expect(sent.find((m) => m.t === 'ok')).toMatchObject({ op: 'recv', ref: 77, bytes: 3, buffered: 5 } satisfies Partial<OkMsg>);
    expect(() => reader.recv(0)).not.toThrow();
    expect(sent.at(-1)).toMatchObject({ t: 'ok', bytes: 0, buffered: 5 });
  });

  it('one recv at a time; a waiting recv completes with 0 bytes at the peer FIN', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, sent, chunks } = harness(socket);
    reader.apply({ t: 'set', id: 9, manualRecv: true });
    reader.recv(10, 1);
    expect(() => reader.recv(10, 2)).toThrow(expect.objectContaining({ code: 'INVALID_STATE', message: expect.stringContaining('one at a time') }));
    socket.once('end', () => reader.ended());
    peer.end();
    await waitFor(() => sent.some((m) => m.t === 'ok'), 2000, 'the recv to complete at EOF');
    expect(sent.filter((m) => m.t === 'eof' || m.t === 'ok')).toMatchObject([{ t: 'eof' }, { t: 'ok', ref: 1, bytes: 0 }]);
    expect(chunks).toEqual([]);
  });

  it('turning manual mode off cancels a waiting recv and hands reading back to the relay', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, sent, flowed } = harness(socket);
    reader.apply({ t: 'set', id: 9, manualRecv: true });
    reader.recv(10, 4);
    reader.apply({ t: 'set', id: 9, manualRecv: false });
    expect(sent.at(-1)).toMatchObject({ t: 'error', code: 'INVALID_STATE', ref: 4, message: expect.stringContaining('cancelled') } satisfies Partial<ErrorMsg>);
    expect(reader.pulled).toBe(false);
    peer.write('after');
    await waitFor(() => flowed.length > 0, 2000, 'the relay to read again');
    expect(Buffer.concat(flowed).toString()).toBe('after');
  });

  it('a read delay takes everything waiting (up to readSize) as one chunk', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, chunks } = harness(socket);
    reader.apply({ t: 'set', id: 9, readDelayMs: 150, readSize: 6 });
    for (const part of ['ab', 'cd', 'ef', 'gh']) peer.write(part);
    await waitFor(() => chunks.length >= 2, 3000, 'two delayed reads');
    // The writes coalesced: the first read takes readSize bytes, the next the rest.
    expect(chunks.map(String)).toEqual(['abcdef', 'gh']);
  });

  it('refuses a read delay over 60 s and a readSize outside 1 … the receive window before changing anything', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader } = harness(socket);
    expect(() => reader.check({ t: 'set', id: 9, readDelayMs: 60_001 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => reader.check({ t: 'set', id: 9, readSize: 0 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => reader.check({ t: 'set', id: 9, readSize: DEFAULT_LIMITS.receiveWindow + 1 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(reader.pulled).toBe(false);
  });

  it('the socket closing fails a waiting recv with INVALID_STATE', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, sent } = harness(socket);
    reader.apply({ t: 'set', id: 9, manualRecv: true });
    reader.recv(5, 6);
    reader.closed();
    expect(sent.at(-1)).toMatchObject({ t: 'error', code: 'INVALID_STATE', ref: 6, message: expect.stringContaining('closed while recv(5)') });
  });
  it('holds at most its high-water mark plus one read: kernel reads stop there and start again once a recv takes bytes', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, readings, chunks } = harness(socket);
    reader.apply({ t: 'set', id: 9, manualRecv: true });
    peer.write(Buffer.alloc(1 << 20, 7));
    await waitFor(() => readings.at(-1) === false, 2000, 'the reader to stop reading');
    await new Promise((r) => setTimeout(r, 50));
    expect(reader.buffered).toBeGreaterThanOrEqual(HOLD_HIGH_WATER);
    expect(reader.buffered).toBeLessThanOrEqual(HOLD_HIGH_WATER + 65_536);
    reader.recv(reader.buffered);
    expect(readings.at(-1)).toBe(true);
    expect(chunks).toHaveLength(1);
  });

  it('a FIN behind held bytes reaches the page after the last of them: recv, recv, then eof, then an empty recv', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, sent, chunks } = harness(socket);
    socket.once('end', () => reader.ended());
    reader.apply({ t: 'set', id: 9, manualRecv: true });
    peer.end('abcdef');
    await waitFor(() => reader.buffered === 6, 2000, 'the bytes');
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.some((m) => m.t === 'eof')).toBe(false);
    reader.recv(4, 1);
    expect(sent.some((m) => m.t === 'eof')).toBe(false);
    reader.recv(4, 2);
    reader.recv(4, 3);
    expect(chunks.map(String)).toEqual(['abcd', 'ef']);
    expect(sent.map((m) => (m.t === 'ok' ? `ok ${m.ref}:${m.bytes}` : m.t))).toEqual(['ok 1:4', 'ok 2:2', 'eof', 'ok 3:0']);
  });

  it('turning a read delay off hands what was held to the relay one read per chunk, then the relay reads', async () => {
    const { socket, peer } = await pair();
    open.push(socket, peer);
    const { reader, chunks } = harness(socket);
    reader.apply({ t: 'set', id: 9, readDelayMs: 10_000 });
    peer.write('one');
    await waitFor(() => reader.buffered === 3, 2000, 'the first read');
    peer.write('two');
    await waitFor(() => reader.buffered === 6, 2000, 'the second read');
    reader.apply({ t: 'set', id: 9, readDelayMs: 0 });
    expect(chunks.map(String)).toEqual(['one', 'two']);
    expect(reader.buffered).toBe(0);
  });
});
