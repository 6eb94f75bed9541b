import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OwnedPairs, ownedSocketInodes } from '../../server/owned-sockets.js';
import { endpointKey, readTcpTable, type TcpTableEntry } from '../../server/tcp-states.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const f of cleanup.splice(0)) f();
});

/** A loopback listener on port 0 with one connected client, both held by this process. */
async function heldPair(): Promise<{ port: number; client: net.Socket }> {
  const srv = net.createServer((s) => cleanup.push(() => s.destroy()));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const client = net.connect(port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  cleanup.push(() => {
    client.destroy();
    srv.close();
  });
  return { port, client };
}

const entry = (local: string, remote: string, state: TcpTableEntry['state'], inode: number): TcpTableEntry => ({
  local,
  remote,
  state,
  txQueue: 0,
  rxQueue: 0,
  inode,
});

describe('owned-sockets', () => {
  it('finds the inodes of the sockets this process holds in the kernel TCP table, and learns only those pairs', async () => {
    const { port, client } = await heldPair();
    const inodes = await ownedSocketInodes();
    const table = (await readTcpTable('/proc', true)) ?? [];
    const listener = table.find((e) => e.state === 'LISTEN' && e.local === endpointKey('127.0.0.1', port));
    expect(listener?.inode).toBeGreaterThan(0);
    expect(inodes.has(listener!.inode!)).toBe(true);

    const pairs = new OwnedPairs();
    // An entry of some other program (an inode this process does not hold) is never learned.
    const foreign = entry(endpointKey('127.0.0.1', 1), endpointKey('127.0.0.1', 2), 'ESTABLISHED', 0x7fffffff);
    pairs.learn([...table, foreign], inodes);
    const local = endpointKey('127.0.0.1', client.localPort!);
    const remote = endpointKey('127.0.0.1', port);
    expect(pairs.has(endpointKey('127.0.0.1', port))).toBe(true);
    expect(pairs.has(local, remote)).toBe(true);
    expect(pairs.has(remote, local)).toBe(true);
    expect(pairs.has(foreign.local, foreign.remote)).toBe(false);
    // A listener is known as LISTEN, not as a pair with a remote that never connected.
    expect(pairs.has(endpointKey('127.0.0.1', port), endpointKey('127.0.0.1', 1))).toBe(false);
  });

  it('an entry without an inode (TIME_WAIT) is not learned, but a pair learned before stays known for two minutes', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const pairs = new OwnedPairs();
    const a = endpointKey('127.0.0.1', 40000);
    const b = endpointKey('127.0.0.1', 8080);
    pairs.learn([entry(a, b, 'TIME_WAIT', 0)], new Set([0]));
    expect(pairs.has(a, b)).toBe(false);
    pairs.learn([entry(a, b, 'ESTABLISHED', 77)], new Set([77]));
    vi.setSystemTime(1_000_000 + 119_000);
    pairs.learn([entry(a, b, 'TIME_WAIT', 0)], new Set([77]));
    expect(pairs.has(a, b)).toBe(true);
    vi.setSystemTime(1_000_000 + 121_000);
    expect(pairs.has(a, b)).toBe(false);
  });

  it('remembers at most 4096 pairs, forgetting the oldest first', () => {
    const pairs = new OwnedPairs();
    const b = endpointKey('127.0.0.1', 9);
    const table = Array.from({ length: 4100 }, (_, i) => entry(endpointKey('127.0.0.1', 10000 + i), b, 'ESTABLISHED', i + 1));
    pairs.learn(table, new Set(table.map((e) => e.inode!)));
    for (let i = 0; i < 4; i++) expect(pairs.has(table[i]!.local, b)).toBe(false);
    for (const i of [4, 2000, 4099]) expect(pairs.has(table[i]!.local, b)).toBe(true);
  });
});
