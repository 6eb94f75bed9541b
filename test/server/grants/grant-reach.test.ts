/**
 * "A grant's page can reach exactly its targets": one gateway, one grant's page, a table per
 * direction (connect, listen, udp-bind, udp-send, broadcast, multicast) of allowed and denied
 * targets in the spellings of the policy corpus (2130706433, 0x7f.1, ::ffff:127.0.0.1, NAT64…).
 * Loopback cases go end to end over real sockets (a denied case that slipped through could only
 * reach this machine); broadcast, public and metadata targets are asked of the grant's live policy
 * (`resolve`, what every relay calls) so no packet can leave. The gateway's --deny beats the grant,
 * and the grant cannot widen the default policy unless the file says `grantsMayWiden`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../shared/protocol.js';
import { startGateway, type Gateway } from '../../../server/gateway.js';
import type { GrantStore } from '../../../server/grants/grant-store.js';
import { hashToken, serializeGrantsFile } from '../../../server/grants/grants-file.js';
import type { Operation } from '../../../server/target-policy.js';
import { freePort } from '../../helpers/nginx.js';
import { echoServer, udpPeer } from '../../helpers/peers.js';
import { ProtocolClient } from '../../helpers/protocol-client.js';

const TOKEN = 'reach-token-0123456789abcdef';
type Echo = Awaited<ReturnType<typeof echoServer>>;

/** 127.0.0.1 as a page might write it. */
const LOOPBACK_SPELLINGS = ['127.0.0.1', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '0177.1', '127.1', '127.0.1', '017700000001', '0x7f.0.0.1', '127.0.0.1.', '::ffff:127.0.0.1', '[::ffff:127.0.0.1]', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '64:ff9b::127.0.0.1', '::127.0.0.1'];
/** Loopback addresses the grant does not name (the gateway's default policy allows them all). */
const OTHER_LOOPBACK = ['127.0.0.2', '2130706434', '0x7f.2', '127.2', '::ffff:127.0.0.2', '::1', '[::1]', '0:0:0:0:0:0:0:1'];
/** 255.255.255.255 as a page might write it. */
const BROADCAST_SPELLINGS = ['255.255.255.255', '4294967295', '0xffffffff', '0XFFFFFFFF', '0377.0377.0377.0377', '0xff.0xff.0xff.0xff', '255.16777215', '255.255.65535', '255.255.255.255.', '::ffff:255.255.255.255', '[::ffff:255.255.255.255]', '::ffff:ffff:ffff'];
/** 239.1.2.3 as a page might write it. */
const GROUP_SPELLINGS = ['239.1.2.3', '4009820675', '0xef010203', '0357.1.2.3', '239.1.515', '239.66051', '0xef.1.2.3', '239.1.2.3.', '::ffff:239.1.2.3', '[::ffff:239.1.2.3]', '::ffff:ef01:203'];

interface Case {
  host: string;
  port: number;
  allowed: boolean;
  /** A denied case's error must name this. */
  rule?: RegExp;
}
const ok = (host: string, port: number): Case => ({ host, port, allowed: true });
const no = (host: string, port: number, rule = /grant reach/): Case => ({ host, port, allowed: false, rule });

