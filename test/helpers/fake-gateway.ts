/**
 * A SocketGateway over a {@link FakeWebSocket}: the library's tests script the gateway's side
 * (replies, frames) and read what the library sent, with no network.
 */
import { SocketGateway } from '../../client/lib/index.js';
import { decodeFrame, type DecodedFrame } from '../../shared/protocol.js';
import { FakeWebSocket, welcome } from './fake-websocket.js';

/** Connects a SocketGateway to a fresh FakeWebSocket that has sent `welcome`. */
export async function fakeGateway(): Promise<[SocketGateway, FakeWebSocket]> {
  const connecting = SocketGateway.connect('http://127.0.0.1:1', { token: 't', WebSocket: FakeWebSocket });
  const ws = FakeWebSocket.last!;
  ws.open();
  ws.receive(welcome);
  return [await connecting, ws];
}

/** The last control message the library sent. */
export const lastJson = (ws: FakeWebSocket): Record<string, unknown> => ws.json().at(-1)!;

/** Every binary frame the library sent, decoded. */
export const sentFrames = (ws: FakeWebSocket): DecodedFrame[] =>
  ws.sent.filter((s): s is Uint8Array => typeof s !== 'string').map((f) => decodeFrame(f));

/** The gateway's `opened` for a TCP connection `id` answering request `ref`. */
export const tcpOpened = (id: number, ref: unknown, sendWindow = 1000) => ({
  t: 'opened',
  id,
  ref,
  kind: 'tcp',
  local: { address: '127.0.0.1', port: 5 },
  remote: { address: '127.0.0.1', port: 7 },
  sendWindow,
});
