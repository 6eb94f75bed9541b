/**
 * TCPServerSocket over a scripted transport: the `tcp.listen` request, the spec's TypeErrors,
 * accepted connections held paused (no credit) until the page takes them off the readable, and
 * connections nobody will take closed at once.
 */
import { describe, expect, it } from 'vitest';
import { TCPServerSocket } from '../../client/lib/index.js';
import { Frame } from '../../shared/protocol.js';
import { fakeGateway, lastJson, sentFrames } from '../helpers/fake-gateway.js';

const accepted = (id: number, server: number) => ({
  t: 'accepted',
  id,
  server,
  local: { address: '127.0.0.1', port: 8000 },
  remote: { address: '127.0.0.1', port: 40000 + (id & 0xff) },
  sendWindow: 500,
});

async function openServer(options: ConstructorParameters<typeof TCPServerSocket>[1] = {}) {
  const [gw, ws] = await fakeGateway();
  const server = new gw.TCPServerSocket('127.0.0.1', options);
  const listen = lastJson(ws);
  const id = listen.id as number;
  ws.receive({ t: 'opened', id, ref: listen.ref, kind: 'tcp-server', local: { address: '127.0.0.1', port: 8000 }, sendWindow: 0 });
  return { gw, ws, server, id, listen, info: await server.opened };
}

describe('TCPServerSocket', () => {
  it('has the spec members as its own, on a prototype of its own', () => {
    for (const name of ['opened', 'closed', 'close']) expect(Object.hasOwn(TCPServerSocket.prototype, name)).toBe(true);
    expect(Object.getPrototypeOf(TCPServerSocket.prototype)).toBe(Object.prototype);
  });

  it('sends tcp.listen with its options and opens with the bound address', async () => {
    const { listen, info } = await openServer({ localPort: 8000, backlog: 16, extras: { reuseAddr: true } });
    expect(listen).toMatchObject({ t: 'tcp.listen', host: '127.0.0.1', port: 8000, backlog: 16, reuseAddr: true });
    expect(info).toMatchObject({ localAddress: '127.0.0.1', localPort: 8000 });
  });

  it('refuses bad options with the TypeErrors of a native implementation', async () => {
    const [gw, ws] = await fakeGateway();
    const sent = ws.sent.length;
    const bad: Array<[string, unknown, RegExp]> = [
      ['localhost', {}, /localAddress must be a valid IP address/],
      ['127.0.0.1', { localPort: 0 }, /^localPort must be greater than zero\./],
      ['127.0.0.1', { backlog: 0 }, /^backlog must be greater than zero\.$/],
      ['127.0.0.1', { ipv6Only: false }, /ipv6Only can only be specified when localAddress is \[::\]/],
      ['127.0.0.1', { extras: { onChunk: 3 } }, /extras.onChunk must be a function/],
    ];
    for (const [address, options, message] of bad) expect(() => new gw.TCPServerSocket(address, options as object)).toThrow(message);
    expect(ws.sent.length).toBe(sent);
  });

  it('grants an accepted connection its first credit only when it is read off the readable', async () => {
    const { gw, ws, id, info } = await openServer();
    ws.receive(accepted(0x8000_0001, id));
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Credit)).toEqual([]);
    const { value: client } = await info.readable.getReader().read();
    expect(client).toBeInstanceOf(gw.TCPSocket);
    expect(client!.id).toBe(0x8000_0001);
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Credit)).toEqual([{ kind: Frame.Credit, id: 0x8000_0001, bytes: 1000 }]);
    await expect(client!.opened).resolves.toMatchObject({ remoteAddress: '127.0.0.1', remotePort: 40001, localPort: 8000 });
  });

  it('closes connections accepted after its readable was cancelled', async () => {
    const { ws, id, info } = await openServer();
    await info.readable.cancel();
    ws.receive(accepted(0x8000_0002, id));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ws.json().filter((m) => m.t === 'close').map((m) => m.id)).toContain(0x8000_0002);
    expect(sentFrames(ws).filter((f) => f.kind === Frame.Credit)).toEqual([]);
  });
});
