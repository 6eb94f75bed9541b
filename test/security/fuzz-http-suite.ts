/**
 * Property-based fuzzing of the gateway's HTTP and upgrade surface against a real gateway
 * process: request lines and targets, every header for plain requests and for upgrades, and the
 * query strings of /ws, /websockify, /api/*, /metrics and /admin/api (with the page and the admin
 * token, and each one's cookie). Every reply must be a well-formed HTTP status
 * (never 500, never a stack or a source path); every INVARIANT_EVERY cases the gateway must be
 * alive, answer /api/health, echo for a bystander page, and be back at its fds/RSS baseline.
 *
 * Safety: no generated request makes the gateway resolve a name or leave loopback. The
 * websockify `target` the gateway reads is always our own (first in the query, a loopback
 * literal or a value its parser rejects), and the gateway also denies every non-loopback range.
 * The admin close actions are POSTs, which only the request-line fuzz sends, and never with the
 * admin token: a fuzz case cannot close the bystander page. /admin/api/events (a stream that stays
 * open) is left out: with the token it would hold each case for the full timeout.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { assertHealthy, baseline, bystanderEcho, type Baseline } from '../helpers/gateway-invariant.js';
import { rawExchange, type RawReply } from './raw-http.js';

/** Requests sent in parallel per property run (one fast-check run = one batch). */
const PER_RUN = 10;
/** Cases between two full invariant checks. */
const INVARIANT_EVERY = 200;

/** The admin token the fuzzed gateway runs with (`--admin-token`). */
const ADMIN_TOKEN = 'fuzz-admin-token';

const LEAK = /\bat [\w.$<>]+ \(|node:internal|node_modules|\/work\/|file:\/\/|\.ts:\d+|\.js:\d+/;

/** Characters that break parsers: separators, percent, brackets, unicode, controls. */
const nasty = fc.constantFrom('/', '//', '[', ']', '%', '%%', '%E0%A4%A', '%00', '%ZZ', '@', ':', '?', '#', '&', '=', '+', ';', ',', '"', "'", '\\', ' ', '\t', '..', '*', 'é', '💥', '\u0000', '\u00ff', '\u2028', 'http://', '99999', '-1', '0x7f');
const piece = fc.oneof(nasty, fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.stringMatching(/^[a-z0-9.]{0,8}$/));
const junk = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join(''));
/** Header values: no CR/LF (those would be new headers or a body, fuzzed by the request line). */
const headerValue = fc.oneof(junk(12), fc.string({ maxLength: 40 }), fc.constant(''), fc.nat(5000).map((n) => 'x'.repeat(n))).map((v) => v.replace(/[\r\n]/g, ''));

/** What every reply must be: nothing (the gateway closed), or a status line with a defined code that is not 500, leaking nothing the request did not contain. */
function checkReply(request: string, reply: RawReply): void {
  if (reply.raw === '') return;
  expect(reply.raw, `reply to ${JSON.stringify(request.slice(0, 300))}`).toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
  expect(reply.status, `reply to ${JSON.stringify(request.slice(0, 300))}: ${reply.raw.slice(0, 300)}`).not.toBeGreaterThanOrEqual(500);
  // The page's source map names its sources by path: it is served only with the token, on purpose.
  if (/^\S+ \S*\.map[ ?]/.test(request) && reply.status === 200) return;
  const leak = LEAK.exec(reply.body);
  if (leak && !request.includes(leak[0])) throw new Error(`reply leaks ${leak[0]}: ${reply.body.slice(0, 300)}`);
}

