import { describe, expect, it, vi } from 'vitest';
import { Frame, decodeFrame, encodeBatch, encodeChunk, encodeCounter } from '../../shared/protocol.js';
import { GatewayConnection, type SocketHandler } from '../../client/lib/gateway-connection.js';
import { SocketGateway } from '../../client/lib/index.js';
import { FakeWebSocket, welcome } from '../helpers/fake-websocket.js';

async function connected(): Promise<[GatewayConnection, FakeWebSocket]> {
  const opening = GatewayConnection.open('ws://127.0.0.1:1/ws?token=t', FakeWebSocket);
  const ws = FakeWebSocket.last!;
  ws.open();
  ws.receive(welcome);
  return [await opening, ws];
}

const handler = (): SocketHandler & { control: unknown[]; frames: unknown[]; lost: unknown[] } => {
  const h = { control: [] as unknown[], frames: [] as unknown[], lost: [] as unknown[] };
  return Object.assign(h, {
    onControl: (m: unknown) => void h.control.push(m),
    onFrame: (f: unknown) => void h.frames.push(f),
    onConnectionLost: (e: unknown) => void h.lost.push(e),
  });
};

describe('GatewayConnection', () => {
  it('offers sockgate.v2 then sockgate.v1, switches to arraybuffer and takes the limits from welcome', async () => {
    const [conn, ws] = await connected();
    expect(ws.protocols).toEqual(['sockgate.v2', 'sockgate.v1']);
    expect(ws.binaryType).toBe('arraybuffer');
    expect(conn.limits.frameBytes).toBe(105);
    expect(conn.gatewayName).toBe('sockgate/test');
  });

  it('refuses a protocol version it does not speak with NotSupportedError VERSION', async () => {
    const opening = GatewayConnection.open('ws://x/ws', FakeWebSocket);
    FakeWebSocket.last!.open();
    FakeWebSocket.last!.receive({ ...welcome, version: 3 });
    await expect(opening).rejects.toMatchObject({ name: 'NotSupportedError', sockgateCode: 'VERSION' });
  });

  it('takes a v2 welcome and hands each frame of a Batch to its socket, in order, looked up per frame', async () => {
    const opening = GatewayConnection.open('ws://x/ws', FakeWebSocket);
    const ws = FakeWebSocket.last!;
    ws.open();
    ws.receive({ ...welcome, version: 2 });
    const conn = await opening;
    expect(conn.version).toBe(2);
    const a = handler();
    const b = handler();
    const idA = conn.allocate(a);
    const idB = conn.allocate(b);
    const seen: string[] = [];
    a.onFrame = (f) => {
      seen.push(`a ${f.kind}`);
      conn.release(idA, a); // the rest of the batch for idA goes nowhere
    };
    b.onFrame = (f) => void seen.push(`b ${f.kind} ${'seq' in f ? f.seq : ''}`);
    ws.receive(encodeBatch([encodeCounter(Frame.Ack, idA, 1), encodeChunk(idB, 0, 1, new Uint8Array([1])), encodeCounter(Frame.Ack, idA, 2), encodeChunk(idB, 1, 2, new Uint8Array([2]))]));
    expect(seen).toEqual([`a ${Frame.Ack}`, `b ${Frame.Chunk} 0`, `b ${Frame.Chunk} 1`]);
  });

  it('reports a refused upgrade as NetworkError CONNECT_FAILED without the token', async () => {
    const opening = GatewayConnection.open('ws://x/ws?token=secret', FakeWebSocket);
    FakeWebSocket.last!.close(1006);
    const error = await opening.catch((e) => e);
    expect(error).toMatchObject({ name: 'NetworkError', sockgateCode: 'CONNECT_FAILED' });
    expect(error.message).not.toContain('secret');
  });

  it('matches replies by ref and calls the handlers before the next message is dispatched', async () => {
    const [conn, ws] = await connected();
    const h = handler();
    const id = conn.allocate(h);
    const order: string[] = [];
    conn.requestWith({ t: 'tcp.connect', id, host: 'h', port: 1 }, { resolve: (m) => order.push(`reply ${m.t}`), reject: () => order.push('reject') });
    const ref = ws.json().at(-1)!.ref;
    h.onFrame = () => void order.push('frame');
    ws.receive({ t: 'opened', id, ref, kind: 'tcp', local: { address: 'a', port: 1 }, sendWindow: 10 });
    ws.receive(encodeCounter(Frame.Ack, id, 5));
    expect(order).toEqual(['reply opened', 'frame']);
  });

  it('rejects an error reply with a SocketError and passes fatal ones on to the socket too', async () => {
    const [conn, ws] = await connected();
    const h = handler();
    const id = conn.allocate(h);
    const reply = conn.request({ t: 'end', id });
    const ref = ws.json().at(-1)!.ref;
    ws.receive({ t: 'error', id, ref, code: 'RESET', message: 'reset', osCode: 'ECONNRESET', fatal: true });
    await expect(reply).rejects.toMatchObject({ name: 'NetworkError', sockgateCode: 'RESET', osCode: 'ECONNRESET' });
    expect(h.control).toHaveLength(1);
  });

  it('routes accepted connections to their server and binary frames by id', async () => {
    const [conn, ws] = await connected();
    const server = handler();
    const id = conn.allocate(server);
    ws.receive({ t: 'accepted', id: 0x8000_0001, server: id, local: { address: 'a', port: 1 }, remote: { address: 'b', port: 2 }, sendWindow: 1 });
    expect(server.control).toMatchObject([{ t: 'accepted' }]);
    ws.receive(encodeCounter(Frame.Ack, id, 7));
    expect(server.frames).toMatchObject([{ kind: Frame.Ack, bytes: 7 }]);
  });

  it('never hands out the same id twice in a row, even after release', async () => {
    const [conn] = await connected();
    const a = handler();
    const first = conn.allocate(a);
    conn.release(first, a);
    expect(conn.allocate(handler())).not.toBe(first);
  });

  it('on close: pending requests reject and every socket hears CONNECTION_LOST', async () => {
    const [conn, ws] = await connected();
    const h = handler();
    const id = conn.allocate(h);
    const reply = conn.request({ t: 'end', id });
    const onClose = vi.fn();
    conn.addEventListener('close', onClose);
    ws.close(1001, 'bye');
    await expect(reply).rejects.toMatchObject({ name: 'NetworkError', sockgateCode: 'CONNECTION_LOST' });
    expect(h.lost).toHaveLength(1);
    expect(onClose).toHaveBeenCalledOnce();
    expect(() => conn.send({ t: 'end', id })).toThrow(/connection to the gateway lost/);
    expect((await conn.closed).code).toBe(1001);
  });
});

