/**
 * The lab's scenario runner in Node, on the lab's own LabConnection over the real library (`ws`)
 * and a real gateway with its lab services, all on loopback: every guided scenario ends with every
 * written byte read and the reads the page shows; the waits are bounded and end as soon as reading
 * does; manual recv(n) resolves with its chunk recorded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LabConnection, type LabSide } from '../../client/app/lab/lab-connection.js';
import { DEFAULT_KNOBS, knobsFor, type Knobs } from '../../client/app/lab/knobs.js';
import { applyKnobs, runScenario, sendMessages, untilHeld } from '../../client/app/lab/scenario-runner.js';
import { scenarios, type ScenarioId } from '../../client/app/lab/scenarios.js';
import { analyseStream, LAB_FRAMINGS } from '../../client/app/lab/stream-model.js';
import { SocketGateway } from '../../client/lib/index.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';

let gateway: Gateway;
let client: SocketGateway;
let services: LabServiceInfo[];
const open: LabConnection[] = [];
const utf8 = new TextDecoder();

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
  const res = await fetch(`${gateway.origin}/api/labs/start`, { method: 'POST', headers: { Authorization: `Bearer ${gateway.token}` } });
  expect(res.status).toBe(200);
  services = ((await res.json()) as { services: LabServiceInfo[] }).services;
  client = await SocketGateway.connect(gateway.origin, { token: gateway.token, WebSocket });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await client?.close();
  await gateway?.close();
});

async function pair(k: Knobs = DEFAULT_KNOBS): Promise<LabConnection> {
  const conn = await LabConnection.open(client, { kind: 'pair' }, { noDelay: k.noDelay }, () => {});
  open.push(conn);
  return conn;
}

const scenario = (id: ScenarioId) => scenarios().find((s) => s.id === id)!;
const sizes = (side: LabSide) => side.reads.map((r) => r.data.length);
const texts = (side: LabSide) => side.reads.map((r) => utf8.decode(r.data));

/** Runs a scenario as the page does and returns its two ends and the picture's counts. */
async function run(id: ScenarioId) {
  const s = scenario(id);
  const k = knobsFor(s);
  const conn = await pair(k);
  await runScenario(conn, s, k);
  const sender = conn.sender(k.direction);
  const receiver = conn.receiver(k.direction);
  // Resolved means read: the last byte is recorded when the promise settles, not later.
  expect(receiver.readBytes).toBe(sender.writtenBytes);
  return { sender, receiver, picture: analyseStream(sender.writes, receiver.reads, LAB_FRAMINGS[k.decodeFraming]) };
}

