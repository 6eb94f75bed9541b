/**
 * Manual recv(n) with Python's other two ways of waiting: `settimeout(t)` → TIMED_OUT after t ms
 * when nothing came (socket.timeout), `setblocking(False)` → WOULD_BLOCK at once when nothing is
 * queued (BlockingIOError / EAGAIN); both leave the socket open and usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMsg, OkMsg } from '../../shared/protocol.js';
import type { ProtocolClient } from '../helpers/protocol-client.js';
import { expectReply, gatewayWithPage, sleep, socketPair } from './fixture.js';

let page: ProtocolClient;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ page, close } = await gatewayWithPage());
});
afterAll(() => close());

async function manualPair() {
  const pair = await socketPair(page);
  expectReply(await page.request({ t: 'set', id: pair.reader, manualRecv: true }), 'ok');
  return pair;
}

describe('recv timeout and non-blocking', () => {
  it('a timeout with nothing sent fails TIMED_OUT after about t ms; a later recv still gets the data', async () => {
    const { writer, reader } = await manualPair();
    const start = Date.now();
    const reply = (await page.request({ t: 'recv', id: reader, max: 10, timeoutMs: 300 })) as ErrorMsg;
    const took = Date.now() - start;
    expect(reply).toMatchObject({ t: 'error', code: 'TIMED_OUT', message: expect.stringContaining('socket.timeout') });
    expect(reply.fatal).toBeUndefined();
    expect(took).toBeGreaterThanOrEqual(280);
    page.write(writer, Buffer.from('late'));
    const ok = expectReply(await page.request({ t: 'recv', id: reader, max: 10, timeoutMs: 2000 }), 'ok') as OkMsg;
    expect(ok.bytes).toBe(4);
    expect(page.bytes(reader).toString()).toBe('late');
  });

  it('a timeout that data beats returns the data, and the timer does not fire later', async () => {
    const { writer, reader } = await manualPair();
    const pending = page.request({ t: 'recv', id: reader, max: 10, timeoutMs: 400 });
    await sleep(50);
    page.write(writer, Buffer.from('x'));
    expect(expectReply(await pending, 'ok')).toMatchObject({ bytes: 1 });
    await sleep(450);
    expect(page.messages.filter((m) => m.t === 'error' && m.id === reader)).toEqual([]);
  });

  it('non-blocking with nothing queued fails WOULD_BLOCK at once; with data queued it returns it', async () => {
    const { writer, reader } = await manualPair();
    const start = Date.now();
    const reply = (await page.request({ t: 'recv', id: reader, max: 10, nonBlocking: true })) as ErrorMsg;
    expect(reply).toMatchObject({ t: 'error', code: 'WOULD_BLOCK', osCode: 'EAGAIN', message: expect.stringContaining('BlockingIOError') });
    expect(Date.now() - start).toBeLessThan(200);
    page.write(writer, Buffer.from('queued'));
    await page.until(() => (page.acked.get(writer) ?? 0) >= 6);
    await sleep(50);
    const ok = expectReply(await page.request({ t: 'recv', id: reader, max: 3, nonBlocking: true }), 'ok') as OkMsg;
    expect(ok).toMatchObject({ bytes: 3, buffered: 3 });
  });

  it('a second recv while one waits is refused in words, and the first still completes', async () => {
    const { writer, reader } = await manualPair();
    const first = page.request({ t: 'recv', id: reader, max: 10 });
    const second = (await page.request({ t: 'recv', id: reader, max: 10 })) as ErrorMsg;
    expect(second).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('one at a time') });
    page.write(writer, Buffer.from('ok'));
    expect(expectReply(await first, 'ok')).toMatchObject({ bytes: 2 });
  });
});
