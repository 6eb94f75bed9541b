/**
 * SocketGateway over a scripted transport: the classes it binds, the token its API client gets,
 * the events it passes on from the connection (with `onclose`), `install()` and `close()`.
 */
import { describe, expect, it } from 'vitest';
import { GatewayApi, SocketGateway, TCPServerSocket, TCPSocket, UDPSocket } from '../../client/lib/index.js';
import { clockOffset } from '../../client/lib/gateway-connection.js';
import { FakeWebSocket, welcome } from '../helpers/fake-websocket.js';
import { fakeGateway } from '../helpers/fake-gateway.js';

describe('SocketGateway', () => {
  it('binds subclasses named like the spec classes, and knows the gateway from welcome', async () => {
    const [gw] = await fakeGateway();
    expect([gw.TCPSocket.name, gw.TCPServerSocket.name, gw.UDPSocket.name]).toEqual(['TCPSocket', 'TCPServerSocket', 'UDPSocket']);
    expect(Object.getPrototypeOf(gw.TCPSocket)).toBe(TCPSocket);
    expect(Object.getPrototypeOf(gw.TCPServerSocket)).toBe(TCPServerSocket);
    expect(Object.getPrototypeOf(gw.UDPSocket)).toBe(UDPSocket);
    expect([gw.url, gw.version, gw.gatewayName, gw.connected]).toEqual(['http://127.0.0.1:1', 1, 'sockgate/test', true]);
    expect(gw.limits.receiveWindow).toBe(1000);
  });

  it("knows the gateway's clock from welcome's time (0 when it sent none)", async () => {
    const [plain] = await fakeGateway();
    expect(plain.clockOffsetMs).toBe(0);
    const connecting = SocketGateway.connect('http://127.0.0.1:1', { WebSocket: FakeWebSocket });
    FakeWebSocket.last!.open();
    FakeWebSocket.last!.receive({ ...welcome, time: Date.now() + 5000 });
    const ahead = await connecting;
    expect(ahead.clockOffsetMs).toBeGreaterThan(4900);
    expect(ahead.clockOffsetMs).toBeLessThanOrEqual(5000);
    // NTP's bounds: time − received ≤ offset ≤ time − opened; 0 whenever the clocks may agree.
    expect([clockOffset(1000, 990, 1010), clockOffset(5000, 990, 1010), clockOffset(-4000, 990, 1010), clockOffset(undefined, 0, 1)]).toEqual([0, 3990, -4990, 0]);
    // Whatever a gateway puts in `time`: only a finite number counts.
    for (const bad of [NaN, Infinity, -Infinity, '1000', null, {}, [], true]) expect(clockOffset(bad, 990, 1010)).toBe(0);
    expect([clockOffset(0, 990, 1010), clockOffset(-1, 990, 1010), clockOffset(2 ** 32, 0, 1), clockOffset(2 ** 53, 0, 1)]).toEqual([-990, -991, 2 ** 32 - 1, 2 ** 53 - 1]);
  });

  it("gives its API client the token it connected with: the option first, else the url's", async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = async (input, init) => {
      seen.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
      return new Response(JSON.stringify({ running: false, services: [] }), { status: 200 });
    };
    for (const [url, token] of [
      ['http://127.0.0.1:1/?token=from-url', undefined],
      ['http://127.0.0.1:1/?token=from-url', 'from-option'],
    ] as const) {
      const connecting = SocketGateway.connect(url, { token, WebSocket: FakeWebSocket, fetch: fetchSpy });
      expect(FakeWebSocket.last!.url).toBe(`ws://127.0.0.1:1/ws?token=${token ?? 'from-url'}`);
      FakeWebSocket.last!.open();
      FakeWebSocket.last!.receive(welcome);
      const gw = await connecting;
      expect(gw.api).toBeInstanceOf(GatewayApi);
      await gw.api.labs();
    }
    expect(seen).toEqual(['http://127.0.0.1:1/api/labs Bearer from-url', 'http://127.0.0.1:1/api/labs Bearer from-option']);
  });

  it("passes on shutdown, error and close (calling onclose), with the connection's fields", async () => {
    const [gw, ws] = await fakeGateway();
    const events: string[] = [];
    gw.addEventListener('shutdown', (e) => events.push(`shutdown ${(e as unknown as { reason: string }).reason}`));
    gw.addEventListener('error', (e) => events.push(`error ${(e as unknown as { error: { sockgateCode: string } }).error.sockgateCode}`));
    gw.addEventListener('close', (e) => events.push(`close ${(e as unknown as { code: number }).code}`));
    gw.onclose = (e) => events.push(`onclose ${e.shutdown} ${e.error.sockgateCode}`);
    ws.receive({ t: 'error', code: 'BAD_MESSAGE', message: 'bad' });
    ws.receive({ t: 'shutdown', reason: 'SIGTERM' });
    ws.close(1001, 'bye');
    expect(events).toEqual(['error BAD_MESSAGE', 'shutdown SIGTERM', 'close 1001', 'onclose SIGTERM CONNECTION_LOST']);
    expect(gw.connected).toBe(false);
    await expect(gw.closed).resolves.toMatchObject({ code: 1001, reason: 'bye', shutdown: 'SIGTERM' });
  });

  it('install() defines the bound classes only where the target has none', async () => {
    const [gw] = await fakeGateway();
    const target: Record<string, unknown> = { UDPSocket: 'native' };
    expect(gw.install(target)).toEqual(['TCPSocket', 'TCPServerSocket']);
    expect([target.TCPSocket, target.TCPServerSocket, target.UDPSocket]).toEqual([gw.TCPSocket, gw.TCPServerSocket, 'native']);
    expect(Object.keys(target)).toEqual(['UDPSocket']);
  });

  it('close() closes the WebSocket with 1000', async () => {
    const [gw, ws] = await fakeGateway();
    await gw.close();
    expect(ws.readyState).toBe(3);
    await expect(gw.closed).resolves.toMatchObject({ code: 1000 });
  });
});
