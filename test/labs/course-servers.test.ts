/**
 * The course's three server shapes (issue 16 item 1), as the gateway runs them (real Python 3
 * programs) and lists them (`GET /api/labs` with the kernel's accept-queue length): plain
 * loopback clients, several at once. The loop server answers one client at a time, the others
 * sit connected in the accept queue; with listen(5) the kernel queues 6 and drops further SYNs.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';

type Listing = { running: boolean; services: LabServiceInfo[] };

let gateway: Gateway;
let auth: Record<string, string>;
let services: LabServiceInfo[];
const open: net.Socket[] = [];

async function listing(): Promise<LabServiceInfo[]> {
  return ((await (await fetch(`${gateway.origin}/api/labs`, { headers: auth })).json()) as Listing).services;
}
const service = async (name: string) => (await listing()).find((s) => s.name === name)!;

/** A client that sends `hello N` as soon as it is connected and collects what comes back. */
function client(port: number, n: number) {
  const socket = net.connect(port, '127.0.0.1');
  open.push(socket);
  let reply = '';
  let connected = false;
  socket.on('connect', () => {
    connected = true;
    socket.write(`hello ${n}`);
  });
  socket.on('data', (d) => (reply += d.toString('latin1')));
  socket.on('error', () => {});
  return {
    socket,
    get reply() {
      return reply;
    },
    get connected() {
      return connected;
    },
    close: () => new Promise<void>((resolve) => socket.end(() => resolve())),
  };
}

const until = async (what: () => boolean | Promise<boolean>, timeoutMs = 4000) => {
  const end = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('course server shapes (Python programs the gateway runs)', () => {
  beforeAll(async () => {
    gateway = await startGateway({ port: 0, audit: null });
    auth = { Authorization: `Bearer ${gateway.token}` };
    const res = await fetch(`${gateway.origin}/api/labs/course/start`, { method: 'POST', headers: auth });
    expect(res.status).toBe(200);
    services = ((await res.json()) as Listing).services;
  });

  afterAll(async () => {
    for (const s of open) s.destroy();
    await gateway?.close();
  });

  it('lists loop, threaded and select after the built-in services, with backlog 5 and an empty accept queue', () => {
    expect(services.map((s) => s.name)).toEqual(['tcp-echo', 'udp-echo', 'upper', 'chat', 'burst', 'bulk', 'loop', 'threaded', 'select']);
    for (const name of ['loop', 'threaded', 'select']) {
      expect(services.find((s) => s.name === name)).toMatchObject({ transport: 'tcp', host: '127.0.0.1', backlog: 5, acceptQueue: 0 });
    }
  });

  it('loop server: the second and third clients are connected but wait in the accept queue until the first closes', async () => {
    const loop = services.find((s) => s.name === 'loop')!;
    const first = client(loop.port, 1);
    await until(() => first.reply === 'HELLO 1');
    const second = client(loop.port, 2);
    const third = client(loop.port, 3);
    // connect() completed: the kernel did the handshake, not accept().
    await until(() => second.connected && third.connected);
    await until(async () => (await service('loop')).acceptQueue === 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(second.reply).toBe('');
    expect(third.reply).toBe('');
    await first.close();
    await until(() => second.reply === 'HELLO 2');
    expect((await service('loop')).acceptQueue).toBe(1);
    expect(third.reply).toBe('');
    await second.close();
    await until(() => third.reply === 'HELLO 3');
    await third.close();
    await until(async () => (await service('loop')).acceptQueue === 0);
  });

  it('loop server with listen(5): the kernel queues backlog + 1 = 6, the next SYN is dropped (SYN_SENT) until a slot frees', async () => {
    const loop = services.find((s) => s.name === 'loop')!;
    const first = client(loop.port, 0);
    await until(() => first.reply === 'HELLO 0');
    const waiting = Array.from({ length: 7 }, (_, i) => client(loop.port, i + 1));
    await until(async () => {
      const s = await service('loop');
      return s.acceptQueue === 6 && s.synSent === 1;
    });
    expect(waiting.filter((c) => c.connected)).toHaveLength(6);
    await first.close();
    // A slot frees; the dropped SYN is retransmitted after ~1 s and then completes.
    await until(() => waiting.every((c) => c.connected), 5000);
    for (const c of waiting) c.socket.destroy();
    await until(async () => (await service('loop')).acceptQueue === 0, 5000);
  });

  it.each(['threaded', 'select'])('%s server: three clients at once are all answered, nobody waits in the queue', async (name) => {
    const s = services.find((x) => x.name === name)!;
    const clients = [1, 2, 3].map((n) => client(s.port, n));
    await until(() => clients.every((c, i) => c.reply === `HELLO ${i + 1}`));
    expect((await service(name)).acceptQueue).toBe(0);
    expect((await service(name)).clients).toBe(3);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('stopping the labs ends the Python programs: their ports refuse', async () => {
    await fetch(`${gateway.origin}/api/labs/stop`, { method: 'POST', headers: auth });
    for (const s of services.filter((x) => x.transport === 'tcp')) {
      const refused = await new Promise<boolean>((resolve) => {
        const c = net.connect(s.port, '127.0.0.1');
        c.once('connect', () => (c.destroy(), resolve(false)));
        c.once('error', () => resolve(true));
      });
      expect(refused, s.name).toBe(true);
    }
  });
});
