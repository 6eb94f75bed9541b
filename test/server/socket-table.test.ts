import { describe, expect, it } from 'vitest';
import { GATEWAY_ID_BASE, MAX_SOCKET_ID } from '../../shared/protocol.js';
import type { ListenerSocket } from '../../server/page-socket.js';
import { SocketTable } from '../../server/socket-table.js';

/** The table only keys and counts: a listener that does nothing is all it needs to hold. */
const socket = (id: number): ListenerSocket => ({
  id,
  kind: 'tcp-server',
  bytesIn: 0,
  bytesOut: 0,
  lastActivity: 0,
  addresses: () => ({ local: { address: '127.0.0.1', port: 1 } }),
  close: () => {},
  destroy: () => {},
});

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'none';
};

describe('SocketTable', () => {
  it('an id is opening, then open, then gone: INVALID_STATE, the socket, UNKNOWN_SOCKET', () => {
    const table = new SocketTable();
    expect(codeOf(() => table.get(1))).toBe('UNKNOWN_SOCKET');
    table.reserve(1);
    expect(table.size).toBe(1);
    expect(codeOf(() => table.get(1))).toBe('INVALID_STATE');
    const s = socket(1);
    table.release(1);
    table.add(s);
    expect(table.size).toBe(1);
    expect(table.get(1)).toBe(s);
    expect(table.remove(s)).toBe(true);
    expect(table.remove(s)).toBe(false);
    expect(codeOf(() => table.get(1))).toBe('UNKNOWN_SOCKET');
    expect(table.size).toBe(0);
  });

  it('an id in use, open or opening, cannot be reserved again: SOCKET_EXISTS', () => {
    const table = new SocketTable();
    table.reserve(1);
    table.add(socket(2));
    expect(codeOf(() => table.reserve(1))).toBe('SOCKET_EXISTS');
    expect(codeOf(() => table.reserve(2))).toBe('SOCKET_EXISTS');
    expect(table.inUse(3)).toBe(false);
  });

  it('removing a socket whose id was reused leaves the new one in place', () => {
    const table = new SocketTable();
    const old = socket(4);
    table.add(old);
    table.remove(old);
    const reused = socket(4);
    table.add(reused);
    expect(table.remove(old)).toBe(false);
    expect(table.get(4)).toBe(reused);
  });

  it('accepted ids start at GATEWAY_ID_BASE, skip ids in use and wrap after MAX_SOCKET_ID', () => {
    const table = new SocketTable();
    expect(table.acceptedId()).toBe(GATEWAY_ID_BASE);
    table.add(socket(GATEWAY_ID_BASE + 1));
    expect(table.acceptedId()).toBe(GATEWAY_ID_BASE + 2);
    // Walk to the top of the range: the next id wraps around to the base.
    const walk = new SocketTable();
    (walk as unknown as { nextGatewayId: number }).nextGatewayId = MAX_SOCKET_ID;
    expect(walk.acceptedId()).toBe(MAX_SOCKET_ID);
    expect(walk.acceptedId()).toBe(GATEWAY_ID_BASE);
  });

  it('the page going away aborts every open in progress', () => {
    const table = new SocketTable();
    const a = table.reserve(1);
    const b = table.reserve(2);
    table.abortPending();
    expect([a.abort.signal.aborted, b.abort.signal.aborted]).toEqual([true, true]);
  });
});
