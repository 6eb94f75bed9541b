import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ErrorMsg, OpenedMsg, ServerMessage } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { systemLookup, type LookupFn } from '../../server/target-policy.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { waitFor } from '../helpers/peers.js';
import { LITERAL_CORPUS, RULE } from './policy-bypass-corpus.js';
import { withHostsEntries } from './hosts-file.js';

/**
 * The corpus end to end: a page asks the gateway over the WebSocket, and listeners on the
 * denied addresses prove nothing arrived. Only loopback spellings are tried here, so even a
 * bypass could not send a packet off this machine (the metadata and public spellings run end
 * to end inside the network namespaces of test/netns, where nothing is routable).
 */

/** A TCP listener counting connections, and a UDP socket counting datagrams, on one address. */
async function tripwire(address: string, port = 0) {
  let connections = 0;
  const tcp = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => tcp.listen(port, address, r));
  const tcpPort = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket('udp4');
  let datagrams = 0;
  udp.on('message', () => datagrams++);
  await new Promise<void>((r) => udp.bind(0, address, r));
  return {
    tcpPort,
    udpPort: udp.address().port,
    get connections() {
      return connections;
    },
    get datagrams() {
      return datagrams;
    },
    close: () => (tcp.close(), udp.close()),
  };
}

let gw: Gateway;
let lab: Awaited<ReturnType<typeof tripwire>>;
let guard: Awaited<ReturnType<typeof tripwire>>;
let guard6: net.Server;
let guard6Connections = 0;
const audit: string[] = [];
const hostsNames = new Set<string>();
/** Answers for names a test stages; `rebind.test` changes its answer on every lookup. */
const lookups: string[] = [];
let rebindAnswers: string[][] = [];