/** Defines the HTTP fuzz suites with about `total` cases in all. */
export function defineHttpFuzz(total: number): void {
  const runs = Math.max(1, Math.round(total / 4 / PER_RUN));
  let gp: GatewayProcess;
  let echo: { port: number; close: () => Promise<void> };
  // websockify targets: a peer that hangs up at once, so streams end without the 2 s close grace.
  let sink: net.Server;
  let sinkPort: number;
  let base: Baseline;
  let cases = 0;
  let sinceCheck = 0;
  // RSS baseline: taken again after each surface's first INVARIANT_EVERY cases, since the first
  // large headers grow the heap once (a high-water mark, not a leak); what must not happen is
  // growth after that. The fd baseline is the one from before any case.
  let warmed = false;

  beforeAll(async () => {
    echo = await bystanderEcho();
    sink = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    sinkPort = (sink.address() as net.AddressInfo).port;
    gp = await spawnGateway(['--port', '0', '--deny', 'private', '--deny', 'multicast', '--deny', 'broadcast', '--deny', '169.254.0.0/16', '--deny', '[fe80::]/10', '--admin-token', ADMIN_TOKEN]);
    base = await baseline(gp, echo.port);
  });
  afterAll(async () => {
    await gp?.stop();
    await echo?.close();
    sink?.close();
  });

  const host = () => `127.0.0.1:${gp.port}`;
  /** Sends one batch in parallel, checks each reply and that the process lives; the full invariant every INVARIANT_EVERY cases. */
  const batch = async (requests: string[]) => {
    const replies = await Promise.all(
      requests.map(async (r) => {
        const t0 = performance.now();
        const reply = await rawExchange(gp.port, Buffer.from(r, 'latin1'), 5_000, true);
        if (process.env.SOCKGATE_FUZZ_TRACE && performance.now() - t0 > 300) console.log(`slow ${(performance.now() - t0).toFixed(0)} ms: ${r.slice(0, 80)} -> ${reply.raw.slice(0, 40)}`);
        return reply;
      }),
    );
    requests.forEach((r, i) => checkReply(r, replies[i]!));
    expect(gp.child.exitCode, `gateway exited; stderr: ${gp.stderr().slice(-1000)}`).toBeNull();
    cases += requests.length;
    sinceCheck += requests.length;
    if (sinceCheck >= INVARIANT_EVERY) {
      sinceCheck = 0;
      if (process.env.SOCKGATE_FUZZ_TRACE) console.log(`cases ${cases}: RSS ${(gp.rss() / 2 ** 20).toFixed(1)} MiB, fds ${gp.fds()}`);
      if (!warmed) {
        warmed = true;
        base = { ...base, rss: Math.max(base.rss, gp.rss()) };
      }
      const t0 = performance.now();
      await assertHealthy(gp, echo.port, base, { fdSlack: 2 });
      if (process.env.SOCKGATE_FUZZ_TRACE) console.log(`invariant took ${(performance.now() - t0).toFixed(0)} ms (fds now ${gp.fds()}, base ${base.fds})`);
    }
  };
  const many = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: PER_RUN, maxLength: PER_RUN });
  const token = () => fc.oneof(fc.constant(gp.token), headerValue);
  /** The page token, the admin token, or junk: each surface must tell them apart. */
  const anyToken = () => fc.oneof(fc.constant(gp.token), fc.constant(ADMIN_TOKEN), headerValue);
  /** A websockify target the gateway may read: a loopback literal (the sink, or a closed port) or text its parser rejects. */
  const target = () =>
    fc.oneof(
      fc.constantFrom(`127.0.0.1:${sinkPort}`, '127.0.0.1:1', `[::1]:${sinkPort}`, '127.0.0.1:0', '127.0.0.1:99999', '[::1', '[]:80'),
      junk(6).map((s) => `${s.replace(/[:\s]/g, '')}:x`),
    );
  const run = async (arb: fc.Arbitrary<string[]>) => {
    warmed = false;
    await fc.assert(fc.asyncProperty(arb, batch), { numRuns: runs, endOnFailure: true });
  };

  describe(`HTTP surface fuzz (${runs * PER_RUN * 4} cases against a real gateway process)`, () => {
    it('request lines: methods, targets with //, [, %, @, ports, unicode, huge', async () => {
      const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get', 'G ET', ''), fc.stringMatching(/^[A-Z]{1,12}$/));
      const targetText = fc.oneof(
        junk(10).map((s) => `/${s}`),
        junk(10).map((s) => `//${s}`),
        fc.constantFrom('//', '//[', '//a:99999/ws', '//@', '*', '/api/health', '/ws', '/websockify', '/app.js.map', '/metrics', '/admin/', '/admin/api/state', '/admin/api/pages/p1/close', '/admin/api/pages/p1/sockets/1/close', '/admin/api/grants/g/revoke', 'http://x/', 'http://[/', '127.0.0.1:80'),
        fc.nat(12_000).map((n) => `/${'a'.repeat(n)}`),
        junk(8),
      );
      const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'http/1.1', '', 'HTTP/1.1 extra');
      const line = fc.tuple(method, targetText, version).map(([m, t, v]) => `${m} ${t} ${v}\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
      await run(many(line));
    });

    it('every header of a plain request: Host, Origin, Cookie, Authorization and any other', async () => {
      const name = fc.oneof(fc.constantFrom('Host', 'Origin', 'Cookie', 'Authorization', 'Content-Length', 'Transfer-Encoding', 'Range', 'If-None-Match', 'X-Forwarded-Proto', 'Forwarded', 'Expect', 'Accept-Encoding'), fc.stringMatching(/^[A-Za-z-]{1,20}$/), junk(3));
      const headers = fc.array(fc.tuple(name, headerValue), { maxLength: 6 });
      const path = fc.constantFrom('/', '/index.html', '/app.js', '/app.js.map', '/api/health', '/api/interfaces', '/api/policy', '/api/labs', '/api/tcp-states?pair=127.0.0.1:1', '/metrics', '/admin', '/admin/?admin_token=fuzz-admin-token', '/admin/api/state', '/nope');
      const cookie = fc.oneof(
        anyToken().map((t) => `sockgate_token=${t}`),
        junk(8),
        token().map((t) => `sockgate_token=%; sockgate_token=${t}`),
        anyToken().map((t) => `sockgate_admin=${t}`),
        anyToken().map((t) => `sockgate_admin=%; sockgate_admin=${t}`),
      );
      const req = fc.tuple(path, headers, cookie, anyToken(), fc.boolean()).map(
        ([p, hs, c, t, withHost]) =>
          `GET ${p} HTTP/1.1\r\n${withHost ? `Host: ${host()}\r\n` : ''}Connection: close\r\nCookie: ${c}\r\nAuthorization: Bearer ${t}\r\n${hs.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`,
      );
      await run(many(req));
    });

    it('every header of an upgrade: Sec-WebSocket-Key/Version/Protocol/Extensions, Host, Origin, Cookie', async () => {
      const path = fc.oneof(fc.constant('/ws'), target().map((t) => `/websockify?target=${encodeURIComponent(t)}`), fc.constantFrom('/', '//', '/nope', '//[', '/ws/'));
      const key = fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), headerValue);
      const versionH = fc.oneof(fc.constantFrom('13', '8', '', '13, 8', '-1', '99999999999'), headerValue);
      const protocol = fc.oneof(fc.constantFrom('sockgate.v1', 'binary', 'base64', 'sockgate.v1, binary', ',', ''), headerValue);
      const extensions = fc.oneof(fc.constantFrom('permessage-deflate', 'permessage-deflate; client_max_window_bits', 'x-webkit-deflate-frame', ''), headerValue);
      const hostH = fc.oneof(fc.constant(host()), fc.constantFrom('localhost', `[::1]:1`, 'evil.example', ''), headerValue);
      const origin = fc.oneof(fc.constant(`http://${host()}`), fc.constantFrom('null', 'http://evil.example', ''), headerValue);
      const req = fc.tuple(path, key, versionH, protocol, extensions, hostH, origin, token(), fc.constantFrom('query', 'cookie', 'bearer')).map(
        ([p, k, v, pr, ex, h, o, t, how]) =>
          `GET ${p}${how === 'query' ? `${p.includes('?') ? '&' : '?'}token=${encodeURIComponent(t)}` : ''} HTTP/1.1\r\nHost: ${h}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${k}\r\nSec-WebSocket-Version: ${v}\r\nSec-WebSocket-Protocol: ${pr}\r\nSec-WebSocket-Extensions: ${ex}\r\nOrigin: ${o}\r\n` +
          `${how === 'cookie' ? `Cookie: sockgate_token=${t}\r\n` : ''}${how === 'bearer' ? `Authorization: Bearer ${t}\r\n` : ''}\r\n`,
      );
      await run(many(req));
    });

    it('query strings of /ws, /websockify, /api/*, /metrics and /admin/api', async () => {
      const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom('token', 'admin_token', 'target', 'pair', 'x', ''), junk(3)), junk(8)), { maxLength: 5 }).map((kv) => kv.map(([k, v]) => `${k}=${v}`).join('&'));
      const upgradeReq = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${host()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n`;
      // tcp-states reads the host's whole TCP table per request: a lighter weight keeps the suite fast.
      const req = fc.oneof(
        { weight: 3, arbitrary: fc.tuple(query, fc.boolean()).map(([q, auth]) => `${upgradeReq(`/ws?${q}`)}Sec-WebSocket-Protocol: sockgate.v1\r\n${auth ? `Authorization: Bearer ${gp.token}\r\n` : ''}\r\n`) },
        // Our target comes first: the gateway reads the first one, so junk after it never names a host.
        { weight: 3, arbitrary: fc.tuple(target(), query).map(([t, q]) => `${upgradeReq(`/websockify?target=${encodeURIComponent(t)}&${q}`)}Authorization: Bearer ${gp.token}\r\n\r\n`) },
        { weight: 3, arbitrary: fc.tuple(fc.constantFrom('/api/health', '/api/interfaces', '/api/policy', '/api/labs', '/api/tcp-states', '/api/nope', '/metrics', '/admin/api/state', '/admin/'), query, fc.constantFrom('', gp.token, ADMIN_TOKEN)).map(
          ([p, q, auth]) => `GET ${p}?${q} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n${auth ? `Authorization: Bearer ${auth}\r\n` : ''}\r\n`,
        ) },
        { weight: 1, arbitrary: fc.tuple(fc.array(fc.oneof(fc.constantFrom('127.0.0.1:1', '[::1]:80', '127.0.0.1:1,127.0.0.1:2', '10.0.0.1:80', ',', '[', '%ZZ'), junk(6)), { maxLength: 300 })).map(
          ([pairs]) => `GET /api/tcp-states?${pairs.map((p) => `pair=${p}`).join('&')} HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\nAuthorization: Bearer ${gp.token}\r\n\r\n`,
        ) },
      );
      await run(many(req));
    });

    it('ends healthy, with neither token in its log', async () => {
      await assertHealthy(gp, echo.port, base, { fdSlack: 2 });
      expect(gp.stderr()).not.toContain(gp.token);
      expect(gp.stderr()).not.toContain(ADMIN_TOKEN);
      expect(cases).toBeGreaterThanOrEqual(runs * PER_RUN * 4);
    });
  });
}
