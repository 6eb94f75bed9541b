import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ownerOf, registerOwner, watchPort } from '../../server/labs/connection-owners.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A loopback listener on port 0 (watched, unless `watch` is false); `accepted()` resolves with the next accepted socket. */
async function listener(host = '127.0.0.1', watch = true): Promise<{ port: number; accepted: () => Promise<net.Socket> }> {
  const srv = net.createServer();
  const queue: net.Socket[] = [];
  const wanted: ((s: net.Socket) => void)[] = [];
  srv.on('connection', (s) => {
    cleanup.push(() => s.destroy());
    const w = wanted.shift();
    if (w) w(s);
    else queue.push(s);
  });
  await new Promise<void>((r) => srv.listen(0, host, r));
  cleanup.push(() => srv.close());
  if (watch) cleanup.push(watchPort((srv.address() as net.AddressInfo).port));
  return {
    port: (srv.address() as net.AddressInfo).port,
    accepted: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => wanted.push(r))),
  };
}

function dial(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const s = net.connect(port, host);
  cleanup.push(() => s.destroy());
  return new Promise((r) => s.once('connect', () => r(s)));
}

describe('connection-owners', () => {
  it('tells the accepting side which page dialled a loopback connection, per connection', async () => {
    const lab = await listener();
    const a = await dial(lab.port);
    registerOwner(a, 'page-a', lab.port);
    const b = await dial(lab.port);
    registerOwner(b, 'page-b', lab.port);
    const first = await lab.accepted();
    const second = await lab.accepted();
    const byPort = new Map([
      [a.localPort, 'page-a'],
      [b.localPort, 'page-b'],
    ]);
    expect(await ownerOf(first)).toBe(byPort.get(first.remotePort));
    expect(await ownerOf(second)).toBe(byPort.get(second.remotePort));
  });

  it('waits briefly for a claim that comes after the accept', async () => {
    const lab = await listener();
    const a = await dial(lab.port);
    const accepted = await lab.accepted();
    const pending = ownerOf(accepted);
    setTimeout(() => registerOwner(a, 'late-page', lab.port), 10);
    expect(await pending).toBe('late-page');
  });

  it('gives undefined for a connection nobody claimed (after a short wait) and forgets an owner once its socket closes', async () => {
    const lab = await listener();
    const a = await dial(lab.port);
    const accepted = await lab.accepted();
    const t0 = Date.now();
    expect(await ownerOf(accepted)).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(1000);

    registerOwner(a, 'page-gone', lab.port);
    expect(await ownerOf(accepted)).toBe('page-gone');
    a.destroy();
    await new Promise((r) => a.once('close', r));
    expect(await ownerOf(accepted)).toBeUndefined();
  });

  it('records nothing for a port no service watches, and stops once the watch ends', async () => {
    const other = await listener('127.0.0.1', false);
    const a = await dial(other.port);
    registerOwner(a, 'page-x', other.port);
    expect(await ownerOf(await other.accepted())).toBeUndefined();

    const lab = await listener('127.0.0.1', false);
    const unwatch = watchPort(lab.port);
    const b = await dial(lab.port);
    registerOwner(b, 'page-y', lab.port);
    expect(await ownerOf(await lab.accepted())).toBe('page-y');
    unwatch();
    const c = await dial(lab.port);
    registerOwner(c, 'page-z', lab.port);
    expect(await ownerOf(await lab.accepted())).toBeUndefined();
  });

  it('ignores connections that are not IPv4 loopback', async () => {
    const lab = await listener('::1').catch(() => undefined);
    if (!lab) return; // no IPv6 loopback on this host
    const a = await dial(lab.port, '::1');
    registerOwner(a, 'page-v6', lab.port);
    const accepted = await lab.accepted();
    // Answered at once (before any timer), without waiting for a claim.
    const first = await Promise.race([ownerOf(accepted), new Promise((r) => setTimeout(() => r('waited'), 0))]);
    expect(first).toBeUndefined();
  });
});
