import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedMsg, ErrorMsg, OpenedMsg } from '../../shared/protocol.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { waitFor } from '../helpers/peers.js';
import { createNetnsLan, ip, isRoot, netnsRequired as required, type NetnsLan } from '../helpers/netns-lan.js';
import { LITERAL_CORPUS } from '../security/policy-bypass-corpus.js';

/**
 * A real LAN (test/helpers/netns-lan.ts): three network namespaces on a bridge, the gateway
 * (dist/sockgate.js) inside the first, peers (test/netns/lan-peer.mjs) in the other two. The test
 * process reaches the gateway through the bridge (it holds .254 on the subnet).
 */

const PEER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lan-peer.mjs');
const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/python');
const TCP_PORT = 7007;
const UDP_PORT = 2425; // IPMSG/FeiQ's port, as in the course
const GROUP = '239.77.0.1';
let lan: NetnsLan | undefined;
let SUBNET = '';
let NS: string[] = [];

interface Peer {
  child: ChildProcess;
  address: string;
  events: Array<Record<string, string>>;
  send(cmd: object): void;
}

async function startPeer(ns: string, address: string): Promise<Peer> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, PEER, address, String(TCP_PORT), String(UDP_PORT), GROUP]);
  const events: Peer['events'] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line)));
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await waitFor(() => events.some((e) => e.event === 'ready'), 10_000, `peer in ${ns} to start (${err})`);
  return { child, address, events, send: (cmd) => child.stdin!.write(JSON.stringify(cmd) + '\n') };
}

const title = isRoot
  ? 'a real LAN in network namespaces'
  : 'a real LAN in network namespaces — SKIPPED: not running as root, so network namespaces cannot be created (set SOCKGATE_REQUIRE_NETNS=1 to make this an error)';