describe('SocketGateway over a fake transport', () => {
  it('splits a write bigger than the frame limit into Data frames within the send window', async () => {
    const connecting = SocketGateway.connect('http://127.0.0.1:1', { token: 't', WebSocket: FakeWebSocket });
    const ws = FakeWebSocket.last!;
    ws.open();
    ws.receive(welcome);
    const gw = await connecting;
    const socket = new gw.TCPSocket('127.0.0.1', 7);
    const connect = ws.json().at(-1)!;
    expect(connect).toMatchObject({ t: 'tcp.connect', host: '127.0.0.1', port: 7, credit: 1000 });
    ws.receive({ t: 'opened', id: connect.id, ref: connect.ref, kind: 'tcp', local: { address: '127.0.0.1', port: 5 }, remote: { address: '127.0.0.1', port: 7 }, sendWindow: 150 });
    const { writable } = await socket.opened;
    const writer = writable.getWriter();
    let written = false;
    const write = writer.write(new Uint8Array(250)).then(() => (written = true));
    await new Promise((r) => setTimeout(r, 5));
    const frames = () => ws.sent.filter((s): s is Uint8Array => typeof s !== 'string').map((f) => decodeFrame(f));
    // frameBytes 105 → payloads of at most 100; 150 bytes of credit → one full frame, then wait.
    expect(frames().map((f) => ('payload' in f ? f.payload.byteLength : 0))).toEqual([100]);
    expect(written).toBe(false);
    // The Ack brings credit to 150: the rest (100 + 50) goes and the write resolves.
    ws.receive(encodeCounter(Frame.Ack, connect.id as number, 100));
    await write;
    expect(frames().map((f) => ('payload' in f ? f.payload.byteLength : 0))).toEqual([100, 100, 50]);
    expect(socket.stats).toMatchObject({ bytesOut: 250, messagesOut: 1 });
  });
});
