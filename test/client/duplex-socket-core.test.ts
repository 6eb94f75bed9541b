/**
 * DuplexSocketCore, the stream and credit plumbing TCPSocket and UDPSocket share, driven through
 * both public classes over a scripted transport: what reaches the wire, what the streams do when
 * the gateway ends, fails or is asked to close a socket, and how a rejected write ends the writable.
 */
import { describe, expect, it } from 'vitest';
import { readChunk, SocketError } from '../../client/lib/index.js';
import { MAX_QUEUED_WRITES } from '../../client/lib/duplex-socket-core.js';
import { CHUNK_HEADER, encodeBatch, encodeCounter, encodeDatagram, Frame, writeChunkHeader } from '../../shared/protocol.js';
import type { FakeWebSocket } from '../helpers/fake-websocket.js';
import { fakeGateway, lastJson, sentFrames, tcpOpened } from '../helpers/fake-gateway.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function chunk(id: number, seq: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER + bytes.byteLength);
  writeChunkHeader(out, id, seq, 1234);
  out.set(bytes, CHUNK_HEADER);
  return out;
}

/** A TCPSocket the fake gateway has opened; its id and the fake transport. */
async function openTcp(extras: Record<string, unknown> = {}, sendWindow = 1000) {
  const [gw, ws] = await fakeGateway();
  const socket = new gw.TCPSocket('127.0.0.1', 7, { extras });
  const connect = lastJson(ws);
  const id = connect.id as number;
  ws.receive(tcpOpened(id, connect.ref, sendWindow));
  const info = await socket.opened;
  return { gw, ws, socket, id, info };
}

/** Delivers `message` as one WebSocket message whose ArrayBuffer the test keeps (FakeWebSocket.receive copies). */
function receiveBuffer(ws: FakeWebSocket, message: Uint8Array): ArrayBuffer {
  const data = message.slice().buffer;
  ws.dispatchEvent(Object.assign(new Event('message'), { data }));
  return data;
}

/** A bound UDPSocket the fake gateway has opened. */
async function openUdp() {
  const [gw, ws] = await fakeGateway();
  const socket = new gw.UDPSocket({ localAddress: '127.0.0.1', extras: { chunks: true } });
  const bind = lastJson(ws);
  const id = bind.id as number;
  ws.receive({ t: 'opened', id, ref: bind.ref, kind: 'udp', local: { address: '127.0.0.1', port: 9 }, sendWindow: 1000 });
  const info = await socket.opened;
  return { gw, ws, socket, id, info };
}