describe.skipIf(!isRoot && !required)(title, () => {
  let gw: GatewayProcess;
  let peers: Peer[];
  let page: ProtocolClient;

  beforeAll(async () => {
    if (!isRoot) throw new Error('SOCKGATE_REQUIRE_NETNS=1 but not running as root: network namespaces need root');
    lan = createNetnsLan({ prefix: 'sg', octet2: 77, hosts: 3 });
    SUBNET = lan.subnet;
    NS = lan.namespaces;
    peers = [await startPeer(NS[1]!, `${SUBNET}.2`), await startPeer(NS[2]!, `${SUBNET}.3`)];
    // The gateway with its default policy, plus one port denied on host 3.
    gw = await spawnGateway(['--host', `${SUBNET}.1`, '--port', '0', '--token', 'lan-token', '--deny', `${SUBNET}.3:7008`], { netns: NS[0], token: 'lan-token' });
    page = await ProtocolClient.connect(gw.origin, gw.token);
  }, 60_000);

  afterAll(async () => {
    await page?.close().catch(() => {});
    await gw?.stop();
    for (const p of peers ?? []) p.child.kill();
    lan?.remove();
    if (lan) expect(ip('netns', 'list')).not.toContain(lan.tag);
  });

  it('the gateway lists its LAN interface with netmask and directed broadcast', async () => {
    const res = await fetch(`${gw.origin}/api/interfaces?token=${gw.token}`);
    const { interfaces } = (await res.json()) as { interfaces: Array<{ name: string; address: string; netmask: string; broadcast: string | null }> };
    expect(interfaces).toContainEqual(expect.objectContaining({ name: 'eth0', address: `${SUBNET}.1`, netmask: '255.255.255.0', broadcast: `${SUBNET}.255` }));
  });

  it('TCP across hosts, both ways: the page dials host 2; host 3 dials the page’s listener (private range allowed by default)', async () => {
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: `${SUBNET}.2`, port: TCP_PORT })) as OpenedMsg;
    expect(opened).toMatchObject({ t: 'opened', local: { address: `${SUBNET}.1` }, remote: { address: `${SUBNET}.2`, port: TCP_PORT } });
    page.write(1, Buffer.from('hello across the LAN'));
    await page.until(() => page.bytes(1).toString() === 'hello across the LAN');
    // The peer's event line travels through its stdout pipe and can arrive after the echo.
    await waitFor(() => peers[0]!.events.some((e) => e.event === 'tcp-accept'), 5000, 'the peer to report the accept');
    expect(peers[0]!.events).toContainEqual({ event: 'tcp-accept', from: `${SUBNET}.1` });

    const server = (await page.request({ t: 'tcp.listen', id: 2, host: `${SUBNET}.1`, port: 0 })) as OpenedMsg;
    const accepted = page.next((m) => m.t === 'accepted');
    peers[1]!.send({ cmd: 'tcp', host: `${SUBNET}.1`, port: server.local.port, text: 'from host 3' });
    const a = (await accepted) as AcceptedMsg;
    expect(a.remote.address).toBe(`${SUBNET}.3`);
    page.credit(a.id, 65536);
    await page.until(() => page.bytes(a.id).toString() === 'from host 3');
    page.write(a.id, Buffer.from('hi host 3'));
    await waitFor(() => peers[1]!.events.some((e) => e.event === 'tcp-data' && e.text === 'hi host 3'));
  });

  it('a --deny rule on one LAN host and port is enforced on the real subnet', async () => {
    const reply = (await page.request({ t: 'tcp.connect', id: 3, host: `${SUBNET}.3`, port: 7008 })) as ErrorMsg;
    expect(reply).toMatchObject({ code: 'DENIED', rule: `--deny ${SUBNET}.3:7008` });
    expect(peers[1]!.events.filter((e) => e.event === 'tcp-accept')).toEqual([]);
  });

  it('UDP directed broadcast to the subnet’s .255 reaches every other host', async () => {
    expect(await page.request({ t: 'udp.bind', id: 10, host: '0.0.0.0', port: 0, broadcast: true })).toMatchObject({ t: 'opened' });
    page.sendTo(10, `${SUBNET}.255`, UDP_PORT, Buffer.from('1:100:lab:host1:32:hello everyone'));
    for (const p of peers) {
      await waitFor(() => p.events.some((e) => e.event === 'udp' && e.text.endsWith('hello everyone')), 5000, `broadcast at ${p.address}`);
      expect(p.events.find((e) => e.event === 'udp')).toMatchObject({ from: `${SUBNET}.1` });
    }
    // Without SO_BROADCAST the kernel refuses, and the page is told why.
    expect(await page.request({ t: 'udp.bind', id: 11, host: '0.0.0.0', port: 0 })).toMatchObject({ t: 'opened' });
    page.sendTo(11, `${SUBNET}.255`, UDP_PORT, Buffer.from('no flag'));
    expect(await page.next((m) => m.t === 'error' && m.id === 11)).toMatchObject({ code: 'PERMISSION', message: expect.stringContaining('broadcast: true') });
  });

  it("the course's own UDP broadcast receiver (Python, bound to '') on host 3 gets the page's directed broadcast", async () => {
    const child = spawn('ip', ['netns', 'exec', NS[2]!, 'python3', '-u', path.join(FIXTURES, 'udp_broadcast_receiver.py'), '9090']);
    try {
      const lines: string[] = [];
      readline.createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
      await waitFor(() => lines.includes('ready 9090'), 10_000, 'udp_broadcast_receiver.py to bind');
      expect(await page.request({ t: 'udp.bind', id: 12, host: '0.0.0.0', port: 0, broadcast: true })).toMatchObject({ t: 'opened' });
      page.sendTo(12, `${SUBNET}.255`, 9090, Buffer.from('hello from the page'));
      await waitFor(() => lines.some((l) => l.endsWith(' hello from the page')), 5000, 'the broadcast at the Python receiver');
      expect(lines.find((l) => l.startsWith('from '))).toMatch(new RegExp(`^from ${SUBNET.replace(/\./g, '\\.')}\\.1:\\d+ hello from the page$`));
    } finally {
      child.kill();
    }
  });

  it('multicast across hosts: the page sends to a group both hosts joined, and receives a host’s multicast after joining', async () => {
    expect(await page.request({ t: 'udp.bind', id: 20, host: '0.0.0.0', port: 0, multicastInterface: `${SUBNET}.1`, multicastTTL: 1 })).toMatchObject({ t: 'opened' });
    page.sendTo(20, GROUP, UDP_PORT, Buffer.from('to the group'));
    for (const p of peers) await waitFor(() => p.events.some((e) => e.event === 'udp' && e.text === 'to the group'), 5000, `multicast at ${p.address}`);

    const bound = (await page.request({ t: 'udp.bind', id: 21, host: '0.0.0.0', port: 0, reuseAddr: true })) as OpenedMsg;
    expect(await page.request({ t: 'udp.join', id: 21, group: '239.77.0.2', interface: `${SUBNET}.1` })).toMatchObject({ t: 'ok' });
    peers[0]!.send({ cmd: 'udp', host: '239.77.0.2', port: bound.local.port, text: 'group news from host 2' });
    await page.until(() => (page.received.get(21) ?? []).length > 0, 5000);
    expect(page.received.get(21)![0]).toMatchObject({ host: `${SUBNET}.2` });
    expect(page.received.get(21)![0]!.payload.toString()).toBe('group news from host 2');
  });

  it('denied targets stay denied on a real network: metadata, public and unspecified spellings (nothing is routable here)', async () => {
    const cases = LITERAL_CORPUS.filter((c) => !c.loopback);
    expect(cases.length).toBeGreaterThanOrEqual(40);
    let id = 100;
    for (const c of cases) {
      const reply = (await page.request({ t: 'tcp.connect', id: id++, host: c.host, port: c.port })) as ErrorMsg;
      expect(reply, `${c.host} (${c.trick})`).toMatchObject({ code: 'DENIED', rule: c.rule });
    }
    // The gateway logged each denial with its rule (stderr is the audit log).
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.stderr().split('\n').filter((l) => / deny /.test(l)).length).toBeGreaterThanOrEqual(cases.length);
  });
});
