import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  AccessControl,
  TOKEN_COOKIE,
  isLoopbackHost,
  presentedTokens,
  randomToken,
  tokensEqual,
  websockifyPathToken,
} from '../../server/access-control.js';

/** The only parts of a request AccessControl reads: the target and the headers. */
function req(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { url, headers } as unknown as IncomingMessage;
}

function gate(token: string, bindHost: string, port: number, origins: string[] = []): AccessControl {
  const ac = new AccessControl(token, bindHost, origins);
  ac.setPort(port);
  return ac;
}

describe('access-control', () => {
  it('makes fresh URL-safe tokens of 24 bytes and compares them exactly, whatever the lengths', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(randomToken()).not.toBe(t);
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(`${t}x`, t)).toBe(false);
    expect(tokensEqual(t.slice(0, -1), t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
    // One character changed (the token is random: it may itself start with X).
    expect(tokensEqual(`${t.startsWith('X') ? 'Y' : 'X'}${t.slice(1)}`, t)).toBe(false);
  });

  it('collects the token from the query, the /websockify/TOKEN path, a Bearer header and every cookie', () => {
    const got = presentedTokens(
      req('/websockify/p%20ath?token=q1&token=q2', {
        authorization: 'Bearer  bear ',
        cookie: `a=1; ${TOKEN_COOKIE}=c1; other=%E0%A4%A; ${TOKEN_COOKIE}="c%2F2"`,
      }),
    );
    expect(got).toEqual(['q1', 'q2', 'p ath', 'bear', 'c1', 'c/2']);
    expect(presentedTokens(req('/', { authorization: 'Basic abc' }))).toEqual([]);
    expect(presentedTokens(req('/?token=', { cookie: `${TOKEN_COOKIE}=` }))).toEqual([]);
  });

  it('never throws on malformed percent-encoding: a cookie is kept as sent, a path token is dropped', () => {
    expect(() => presentedTokens(req('/x', { cookie: `${TOKEN_COOKIE}=%E0%A4%A; ${TOKEN_COOKIE}=%` }))).not.toThrow();
    expect(presentedTokens(req('/x', { cookie: `${TOKEN_COOKIE}=%E0%A4%A; ${TOKEN_COOKIE}=%` }))).toEqual([
      '%E0%A4%A',
      '%',
    ]);
    expect(websockifyPathToken('/websockify/%E0%A4%A')).toBeUndefined();
    expect(websockifyPathToken('/websockify/abc')).toBe('abc');
    expect(websockifyPathToken('/websockify/a/b')).toBeUndefined();
    expect(websockifyPathToken('/websockify')).toBeUndefined();
    const ac = gate('%', '127.0.0.1', 8080);
    expect(ac.tokenValid(req('/', { cookie: `${TOKEN_COOKIE}=%E0%A4%A; ${TOKEN_COOKIE}=%` }))).toBe(true);
  });

  it('accepts a request when any presented token matches, and rejects when none does', () => {
    const ac = gate('s3cret', '127.0.0.1', 8080);
    expect(ac.tokenValid(req('/'))).toBe(false);
    expect(ac.tokenValid(req('/?token=wrong'))).toBe(false);
    expect(ac.tokenValid(req('/?token=wrong', { cookie: `x=s3cret; ${TOKEN_COOKIE}=s3cret` }))).toBe(true);
    expect(ac.tokenValid(req('/websockify/s3cret'))).toBe(true);
    expect(ac.tokenValid(req('/', { authorization: 'Bearer s3cret' }))).toBe(true);
    expect(ac.tokenValid(req('/', { cookie: `x=s3cret` }))).toBe(false);
    expect(gate('', '127.0.0.1', 8080).tokenValid(req('/'))).toBe(true);
  });

  it('tells loopback literals and localhost from names that merely look like them', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'LOCALHOST'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['127.evil.example', '10.0.0.1', '0.0.0.0', '::', 'localhost.example', '', 'example.com'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('on a loopback bind takes only loopback Host values with the port, or port-less loopback literals', () => {
    const ac = gate('', '127.0.0.1', 8080);
    for (const h of ['127.0.0.1:8080', 'localhost:8080', 'LocalHost:8080', '[::1]:8080', '127.0.0.1', 'localhost', '[::1]'])
      expect(ac.hostAllowed(req('/', { host: h })), h).toBe(true);
    for (const h of ['127.0.0.1:9090', 'evil.example:8080', 'evil.example', '127.0.0.1:', '::1', '', 'localhost:80'])
      expect(ac.hostAllowed(req('/', { host: h })), h).toBe(false);
    expect(ac.hostAllowed(req('/'))).toBe(false);
  });

  it('on a loopback bind behind a proxy takes the hosts of --allow-origin entries, and no other name', () => {
    const ac = gate('', '127.0.0.1', 8080, ['https://Lab.example', 'https://proxy.test:8443', '*']);
    for (const h of ['lab.example', 'lab.example:443', 'proxy.test:8443', '127.0.0.1:8080'])
      expect(ac.hostAllowed(req('/', { host: h })), h).toBe(true);
    for (const h of ['lab.example:8443', 'proxy.test', 'proxy.test:443', 'evil.example', '*'])
      expect(ac.hostAllowed(req('/', { host: h })), h).toBe(false);
  });

  it('on port 80 also takes the bare bind names; an IPv6 loopback bind takes its bracketed form', () => {
    expect(gate('', '127.0.0.1', 80).hostAllowed(req('/', { host: '127.0.0.1' }))).toBe(true);
    const v6 = gate('', '::1', 8080);
    expect(v6.hostAllowed(req('/', { host: '[::1]:8080' }))).toBe(true);
    expect(v6.hostAllowed(req('/', { host: '[::1]:8081' }))).toBe(false);
  });

  it('on a non-loopback bind takes any non-empty Host, but port-less loopback is not special there', () => {
    const ac = gate('', '0.0.0.0', 8080);
    expect(ac.hostAllowed(req('/', { host: 'gateway.lan:8080' }))).toBe(true);
    expect(ac.hostAllowed(req('/', { host: 'anything' }))).toBe(true);
    expect(ac.hostAllowed(req('/', { host: '' }))).toBe(false);
    expect(ac.hostAllowed(req('/'))).toBe(false);
  });

  it('takes no Origin, the same origin over http(s), or a listed origin; nothing else', () => {
    const ac = gate('', '127.0.0.1', 8080, ['https://App.example/']);
    const host = '127.0.0.1:8080';
    expect(ac.originAllowed(req('/', { host }))).toBe(true);
    expect(ac.originAllowed(req('/', { host, origin: 'http://127.0.0.1:8080' }))).toBe(true);
    expect(ac.originAllowed(req('/', { host, origin: 'https://127.0.0.1:8080' }))).toBe(true);
    expect(ac.originAllowed(req('/', { host, origin: 'https://app.example' }))).toBe(true);
    expect(ac.originAllowed(req('/', { host, origin: 'https://other.example' }))).toBe(false);
    expect(ac.originAllowed(req('/', { host, origin: 'http://127.0.0.1:8081' }))).toBe(false);
    expect(ac.originAllowed(req('/', { host, origin: 'ftp://127.0.0.1:8080' }))).toBe(false);
    expect(ac.originAllowed(req('/', { host, origin: 'null' }))).toBe(false);
    expect(ac.originAllowed(req('/', { host, origin: '::::' }))).toBe(false);
    expect(gate('', '127.0.0.1', 8080, ['*']).originAllowed(req('/', { host, origin: 'https://x.example' }))).toBe(true);
  });
});
