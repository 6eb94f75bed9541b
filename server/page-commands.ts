/** The per-socket control messages that need only the socket: `set`, `recv`, `end` (checked by kind). */
import { ErrorCode, type SetMsg } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';
import { listening, type PageSocket } from './page-socket.js';


/** `set` on a socket of the kind its fields are for. */
export function applySet(relay: PageSocket, msg: SetMsg): void {
  if ((msg.manualRecv !== undefined || msg.readDelayMs !== undefined || msg.readSize !== undefined) && relay.kind !== 'tcp') {
    throw new GatewayError(ErrorCode.InvalidState, `socket ${msg.id} is not a TCP connection: manualRecv, readDelayMs and readSize are TCP receive options`);
  }
  if (relay.kind === 'tcp-server' || relay.kind === 'relay') throw new GatewayError(ErrorCode.InvalidState, `socket ${msg.id} is a listening socket: it has no options to set`);
  relay.set(msg);
}

/** Manual `recv` on a TCP connection. */
export function applyRecv(relay: PageSocket, max: number, ref?: number, how?: { timeoutMs?: number; nonBlocking?: boolean }): void {
  if (relay.kind !== 'tcp') throw new GatewayError(ErrorCode.InvalidState, `socket ${relay.id} is not a TCP connection: recv reads a TCP stream`);
  relay.recv(max, ref, how);
}

/** Half-close of a TCP connection. */
export function applyEnd(relay: PageSocket): void {
  if (relay.kind === 'udp') throw new GatewayError(ErrorCode.InvalidState, `socket ${relay.id} is UDP: there is no half-close`);
  if (relay.kind === 'tcp-server' || relay.kind === 'relay') throw listening(relay.id);
  relay.end();
}

