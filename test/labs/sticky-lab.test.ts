import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../server/gateway.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';
import { createCodec, type FramingSpec } from '../../shared/framing/index.js';
import type { OpenedMsg } from '../../shared/protocol.js';
import type { ProtocolClient } from '../helpers/protocol-client.js';
import { expectReply, gatewayWithPage, newId, recv, sleep } from './fixture.js';

const text = (s: string) => new TextEncoder().encode(s);
const utf8 = new TextDecoder();

/** The framing spec (shared/framing) that decodes each framing name the lab services take. */
const SPECS: Record<string, FramingSpec> = {
  newline: { kind: 'delimiter', delimiter: '\n' },
  i: { kind: 'length', format: 'i' },
  '!I': { kind: 'length', format: '!I' },
  json: { kind: 'json-header' },
};

describe('the lab services through the gateway, read the way the lab reads them', () => {
  let gateway: Gateway;
  let page: ProtocolClient;
  let close: () => Promise<void>;
  let services: LabServiceInfo[];
  const port = (name: string) => services.find((s) => s.name === name)!.port;

  beforeAll(async () => {
    ({ gateway, page, close } = await gatewayWithPage());
    const res = await fetch(`${gateway.origin}/api/labs/start`, { method: 'POST', headers: { Authorization: `Bearer ${gateway.token}` } });
    expect(res.status).toBe(200);
    services = ((await res.json()) as { services: LabServiceInfo[] }).services;
  });
  afterAll(() => close());

  const connect = async (service: string) => {
    const id = newId();
    expectReply(await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: port(service) }), 'opened') as OpenedMsg;
    return id;
  };

  it('a 5,000-byte bulk reply read with recv(1024) takes several reads and decodes to one message with the length header', async () => {
    const id = await connect('bulk');
    expectReply(await page.request({ t: 'set', id, manualRecv: true }), 'ok');
    page.write(id, text('bulk 5000 len\n'));
    const reads: Buffer[] = [];
    while (reads.reduce((n, r) => n + r.length, 0) < 5004) reads.push((await recv(page, id, 1024)).data);
    expect(reads.length).toBeGreaterThanOrEqual(5);
    expect(reads.every((r) => r.length > 0 && r.length <= 1024)).toBe(true);
    // Each read alone is not a message: the first starts with the header, the rest cut lines in half.
    const decoder = createCodec({ kind: 'length', format: 'i' }).createDecoder();
    const messages = reads.flatMap((r) => decoder.push(r));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.byteLength).toBe(5000);
    expect(utf8.decode(messages[0]!).startsWith('#1 line 0001 ')).toBe(true);
    expect(decoder.buffered).toBe(0);
  });

  it('without a header the leftovers of one reply come back after the next request (the course bug)', async () => {
    const id = await connect('bulk');
    expectReply(await page.request({ t: 'set', id, manualRecv: true }), 'ok');
    page.write(id, text('bulk 5000\n'));
    const first = await recv(page, id, 1024);
    expect(first.data.toString().startsWith('#1 line 0001')).toBe(true);
    page.write(id, text('bulk 300\n'));
    await sleep(50);
    const second = await recv(page, id, 1024);
    expect(second.data.length).toBe(1024);
    expect(second.data.toString().startsWith('#1 line 0017')).toBe(true);
  });

  it('with a JSON header + body the reply decodes to {total_size} and the whole body', async () => {
    const id = await connect('bulk');
    expectReply(await page.request({ t: 'set', id, readDelayMs: 150, readSize: 1024 }), 'ok');
    page.write(id, text('bulk 3000 json\n'));
    await page.until(() => page.bytes(id).length >= 4 + 20 + 3000);
    const chunks = page.received.get(id)!;
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const messages = createCodec({ kind: 'json-header' }).decode(page.bytes(id));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.header).toEqual({ total_size: 3000 });
    expect(utf8.decode(messages[0]!.body)).toBe(Buffer.from(messages[0]!.body).toString('latin1'));
    expect(messages[0]!.body.byteLength).toBe(3000);
  });

  it.each(['raw', 'newline', 'i', '!I', 'json'])('burst messages decode intact with framing %s, however the reads fell', async (framing) => {
    const id = await connect('burst');
    // A slow reader, so many messages share one read.
    expectReply(await page.request({ t: 'set', id, readDelayMs: 100 }), 'ok');
    page.write(id, text(`burst 20 hello ${framing}\n`));
    const expected = Array.from({ length: 20 }, (_, k) => `hello ${k + 1}`);
    // Per message: newline 1 byte, length prefix 4, JSON 4 + {"total_size": N} (17 bytes for N < 10).
    const overhead = { raw: 0, newline: 1, i: 4, '!I': 4, json: 4 + '{"total_size": 7}'.length }[framing]!;
    const total = expected.reduce((n, m) => n + m.length + overhead, 0);
    await page.until(() => page.bytes(id).length >= total);
    await sleep(20);
    const stream = page.bytes(id);
    expect(stream.length).toBe(total);
    const chunks = page.received.get(id)!;
    expect(chunks.length).toBeLessThan(20);
    if (framing === 'raw') {
      expect(stream.toString()).toBe(expected.join(''));
      return;
    }
    const decoder = createCodec(SPECS[framing]!).createDecoder();
    const out = chunks.flatMap((c) => decoder.push(c.payload) as unknown[]);
    const bodies = out.map((m) => utf8.decode(m instanceof Uint8Array ? m : (m as { body: Uint8Array }).body));
    expect(bodies).toEqual(expected);
  });
});