describe('DuplexSocketCore', () => {
  it('delivers each Chunk as its own read, counts it, and grants the bytes back once they are read', async () => {
    const { ws, socket, id, info } = await openTcp({ chunks: true });
    ws.receive(chunk(id, 0, new Uint8Array(200).fill(1)));
    ws.receive(chunk(id, 1, new Uint8Array(100).fill(2)));
    expect(socket.stats).toMatchObject({ bytesIn: 300, messagesIn: 2 });
    // Nothing read yet: no credit goes back.
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Credit)).toEqual([]);
    const reader = info.readable.getReader();
    const first = await readChunk(socket, reader);
    const second = await readChunk(socket, reader);
    expect([first.value!.seq, first.value!.data.byteLength, second.value!.seq, second.value!.data.byteLength]).toEqual([0, 200, 1, 100]);
    await tick();
    // Window 1000, batches of 250: the 300 bytes read come back as one Credit.
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Credit)).toEqual([{ kind: Frame.Credit, id, bytes: 300 }]);
  });

  it('makes a write wait for credit and resolves it when the Ack returns it (UDP: one datagram, one frame)', async () => {
    const { ws, socket, id, info } = await openUdp();
    const writer = info.writable.getWriter();
    await writer.write({ data: new Uint8Array(600), remoteAddress: '127.0.0.1', remotePort: 4 });
    let second = false;
    const pending = writer.write({ data: new Uint8Array(600), remoteAddress: '127.0.0.1', remotePort: 4 }).then(() => (second = true));
    await tick();
    expect(second).toBe(false);
    expect(sentFrames(ws).map((f) => f.kind)).toEqual([Frame.SendTo]);
    ws.receive(encodeCounter(Frame.Ack, id, 600));
    await pending;
    expect(sentFrames(ws).map((f) => [f.kind, 'payload' in f ? f.payload.byteLength : 0])).toEqual([
      [Frame.SendTo, 600],
      [Frame.SendTo, 600],
    ]);
    expect(socket.stats).toMatchObject({ bytesOut: 1200, messagesOut: 2 });
  });

  it("passes a bound socket's datagrams on with their source, seq and time", async () => {
    const { ws, id, info } = await openUdp();
    ws.receive(encodeDatagram(id, 3, 99, '127.0.0.1', 4444, new Uint8Array([7, 8])));
    const { value } = await info.readable.getReader().read();
    expect(value).toEqual({ data: new Uint8Array([7, 8]), remoteAddress: '127.0.0.1', remotePort: 4444, seq: 3, time: 99 });
  });

  it('a clean closed from the gateway: the readable ends after what is queued, writes fail with CLOSED, closed resolves', async () => {
    const { ws, socket, id, info } = await openTcp();
    ws.receive(chunk(id, 0, new Uint8Array([1, 2, 3])));
    ws.receive({ t: 'closed', id, bytesIn: 3, bytesOut: 0 });
    const reader = info.readable.getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array([1, 2, 3]));
    expect((await reader.read()).done).toBe(true);
    const writeError = await info.writable.getWriter().write(new Uint8Array(1)).catch((e: unknown) => e);
    expect(writeError).toMatchObject({ name: 'InvalidStateError', sockgateCode: 'CLOSED' });
    await expect(socket.closed).resolves.toBeUndefined();
  });

  it('a failure: both streams error with the gateway error (after queued reads), closed rejects with it', async () => {
    const { ws, socket, id, info } = await openTcp();
    ws.receive(chunk(id, 0, new Uint8Array([5])));
    ws.receive({ t: 'error', id, code: 'RESET', message: 'connection reset by peer', osCode: 'ECONNRESET', fatal: true });
    ws.receive({ t: 'closed', id, bytesIn: 1, bytesOut: 0, error: 'RESET' });
    const reader = info.readable.getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array([5]));
    const readError = await reader.read().catch((e: unknown) => e);
    expect(readError).toBeInstanceOf(SocketError);
    expect(readError).toMatchObject({ name: 'NetworkError', sockgateCode: 'RESET', osCode: 'ECONNRESET' });
    await expect(info.writable.getWriter().write(new Uint8Array(1))).rejects.toBe(readError);
    await expect(socket.closed).rejects.toBe(readError);
  });

  it('close() cancels the readable, aborts the writable, asks the gateway, and resolves on its answer', async () => {
    const { ws, socket, id } = await openTcp();
    let settled = false;
    const closing = socket.close().then(() => (settled = true));
    await tick();
    const close = lastJson(ws);
    expect(close).toMatchObject({ t: 'close', id });
    expect(settled).toBe(false);
    ws.receive({ t: 'closed', id, ref: close.ref, bytesIn: 0, bytesOut: 0 });
    await closing;
    await expect(socket.closed).resolves.toBeUndefined();
  });

  it('close() with a locked stream is refused with InvalidStateError and changes nothing', async () => {
    const { ws, socket, info } = await openTcp();
    info.readable.getReader();
    const sentBefore = ws.sent.length;
    await expect(socket.close()).rejects.toMatchObject({ name: 'InvalidStateError', message: 'Close called on locked streams.' });
    expect(ws.sent.length).toBe(sentBefore);
  });

  it('a rejected write errors the writable with its TypeError; TCP also tells the gateway no more data comes', async () => {
    const tcp = await openTcp();
    const writer = tcp.info.writable.getWriter();
    const error = await writer.write('text' as unknown as Uint8Array).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    await expect(writer.closed).rejects.toBe(error);
    expect(lastJson(tcp.ws)).toMatchObject({ t: 'end', id: tcp.id });

    const udp = await openUdp();
    const sentBefore = udp.ws.sent.length;
    const udpWriter = udp.info.writable.getWriter();
    await expect(udpWriter.write({ data: new Uint8Array(1) })).rejects.toThrow("UDPMessage: 'remoteAddress' and 'remotePort' must be specified in 'bound' mode.");
    await expect(udpWriter.closed).rejects.toBeInstanceOf(TypeError);
    expect(udp.ws.sent.length).toBe(sentBefore);
  });

  it('TCP with allowHalfOpen false: the peer FIN ends the readable and the writable, sends end, then close', async () => {
    const { ws, id, info } = await openTcp({ allowHalfOpen: false });
    ws.receive({ t: 'eof', id });
    expect((await info.readable.getReader().read()).done).toBe(true);
    await expect(info.writable.getWriter().write(new Uint8Array(1))).rejects.toMatchObject({ sockgateCode: 'CLOSED' });
    // Both sides done: after its end, the socket asks the gateway to close it.
    expect(ws.json().slice(-2)).toMatchObject([{ t: 'end', id }, { t: 'close', id }]);
  });

  it('TCP half-open by default: after the peer FIN the page can still write and then end', async () => {
    const { ws, id, info } = await openTcp();
    ws.receive({ t: 'eof', id });
    expect((await info.readable.getReader().read()).done).toBe(true);
    const writer = info.writable.getWriter();
    await writer.write(new Uint8Array([1]));
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Data)).toHaveLength(1);
    const closing = writer.close();
    const end = lastJson(ws);
    expect(end).toMatchObject({ t: 'end', id });
    ws.receive({ t: 'ok', id, ref: end.ref, op: 'end' });
    await closing;
  });
});