describe("a grant's page reaches exactly its targets", () => {
  let dir: string;
  let gw: Gateway;
  let widening: Gateway;
  let page: ProtocolClient;
  /** The allowed echo server, and one behind the gateway's --deny. */
  let echo: Echo, barred: Echo;
  let peer: Awaited<ReturnType<typeof udpPeer>>;
  let listenPort: number;
  let nextId = 1;
  const PRIV = 900 + Math.floor(Math.random() * 100);

  beforeAll(async () => {
    [echo, barred, peer] = await Promise.all([echoServer(), echoServer(), udpPeer()]);
    listenPort = await freePort();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-grant-reach-'));
    const allow = [
      `connect:127.0.0.1:${echo.port}`,
      `connect:127.0.0.1:${barred.port}`, // the gateway's --deny beats this
      `connect:127.77.0.1:${echo.port}`, // and this (--deny 127.77.0.0/16)
      'connect:8.8.8.8:53', // public: the default policy denies it, and a grant cannot widen
      'connect:169.254.169.254:80', // cloud metadata: never, whatever the file says
      `listen:127.0.0.1:${listenPort}`,
      `listen:127.0.0.1:${PRIV}`, // privileged: only with grantsMayWiden
      `listen:127.0.0.1:${barred.port}`,
      'udp-bind:127.0.0.1',
      `udp-send:127.0.0.1:${peer.port}`,
      `udp-send:127.0.0.1:${barred.port}`,
      'broadcast:255.255.255.255:9',
      'multicast:239.1.2.3',
      'multicast:224.0.0.251:5353',
    ];
    const grant = (file: string, mayWiden: boolean) => fs.writeFileSync(file, serializeGrantsFile({ grantsMayWiden: mayWiden, grants: [{ id: 'reach', name: 'reach', tokenHash: hashToken(TOKEN), allow, limits: {}, revoked: false }] }));
    grant(path.join(dir, 'narrow.json'), false);
    grant(path.join(dir, 'widen.json'), true);
    const deny = [`127.0.0.1:${barred.port}`, '127.77.0.0/16'];
    gw = await startGateway({ port: 0, grants: path.join(dir, 'narrow.json'), deny, audit: null });
    widening = await startGateway({ port: 0, grants: path.join(dir, 'widen.json'), deny, audit: null });
    page = await ProtocolClient.connect(gw.origin, TOKEN);
  });

  afterAll(async () => {
    await page?.close();
    await gw?.close();
    await widening?.close();
    echo?.close();
    barred?.close();
    peer?.socket.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Opens (and closes again) one socket; resolves with the reply. */
  async function open(msg: Record<string, unknown>): Promise<ServerMessage> {
    const id = nextId++;
    const reply = await page.request({ ...msg, id } as never);
    if (reply.t === 'opened') await page.request({ t: 'close', id } as never);
    return reply;
  }

  function expectOutcome(c: Case, reply: ServerMessage, what: string): void {
    const summary = `${what} ${c.host}:${c.port} → ${JSON.stringify(reply).slice(0, 200)}`;
    if (c.allowed) {
      expect(reply.t === 'error' ? reply.code : 'fine', summary).not.toBe('DENIED');
      return;
    }
    expect(reply, summary).toMatchObject({ t: 'error', code: 'DENIED' });
    expect((reply as { message: string }).message, summary).toMatch(c.rule!);
  }

  /** The grant's live policy (the object the relays use), for targets no test may send to. */
  async function ask(c: Case, op: Operation, gateway = gw): Promise<void> {
    // gateway.grants is the GrantStore (typed by its admin face): its live grant holds the policy pages get.
    const policy = (gateway.grants as unknown as GrantStore).match(TOKEN)!.policy;
    const outcome = await policy.resolve(c.host, c.port, op).then(
      () => ({ t: 'fine' }),
      (err: Error & { code: string }) => ({ t: 'error', code: err.code, message: err.message }),
    );
    expectOutcome(c, outcome as ServerMessage, op);
  }

  it('connect: 32 cases end to end on loopback, 5 more asked of the policy', async () => {
    const e2e = [
      ...LOOPBACK_SPELLINGS.map((h) => ok(h, echo.port)),
      ...OTHER_LOOPBACK.map((h) => no(h, echo.port)),
      ...['127.0.0.1', '2130706433', '::ffff:127.0.0.1', '0x7f.1'].map((h) => no(h, barred.port, /--deny 127\.0\.0\.1:/)),
      no('127.0.0.1', echo.port + 1 === barred.port ? echo.port + 2 : echo.port + 1),
      no('127.77.0.1', echo.port, /--deny 127\.77\.0\.0\/16/),
      no('2135752705', echo.port, /--deny 127\.77\.0\.0\/16/), // 127.77.0.1 as one number
    ];
    for (const c of e2e) {
      const reply = await open({ t: 'tcp.connect', host: c.host, port: c.port });
      expectOutcome(c, reply, 'connect');
      if (c.allowed) expect(reply).toMatchObject({ t: 'opened', remote: { address: '127.0.0.1', port: echo.port } });
    }
    for (const c of [no('8.8.8.8', 53, /public internet/), no('134744072', 53, /public internet/), no('169.254.169.254', 80, /169\.254\.169\.254/), no('2852039166', 80, /169\.254\.169\.254/), no('10.0.0.5', 80)]) await ask(c, 'connect');
    expect(e2e.length + 5).toBeGreaterThanOrEqual(20);
  }, 20_000);

  it('listen: 30 cases, every one a real listen on loopback', async () => {
    const cases = [
      ...LOOPBACK_SPELLINGS.map((h) => ok(h, listenPort)),
      ...OTHER_LOOPBACK.map((h) => no(h, listenPort)),
      no('0.0.0.0', listenPort), // a wildcard listen is every address, not the one named
      no('::', listenPort),
      no('127.0.0.1', listenPort + 1),
      no('127.0.0.1', PRIV, /privileged|grant reach/),
      no('127.0.0.1', barred.port, /--deny 127\.0\.0\.1:/),
    ];
    for (const c of cases) expectOutcome(c, await open({ t: 'tcp.listen', host: c.host, port: c.port }), 'listen');
    expect(cases.length).toBeGreaterThanOrEqual(20);
  }, 20_000);

  it('udp-bind: 29 cases, every one a real bind on loopback', async () => {
    const cases = [
      ...LOOPBACK_SPELLINGS.map((h) => ok(h, 0)),
      ...OTHER_LOOPBACK.map((h) => no(h, 0)),
      no('0.0.0.0', 0),
      no('::', 0),
      no('127.0.0.1', barred.port, /--deny 127\.0\.0\.1:/),
    ];
    for (const c of cases) expectOutcome(c, await open({ t: 'udp.bind', host: c.host, port: c.port }), 'udp-bind');
    // No host at all is the wildcard: denied too.
    expect(await open({ t: 'udp.bind' })).toMatchObject({ t: 'error', code: 'DENIED' });
    expect(cases.length).toBeGreaterThanOrEqual(20);
  }, 20_000);

  it('udp-send: 24 datagrams (and 2 asked of the policy) from one real socket: allowed ones arrive, denied ones are refused by name', async () => {
    const id = nextId++;
    expect(await page.request({ t: 'udp.bind', id, host: '127.0.0.1', port: 0 } as never)).toMatchObject({ t: 'opened' });
    const cases = [
      ...LOOPBACK_SPELLINGS.map((h) => ok(h, peer.port)),
      ...OTHER_LOOPBACK.slice(0, 5).map((h) => no(h, peer.port)),
      no('127.0.0.1', peer.port + 1),
      no('127.0.0.1', barred.port, /--deny 127\.0\.0\.1:/),
    ];
    for (const [i, c] of cases.entries()) {
      const before = peer.got.length;
      const error = page.next((m) => m.t === 'error' && m.id === id, 3000).catch(() => undefined);
      page.sendTo(id, c.host, c.port, Buffer.from(`case ${i}`));
      if (c.allowed) {
        await page.until(() => peer.got.length > before, 3000);
        expect(peer.got.at(-1)!.data.toString(), c.host).toBe(`case ${i}`);
      } else {
        expectOutcome(c, (await error) ?? ({ t: 'no error' } as never), 'udp-send');
      }
    }
    expect(peer.got.map((g) => g.data.toString())).toEqual(cases.flatMap((c, i) => (c.allowed ? [`case ${i}`] : [])));
    for (const c of [no('8.8.8.8', 53, /public internet/), no('10.0.0.5', peer.port)]) await ask(c, 'send');
    await page.request({ t: 'close', id } as never);
  }, 20_000);

  it('broadcast: 25 cases asked of the policy (no broadcast leaves this machine)', async () => {
    const cases = [...BROADCAST_SPELLINGS.map((h) => ok(h, 9)), ...BROADCAST_SPELLINGS.map((h) => no(h, 10))];
    for (const c of cases) await ask(c, 'send');
    // The same address is not a connect target for the grant.
    await ask(no('255.255.255.255', 9), 'connect');
  });

  it('multicast: 20 joins on the loopback interface, and sends asked of the policy', async () => {
    const id = nextId++;
    expect(await page.request({ t: 'udp.bind', id, host: '127.0.0.1', port: 0 } as never)).toMatchObject({ t: 'opened' });
    const joins = [...GROUP_SPELLINGS.map((h) => ok(h, 0)), ...['239.1.2.4', '4009820676', '0xef010204', '239.255.255.250', '224.0.0.1', '::ffff:239.1.2.4', '224.0.0.252', 'ff02::fb', '[ff02::1]'].map((h) => no(h, 0))];
    for (const c of joins) {
      const reply = await page.request({ t: 'udp.join', id, group: c.host, interface: '127.0.0.1' } as never);
      expectOutcome(c, reply, 'join');
      if (!c.allowed) continue;
      expect(reply).toMatchObject({ t: 'ok', op: 'udp.join' });
      await page.request({ t: 'udp.leave', id, group: c.host, interface: '127.0.0.1' } as never);
    }
    await page.request({ t: 'close', id } as never);
    for (const c of [ok('224.0.0.251', 5353), ok('0xe00000fb', 5353), ok('239.1.2.3', 7), no('224.0.0.251', 5354), no('239.1.2.4', 7)]) await ask(c, 'send');
    expect(joins.length).toBeGreaterThanOrEqual(20);
  }, 20_000);

  it('grantsMayWiden lifts only default denials: a privileged listen and a public connect, never a --deny or metadata', async () => {
    const widened = await ProtocolClient.connect(widening.origin, TOKEN);
    expect(await widened.request({ t: 'tcp.listen', id: 1, host: '127.0.0.1', port: PRIV } as never)).toMatchObject({ t: 'opened' });
    await widened.request({ t: 'close', id: 1 } as never);
    expect(await widened.request({ t: 'tcp.listen', id: 2, host: '127.0.0.1', port: PRIV + 1 } as never)).toMatchObject({ t: 'error', code: 'DENIED' });
    expect(await widened.request({ t: 'tcp.connect', id: 3, host: '0x7f.1', port: barred.port } as never)).toMatchObject({ t: 'error', code: 'DENIED' });
    await widened.close();
    await ask(ok('8.8.8.8', 53), 'connect', widening);
    await ask(no('169.254.169.254', 80, /169\.254\.169\.254/), 'connect', widening);
    await ask(no('127.77.0.1', echo.port, /--deny 127\.77/), 'connect', widening);
    // The same file without grantsMayWiden: both default denials stand.
    await ask(no('8.8.8.8', 53, /public internet/), 'connect');
  });
});
