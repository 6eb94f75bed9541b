/**
 * The lab's packet capture (server/labs/packet-capture.ts, page-captures.ts): real tcpdump on lo,
 * a filter that is the connection's exact 4-tuple, the handshake / data / close / reset as the
 * kernel sent them, and the "what is missing" answers where tcpdump cannot run.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureMsg, OpenedMsg } from '../../shared/protocol.js';
import { PacketCapture, type CapturedPacket } from '../../server/labs/packet-capture.js';
import { freePort } from '../helpers/loopback-ports.js';
import { expectReply, gatewayWithPage, newId, sleep } from './fixture.js';

const flags = (p: { flags: string[] }) => p.flags.filter((f) => f !== 'PSH').join('+');


function collect(capture: PacketCapture): CapturedPacket[] {
  const list: CapturedPacket[] = [];
  capture.on('packet', (p) => list.push(p));
  return list;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

describe('packet capture with tcpdump on lo', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
    delete process.env.SOCKGATE_TCPDUMP;
  });

  it('captures exactly one connection: SYN, SYN-ACK, ACK, data, both FINs, and nothing of a second client', async () => {
    const server = net.createServer((s) => s.on('data', (d) => s.end(d)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    const localPort = await freePort();
    const capture = await PacketCapture.start({ address: '127.0.0.1', port: localPort }, { address: '127.0.0.1', port });
    cleanup.push(() => capture.stop());
    const packets = collect(capture);
    // Another client to the same server port: must not appear.
    const other = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => other.once('connect', r));
    other.end('other');
    const c = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1', localPort });
    await new Promise((r) => c.once('connect', r));
    c.write('hello');
    c.resume();
    await new Promise((r) => c.once('end', r));
    c.end();
    await until(() => packets.filter((p) => p.flags.includes('FIN')).length === 2 && flags(packets.at(-1)!) === 'ACK');
    const me = `127.0.0.1:${localPort}`;
    expect(packets.every((p) => p.src === me || p.dst === me)).toBe(true);
    const [syn, synAck, ack] = packets;
    expect([flags(syn!), flags(synAck!), flags(ack!)]).toEqual(['SYN', 'SYN+ACK', 'ACK']);
    expect(syn!.src).toBe(me);
    expect(synAck!.ack).toBe((syn!.seq + 1) >>> 0);
    expect(ack!.seq).toBe((syn!.seq + 1) >>> 0);
    expect(ack!.ack).toBe((synAck!.seq + 1) >>> 0);
    const data = packets.filter((p) => p.len > 0);
    expect(data.map((p) => [p.src === me ? 'out' : 'in', p.len])).toEqual([
      ['out', 5],
      ['in', 5],
    ]);
    // The frames are real Ethernet frames of lo with the payload in them.
    expect(Buffer.from(data[0]!.frame).toString('latin1')).toContain('hello');
    expect(capture.linkType).toBe(1);
  });

  it('a refused port: SYN answered by RST+ACK acknowledging seq + 1', async () => {
    const port = await freePort();
    const localPort = await freePort();
    const capture = await PacketCapture.start({ address: '127.0.0.1', port: localPort }, { address: '127.0.0.1', port });
    cleanup.push(() => capture.stop());
    const packets = collect(capture);
    const c = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1', localPort });
    await expect(new Promise((_, reject) => c.once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
    await until(() => packets.length >= 2);
    expect(packets.map(flags)).toEqual(['SYN', 'RST+ACK']);
    expect(packets[1]!.ack).toBe((packets[0]!.seq + 1) >>> 0);
  });

  it('says tcpdump is not installed when it is not there', async () => {
    process.env.SOCKGATE_TCPDUMP = '/nonexistent/tcpdump';
    await expect(PacketCapture.start({ address: '127.0.0.1', port: 1 }, { address: '127.0.0.1', port: 2 })).rejects.toThrow(/tcpdump is not installed \(no \/nonexistent\/tcpdump; on Debian: apt-get install tcpdump\)/);
  });

  it('says CAP_NET_RAW is missing when tcpdump may not capture', async () => {
    // The same tcpdump, run without CAP_NET_RAW / CAP_NET_ADMIN (setpriv drops them from the bounding set).
    const dir = mkdtempSync(join(tmpdir(), 'course-capture-'));
    const wrapper = join(dir, 'tcpdump');
    writeFileSync(wrapper, '#!/bin/sh\nexec setpriv --bounding-set -net_raw,-net_admin --inh-caps -net_raw,-net_admin /usr/bin/tcpdump "$@"\n');
    chmodSync(wrapper, 0o755);
    process.env.SOCKGATE_TCPDUMP = wrapper;
    await expect(PacketCapture.start({ address: '127.0.0.1', port: 1 }, { address: '127.0.0.1', port: 2 })).rejects.toThrow(/without CAP_NET_RAW\. Run it as root, or give tcpdump the capability: setcap cap_net_raw,cap_net_admin=eip/);
  });

  it('refuses anything but loopback', async () => {
    await expect(PacketCapture.start({ address: '10.0.0.1', port: 1 }, { address: '127.0.0.1', port: 2 })).rejects.toThrow(/loopback connections only/);
  });
});

describe('tcp.connect capture: true through the gateway', () => {
  it('streams start, the handshake, the close and end as capture messages', async () => {
    const { page, close } = await gatewayWithPage();
    try {
      const server = newId();
      const listening = expectReply(await page.request({ t: 'tcp.listen', id: server, host: '127.0.0.1', port: 0 }), 'opened') as OpenedMsg;
      const id = newId();
      const accepted = page.next((m) => m.t === 'accepted' && m.server === server);
      const opened = expectReply(await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: listening.local.port, capture: true }), 'opened') as OpenedMsg;
      const acc = (await accepted) as { id: number };
      const captures = () => page.messages.filter((m): m is CaptureMsg => m.t === 'capture' && m.id === id);
      expect(captures()[0]).toMatchObject({ event: 'start', filter: expect.stringContaining(`src port ${opened.local.port}`) });
      page.write(id, Buffer.from('hi'));
      await sleep(50);
      page.sendText(JSON.stringify({ t: 'close', id }));
      page.sendText(JSON.stringify({ t: 'close', id: acc.id }));
      await page.next((m) => m.t === 'capture' && m.id === id && m.event === 'end');
      const packets = captures().filter((m) => m.event === 'packet').map((m) => m.packet!);
      expect(packets.slice(0, 3).map(flags)).toEqual(['SYN', 'SYN+ACK', 'ACK']);
      expect(packets.some((p) => p.len === 2)).toBe(true);
      expect(packets.filter((p) => p.flags.includes('FIN'))).toHaveLength(2);
      expect(captures().find((m) => m.event === 'packet')!.linkType).toBe(1);
      expect(captures().at(-1)!.reason).toBe('the connection is over on the wire');
    } finally {
      await close();
    }
  });
});
