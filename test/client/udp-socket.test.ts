/**
 * UDPSocket over a scripted transport: the `udp.bind` request of each mode, the spec's TypeErrors
 * for options and for UDPMessages in each mode, the frame each mode sends, and the spec's shape.
 */
import { describe, expect, it } from 'vitest';
import { UDPSocket } from '../../client/lib/index.js';
import { encodeDatagram, Frame } from '../../shared/protocol.js';
import { fakeGateway, lastJson, sentFrames } from '../helpers/fake-gateway.js';

async function openUdp(options: ConstructorParameters<typeof UDPSocket>[0], remote?: { address: string; port: number }) {
  const [gw, ws] = await fakeGateway();
  const socket = new gw.UDPSocket(options);
  const bind = lastJson(ws);
  const id = bind.id as number;
  ws.receive({ t: 'opened', id, ref: bind.ref, kind: 'udp', local: { address: '127.0.0.1', port: 9 }, ...(remote && { remote }), sendWindow: 1000 });
  return { ws, socket, id, bind, info: await socket.opened };
}

describe('UDPSocket', () => {
  it('has the spec members as its own, on a prototype of its own', () => {
    for (const name of ['opened', 'closed', 'close']) expect(Object.hasOwn(UDPSocket.prototype, name)).toBe(true);
    expect(Object.getPrototypeOf(UDPSocket.prototype)).toBe(Object.prototype);
  });

  it('connected mode: remoteHost/remotePort in the bind, remote address in opened, Data frames, no multicast', async () => {
    const { ws, bind, id, info } = await openUdp({ remoteAddress: 'localhost', remotePort: 53, dnsQueryType: 'ipv4', sendBufferSize: 2048 }, { address: '127.0.0.1', port: 53 });
    expect(bind).toMatchObject({ t: 'udp.bind', remoteHost: 'localhost', remotePort: 53, dnsQueryType: 'ipv4', sendBufferSize: 2048, credit: 1000 });
    expect(info).toMatchObject({ localAddress: '127.0.0.1', localPort: 9, remoteAddress: '127.0.0.1', remotePort: 53 });
    expect(info.multicastController).toBeUndefined();
    await info.writable.getWriter().write({ data: new Uint8Array([1, 2, 3]) });
    expect(sentFrames(ws)).toEqual([{ kind: Frame.Data, id, payload: new Uint8Array([1, 2, 3]) }]);
  });

  it('bound mode: host/port/reuseAddr/broadcast in the bind, SendTo frames, no source on reads without chunks', async () => {
    const { ws, bind, id, info } = await openUdp({ localAddress: '0.0.0.0', localPort: 2425, multicastAllowAddressSharing: true, multicastTimeToLive: 2, extras: { broadcast: true } });
    expect(bind).toMatchObject({ t: 'udp.bind', host: '0.0.0.0', port: 2425, reuseAddr: true, multicastTTL: 2, broadcast: true });
    expect(info.multicastController).toBeDefined();
    await info.writable.getWriter().write({ data: new Uint8Array([9]), remoteAddress: '127.255.255.255', remotePort: 2425 });
    expect(sentFrames(ws)).toEqual([{ kind: Frame.SendTo, id, host: '127.255.255.255', port: 2425, payload: new Uint8Array([9]) }]);
    ws.receive(encodeDatagram(id, 0, 5, '127.0.0.1', 40000, new Uint8Array([4])));
    expect((await info.readable.getReader().read()).value).toEqual({ data: new Uint8Array([4]), remoteAddress: '127.0.0.1', remotePort: 40000 });
  });

  it('refuses option combinations the spec forbids with its TypeErrors', async () => {
    const [gw, ws] = await fakeGateway();
    const sent = ws.sent.length;
    const bad: Array<[unknown, RegExp]> = [
      [undefined, /UDPSocket requires options/],
      [{}, /neither remoteAddress nor localAddress specified/],
      [{ remoteAddress: '127.0.0.1' }, /should either be specified together or not specified at all/],
      [{ remoteAddress: '127.0.0.1', remotePort: 1, localAddress: '127.0.0.1' }, /cannot be specified at the same time/],
      [{ localPort: 5 }, /localPort cannot be specified without localAddress/],
      [{ localAddress: '127.0.0.1', localPort: 0 }, /^localPort must be greater than zero\. Leave this field unassigned/],
      [{ localAddress: 'localhost' }, /localAddress must be a valid IP address/],
      [{ localAddress: '127.0.0.1', ipv6Only: true }, /ipv6Only can only be specified when localAddress is \[::\]/],
      [{ remoteAddress: '127.0.0.1', remotePort: 1, ipv6Only: true }, /ipv6Only can only be specified with localAddress/],
      [{ localAddress: '127.0.0.1', dnsQueryType: 'ipv4' }, /dnsQueryType is only relevant when remoteAddress is specified/],
      [{ localAddress: '127.0.0.1', receiveBufferSize: 0 }, /^receiveBufferSize must be greater than zero\.$/],
      [{ localAddress: '127.0.0.1', multicastTimeToLive: 256 }, /multicastTimeToLive must be between 0 and 255/],
      [{ localAddress: '127.0.0.1', extras: { onError: 1 } }, /extras.onError must be a function/],
    ];
    for (const [options, message] of bad) expect(() => new gw.UDPSocket(options as never)).toThrow(message);
    expect(ws.sent.length).toBe(sent);
    void new gw.UDPSocket({ localAddress: '::', ipv6Only: true }).opened.catch(() => {});
    expect(lastJson(ws)).toMatchObject({ host: '::', ipv6Only: true });
  });

  it('refuses UDPMessages that do not fit the mode (TypeError) and oversized data (NetworkError, as the OS would)', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['text', /a written chunk must be a UDPMessage object/],
      [{}, /missing 'data' field/],
      [{ data: new Uint8Array(1), remoteAddress: '127.0.0.1', remotePort: 1 }, /must not be specified in 'connected' mode/],
      [{ data: new Uint8Array(1), remotePort: 1 }, /either none or both/],
      [{ data: new Uint8Array(1), dnsQueryType: 'ipv4' }, /'dnsQueryType' must not be specified in 'connected' mode/],
      [{ data: new Uint8Array(65_508) }, /a UDP datagram carries at most 65507/],
    ];
    for (const [message, error] of cases) {
      // Each refusal errors the writable, so each case gets a socket of its own.
      const { ws, info } = await openUdp({ remoteAddress: '127.0.0.1', remotePort: 53 });
      await expect(info.writable.getWriter().write(message as never)).rejects.toThrow(error);
      expect(sentFrames(ws)).toEqual([]);
    }
    const { info } = await openUdp({ remoteAddress: '127.0.0.1', remotePort: 53 });
    const tooBig = info.writable.getWriter().write({ data: new Uint8Array(65_508) });
    await expect(tooBig).rejects.toBeInstanceOf(DOMException);
    await expect(tooBig).rejects.toMatchObject({ name: 'NetworkError', code: 19, sockgateCode: 'TOO_BIG', osCode: 'EMSGSIZE' });
  });

  it('sends an empty datagram: the spec has no size rule and UDP allows zero-length payloads', async () => {
    const { ws, info, id } = await openUdp({ remoteAddress: '127.0.0.1', remotePort: 53 });
    await info.writable.getWriter().write({ data: new Uint8Array(0) });
    expect(sentFrames(ws)).toEqual([{ kind: Frame.Data, id, payload: new Uint8Array(0) }]);
  });
});
