/**
 * GatewayApi against a real gateway: the token given to `SocketGateway.connect` is the one every
 * HTTP call presents (no page URL, no cookie here, so nothing else could supply it), failures are
 * SocketErrors that say what happened, and the lab and TCP-state calls return the gateway's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { fetchLabServices, startLabServices } from '../../client/app/model/lab-services.js';
import { endpoint, GatewayApi } from '../../client/lib/gateway-api.js';
import { SocketError, SocketGateway } from '../../client/lib/index.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { closedPort, echoServer } from '../helpers/peers.js';

const TOKEN = 'token-A-for-the-api-test';

let gateway: Gateway;
let echo: Awaited<ReturnType<typeof echoServer>>;

beforeAll(async () => {
  gateway = await startGateway({ port: 0, audit: null, token: TOKEN });
  echo = await echoServer();
});
afterAll(async () => {
  echo?.close();
  await gateway?.close();
});

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<SocketError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(SocketError);
  return outcome.error as SocketError;
}

describe('gateway.api', () => {
  it('presents the token passed to connect on every call (interfaces, labs, start, stop)', async () => {
    expect(globalThis.location).toBeUndefined();
    const gw = await SocketGateway.connect(gateway.origin, { token: TOKEN, WebSocket });
    try {
      expect(gw.api).toBeInstanceOf(GatewayApi);
      expect(gw.api.url).toBe(gateway.origin);
      const lo = (await gw.api.interfaces()).find((i) => i.address === '127.0.0.1');
      expect(lo?.broadcast).toBe('127.255.255.255');

      expect(await gw.api.labs()).toEqual({ running: false, services: [] });
      const started = await gw.api.startLabs();
      expect(started.running).toBe(true);
      expect(started.services.map((s) => `${s.name}/${s.transport}`)).toEqual(['tcp-echo/tcp', 'udp-echo/udp', 'upper/tcp', 'chat/tcp', 'burst/tcp', 'bulk/tcp']);
      expect((await gw.api.labs()).services.map((s) => s.port)).toEqual(started.services.map((s) => s.port));

      // The page model's calls go through the same client.
      expect((await fetchLabServices(gw.api)).services.map((s) => s.port)).toEqual(started.services.map((s) => s.port));
      expect((await startLabServices(gw.api)).running).toBe(true);

      expect(await gw.api.stopLabs()).toEqual({ running: false, services: [] });
      expect(await fetchLabServices(gw.api)).toEqual({ running: false, services: [] });
    } finally {
      await gw.close();
    }
  });

  it('reads the kernel TCP state of a socket the gateway opened for this page', async () => {
    const gw = await SocketGateway.connect(gateway.origin, { token: TOKEN, WebSocket });
    try {
      const socket = new gw.TCPSocket('127.0.0.1', echo.port);
      const { localAddress, localPort, remoteAddress, remotePort } = await socket.opened;
      const local = endpoint(localAddress, localPort);
      const remote = endpoint(remoteAddress, remotePort);
      const [result] = (await gw.api.tcpStates([{ local, remote }]))!;
      expect(result).toMatchObject({ local, remote, state: 'ESTABLISHED' });
      expect(result!.peer?.state).toBe('ESTABLISHED');
      await socket.close();
    } finally {
      await gw.close();
    }
  });

  it('fails with NotAllowedError, code HTTP and the status when the token is wrong or missing', async () => {
    const wrong = await rejection(new GatewayApi(gateway.origin, { token: 'not-the-token' }).startLabs());
    expect(wrong.name).toBe('NotAllowedError');
    expect(wrong.sockgateCode).toBe('HTTP');
    expect(wrong.message).toBe('POST /api/labs/start answered 401 Unauthorized: token required (?token=, Authorization: Bearer, or the page cookie)');

    const none = await rejection(new GatewayApi(gateway.origin).tcpStates([{ local: '127.0.0.1:1' }]));
    expect(none.name).toBe('NotAllowedError');
    expect(none.message).toMatch(/^GET \/api\/tcp-states answered 401 /);
    // Nothing was started by the refused call.
    expect(await new GatewayApi(gateway.origin, { token: TOKEN }).labs()).toEqual({ running: false, services: [] });
  });

  it("carries the gateway's own code and message for a request it rejects", async () => {
    const api = new GatewayApi(`${gateway.origin}/`, { token: TOKEN });
    const bad = await rejection(api.tcpStates([{ local: 'not-an-endpoint' }]));
    expect(bad.sockgateCode).toBe('BAD_OPTION');
    expect(bad.name).toBe('NotSupportedError');
    expect(bad.message).toMatch(/^GET \/api\/tcp-states answered 400 Bad Request: .*not-an-endpoint/);

    const tooMany = await rejection(api.tcpStates(Array.from({ length: 257 }, (_, i) => ({ local: `127.0.0.1:${i + 1}` }))));
    expect(tooMany.sockgateCode).toBe('LIMIT');
    expect(tooMany.name).toBe('QuotaExceededError');
  });

  it('fails with NetworkError, code HTTP when nothing answers', async () => {
    const port = await closedPort();
    const error = await rejection(new GatewayApi(`http://127.0.0.1:${port}`, { token: TOKEN }).interfaces());
    expect(error.name).toBe('NetworkError');
    expect(error.sockgateCode).toBe('HTTP');
    expect(error.message).toMatch(/^GET \/api\/interfaces failed: /);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('uses the fetch given to connect', async () => {
    const seen: string[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(`${init?.method} ${String(input)} ${new Headers(init?.headers).get('authorization')}`);
      return fetch(input, init);
    };
    const gw = await SocketGateway.connect(gateway.origin, { token: TOKEN, WebSocket, fetch: spy });
    try {
      await gw.interfaces();
      await gw.api.labs();
      expect(seen).toEqual([`GET ${gateway.origin}/api/interfaces Bearer ${TOKEN}`, `GET ${gateway.origin}/api/labs Bearer ${TOKEN}`]);
    } finally {
      await gw.close();
    }
  });
});
