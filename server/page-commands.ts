/** The per-socket control messages that need only the socket: `set`, `recv`, `end`, `window`, `udp.join`/`udp.leave` (checked by kind). */
import { ErrorCode, type SetMsg, type UdpMembershipMsg, type WindowMsg } from '../shared/protocol.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import { listening, type PageLink, type PageSocket } from './page-socket.js';


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


/**
 * `window`: a page gives back grown send credit or sets its receive window (docs/PROTOCOL.md,
 * "Adaptive windows"). No reply: it is bookkeeping, sent on idle timers, and an error says what was wrong.
 */
export function applyWindow(relay: PageSocket, msg: WindowMsg): void {
  if (relay.kind !== 'tcp' && relay.kind !== 'udp') throw new GatewayError(ErrorCode.InvalidState, `socket ${relay.id} is a listening socket: it has no windows`);
  relay.resize(msg);
}

/** `udp.join` / `udp.leave` on a UDP socket; a denied group is audited. */
export async function applyMembership(relay: PageSocket, msg: UdpMembershipMsg, page: Pick<PageLink, 'audit'>): Promise<void> {
  if (relay.kind !== 'udp') throw new GatewayError(ErrorCode.InvalidState, `socket ${msg.id} is not a UDP socket`);
  try {
    await relay.membership(msg.t === 'udp.join', msg.group, msg.interface, msg.source);
  } catch (err) {
    const e = toGatewayError(err);
    if (e.code === ErrorCode.Denied) page.audit('deny', { socket: msg.id, op: 'join', target: msg.group, rule: e.extra.rule });
    throw e;
  }
}
