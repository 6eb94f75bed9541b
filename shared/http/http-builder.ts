/**
 * Builds the HTTP/1.1 messages of the HTTP lab as bytes: a request from the builder's fields and a
 * response for the page's web server, either with Content-Length or chunked. Header lines typed
 * by the student are parsed here too, so a bad line is refused with its reason. Pure.
 */
import { concatAll } from '../tools/macros.js';

/** A request as the builder's fields give it. */
export interface HttpRequestSpec {
  method: string;
  /** Request target, e.g. `/` or `/index.html?x=1`. */
  path: string;
  /** Used for the Host header when `headers` has none. */
  host: string;
  port: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** A response for the page's web server. */
export interface HttpResponseSpec {
  status: number;
  reason: string;
  headers: [string, string][];
  body: Uint8Array;
  /** Send the body as this many chunks (Transfer-Encoding: chunked); 0 = Content-Length. */
  chunks: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const encoder = new TextEncoder();

/** Parses `Name: value` lines (empty lines skipped); throws a RangeError naming the bad line. */
export function parseHeaderLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    const value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name)) throw new RangeError(`header line ${i + 1} is not "Name: value": ${JSON.stringify(line)}`);
    // A CR or LF in a value would start a new header (response splitting); text areas cannot hold one here, bytes could.
    if (/[\r\n\0]/.test(value)) throw new RangeError(`header line ${i + 1} has a control character in its value`);
    out.push([name, value]);
  }
  return out;
}

const has = (headers: [string, string][], name: string) => headers.some(([n]) => n.toLowerCase() === name);

function join(head: string, body: Uint8Array): Uint8Array {
  return concatAll([encoder.encode(head), body]);
}

/** The request's bytes; adds `Host` and `Content-Length` when the headers lack them (and says which in `added`). */
export function buildRequest(spec: HttpRequestSpec): { bytes: Uint8Array; added: string[] } {
  if (!TOKEN.test(spec.method)) throw new RangeError(`method ${JSON.stringify(spec.method)} is not a token`);
  if (!/^[^\s]+$/.test(spec.path)) throw new RangeError('the path must not be empty or contain spaces');
  const headers = [...spec.headers];
  const added: string[] = [];
  if (!has(headers, 'host')) {
    headers.unshift(['Host', spec.port === 80 ? spec.host : `${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`]);
    added.push('Host');
  }
  if (!has(headers, 'content-length') && !has(headers, 'transfer-encoding') && (spec.body.length > 0 || /^(POST|PUT|PATCH)$/.test(spec.method))) {
    headers.push(['Content-Length', String(spec.body.length)]);
    added.push('Content-Length');
  }
  const head = `${spec.method} ${spec.path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return { bytes: join(head, spec.body), added };
}

/** The response's bytes: Content-Length, or the body cut into `chunks` chunks; Connection: close unless given. */
export function buildResponse(spec: HttpResponseSpec): Uint8Array {
  const headers = spec.headers.filter(([n]) => !/^(content-length|transfer-encoding)$/i.test(n));
  if (!has(headers, 'connection')) headers.push(['Connection', 'close']);
  if (spec.chunks <= 0) {
    headers.push(['Content-Length', String(spec.body.length)]);
    return join(`HTTP/1.1 ${spec.status} ${spec.reason}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`, spec.body);
  }
  headers.push(['Transfer-Encoding', 'chunked']);
  const size = Math.max(1, Math.ceil(spec.body.length / spec.chunks));
  const parts: Uint8Array[] = [encoder.encode(`HTTP/1.1 ${spec.status} ${spec.reason}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`)];
  for (let at = 0; at < spec.body.length; at += size) {
    const piece = spec.body.subarray(at, at + size);
    parts.push(encoder.encode(`${piece.length.toString(16)}\r\n`), piece, encoder.encode('\r\n'));
  }
  parts.push(encoder.encode('0\r\n\r\n'));
  return concatAll(parts);
}
