/**
 * installPolyfill in Node (with `ws`) against an in-process gateway: classes at once, opens
 * queued until the WebSocket is up, the bound class afterwards, reconnecting, and refusals
 * explained. The browser side (the served script, real apps) is test/interop/direct-sockets-apps.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { installPolyfill, type PolyfillOptions } from '../../client/lib/polyfill.js';
import type { TCPSocket } from '../../client/lib/tcp-socket.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { closedPort, echoServer } from '../helpers/peers.js';

let gateway: Gateway;
let echo: Awaited<ReturnType<typeof echoServer>>;

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null });
  echo = await echoServer();
});
afterAll(async () => {
  echo?.close();
  await gateway?.close();
});

const install = (extra: Partial<PolyfillOptions> = {}) => {
  const target: Record<string, unknown> = {};
  const polyfill = installPolyfill({ url: gateway.origin, token: gateway.token, WebSocket: WebSocket as never, target, ...extra });
  return { target, polyfill, TCP: target.TCPSocket as typeof TCPSocket };
};

async function roundTrip(socket: TCPSocket, text: string): Promise<string> {
  const { readable, writable } = await socket.opened;
  const writer = writable.getWriter();
  await writer.write(new TextEncoder().encode(text));
  const reader = readable.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  writer.releaseLock();
  return new TextDecoder().decode(value as Uint8Array);
}

describe('installPolyfill', () => {
  it('installs the three classes synchronously and queues an open made before the gateway is up', async () => {
    const { target, polyfill, TCP } = install();
    expect(polyfill.installed).toEqual(['TCPSocket', 'TCPServerSocket', 'UDPSocket']);
    expect(Object.keys(target)).toEqual([]); // not enumerable, as WebIDL interfaces on globalThis
    expect([TCP.name, (target.TCPServerSocket as { name: string }).name, (target.UDPSocket as { name: string }).name]).toEqual(['TCPSocket', 'TCPServerSocket', 'UDPSocket']);
    let connected = false;
    void polyfill.gateway().then(() => (connected = true));
    const early = new TCP('127.0.0.1', echo.port);
    expect(connected).toBe(false);
    expect(early.id).toBe(0);
    expect(early.opened).toBe(early.opened);
    expect(early).toBeInstanceOf(TCP);
    expect(Object.prototype.toString.call(early)).toBe('[object TCPSocket]');
    expect(await roundTrip(early, 'queued')).toBe('queued');
    expect(early.id).toBeGreaterThan(0);
    expect(early.stats.bytesOut).toBe(6);
    await early.close();
    await early.closed;

    // Once connected, the constructor hands back the gateway's bound class itself.
    const gw = await polyfill.gateway();
    const later = new TCP('127.0.0.1', echo.port);
    expect(later).toBeInstanceOf(gw.TCPSocket);
    expect(later).toBeInstanceOf(TCP);
    expect(await roundTrip(later, 'direct')).toBe('direct');
    await later.close();
    await gw.close();
  });

  it('leaves a class that is already there (a native one) alone', async () => {
    const native = class TCPSocket {};
    const target: Record<string, unknown> = { TCPSocket: native };
    const polyfill = installPolyfill({ url: gateway.origin, token: gateway.token, WebSocket: WebSocket as never, target });
    expect(polyfill.installed).toEqual(['TCPServerSocket', 'UDPSocket']);
    expect(target.TCPSocket).toBe(native);
    await (await polyfill.gateway()).close();
  });

  it('reconnects for the next socket after the connection to the gateway is lost', async () => {
    const { polyfill, TCP } = install();
    const first = await polyfill.gateway();
    await first.close();
    const socket = new TCP('127.0.0.1', echo.port);
    expect(await roundTrip(socket, 'again')).toBe('again');
    const second = await polyfill.gateway();
    expect(second).not.toBe(first);
    await socket.close();
    await second.close();
  });

  it('close() on a socket still waiting for the gateway rejects as the real one does while opening', async () => {
    const { polyfill, TCP } = install();
    const socket = new TCP('127.0.0.1', echo.port);
    await expect(socket.close()).rejects.toMatchObject({ name: 'InvalidStateError' });
    await socket.opened;
    await socket.close();
    await (await polyfill.gateway()).close();
  });

  it('a wrong token rejects opened with NotAllowedError that says so', async () => {
    const { TCP, polyfill } = install({ token: 'not-the-token' });
    const error = await new TCP('127.0.0.1', echo.port).opened.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'NotAllowedError', sockgateCode: 'CONNECT_FAILED' });
    expect((error as Error).message).toMatch(/refused the token/);
    // A failed attempt is not cached: the next socket tries again, and is refused again.
    await expect(polyfill.gateway()).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('a gateway that is not running rejects opened with the connect error, not NotAllowedError', async () => {
    const port = await closedPort();
    const { TCP } = install({ url: `http://127.0.0.1:${port}` });
    const error = await new TCP('127.0.0.1', echo.port).opened.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkError' });
  });
});
