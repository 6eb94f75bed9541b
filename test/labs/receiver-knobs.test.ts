import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMsg } from '../../shared/protocol.js';
import type { ProtocolClient } from '../helpers/protocol-client.js';
import { expectReply, gatewayWithPage, recv, sleep, socketPair, written } from './fixture.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('sender and receiver knobs (sticky-packet lab)', () => {
  let page: ProtocolClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ page, close } = await gatewayWithPage()));
  afterAll(() => close());

  it('with Nagle on and a read delay, two 5-byte writes arrive as one 10-byte chunk', async () => {
    const { writer, reader } = await socketPair(page, { noDelay: false });
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 300 }), 'ok');
    page.write(writer, text('hello'));
    // 50 ms apart: an eager reader would see two chunks (next test); the slow reader sees one.
    await written(page, writer, 5);
    await sleep(50);
    page.write(writer, text('world'));
    await page.until(() => page.bytes(reader).length >= 10);
    const chunks = page.received.get(reader)!;
    expect(chunks.map((c) => c.payload.toString())).toEqual(['helloworld']);
  });

  it('without the read delay, writes 50 ms apart with Nagle off arrive as two chunks (the control case)', async () => {
    const { writer, reader } = await socketPair(page, { noDelay: true });
    page.write(writer, text('hello'));
    await written(page, writer, 5);
    await sleep(50);
    page.write(writer, text('world'));
    await page.until(() => page.bytes(reader).length >= 10);
    expect(page.received.get(reader)!.map((c) => c.payload.toString())).toEqual(['hello', 'world']);
  });

  it('corkWrites joins the next N writes into one segment, so even an eager reader gets one chunk', async () => {
    const { writer, reader } = await socketPair(page, { noDelay: true });
    expectReply(await page.request({ t: 'set', id: writer, corkWrites: 3 }), 'ok');
    page.write(writer, text('one,'));
    await sleep(30);
    page.write(writer, text('two,'));
    await sleep(30);
    page.write(writer, text('three'));
    await page.until(() => page.bytes(reader).length >= 13);
    expect(page.received.get(reader)!.map((c) => c.payload.toString())).toEqual(['one,two,three']);
  });

  it('manual recv(2) then recv(10) returns "he" then the rest, as Python would', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: true }), 'ok');
    page.write(writer, text('hello'));
    page.write(writer, text('world'));
    await written(page, writer, 10);
    await sleep(50);
    expect(page.received.get(reader)).toBeUndefined();
    const first = await recv(page, reader, 2);
    expect(first.data.toString()).toBe('he');
    expect(first.ok).toMatchObject({ op: 'recv', bytes: 2, buffered: 8 });
    const rest = await recv(page, reader, 10);
    expect(rest.data.toString()).toBe('lloworld');
    expect(rest.ok).toMatchObject({ bytes: 8, buffered: 0 });
  });

  it('recv waits for data like a blocking recv, and returns empty at EOF', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: true }), 'ok');
    const pending = recv(page, reader, 100);
    await sleep(100);
    page.write(writer, text('late'));
    expect((await pending).data.toString()).toBe('late');
    // A second recv while one waits is refused; the first still completes.
    const waiting = recv(page, reader, 100);
    const refused = (await page.request({ t: 'recv', id: reader, max: 1 })) as ErrorMsg;
    expect(refused).toMatchObject({ t: 'error', code: 'INVALID_STATE' });
    expectReply(await page.request({ t: 'end', id: writer }), 'ok');
    const eof = await waiting;
    expect(eof.data.length).toBe(0);
    expect(eof.ok.bytes).toBe(0);
    expect(page.messages.some((m) => m.t === 'eof' && m.id === reader)).toBe(true);
  });

  it('turning manual mode off delivers what was held, one chunk per held read, and flows again', async () => {
    const { writer, reader } = await socketPair(page, { noDelay: true });
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: true }), 'ok');
    page.write(writer, text('abc'));
    await written(page, writer, 3);
    await sleep(30);
    expect(page.received.get(reader)).toBeUndefined();
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: false }), 'ok');
    await page.until(() => page.bytes(reader).length >= 3);
    page.write(writer, text('def'));
    await page.until(() => page.bytes(reader).length >= 6);
    expect(page.bytes(reader).toString()).toBe('abcdef');
    expect(page.received.get(reader)!.map((c) => c.seq)).toEqual([0, 1]);
  });

  it('the read delay counts from the data, not from the set: a sleep() between sends does not keep them apart', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 400 }), 'ok');
    await sleep(500);
    const sent = Date.now();
    page.write(writer, text('hello'));
    await sleep(150);
    page.write(writer, text('world'));
    await page.until(() => page.bytes(reader).length >= 10);
    const chunks = page.received.get(reader)!;
    expect(chunks.map((c) => c.payload.toString())).toEqual(['helloworld']);
    expect(chunks[0]!.time - sent).toBeGreaterThanOrEqual(390);
  });

  it('turning manual mode off cancels a waiting recv with INVALID_STATE, also when a read delay stays on', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: true }), 'ok');
    const waiting = page.request({ t: 'recv', id: reader, max: 10 });
    await sleep(20);
    expectReply(await page.request({ t: 'set', id: reader, manualRecv: false, readDelayMs: 100 }), 'ok');
    expect(await waiting).toMatchObject({ t: 'error', code: 'INVALID_STATE' });
    page.write(writer, text('after'));
    await page.until(() => page.bytes(reader).length >= 5);
    expect(page.bytes(reader).toString()).toBe('after');
  });

  it('a recv on a socket with no receive credit waits for credit, like any read', async () => {
    const { writer, reader } = await socketPair(page);
    page.autoCredit = false;
    try {
      // The dialled end was opened with the default credit; spend it down to zero first.
      expectReply(await page.request({ t: 'set', id: writer, manualRecv: true }), 'ok');
      page.write(reader, Buffer.alloc(1 << 20, 0x41));
      await written(page, reader, 1 << 20);
      let got = 0;
      while (got < 1 << 20) got += (await recv(page, writer, 1 << 20)).data.length;
      page.write(reader, text('z'));
      await written(page, reader, (1 << 20) + 1);
      let answered = false;
      const pending = recv(page, writer, 10).then((r) => ((answered = true), r));
      await sleep(100);
      expect(answered).toBe(false);
      page.credit(writer, 100);
      expect((await pending).data.toString()).toBe('z');
    } finally {
      page.autoCredit = true;
    }
  });

  it('a read delay takes at most readSize bytes per read, once per delay', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, readDelayMs: 100, readSize: 4 }), 'ok');
    page.write(writer, text('0123456789'));
    const start = Date.now();
    await page.until(() => page.bytes(reader).length >= 10);
    const chunks = page.received.get(reader)!;
    expect(chunks.map((c) => c.payload.toString())).toEqual(['0123', '4567', '89']);
    expect(Date.now() - start).toBeGreaterThanOrEqual(250);
    // Consecutive reads are a delay apart (timer jitter allowed).
    expect(chunks[1]!.time - chunks[0]!.time).toBeGreaterThanOrEqual(90);
  });

  it('readSize without a delay caps flowing reads: a recv(4) loop gets a 10-byte write as 4, 4, 2', async () => {
    const { writer, reader } = await socketPair(page);
    expectReply(await page.request({ t: 'set', id: reader, readSize: 4 }), 'ok');
    page.write(writer, text('0123456789'));
    await page.until(() => page.bytes(reader).length >= 10);
    expect(page.received.get(reader)!.map((c) => c.payload.toString())).toEqual(['0123', '4567', '89']);
    // Back to Node's own read size: one write is one read again.
    expectReply(await page.request({ t: 'set', id: reader, readSize: 65_536 }), 'ok');
    page.write(writer, text('abcdefghij'));
    await page.until(() => page.bytes(reader).length >= 20);
    expect(page.received.get(reader)!.slice(3).map((c) => c.payload.toString())).toEqual(['abcdefghij']);
  });

  it('refuses recv outside manual mode, receive knobs on non-TCP sockets, and out-of-range values', async () => {
    const { reader, server } = await socketPair(page);
    expect(await page.request({ t: 'recv', id: reader, max: 10 })).toMatchObject({ t: 'error', code: 'INVALID_STATE' });
    expect(await page.request({ t: 'set', id: server, manualRecv: true })).toMatchObject({ t: 'error', code: 'INVALID_STATE' });
    expect(await page.request({ t: 'set', id: reader, readDelayMs: 600_000 })).toMatchObject({ t: 'error', code: 'BAD_OPTION' });
    expect(await page.request({ t: 'set', id: reader, readSize: 0 })).toMatchObject({ t: 'error', code: 'BAD_OPTION' });
    page.sendText(JSON.stringify({ t: 'recv', id: reader, ref: 999 }));
    expect(await page.next((m) => m.t === 'error' && m.ref === 999)).toMatchObject({ code: 'BAD_OPTION' });
  });
});
