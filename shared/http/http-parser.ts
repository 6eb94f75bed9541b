/**
 * An incremental HTTP/1.x message parser for the HTTP lab: bytes go in as the reads came (a
 * message may be split anywhere, or several may share one read), complete messages come out with
 * their start line, headers and body, and how the body was delimited (Content-Length, chunked,
 * until the connection closed, or none). Requests and responses; bounded head and body sizes.
 * Pure: Uint8Array only, no Node or DOM types.
 */
import { concatAll } from '../tools/macros.js';

/** How a message's body ended. */
export type HttpBodyFraming = 'content-length' | 'chunked' | 'until-close' | 'none';

/** One parsed message. */
export interface HttpMessage {
  /** The first line as sent, without its line end. */
  startLine: string;
  /** `HTTP/1.1`. */
  version: string;
  /** Requests: method and target. */
  method?: string;
  target?: string;
  /** Responses: status code and reason phrase. */
  status?: number;
  reason?: string;
  /** Header fields in order, names as sent. */
  headers: [string, string][];
  body: Uint8Array;
  framing: HttpBodyFraming;
  /** Chunked bodies: each chunk's size as announced, in order (the final 0 not included). */
  chunkSizes: number[];
  /** Bytes of the whole message on the wire (head, framing, body, trailers). */
  wireBytes: number;
}

/** A malformed message; `offset` is where in the message's bytes the parser gave up. */
export class HttpParseError extends Error {
  override readonly name = 'HttpParseError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Limits: a head larger than `maxHeadBytes`, or a body larger than `maxBodyBytes`, is an error. */
export interface HttpParserOptions {
  kind: 'request' | 'response';
  maxHeadBytes?: number;
  maxBodyBytes?: number;
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

type State =
  | { at: 'head' }
  | { at: 'length'; left: number }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; left: number }
  | { at: 'chunk-end' }
  | { at: 'trailers' }
  | { at: 'until-close' };

/** Parses one connection's direction; call {@link HttpParser.push} per read and {@link HttpParser.end} at EOF. */
export class HttpParser {
  readonly #kind: 'request' | 'response';
  readonly #maxHead: number;
  readonly #maxBody: number;
  #buf: Uint8Array = new Uint8Array(0);
  #state: State = { at: 'head' };
  #msg: HttpMessage | undefined;
  #body: Uint8Array[] = [];
  #bodyBytes = 0;
  #wire = 0;
  /** Requests whose responses have no body (HEAD): the caller says so with {@link expectNoBody}. */
  #noBody = 0;