describe('runScenario over real sockets', () => {
  it('two quick sends: one read of "helloworld", after the 400 ms slow reader', async () => {
    const started = Date.now();
    const { receiver } = await run('two-sends');
    expect(texts(receiver)).toEqual(['helloworld']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('reply bigger than recv(1024): five manual reads of 1024, 1024, 1024, 1024 and 904 bytes', async () => {
    const { sender, receiver } = await run('big-reply');
    expect(sender.role).toBe('accepted');
    expect(receiver.role).toBe('client');
    expect(sizes(receiver)).toEqual([1024, 1024, 1024, 1024, 904]);
  });

  it('slow reader: six writes, fewer and wider reads', async () => {
    const { sender, receiver, picture } = await run('slow-reader');
    expect(sender.writes).toHaveLength(6);
    expect(receiver.reads.length).toBeGreaterThanOrEqual(2);
    expect(receiver.reads.length).toBeLessThan(6);
    expect(picture.counts.mixedReads).toBeGreaterThanOrEqual(1);
  });

  it("length header: still one read, and struct 'i' recovers both messages intact", async () => {
    const { receiver, picture } = await run('length-header');
    expect(receiver.reads).toHaveLength(1);
    expect(picture.counts).toMatchObject({ written: 2, reads: 1, decoded: 2, intact: 2 });
  });

  it('JSON header: recv(1024) reads of at most 1024 bytes, both replies intact', async () => {
    const { sender, receiver, picture } = await run('json-header');
    expect(receiver.reads.length).toBe(Math.ceil(sender.writtenBytes / 1024));
    expect(sizes(receiver).slice(0, -1).every((n) => n === 1024)).toBe(true);
    expect(picture.counts).toMatchObject({ decoded: 2, intact: 2 });
  });

  it('sleep(): writes 200 ms apart, yet one read holds both', async () => {
    const { sender, receiver } = await run('sleep');
    expect(sender.writes[1]!.time - sender.writes[0]!.time).toBeGreaterThanOrEqual(190);
    expect(texts(receiver)).toEqual(['helloworld']);
  });
});

describe('the runner waits are bounded and event-driven', () => {
  it('throws the lab timeout message once the read bound passes (the slow reader needs 400 ms, the bound is 100)', async () => {
    const s = scenario('two-sends');
    const conn = await pair();
    const started = Date.now();
    await expect(runScenario(conn, s, knobsFor(s), () => true, { arriveMs: 50, readMs: 100 })).rejects.toThrow('Timed out waiting for the reads.');
    expect(Date.now() - started).toBeLessThan(390);
    expect(conn.receiver('forward').reads).toHaveLength(0);
  });

  it('a run that is no longer current pulls no manual reads', async () => {
    const s = scenario('big-reply');
    const conn = await pair();
    await expect(runScenario(conn, s, knobsFor(s), () => false, { arriveMs: 3000, readMs: 200 })).rejects.toThrow('Timed out');
    expect(conn.receiver('reply').reads).toHaveLength(0);
  });

  it('untilRead settles as soon as reading ends, not at its bound', async () => {
    const conn = await pair();
    const waiting = conn.accepted!.untilRead(1, 10_000);
    const started = Date.now();
    await conn.client.close();
    expect(await waiting).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(conn.accepted!.status).toBe('eof');
  });

  it('manual recv(n) resolves with its chunk recorded: recv(2) is "he", recv(10) the rest', async () => {
    const k: Knobs = { ...DEFAULT_KNOBS, manual: true };
    const conn = await pair(k);
    await applyKnobs(conn, k);
    const [sender, receiver] = [conn.sender('forward'), conn.receiver('forward')];
    await sendMessages(sender, [{ text: 'hello' }, { text: 'world' }], k);
    expect(await untilHeld(receiver, 10, 3000)).toBe(true);
    expect(receiver.reads).toHaveLength(0);
    expect(await receiver.recv(2)).toBe(2);
    expect(texts(receiver)).toEqual(['he']);
    expect(await receiver.recv(10)).toBe(8);
    expect(texts(receiver)).toEqual(['he', 'lloworld']);
  });
});

describe('sendMessages: the sender knobs', () => {
  it('Nagle off and 120 ms between writes: three reads; cork 3: one read', async () => {
    const messages = ['one', 'two', 'six'].map((text) => ({ text }));
    const apart: Knobs = { ...DEFAULT_KNOBS, noDelay: true, writeDelayMs: 120 };
    let conn = await pair(apart);
    await applyKnobs(conn, apart);
    await sendMessages(conn.client, messages, apart);
    expect(await conn.accepted!.untilRead(9, 3000)).toBe(true);
    expect(texts(conn.accepted!)).toEqual(['one', 'two', 'six']);

    const corked: Knobs = { ...apart, writeDelayMs: 0, cork: 3 };
    conn = await pair(corked);
    await applyKnobs(conn, corked);
    await sendMessages(conn.client, messages, corked);
    expect(await conn.accepted!.untilRead(9, 3000)).toBe(true);
    expect(texts(conn.accepted!)).toEqual(['onetwosix']);
  });

  it('to the tcp-echo lab service with newline framing: the echo lines up with the writes', async () => {
    const echo = services.find((s) => s.name === 'tcp-echo')!;
    const conn = await LabConnection.open(client, { kind: 'remote', host: echo.host, port: echo.port }, { noDelay: false }, () => {});
    open.push(conn);
    const k: Knobs = { ...DEFAULT_KNOBS, sendFraming: 'newline', decodeFraming: 'newline' };
    await applyKnobs(conn, k);
    await sendMessages(conn.sender('forward'), ['hello', 'world', '粘包'].map((text) => ({ text })), k);
    const side = conn.client;
    expect(await side.untilRead(side.writtenBytes, 3000)).toBe(true);
    expect(analyseStream(side.writes, side.reads, LAB_FRAMINGS.newline).counts).toMatchObject({ written: 3, decoded: 3, intact: 3 });
  });
});
