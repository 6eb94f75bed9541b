import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../server/gateway.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';
import { createCodec } from '../../shared/framing/index.js';
import type { ProtocolClient } from '../helpers/protocol-client.js';
import { expectReply, gatewayWithPage, newId, recv, sleep, socketPair, written } from './fixture.js';

const text = (s: string) => new TextEncoder().encode(s);
const chunksOf = (page: ProtocolClient, id: number) => (page.received.get(id) ?? []).map((c) => c.payload.toString('latin1'));

/** The guided scenarios of docs/LABS.md §5, step by step as documented there. */
describe('guided scenarios (docs/LABS.md §5)', () => {
  let gateway: Gateway;
  let page: ProtocolClient;
  let close: () => Promise<void>;
  let services: LabServiceInfo[];
  const port = (name: string) => services.find((s) => s.name === name)!.port;
  beforeAll(async () => {
    ({ gateway, page, close } = await gatewayWithPage());
    const res = await fetch(`${gateway.origin}/api/labs/start?token=${gateway.token}`, { method: 'POST' });
    services = ((await res.json()) as { services: LabServiceInfo[] }).services;
  });
  afterAll(() => close());
  const connect = async (service: string) => {
    const id = newId();
    expectReply(await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: port(service) }), 'opened');
    return id;
  };

  it('5.1 two quick sends arrive as one read', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 300 }), 'ok');
    page.write(writer, text('hello'));
    page.write(writer, text('world'));
    await page.until(() => page.bytes(reader).length >= 10);
    expect(chunksOf(page, reader)).toEqual(['helloworld']);
  });

  it('5.2 reply bigger than recv(1024): the next command reads the old reply', async () => {
    const id = await connect('bulk');
    expectReply(await page.request({ t: 'set', id, manualRecv: true }), 'ok');
    page.write(id, text('bulk 5000\n'));
    const r1 = await recv(page, id, 1024);
    expect(r1.ok).toMatchObject({ bytes: 1024 });
    expect(r1.data.toString()).toMatch(/^#1 line 0001 /);
    page.write(id, text('bulk 300\n'));
    const r2 = await recv(page, id, 1024);
    expect(r2.data.toString()).toMatch(/^#1 line 0017 /);
    const rest: Buffer[] = [];
    while (rest.reduce((n, b) => n + b.length, 0) < 5000 + 300 - 2048) rest.push((await recv(page, id, 1024)).data);
    const all = Buffer.concat([r1.data, r2.data, ...rest]).toString();
    expect(all.length).toBe(5300);
    expect(all.slice(5000)).toMatch(/^#2 line 0001 /);
  });

  it('5.2 page-only variant: the page replies 5,000 bytes on the accepted socket, the client reads with recv(1024)', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: writer, manualRecv: true }), 'ok');
    page.write(reader, Buffer.alloc(5000, 'x'));
    await written(page, reader, 5000);
    const sizes: number[] = [];
    while (sizes.reduce((a, b) => a + b, 0) < 5000) sizes.push((await recv(page, writer, 1024)).data.length);
    expect(sizes).toEqual([1024, 1024, 1024, 1024, 904]);
  });

  it('5.3 read slower than the sender (page pair: 6 writes 120 ms apart, reads 330 ms late)', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 330 }), 'ok');
    for (let k = 1; k <= 6; k++) {
      if (k > 1) await sleep(120);
      page.write(writer, text(`msg ${k};`));
    }
    await page.until(() => page.bytes(reader).length >= 36);
    const chunks = chunksOf(page, reader);
    expect(chunks.join('')).toBe('msg 1;msg 2;msg 3;msg 4;msg 5;msg 6;');
    // 2 on an idle host; timer drift under load may add one, never one read per write.
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.length).toBeLessThanOrEqual(4);
  });

  it('5.3 with the burst service: 10 messages 100 ms apart read 450 ms late', async () => {
    const id = await connect('burst');
    expectReply(await page.request({ t: 'set', id, readDelayMs: 450 }), 'ok');
    page.write(id, text('burst 10 tick gap=100\n'));
    const expected = Array.from({ length: 10 }, (_, k) => `tick ${k + 1}`).join('');
    await page.until(() => page.bytes(id).length >= expected.length);
    const chunks = chunksOf(page, id);
    expect(chunks.join('')).toBe(expected);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.length).toBeLessThanOrEqual(4);
  });

  it('5.4 fix it with a length header: two framed messages in one read decode to two', async () => {
    const { writer, reader } = await socketPair(page);
    const codec = createCodec({ kind: 'length', format: 'i' });
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 300 }), 'ok');
    page.write(writer, codec.encode(text('hello')));
    page.write(writer, codec.encode(text('world')));
    await page.until(() => page.bytes(reader).length >= 18);
    const chunks = page.received.get(reader)!;
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.payload.subarray(0, 4)).toEqual(Buffer.from([5, 0, 0, 0]));
    expect(codec.decode(chunks[0]!.payload).map((m) => Buffer.from(m).toString())).toEqual(['hello', 'world']);
  });

  it('5.4 with bulk: two length-framed replies recovered from recv(1024) reads that cut across both', async () => {
    const id = await connect('bulk');
    expectReply(await page.request({ t: 'set', id, manualRecv: true }), 'ok');
    page.write(id, text('bulk 5000 len\nbulk 300 len\n'));
    const decoder = createCodec({ kind: 'length', format: 'i' }).createDecoder();
    const messages: Uint8Array[] = [];
    let reads = 0;
    for (let got = 0; got < 5004 + 304; reads++) {
      const { data } = await recv(page, id, 1024);
      got += data.length;
      decoder.push(data, messages);
    }
    expect(reads).toBeGreaterThanOrEqual(6);
    expect(messages.map((m) => m.byteLength)).toEqual([5000, 300]);
    expect(Buffer.from(messages[1]!).toString()).toMatch(/^#2 line 0001 /);
  });

  it('5.5 fix it with a JSON header: two replies, ~4 reads of at most 1024 bytes', async () => {
    const id = await connect('bulk');
    expectReply(await page.request({ t: 'set', id, manualRecv: true }), 'ok');
    page.write(id, text('bulk 3000 json\nbulk 600 json\n'));
    const total = 4 + 20 + 3000 + (4 + 19 + 600);
    const decoder = createCodec({ kind: 'json-header' }).createDecoder();
    const messages: Array<{ header: Record<string, unknown>; body: Uint8Array }> = [];
    let got = 0;
    let reads = 0;
    while (got < total) {
      const { data } = await recv(page, id, 1024);
      expect(data.length).toBeLessThanOrEqual(1024);
      got += data.length;
      reads++;
      decoder.push(data, messages);
    }
    expect(got).toBe(total);
    expect(reads).toBeGreaterThanOrEqual(4);
    expect(messages.map((m) => [m.header, m.body.byteLength])).toEqual([
      [{ total_size: 3000 }, 3000],
      [{ total_size: 600 }, 600],
    ]);
  });

  it('5.6 why sleep() is not a fix: 200 ms between sends, reader 600 ms late → one read; reader on time → two', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 600 }), 'ok');
    page.write(writer, text('hello'));
    await sleep(200);
    page.write(writer, text('world'));
    await page.until(() => page.bytes(reader).length >= 10);
    expect(chunksOf(page, reader)).toEqual(['helloworld']);

    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 0 }), 'ok');
    page.write(writer, text('hello'));
    await sleep(200);
    page.write(writer, text('world'));
    await page.until(() => page.bytes(reader).length >= 20);
    expect(chunksOf(page, reader).slice(1)).toEqual(['hello', 'world']);
  });
});