beforeAll(async () => {
  lab = await tripwire('127.77.0.1');
  guard = await tripwire('127.0.0.1');
  // The protected service also listens on ::1, on the same port.
  guard6 = net.createServer((s) => (guard6Connections++, s.destroy()));
  await new Promise<void>((r) => guard6.listen(guard.tcpPort, '::1', r));
  const lookup: LookupFn = async (host, family) => {
    lookups.push(host);
    if (hostsNames.has(host.toLowerCase())) return systemLookup(host, family);
    if (host === 'rebind.test') return rebindAnswers.shift() ?? ['127.0.0.1'];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  gw = await startGateway({
    port: 0,
    audit: (line) => audit.push(line),
    lookup,
    deny: ['127.77.0.0/16', `127.0.0.1:${guard.tcpPort}`, `[::1]:${guard.tcpPort}`, `127.0.0.1:${guard.udpPort}`],
  });
});
afterAll(async () => {
  await gw.close();
  lab.close();
  guard.close();
  guard6.close();
});

/** The corpus cases that can only ever reach loopback, retargeted at the tripwires' ports. */
const loopbackCases = LITERAL_CORPUS.filter((c) => c.loopback);

describe('the bypass corpus through the WebSocket', () => {
  it(`denies all ${loopbackCases.length} loopback spellings of denied targets for tcp.connect, names the rule, and nothing connects`, async () => {
    expect(loopbackCases.length).toBeGreaterThanOrEqual(20);
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    let id = 1;
    for (const c of loopbackCases) {
      const guarded = c.rule === RULE.redis || c.rule === RULE.redis6;
      const port = guarded ? guard.tcpPort : lab.tcpPort;
      const rule = c.rule === RULE.redis ? `--deny 127.0.0.1:${guard.tcpPort}` : c.rule === RULE.redis6 ? `--deny [::1]:${guard.tcpPort}` : c.rule;
      const reply = (await page.request({ t: 'tcp.connect', id: id++, host: c.host, port })) as ErrorMsg;
      expect(reply, `${c.host} (${c.trick})`).toMatchObject({ t: 'error', code: 'DENIED', rule, fatal: true });
    }
    expect(lab.connections).toBe(0);
    expect(guard.connections).toBe(0);
    expect(guard6Connections).toBe(0);
    // Every denial is in the audit log with its rule.
    expect(audit.filter((l) => / deny /.test(l) && /rule=/.test(l)).length).toBeGreaterThanOrEqual(loopbackCases.length);
    // The names were never handed to the resolver.
    expect(lookups).toEqual([]);
    await page.close();
  });

  it('the tripwires do see traffic that is allowed (so a zero above means something)', async () => {
    const open = await tripwire('127.0.0.1');
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '0x7f.1', port: open.tcpPort })).toMatchObject({ t: 'opened', remote: { address: '127.0.0.1' } });
    await waitFor(() => open.connections === 1);
    await page.close();
    open.close();
  });

  it('denies the same spellings as UDP destinations (SendTo), datagram by datagram, and none arrives', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    expect(await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1' })).toMatchObject({ t: 'opened' });
    const v4 = loopbackCases.filter((c) => !c.means.includes(':'));
    const errors: ServerMessage[] = [];
    const done = new Promise<void>((resolve) => {
      const check = () => (errors.length === v4.length ? resolve() : undefined);
      page.ws.on('message', (d, bin) => {
        if (bin) return;
        const m = JSON.parse(d.toString()) as ServerMessage;
        if (m.t === 'error') errors.push(m), check();
      });
    });
    for (const c of v4) {
      const port = c.rule === RULE.redis ? guard.udpPort : lab.udpPort;
      page.sendTo(1, c.host, port, Buffer.from(c.trick));
    }
    await done;
    for (const e of errors) expect(e).toMatchObject({ code: 'DENIED', id: 1 });
    expect(new Set(errors.map((e) => (e as ErrorMsg).rule))).toEqual(new Set([RULE.lab, `--deny 127.0.0.1:${guard.udpPort}`]));
    await new Promise((r) => setTimeout(r, 100));
    expect(lab.datagrams + guard.datagrams).toBe(0);
    await page.close();
  });

  it('the websockify endpoint applies the same policy (close 1011 naming DENIED)', async () => {
    for (const host of ['0x7f4d0001', '[::ffff:127.77.0.1]', '127.77.1']) {
      const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/websockify?token=${gw.token}&target=${host}:${lab.tcpPort}`, ['binary']);
      const [code, reason] = await new Promise<[number, string]>((r) => ws.on('close', (c, why) => r([c, why.toString()])));
      expect(code, host).toBe(1011);
      expect(reason, host).toMatch(/^DENIED: .*127\.77\.0\.1/);
    }
    expect(lab.connections).toBe(0);
  });
});

describe('names', () => {
  it('a real /etc/hosts entry for a denied address is denied end to end', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    await withHostsEntries(['127.77.0.1 denied.e2e.sockgate.test', '127.0.0.1 mixed.e2e.sockgate.test', '127.77.0.1 mixed.e2e.sockgate.test'], async () => {
      hostsNames.add('denied.e2e.sockgate.test').add('mixed.e2e.sockgate.test');
      try {
        for (const host of ['denied.e2e.sockgate.test', 'DENIED.e2e.sockgate.test.', 'mixed.e2e.sockgate.test']) {
          const reply = (await page.request({ t: 'tcp.connect', id: 1, host, port: lab.tcpPort })) as ErrorMsg;
          expect(reply, host).toMatchObject({ code: 'DENIED', rule: RULE.lab });
          expect(reply.message).toContain('127.77.0.1');
        }
      } finally {
        hostsNames.clear();
      }
    });
    expect(lab.connections).toBe(0);
    await page.close();
  });

  it('DNS rebinding: the answer that was checked is the one connected to; a changed answer is checked again', async () => {
    // Same port on an allowed and a denied loopback address.
    const allowed = net.createServer((s) => s.end('allowed'));
    await new Promise<void>((r) => allowed.listen(lab.tcpPort, '127.0.0.1', r));
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    lookups.length = 0;
    // A resolver that answers "allowed" the first time and "denied" every time after: a
    // gateway that resolved again to connect would land on the denied address.
    rebindAnswers = [['127.0.0.1'], ['127.77.0.1'], ['127.77.0.1'], ['127.77.0.1']];
    const opened = (await page.request({ t: 'tcp.connect', id: 1, host: 'rebind.test', port: lab.tcpPort })) as OpenedMsg;
    expect(opened).toMatchObject({ t: 'opened', remote: { address: '127.0.0.1', port: lab.tcpPort } });
    await page.until(() => page.bytes(1).toString() === 'allowed');
    expect(lookups).toEqual(['rebind.test']); // resolved once, for the check and the connect
    expect(lab.connections).toBe(0);
    // The next open sees the new answer, and it is checked.
    const denied = (await page.request({ t: 'tcp.connect', id: 2, host: 'rebind.test', port: lab.tcpPort })) as ErrorMsg;
    expect(denied).toMatchObject({ code: 'DENIED', rule: RULE.lab });
    // A connected UDP socket is resolved and checked once, then talks only to that address.
    rebindAnswers = [['127.0.0.1'], ['127.77.0.1']];
    const udpPeer = dgram.createSocket('udp4');
    const got: string[] = [];
    udpPeer.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => udpPeer.bind(lab.udpPort, '127.0.0.1', r));
    expect(await page.request({ t: 'udp.bind', id: 3, remoteHost: 'rebind.test', remotePort: lab.udpPort })).toMatchObject({
      t: 'opened',
      remote: { address: '127.0.0.1', port: lab.udpPort },
    });
    page.write(3, Buffer.from('one'));
    page.write(3, Buffer.from('two'));
    await waitFor(() => got.length === 2);
    // Unconnected UDP: every datagram to a name is resolved and checked on its own.
    rebindAnswers = [['127.0.0.1'], ['127.77.0.1'], ['127.0.0.1'], ['127.77.0.1']];
    expect(await page.request({ t: 'udp.bind', id: 4, host: '127.0.0.1' })).toMatchObject({ t: 'opened' });
    for (const n of ['a', 'b', 'c', 'd']) page.sendTo(4, 'rebind.test', lab.udpPort, Buffer.from(n));
    await waitFor(() => got.length === 4);
    await page.until(() => page.messages.filter((m) => m.t === 'error' && m.id === 4).length === 2);
    expect(got).toEqual(['one', 'two', 'a', 'c']);
    expect(page.messages.filter((m) => m.t === 'error' && m.id === 4)).toEqual([
      expect.objectContaining({ code: 'DENIED', rule: RULE.lab }),
      expect.objectContaining({ code: 'DENIED', rule: RULE.lab }),
    ]);
    expect(lab.datagrams).toBe(0);
    udpPeer.close();
    allowed.close();
    await page.close();
  });
});

describe('listening, multicast and broadcast', () => {
  it('listening or binding on a privileged port is denied, whatever the address spelling', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    let id = 1;
    for (const [t, host, port] of [
      ['tcp.listen', '127.0.0.1', 80],
      ['tcp.listen', '0.0.0.0', 22],
      ['tcp.listen', '[::]', 443],
      ['tcp.listen', '2130706433', 1023],
      ['udp.bind', '127.0.0.1', 53],
      ['udp.bind', '0.0.0.0', 67],
    ] as const) {
      const reply = (await page.request({ t, id: id++, host, port })) as ErrorMsg;
      expect(reply, `${t} ${host}:${port}`).toMatchObject({ code: 'DENIED', rule: expect.stringContaining('privileged port (< 1024)') });
    }
    expect(await page.request({ t: 'tcp.listen', id: id++, host: '127.0.0.1', port: 0 })).toMatchObject({ t: 'opened' });
    await page.close();
  });

  it('joining a multicast group the policy denies is refused; an allowed group on the same socket joins', async () => {
    const strict = await startGateway({ port: 0, audit: (l) => audit.push(l), deny: ['239.0.0.0/8'] });
    const page = await ProtocolClient.connect(strict.origin, strict.token);
    expect(await page.request({ t: 'udp.bind', id: 1, host: '0.0.0.0', port: 0 })).toMatchObject({ t: 'opened' });
    for (const group of ['239.1.2.3', '4009820675', '::ffff:239.1.2.3']) {
      expect(await page.request({ t: 'udp.join', id: 1, group, interface: '127.0.0.1' }), group).toMatchObject({ code: 'DENIED', rule: '--deny 239.0.0.0/8' });
    }
    expect(await page.request({ t: 'udp.join', id: 1, group: '224.0.0.251', interface: '127.0.0.1' })).toMatchObject({ t: 'ok', op: 'udp.join' });
    expect(audit.some((l) => / deny /.test(l) && l.includes('op=join') && l.includes('239.1.2.3'))).toBe(true);
    // Global-scope IPv6 multicast is not allowed by default.
    expect(await page.request({ t: 'udp.bind', id: 2, host: '::1', port: 0 })).toMatchObject({ t: 'opened' });
    expect(await page.request({ t: 'udp.join', id: 2, group: 'ff0e::1:3' })).toMatchObject({ code: 'DENIED', rule: RULE.publicNet });
    await page.close();
    await strict.close();
  });

  it('--deny broadcast: a broadcast datagram is refused with the rule and never sent; without the rule it arrives', async () => {
    const receiver = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const got: string[] = [];
    receiver.on('message', (m) => got.push(m.toString()));
    await new Promise<void>((r) => receiver.bind(0, '0.0.0.0', r));
    const port = receiver.address().port;
    const run = async (deny: string[]) => {
      const g = await startGateway({ port: 0, audit: null, deny });
      const page = await ProtocolClient.connect(g.origin, g.token);
      expect(await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', broadcast: true })).toMatchObject({ t: 'opened' });
      for (const host of ['127.255.255.255', '2147483647', '127.16777215']) page.sendTo(1, host, port, Buffer.from(`${deny.join()}:${host}`));
      if (deny.length) await page.until(() => page.messages.filter((m) => m.t === 'error').length === 3);
      else await waitFor(() => got.length === 3);
      const errors = page.messages.filter((m) => m.t === 'error');
      await page.close();
      await g.close();
      return errors;
    };
    const errors = await run(['broadcast']);
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toMatchObject({ code: 'DENIED', rule: '--deny broadcast' });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([]);
    expect(await run([])).toEqual([]);
    expect(got.sort()).toEqual([':127.16777215', ':127.255.255.255', ':2147483647']);
    receiver.close();
  });
});
