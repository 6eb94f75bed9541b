import dgram from 'node:dgram';
import fc from 'fast-check';
import { expect } from 'vitest';
import { CloseCode, type ServerMessage } from '../../shared/protocol.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { DEFINED_CODES, assertHealthy, baseline, bystanderEcho, type Baseline } from '../helpers/gateway-invariant.js';
import { ProtocolClient } from '../helpers/protocol-client.js';

/**
 * What the fuzz suites share: a real gateway process whose policy lets pages reach only an echo
 * server (TCP) and a UDP echo peer on 127.0.0.1 — every other address and loopback port is
 * denied by --deny rules, so no generated case can touch anything else on the machine — and the
 * invariant checked after every batch. Generated hosts are IP literals only: the spawned gateway
 * uses the system resolver, which must never see a generated name.
 */

/** Cases per batch; the full invariant (alive, /api/health, bystander echo, fds, RSS) runs after each. */
export const BATCH = 250;
/** `npm run soak` sets SOCKGATE_FUZZ_SCALE to run many more batches. */
export const SCALE = Math.max(1, Number(process.env.SOCKGATE_FUZZ_SCALE ?? 1));

/** Every close code the protocol defines (a page still open has none). */
export const DEFINED_CLOSE_CODES: ReadonlySet<number> = new Set(Object.values(CloseCode));

export interface FuzzTarget {
  gp: GatewayProcess;
  echoPort: number;
  udpPort: number;
  base: Baseline;
  stop(): Promise<void>;
}

/** Deny rules leaving exactly `ports` on 127.0.0.0/8 reachable, and nothing else at all. */
function onlyLoopbackPorts(ports: number[]): string[] {
  const rules = ['0.0.0.0/2', '64.0.0.0/3', '96.0.0.0/4', '112.0.0.0/5', '120.0.0.0/6', '124.0.0.0/7', '126.0.0.0/8', '128.0.0.0/1', '::/0'];
  let from = 1;
  for (const p of [...ports].sort((a, b) => a - b)) {
    if (p > from) rules.push(`127.0.0.0/8:${from}-${p - 1}`);
    from = p + 1;
  }
  if (from <= 65535) rules.push(`127.0.0.0/8:${from}-65535`);
  return rules.flatMap((r) => ['--deny', r]);
}

/** Starts the echo peers and the gateway, and takes the baseline. */
export async function startFuzzTarget(): Promise<FuzzTarget> {
  const echo = await bystanderEcho();
  const udp = dgram.createSocket('udp4');
  udp.on('message', (m, r) => udp.send(m, r.port, r.address));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const udpPort = udp.address().port;
  const gp = await spawnGateway(['--port', '0', '--quiet', ...onlyLoopbackPorts([echo.port, udpPort])]);
  const base = await baseline(gp, echo.port);
  return {
    gp,
    echoPort: echo.port,
    udpPort,
    base,
    stop: async () => {
      await gp.stop();
      await echo.close();
      udp.close();
    },
  };
}

/** A page with sockets 1 (TCP to echo), 2 (UDP unconnected), 3 (UDP connected to the peer), 4 (TCP listener), 5 (relay to the echo). */
export async function fuzzPage(t: FuzzTarget): Promise<ProtocolClient> {
  const page = await ProtocolClient.connect(t.gp.origin, t.gp.token);
  const opened = await Promise.all([
    page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: t.echoPort }),
    page.request({ t: 'udp.bind', id: 2, host: '127.0.0.1' }),
    page.request({ t: 'udp.bind', id: 3, host: '127.0.0.1', remoteHost: '127.0.0.1', remotePort: t.udpPort }),
    page.request({ t: 'tcp.listen', id: 4, host: '127.0.0.1', port: 0 }),
    page.request({ t: 'relay.listen', id: 5, host: '127.0.0.1', port: 0, targetHost: '127.0.0.1', targetPort: t.echoPort }),
  ]);
  for (const o of opened) expect(o, JSON.stringify(o)).toMatchObject({ t: 'opened' });
  return page;
}

/**
 * Ends a batch: waits until the gateway has answered everything sent before a final request
 * (or closed the page), checks that every reply carries a defined code, closes the page and
 * checks the full invariant.
 */
export async function endBatch(t: FuzzTarget, page: ProtocolClient): Promise<void> {
  if (page.closeCode === undefined) {
    await page.request({ t: 'close', id: 0x7fff_fff0 }).catch(() => undefined);
    // Opens still in flight (connects to the echo) answer shortly after.
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const m of page.messages) {
    checkReply(m);
    const key = m.t === 'error' ? `error ${m.code}` : m.t;
    replyTally.set(key, (replyTally.get(key) ?? 0) + 1);
  }
  if (page.closeCode !== undefined) expect(DEFINED_CLOSE_CODES.has(page.closeCode) || page.closeCode === 1006, `close code ${page.closeCode}`).toBe(true);
  await page.close();
  await assertHealthy(t.gp, t.echoPort, t.base);
}

/** Replies seen across a suite, by type and error code: printed at the end to show what the cases reached. */
export const replyTally = new Map<string, number>();

/** The tally as one line, most frequent first. */
export const tallyLine = () => [...replyTally].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');

/** One reply from the gateway: only defined codes, never a stack. */
export function checkReply(m: ServerMessage): void {
  if (m.t === 'error') {
    expect(DEFINED_CODES.has(m.code), `undefined error code in ${JSON.stringify(m).slice(0, 300)}`).toBe(true);
    expect(m.code, `internal error: ${m.message}`).not.toBe('INTERNAL');
    expect(m.message).not.toMatch(/\n\s+at /);
  }
  if (m.t === 'closed' && m.error !== undefined) expect(DEFINED_CODES.has(m.error)).toBe(true);
}

/** IP literals only (loopback in many spellings, and addresses the policy must deny): never a name. */
export const safeHost = fc.constantFrom(
  '127.0.0.1', '127.0.0.2', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1',
  '64:ff9b::7f00:1', '::127.0.0.1', '0.0.0.0', '::', '10.0.0.1', '192.168.1.1', '169.254.169.254', '169.254.170.2',
  'fd00:ec2::23', '8.8.8.8', '64:ff9b::808:808', '224.0.0.251', '239.255.255.250', '255.255.255.255', 'ff02::1',
  'fe80::1%lo', '127.255.255.255',
);

/** Strings the parser must refuse as hosts (so they never reach a resolver). */
export const badHost = fc.oneof(
  fc.constantFrom('', ' ', 'a b', '/', 'x/y', '@', '#', '?', '\\', 'a'.repeat(256), '127.0.0.1/8', ' 127.0.0.1'),
  fc.string({ maxLength: 20 }).map((s) => `${s} /${s}`),
);

/** Numbers at and around every boundary a field has. */
export const edgeNumber = fc.constantFrom(
  0, -0, 1, -1, 2, 255, 256, 1023, 1024, 65535, 65536, 60_000, 60_001, 32_767_000, 32_767_001,
  2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1.5, 0.1, 1e308, -1e308, 0x7fff_ffff, 0x8000_0000,
);

/** Values of the wrong type for a host field: no free strings, which could be names. */
export const wrongNonString = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 2 ** 53, [], {}, ['127.0.0.1'], { host: '127.0.0.1' }),
  fc.array(fc.integer(), { maxLength: 3 }),
);

/** Values of the wrong type for any non-host field. */
export const wrongType = fc.oneof(
  fc.constantFrom(null, true, false, '', '0', '1', '65535', 'NaN', 'Infinity', '-1', '1e3', [], {}, [1], { a: 1 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
  fc.string({ maxLength: 30 }),
);
