/**
 * LabRunController in Node with a stand-in host element (it only needs addController and
 * requestUpdate) over the real library and a real gateway on loopback: the status a run goes
 * through, a newer run or a dropped gateway taking over, free play reusing the connection only
 * when it goes where the page asks.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_KNOBS, knobsFor, type Knobs } from '../../client/app/lab/knobs.js';
import { LabRunController, type LabStatus } from '../../client/app/lab/lab-run-controller.js';
import { scenarios } from '../../client/app/lab/scenarios.js';
import { SocketGateway } from '../../client/lib/index.js';
import { startGateway, type Gateway } from '../../server/gateway.js';

let gateway: Gateway;
let client: SocketGateway;

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
  client = await SocketGateway.connect(gateway.origin, { token: gateway.token, WebSocket });
});
afterAll(async () => {
  await client?.close();
  await gateway?.close();
});

/** A host that records the controller's status at every update request. */
function host() {
  const controllers: ReactiveController[] = [];
  const seen: LabStatus[] = [];
  let lab: LabRunController | undefined;
  const h: ReactiveControllerHost = {
    addController: (c) => void controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {
      if (lab && seen.at(-1) !== lab.status) seen.push(lab.status);
    },
    updateComplete: Promise.resolve(true),
  };
  let gw: SocketGateway | undefined = client;
  lab = new LabRunController(h, () => gw);
  return { lab, seen, controllers, setGateway: (g: SocketGateway | undefined) => (gw = g) };
}

const twoSends = () => scenarios().find((s) => s.id === 'two-sends')!;
const pairTarget = { kind: 'pair' } as const;

describe('LabRunController', () => {
  it('a scenario goes connecting → running → done and the stage shows it', async () => {
    const { lab, seen, controllers } = host();
    expect(controllers).toEqual([lab]);
    const s = twoSends();
    await lab.runScenario(s, knobsFor(s));
    expect(lab.scenario).toBe('two-sends');
    expect(seen).toEqual(['connecting', 'running', 'done']);
    expect(lab.conn!.accepted!.reads.map((r) => r.data.length)).toEqual([10]);
    lab.hostDisconnected();
  });

  it('without a gateway a run ends in error with the lab message', async () => {
    const { lab, setGateway } = host();
    setGateway(undefined);
    const s = twoSends();
    await lab.runScenario(s, knobsFor(s));
    expect(lab.status).toBe('error');
    expect(lab.message).toBe('Not connected to the gateway yet.');
  });

  it('a newer run takes over: the older one never writes its status, and its sockets are closed', async () => {
    const { lab } = host();
    const s = twoSends();
    const first = lab.runScenario(s, knobsFor(s));
    await new Promise((r) => setTimeout(r, 50));
    const firstConn = lab.conn;
    const second = lab.runScenario(s, knobsFor(s));
    await first;
    expect(lab.status).not.toBe('error');
    await second;
    expect(lab.status).toBe('done');
    expect(lab.conn).not.toBe(firstConn);
    // The older connection's close completes asynchronously (its gateway round trip).
    await expect.poll(() => firstConn?.client.status, { timeout: 5_000 }).toBe('closed');
    lab.hostDisconnected();
  });

  it('drop() forgets and closes the sockets, goes idle, and a run in flight stays quiet', async () => {
    const { lab } = host();
    const s = twoSends();
    const running = lab.runScenario(s, knobsFor(s));
    await new Promise((r) => setTimeout(r, 100));
    const conn = lab.conn!;
    expect(conn).toBeDefined();
    lab.drop();
    expect(lab.conn).toBeUndefined();
    expect(lab.status).toBe('idle');
    await running;
    expect(lab.status).toBe('idle');
    expect(conn.client.status).toBe('closed');
    expect(conn.accepted!.status).toBe('closed');
  });

  it('free play reuses the open connection for the same target and opens a new one otherwise', async () => {
    const { lab } = host();
    const k: Knobs = { ...DEFAULT_KNOBS };
    await lab.newConnection(pairTarget, k);
    expect(lab.status).toBe('idle');
    expect(lab.scenario).toBeUndefined();
    const conn = lab.conn!;
    await lab.send(pairTarget, [{ text: 'hi' }], k);
    expect(lab.status).toBe('done');
    expect(lab.conn).toBe(conn);
    expect(await conn.accepted!.untilRead(2, 3000)).toBe(true);
    await conn.client.close();
    await lab.send(pairTarget, [{ text: 'again' }], k);
    expect(lab.conn).not.toBe(conn);
    expect(lab.conn!.client.writtenBytes).toBe(5);
    lab.hostDisconnected();
    expect(lab.conn).toBeUndefined();
  });

  it('manual recv(n) says what it returned; a knob change reaches the open socket', async () => {
    const { lab } = host();
    const k: Knobs = { ...DEFAULT_KNOBS, manual: true, recvN: 3 };
    await lab.newConnection(pairTarget, k);
    await lab.send(pairTarget, [{ text: 'hello' }], k);
    await lab.recv(k);
    expect(lab.message).toBe('recv(3) returned 3 bytes.');
    // Back to normal reading: the gateway delivers the rest on its own.
    const reading: Knobs = { ...k, manual: false };
    await lab.applyKnob('manual', reading);
    expect(await lab.conn!.accepted!.untilRead(5, 3000)).toBe(true);
    expect(lab.conn!.accepted!.reads.map((r) => new TextDecoder().decode(r.data))).toEqual(['hel', 'lo']);
    lab.hostDisconnected();
  });
});