  constructor(options: HttpParserOptions) {
    this.#kind = options.kind;
    this.#maxHead = options.maxHeadBytes ?? 64 * 1024;
    this.#maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  }

  /** The head of the message being read, once its head is complete (its body so far in `bodyBytes`). */
  get partial(): { message: HttpMessage; bodyBytes: number } | undefined {
    return this.#msg && { message: this.#msg, bodyBytes: this.#bodyBytes };
  }

  /** Bytes received but not yet part of a message. */
  get buffered(): number {
    return this.#buf.length;
  }

  /** Responses only: the next response answers a HEAD request, so it has no body whatever its headers say. */
  expectNoBody(): void {
    this.#noBody++;
  }

  /** Feeds one read; returns the messages it completed (none, one or several). Throws {@link HttpParseError}. */
  push(bytes: Uint8Array): HttpMessage[] {
    this.#buf = concatAll([this.#buf, bytes]);
    const out: HttpMessage[] = [];
    for (let m = this.#step(); m !== 'more'; m = this.#step()) if (m) out.push(m);
    return out;
  }

  /** The peer closed: ends a body read until close; throws if a message was cut short. */
  end(): HttpMessage[] {
    if (this.#state.at === 'until-close' && this.#msg) return [this.#finish()];
    if (this.#msg || this.#buf.length > 0) throw new HttpParseError(`connection closed in the middle of a message (${this.#state.at})`, this.#wire);
    return [];
  }

  /** One step: a completed message, null (progress, go on) or 'more' (needs bytes). */
  #step(): HttpMessage | null | 'more' {
    const s = this.#state;
    switch (s.at) {
      case 'head':
        return this.#head();
      case 'length': {
        if (this.#buf.length === 0) return 'more';
        const n = Math.min(s.left, this.#buf.length);
        this.#take(n, true);
        s.left -= n;
        return s.left === 0 ? this.#finish() : 'more';
      }
      case 'chunk-size': {
        const line = this.#line();
        if (line === undefined) return 'more';
        const hex = line.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new HttpParseError(`bad chunk size line ${JSON.stringify(line)}`, this.#wire);
        const size = parseInt(hex, 16);
        if (size === 0) this.#state = { at: 'trailers' };
        else {
          this.#msg!.chunkSizes.push(size);
          this.#state = { at: 'chunk-data', left: size };
        }
        return null;
      }
      case 'chunk-data': {
        if (this.#buf.length === 0) return 'more';
        const n = Math.min(s.left, this.#buf.length);
        this.#take(n, true);
        s.left -= n;
        if (s.left === 0) this.#state = { at: 'chunk-end' };
        return null;
      }
      case 'chunk-end': {
        const line = this.#line();
        if (line === undefined) return 'more';
        if (line !== '') throw new HttpParseError('chunk data longer than its size line said', this.#wire);
        this.#state = { at: 'chunk-size' };
        return null;
      }
      case 'trailers': {
        const line = this.#line();
        if (line === undefined) return 'more';
        if (line === '') return this.#finish();
        this.#msg!.headers.push(this.#field(line));
        return null;
      }
      case 'until-close':
        if (this.#buf.length > 0) this.#take(this.#buf.length, true);
        return 'more';
    }
  }

  /** A line ending in CRLF (or a bare LF) at the front of the buffer, consumed; undefined if incomplete. */
  #line(): string | undefined {
    const lf = this.#buf.indexOf(0x0a);
    if (lf < 0) {
      if (this.#buf.length > this.#maxHead) throw new HttpParseError(`a line longer than ${this.#maxHead} bytes`, this.#wire);
      return undefined;
    }
    const end = lf > 0 && this.#buf[lf - 1] === 0x0d ? lf - 1 : lf;
    const line = latin1(this.#buf.subarray(0, end));
    this.#take(lf + 1, false);
    return line;
  }

  #take(n: number, body: boolean): void {
    if (body) {
      this.#bodyBytes += n;
      if (this.#bodyBytes > this.#maxBody) throw new HttpParseError(`body larger than ${this.#maxBody} bytes`, this.#wire);
      this.#body.push(this.#buf.slice(0, n));
    }
    this.#wire += n;
    this.#buf = this.#buf.subarray(n);
  }

  #field(line: string): [string, string] {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HttpParseError(`bad header line ${JSON.stringify(line)}`, this.#wire);
    return [name, line.slice(colon + 1).trim()];
  }

  #head(): HttpMessage | null | 'more' {
    // Blank lines before a message are allowed (RFC 9112 §2.2).
    while (this.#buf[0] === 0x0a || (this.#buf[0] === 0x0d && this.#buf[1] === 0x0a)) this.#take(this.#buf[0] === 0x0a ? 1 : 2, false);
    const headEnd = findHeadEnd(this.#buf);
    if (headEnd < 0) {
      if (this.#buf.length > this.#maxHead) throw new HttpParseError(`head larger than ${this.#maxHead} bytes without an empty line`, this.#wire);
      return 'more';
    }
    this.#wire = 0;
    const startLine = this.#line()!;
    const msg: HttpMessage = { startLine, version: '', headers: [], body: new Uint8Array(0), framing: 'none', chunkSizes: [], wireBytes: 0 };
    const parts = startLine.split(' ');
    if (this.#kind === 'request') {
      if (parts.length !== 3 || !TOKEN.test(parts[0]!) || !/^HTTP\/\d\.\d$/.test(parts[2]!)) throw new HttpParseError(`bad request line ${JSON.stringify(startLine)}`, 0);
      [msg.method, msg.target, msg.version] = parts as [string, string, string];
    } else {
      if (!/^HTTP\/\d\.\d$/.test(parts[0]!) || !/^\d{3}$/.test(parts[1] ?? '')) throw new HttpParseError(`bad status line ${JSON.stringify(startLine)}`, 0);
      msg.version = parts[0]!;
      msg.status = Number(parts[1]);
      msg.reason = parts.slice(2).join(' ');
    }
    for (let line = this.#line()!; line !== ''; line = this.#line()!) msg.headers.push(this.#field(line));
    this.#msg = msg;
    this.#body = [];
    this.#bodyBytes = 0;
    const get = (name: string) => msg.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
    const status = msg.status ?? 0;
    const noBody = this.#kind === 'response' && (this.#noBody > 0 || (status >= 100 && status < 200) || status === 204 || status === 304);
    if (this.#kind === 'response' && this.#noBody > 0) this.#noBody--;
    const te = get('transfer-encoding').join(',').toLowerCase();
    const lengths = get('content-length');
    if (noBody) return this.#finish();
    if (te.split(',').some((t) => t.trim() === 'chunked')) {
      msg.framing = 'chunked';
      this.#state = { at: 'chunk-size' };
      return null;
    }
    if (lengths.length > 0) {
      const distinct = [...new Set(lengths.flatMap((v) => v.split(',').map((x) => x.trim())))];
      if (distinct.length !== 1 || !/^\d{1,15}$/.test(distinct[0]!)) throw new HttpParseError(`bad Content-Length ${JSON.stringify(lengths.join(', '))}`, this.#wire);
      const left = Number(distinct[0]);
      if (left > this.#maxBody) throw new HttpParseError(`body larger than ${this.#maxBody} bytes`, this.#wire);
      msg.framing = 'content-length';
      if (left === 0) return this.#finish();
      this.#state = { at: 'length', left };
      return null;
    }
    // A request without a length has no body; a response without one runs until the close.
    if (this.#kind === 'request') return this.#finish();
    msg.framing = 'until-close';
    this.#state = { at: 'until-close' };
    return null;
  }

  #finish(): HttpMessage {
    const msg = this.#msg!;
    msg.body = concatAll(this.#body);
    msg.wireBytes = this.#wire;
    this.#msg = undefined;
    this.#body = [];
    this.#bodyBytes = 0;
    this.#state = { at: 'head' };
    return msg;
  }
}

/** Index of the first byte after the head's empty line (CRLF CRLF or LF LF), or -1. */
function findHeadEnd(b: Uint8Array): number {
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0x0a) continue;
    if (b[i + 1] === 0x0a) return i + 2;
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}
