/** The HTTP lab's parser and builder: Content-Length, chunked and until-close bodies, any split across reads, pipelining, errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequest, buildResponse, parseHeaderLines } from '../../../shared/http/http-builder.js';
import { HttpParseError, HttpParser, type HttpMessage } from '../../../shared/http/http-parser.js';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Feeds `bytes` cut at `cuts` (sorted offsets) and then EOF; returns every message. */
function parse(kind: 'request' | 'response', bytes: Uint8Array, cuts: number[] = [], eof = true): HttpMessage[] {
  const p = new HttpParser({ kind });
  const out: HttpMessage[] = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...p.push(bytes.subarray(at, c)));
    at = c;
  }
  if (eof) out.push(...p.end());
  return out;
}

const chunked = enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5;name=x\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n');

describe('HttpParser', () => {
  it('a Content-Length response: status line, headers in order, body', () => {
    const [m] = parse('response', enc('HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\nContent-Length: 5\r\n\r\nhello'));
    expect(m).toMatchObject({ startLine: 'HTTP/1.0 200 OK', version: 'HTTP/1.0', status: 200, reason: 'OK', framing: 'content-length', headers: [['Server', 'SimpleHTTP/0.6'], ['Content-Length', '5']] });
    expect(text(m!.body)).toBe('hello');
  });

  it('a chunked response: chunk sizes, extensions ignored, trailers kept', () => {
    const [m] = parse('response', chunked);
    expect(m!.framing).toBe('chunked');
    expect(m!.chunkSizes).toEqual([5, 7]);
    expect(text(m!.body)).toBe('hello, world');
    expect(m!.headers.at(-1)).toEqual(['X-Trailer', 'yes']);
    expect(m!.wireBytes).toBe(chunked.length);
  });

  it('no length: the body runs until the connection closes', () => {
    const p = new HttpParser({ kind: 'response' });
    expect(p.push(enc('HTTP/1.1 200 OK\r\n\r\npart one, '))).toEqual([]);
    expect(p.partial?.bodyBytes).toBe(10);
    expect(p.push(enc('part two'))).toEqual([]);
    const [m] = p.end();
    expect([m!.framing, text(m!.body)]).toEqual(['until-close', 'part one, part two']);
  });

  it('gives the same message however the bytes are split across reads', () => {
    const whole = parse('response', chunked)[0]!;
    for (let i = 0; i <= chunked.length; i++) expect(parse('response', chunked, [i])).toEqual([whole]);
    const byteByByte = Array.from({ length: chunked.length }, (_, i) => i);
    expect(parse('response', chunked, byteByByte)).toEqual([whole]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: chunked.length }), { maxLength: 12 }), (cuts) => {
        expect(parse('response', chunked, cuts.sort((a, b) => a - b))).toEqual([whole]);
      }),
    );
  });

  it('pipelined requests in one read come out one by one; a request without a length has no body', () => {
    const two = enc('GET / HTTP/1.1\r\nHost: a\r\n\r\nPOST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nx=1');
    const [a, b] = parse('request', two);
    expect([a!.method, a!.target, a!.framing, a!.body.length]).toEqual(['GET', '/', 'none', 0]);
    expect([b!.method, b!.target, text(b!.body)]).toEqual(['POST', '/form', 'x=1']);
  });

  it('HEAD responses, 204 and 304 have no body whatever their headers say', () => {
    const p = new HttpParser({ kind: 'response' });
    p.expectNoBody();
    const [head] = p.push(enc('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n'));
    expect(head!.body.length).toBe(0);
    const [nc] = p.push(enc('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n'));
    expect([nc!.status, nc!.body.length]).toEqual([204, 0]);
  });

  it('refuses malformed input with a specific error', () => {
    const err = (kind: 'request' | 'response', s: string, eof = true) => {
      try {
        parse(kind, enc(s), [], eof);
        return 'no error';
      } catch (e) {
        expect(e).toBeInstanceOf(HttpParseError);
        return (e as Error).message;
      }
    };
    expect(err('response', 'SSH-2.0-OpenSSH\r\n\r\n')).toMatch(/bad status line/);
    expect(err('request', 'GET /\r\n\r\n')).toMatch(/bad request line/);
    expect(err('response', 'HTTP/1.1 200 OK\r\nBad Header\r\n\r\n')).toMatch(/bad header line/);
    expect(err('response', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toMatch(/bad chunk size/);
    expect(err('response', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!')).toMatch(/bad Content-Length/);
    expect(err('response', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort')).toMatch(/closed in the middle/);
    const big = new HttpParser({ kind: 'request', maxHeadBytes: 100 });
    expect(() => big.push(enc(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}`))).toThrow(/larger than 100 bytes/);
    const body = new HttpParser({ kind: 'response', maxBodyBytes: 10 });
    expect(() => body.push(enc('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'))).toThrow(/body larger than 10/);
  });
});

describe('HTTP builder', () => {
  it('a request gets Host and Content-Length when missing, and says so', () => {
    const { bytes, added } = buildRequest({ method: 'POST', path: '/echo', host: '127.0.0.1', port: 8000, headers: parseHeaderLines('User-Agent: lab\n\nAccept: */*'), body: enc('a=1') });
    expect(text(bytes)).toBe('POST /echo HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: lab\r\nAccept: */*\r\nContent-Length: 3\r\n\r\na=1');
    expect(added).toEqual(['Host', 'Content-Length']);
    expect(buildRequest({ method: 'GET', path: '/', host: 'x', port: 80, headers: [['host', 'y']], body: new Uint8Array() }).added).toEqual([]);
    expect(() => parseHeaderLines('Good: 1\nno colon here')).toThrow(/line 2/);
    expect(() => buildRequest({ method: 'G T', path: '/', host: 'x', port: 80, headers: [], body: new Uint8Array() })).toThrow(/token/);
  });

  it('any response it builds parses back to the same status, headers and body, Content-Length or chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 200, max: 599 }), (body, chunks, status) => {
        fc.pre(status !== 204 && status !== 304);
        const bytes = buildResponse({ status, reason: 'Lab', headers: [['Content-Type', 'text/plain']], body, chunks });
        const [m] = parse('response', bytes, [], false);
        expect([m!.status, m!.framing, [...m!.body]]).toEqual([status, chunks > 0 ? 'chunked' : 'content-length', [...body]]);
        expect(m!.headers[0]).toEqual(['Content-Type', 'text/plain']);
        if (chunks > 0) expect(m!.chunkSizes.reduce((a, b) => a + b, 0)).toBe(body.length);
      }),
    );
  });
});