describe('DuplexSocketCore hot path (issue 13 item 2)', () => {
  const bytesOf = (n: number, fill: number) => new Uint8Array(n).fill(fill);

  it("TCP: a Chunk alone in its message is enqueued without a copy (its buffer moves to the reader); onChunk sees those bytes during the call", async () => {
    const seen: Array<[boolean, number[]]> = [];
    let message: ArrayBuffer | undefined;
    const { ws, id, info } = await openTcp({ onChunk: (c: { data: Uint8Array }) => seen.push([c.data.buffer === message, [...c.data]]) });
    const frame = chunk(id, 0, new Uint8Array([5, 6, 7]));
    message = frame.slice().buffer;
    ws.dispatchEvent(Object.assign(new Event('message'), { data: message }));
    // The byte stream transferred the message's buffer: no copy was made.
    expect(message.byteLength).toBe(0);
    expect(seen).toEqual([[true, [5, 6, 7]]]);
    const { value } = await info.readable.getReader().read();
    expect([...value!]).toEqual([5, 6, 7]);
    expect([value!.byteOffset, value!.buffer.byteLength]).toEqual([CHUNK_HEADER, CHUNK_HEADER + 3]);
  });

  it('TCP: Chunks in one Batch each get their own bytes and read back intact', async () => {
    const { ws, id, info, socket } = await openTcp();
    const batch = receiveBuffer(ws, encodeBatch([chunk(id, 0, bytesOf(3, 1)), encodeCounter(Frame.Ack, id, 0), chunk(id, 1, bytesOf(5, 2)), chunk(id, 2, bytesOf(1, 3))]));
    // Shared by several frames: left intact, each Chunk copied out of it.
    expect(batch.byteLength).toBeGreaterThan(0);
    expect(socket.stats).toMatchObject({ bytesIn: 9, messagesIn: 3 });
    const reader = info.readable.getReader();
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push([...(await reader.read()).value!]);
    expect(reads).toEqual([[1, 1, 1], [2, 2, 2, 2, 2], [3]]);
  });

  it('UDP: a datagram alone in its message is a view into it; datagrams of a Batch are copies', async () => {
    const { ws, id, info } = await openUdp();
    const alone = receiveBuffer(ws, encodeDatagram(id, 0, 1, '127.0.0.1', 9, bytesOf(4, 9)));
    const batch = receiveBuffer(ws, encodeBatch([encodeDatagram(id, 1, 1, '127.0.0.1', 9, bytesOf(2, 1)), encodeDatagram(id, 2, 1, '127.0.0.1', 9, bytesOf(3, 2))]));
    const reader = info.readable.getReader();
    const first = (await reader.read()).value!;
    expect(first.data.buffer).toBe(alone);
    expect([...first.data]).toEqual([9, 9, 9, 9]);
    const second = (await reader.read()).value!;
    const third = (await reader.read()).value!;
    expect([second.data.buffer === batch, third.data.buffer === batch]).toEqual([false, false]);
    expect([[...second.data], [...third.data]]).toEqual([[1, 1], [2, 2, 2]]);
  });

  it('TCP: small writes not awaited each go out as one Data frame, in order, and the queue is measured in bytes', async () => {
    const { ws, socket, info } = await openTcp();
    const writer = info.writable.getWriter();
    const writes = [];
    for (let i = 0; i < 20; i++) writes.push(writer.write(bytesOf(10, i)));
    // The queue counts bytes against the send window (1000), not writes against 1.
    expect(writer.desiredSize).toBe(1000 - 20 * 10);
    // The first went out inside write() itself: no promise stood between the call and the frame.
    expect(sentFrames(ws).length).toBe(1);
    await Promise.all(writes);
    const frames = sentFrames(ws);
    expect(frames.map((f) => (f.kind === Frame.Data ? [...f.payload] : f.kind))).toEqual(Array.from({ length: 20 }, (_, i) => Array(10).fill(i)));
    expect(socket.stats).toMatchObject({ bytesOut: 200, messagesOut: 20 });
    expect(writer.desiredSize).toBe(1000);
  });

  it('TCP: once credit runs out the queue fills, desiredSize and ready follow it, and Acks let it drain in order', async () => {
    const { ws, id, info } = await openTcp();
    const writer = info.writable.getWriter();
    // Frames are at most 100 bytes here (frameBytes 105): 1000 bytes are ten frames and all the credit.
    await writer.write(bytesOf(1000, 1));
    expect(sentFrames(ws).length).toBe(10);
    const a = writer.write(bytesOf(300, 2));
    const b = writer.write(bytesOf(700, 3));
    await tick();
    expect(sentFrames(ws).length).toBe(10);
    expect(writer.desiredSize).toBe(0);
    let ready = false;
    void writer.ready.then(() => (ready = true));
    await tick();
    expect(ready).toBe(false);
    ws.receive(encodeCounter(Frame.Ack, id, 300));
    await a;
    await tick();
    expect(writer.desiredSize).toBe(300);
    expect(ready).toBe(true);
    ws.receive(encodeCounter(Frame.Ack, id, 700));
    await b;
    const payloads = sentFrames(ws).slice(10).map((f) => (f.kind === Frame.Data ? [f.payload.byteLength, f.payload[0]] : []));
    expect(payloads).toEqual([[100, 2], [100, 2], [100, 2], ...Array(7).fill([100, 3])]);
  });

  it('the queue holds at most MAX_QUEUED_WRITES writes, however small (empty ones too), and drains in order', async () => {
    const window = 4 * MAX_QUEUED_WRITES; // each queued write counts at least 4 bytes
    const { ws, id, info } = await openTcp({}, window);
    const writer = info.writable.getWriter();
    await writer.write(bytesOf(window, 1)); // all the credit
    const sent = sentFrames(ws).length;
    let queued = 0;
    const done: Promise<void>[] = [];
    while (writer.desiredSize! > 0 && queued < 10 * MAX_QUEUED_WRITES) {
      done.push(writer.write(queued % 2 ? new Uint8Array(0) : bytesOf(1, 2)));
      queued++;
    }
    expect(queued).toBe(MAX_QUEUED_WRITES);
    await tick();
    expect(sentFrames(ws).length).toBe(sent);
    ws.receive(encodeCounter(Frame.Ack, id, window));
    await Promise.all(done);
    await tick();
    expect(writer.desiredSize).toBe(window);
    // The one-byte writes went out, one frame each; the empty ones carried nothing.
    const after = sentFrames(ws).slice(sent);
    expect(after.length).toBe(MAX_QUEUED_WRITES / 2);
    expect(after.every((f) => f.kind === Frame.Data && f.payload.byteLength === 1)).toBe(true);
  });

  it('UDP: a page that writes while desiredSize > 0 sends many datagrams in one turn, each its own frame', async () => {
    const { ws, socket, info } = await openUdp();
    const writer = info.writable.getWriter();
    let n = 0;
    while (writer.desiredSize! > 0) {
      void writer.write({ data: bytesOf(100, n), remoteAddress: '127.0.0.1', remotePort: 4 });
      n++;
    }
    expect(n).toBe(10);
    await tick();
    expect(sentFrames(ws).map((f) => (f.kind === Frame.SendTo ? f.payload[0] : -1))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(socket.stats).toMatchObject({ messagesOut: 10, bytesOut: 1000 });
  });

  it('a write waiting for credit, and writes queued behind it, reject with the socket error when it fails', async () => {
    const { ws, id, info } = await openTcp();
    const writer = info.writable.getWriter();
    await writer.write(bytesOf(1000, 1));
    const waiting = writer.write(bytesOf(10, 2));
    const queued = writer.write(bytesOf(10, 3));
    ws.receive({ t: 'error', id, code: 'RESET', message: 'connection reset by peer', osCode: 'ECONNRESET', fatal: true });
    ws.receive({ t: 'closed', id, bytesIn: 0, bytesOut: 1000, error: 'RESET' });
    const errors = await Promise.all([waiting, queued, writer.write(bytesOf(1, 4))].map((p) => p.then(() => undefined, (e: unknown) => e)));
    expect(errors[0]).toBeInstanceOf(SocketError);
    expect(errors[0]).toMatchObject({ sockgateCode: 'RESET' });
    expect(errors[1]).toBe(errors[0]);
    expect(errors[2]).toBe(errors[0]);
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Data).length).toBe(10);
  });

  it('abort while a write waits for credit: it and the queued writes reject with the reason, nothing more is sent, the gateway hears end', async () => {
    const { ws, info } = await openTcp();
    const writer = info.writable.getWriter();
    await writer.write(bytesOf(1000, 1));
    const waiting = writer.write(bytesOf(10, 2)).catch((e: unknown) => e);
    const queued = writer.write(bytesOf(10, 3)).catch((e: unknown) => e);
    const reason = new Error('stop');
    await writer.abort(reason);
    expect(await waiting).toBe(reason);
    expect(await queued).toBe(reason);
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Data).length).toBe(10);
    expect(ws.json().at(-1)).toMatchObject({ t: 'end' });
  });
});
