/**
 * MulticastController on an injected transport: the requests it makes, `joinedGroups` as each
 * request settles, and Chromium's errors for a closed socket, a repeated join, a leave of a group
 * not joined, a request already under way, and addresses that are not IP literals.
 */
import { describe, expect, it } from 'vitest';
import { MulticastController, type MulticastTransport } from '../../client/lib/multicast-controller.js';

/** A transport whose requests the test settles by hand. */
function transport() {
  const calls: Array<{ op: string; group: string; source: string | undefined; iface: string | undefined; resolve: () => void; reject: (e: unknown) => void }> = [];
  const t: MulticastTransport & { isOpen: boolean } = {
    isOpen: true,
    membership: (op, { group, source, iface }) => new Promise<void>((resolve, reject) => void calls.push({ op, group, source, iface, resolve, reject })),
  };
  return { t, calls };
}

describe('MulticastController', () => {
  it('joins and leaves through the transport; joinedGroups changes when the gateway has answered', async () => {
    const { t, calls } = transport();
    const mc = new MulticastController(t);
    const joining = mc.joinGroup('239.1.2.3', { interface: '127.0.0.1' });
    expect(calls.map((c) => [c.op, c.group, c.iface])).toEqual([['udp.join', '239.1.2.3', '127.0.0.1']]);
    expect(mc.joinedGroups).toEqual([]);
    calls[0]!.resolve();
    await joining;
    expect(mc.joinedGroups).toEqual(['239.1.2.3']);
    expect(Object.isFrozen(mc.joinedGroups)).toBe(true);

    const leaving = mc.leaveGroup('239.1.2.3');
    expect(calls[1]).toMatchObject({ op: 'udp.leave', group: '239.1.2.3', iface: undefined });
    calls[1]!.resolve();
    await leaving;
    expect(mc.joinedGroups).toEqual([]);
  });

  it('normalises IPv6 groups and refuses names, non-multicast groups, a bad source and a bad interface with TypeError', async () => {
    const { t, calls } = transport();
    const mc = new MulticastController(t);
    void mc.joinGroup('FF02:0:0::1');
    expect(calls[0]!.group).toBe('ff02::1');
    await expect(mc.joinGroup('all-hosts.example')).rejects.toBeInstanceOf(TypeError);
    await expect(mc.joinGroup('127.0.0.1')).rejects.toThrow(/not a multicast address/);
    await expect(mc.joinGroup('240.0.0.1')).rejects.toThrow(/not a multicast address/);
    await expect(mc.joinGroup('fe80::1')).rejects.toThrow(/not a multicast address/);
    await expect(mc.joinGroup('232.1.1.1', { sourceAddress: 'a-host' })).rejects.toBeInstanceOf(TypeError);
    await expect(mc.joinGroup('232.1.1.1', { sourceAddress: '::1' })).rejects.toThrow(/same IP family/);
    await expect(mc.joinGroup('239.1.1.1', { interface: 'eth0' })).rejects.toBeInstanceOf(TypeError);
    expect(calls).toHaveLength(1);
  });

  it('source-specific joins: one membership per (group, source); joinedGroups lists the group once', async () => {
    const { t, calls } = transport();
    const mc = new MulticastController(t);
    const a = mc.joinGroup('232.1.1.1', { sourceAddress: '127.0.0.1' });
    const b = mc.joinGroup('232.1.1.1', { sourceAddress: '127.0.0.2' });
    expect(calls.map((c) => [c.op, c.group, c.source])).toEqual([
      ['udp.join', '232.1.1.1', '127.0.0.1'],
      ['udp.join', '232.1.1.1', '127.0.0.2'],
    ]);
    calls[0]!.resolve();
    calls[1]!.resolve();
    await Promise.all([a, b]);
    expect(mc.joinedGroups).toEqual(['232.1.1.1']);
    await expect(mc.joinGroup('232.1.1.1', { sourceAddress: '127.0.0.1' })).rejects.toMatchObject({ name: 'InvalidStateError' });
    await expect(mc.leaveGroup('232.1.1.1')).rejects.toMatchObject({ name: 'InvalidStateError', message: 'Cannot leave group which is not joined' });
    const leaving = mc.leaveGroup('232.1.1.1', { sourceAddress: '127.0.0.1' });
    calls[2]!.resolve();
    await leaving;
    expect(mc.joinedGroups).toEqual(['232.1.1.1']);
  });

  it('has no public reset(): only the socket forgets the memberships when it closes', () => {
    const mc = new MulticastController(transport().t);
    expect('reset' in mc).toBe(false);
    expect(Object.getOwnPropertyNames(MulticastController.prototype).sort()).toEqual(['constructor', 'joinGroup', 'joinedGroups', 'leaveGroup']);
  });

  it("is an InvalidStateError to join twice, to leave what is not joined, to repeat a pending request, or on a closed socket", async () => {
    const { t, calls } = transport();
    const mc = new MulticastController(t);
    await expect(mc.leaveGroup('239.1.1.1')).rejects.toMatchObject({ name: 'InvalidStateError', message: 'Cannot leave group which is not joined' });
    const first = mc.joinGroup('239.1.1.1');
    await expect(mc.joinGroup('239.1.1.1')).rejects.toMatchObject({ name: 'InvalidStateError', message: 'Already joining this group' });
    calls[0]!.resolve();
    await first;
    await expect(mc.joinGroup('239.1.1.1')).rejects.toMatchObject({ name: 'InvalidStateError', message: 'Cannot join the same group again' });
    t.isOpen = false;
    await expect(mc.leaveGroup('239.1.1.1')).rejects.toMatchObject({ name: 'InvalidStateError', message: 'Cannot leave group if the socket is not opened' });
    expect(calls).toHaveLength(1);
  });

  it('a refused join leaves joinedGroups as it was and may be tried again', async () => {
    const { t, calls } = transport();
    const mc = new MulticastController(t);
    const refused = new Error('EADDRNOTAVAIL');
    const joining = mc.joinGroup('239.9.9.9');
    calls[0]!.reject(refused);
    await expect(joining).rejects.toBe(refused);
    expect(mc.joinedGroups).toEqual([]);
    void mc.joinGroup('239.9.9.9');
    expect(calls).toHaveLength(2);
  });
});
