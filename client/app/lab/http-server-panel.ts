/**
 * `<http-server-panel>`: the page as a web server. A real TCP listener on the gateway's host whose
 * reply rule answers every complete request (parsed with the shared parser, so a request split
 * across reads is answered once, when it is whole) with the response chosen here. Each
 * connection's raw request bytes are shown line by line, so a second tab or curl can hit it and
 * the student sees exactly what a browser sends.
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { buildResponse, parseHeaderLines } from '../../../shared/http/http-builder.js';
import { HttpParser, type HttpMessage } from '../../../shared/http/http-parser.js';
import { concatAll } from '../../../shared/tools/macros.js';
import type { SocketGateway, TCPServerSocket, TCPSocket } from '../../lib/index.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { courseLabStyles } from './course-lab.styles.js';
import { httpLabStyles } from './http-lab.styles.js';
import { messageView, RAW_SHOWN, visibleLines } from './http-message-view.js';

/** Connections listed at most (the oldest closed ones go first). */
const MAX_CONNECTIONS = 20;
const encoder = new TextEncoder();

/** The responses offered, each filling the editable fields. */
export const RESPONSE_PRESETS = {
  hello: { status: 200, reason: 'OK', headers: 'Content-Type: text/html; charset=utf-8\nServer: sockgate-page', body: '<h1>Hello from a browser tab</h1>\n<p>This response was chosen in the sockgate HTTP lab.</p>\n', chunks: 0 },
  chunked: { status: 200, reason: 'OK', headers: 'Content-Type: text/plain; charset=utf-8', body: 'This body is sent in three chunks,\neach announced by its size in hex.\n', chunks: 3 },
  'not-found': { status: 404, reason: 'Not Found', headers: 'Content-Type: text/plain', body: 'no such page\n', chunks: 0 },
  redirect: { status: 301, reason: 'Moved Permanently', headers: 'Location: /moved-here', body: '', chunks: 0 },
} as const;
/** A key of {@link RESPONSE_PRESETS}. */
export type ResponsePreset = keyof typeof RESPONSE_PRESETS;

/** One accepted connection and what came over it. */
interface Conn {
  n: number;
  peer: string;
  raw: Uint8Array;
  rawBytes: number;
  requests: HttpMessage[];
  state: 'open' | 'closed';
  error: string;
}

/** The web-server half of the lab. */
@customElement('http-server-panel')
@localized()
export class HttpServerPanel extends LitElement {
  static override styles = [controls, courseLabStyles, httpLabStyles];

  @property({ attribute: false }) gateway: SocketGateway | undefined;

  @state() port = 0;
  @state() private listening: { address: string; port: number } | undefined;
  @state() private conns: Conn[] = [];
  @state() private error = '';
  @state() status = 200;
  @state() reason = 'OK';
  @state() headersText: string = RESPONSE_PRESETS.hello.headers;
  @state() bodyText: string = RESPONSE_PRESETS.hello.body;
  @state() chunks = 0;
  #server: TCPServerSocket | undefined;
  #sockets = new Set<TCPSocket>();
  #next = 1;

  /** Where it listens, once it does. */
  get address(): { address: string; port: number } | undefined {
    return this.listening;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.stop();
  }

  /** Fills the response fields from a preset. */
  choose(preset: ResponsePreset): void {
    const p = RESPONSE_PRESETS[preset];
    [this.status, this.reason, this.headersText, this.bodyText, this.chunks] = [p.status, p.reason, p.headers, p.body, p.chunks];
  }

  /** Listens on 127.0.0.1 (port 0 = the kernel picks) and serves until {@link stop}. */
  async start(): Promise<void> {
    const gateway = this.gateway;
    if (!gateway || this.#server) return;
    this.error = '';
    try {
      const server = new gateway.TCPServerSocket('127.0.0.1', { ...(this.port > 0 && { localPort: this.port }), extras: { chunks: true } });
      const info = await server.opened;
      this.#server = server;
      this.listening = { address: info.localAddress, port: info.localPort };
      void this.#accept(info.readable.getReader());
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.listening = undefined;
    await Promise.all([server?.close().catch(() => {}), ...[...this.#sockets].map((s) => s.close().catch(() => {}))]);
  }

  async #accept(reader: ReadableStreamDefaultReader<TCPSocket>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        void this.#serve(value);
      }
    } catch {
      // The listener closed.
    }
  }

  #response(request: HttpMessage): Uint8Array {
    const body = encoder.encode(this.bodyText);
    const bytes = buildResponse({ status: this.status, reason: this.reason, headers: parseHeaderLines(this.headersText), body, chunks: this.chunks });
    // HEAD: the same head, no body (its Content-Length still says how long the body would be).
    return request.method === 'HEAD' ? bytes.subarray(0, headEnd(bytes)) : bytes;
  }

  async #serve(socket: TCPSocket): Promise<void> {
    this.#sockets.add(socket);
    const conn: Conn = { n: this.#next++, peer: '', raw: new Uint8Array(0), rawBytes: 0, requests: [], state: 'open', error: '' };
    const update = () => (this.conns = [...this.conns]);
    this.conns = [...this.conns, conn].filter((c, i, all) => c.state === 'open' || all.length - i <= MAX_CONNECTIONS);
    try {
      const info = await socket.opened;
      conn.peer = `${info.remoteAddress}:${info.remotePort}`;
      update();
      const parser = new HttpParser({ kind: 'request', maxBodyBytes: 1024 * 1024 });
      const reader = info.readable.getReader();
      const writer = info.writable.getWriter();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        conn.rawBytes += value.length;
        if (conn.raw.length < RAW_SHOWN) conn.raw = concatAll([conn.raw, value.subarray(0, RAW_SHOWN - conn.raw.length)]);
        const requests = parser.push(value);
        conn.requests.push(...requests);
        update();
        for (const r of requests) await writer.write(this.#response(r));
        // Connection: close (the default here): FIN after the answer, as http.server does.
        if (requests.length && /close/i.test(parseHeaderLines(this.headersText).find(([n]) => /^connection$/i.test(n))?.[1] ?? 'close')) {
          await writer.close();
          break;
        }
      }
    } catch (err) {
      conn.error = err instanceof Error ? err.message : String(err);
    }
    await socket.close().catch(() => {});
    this.#sockets.delete(socket);
    conn.state = 'closed';
    update();
  }

  #presetButtons() {
    const names: Record<ResponsePreset, string> = {
      hello: msg('200 page', { id: 'lab.http.preset.hello' }),
      chunked: msg('200 chunked', { id: 'lab.http.preset.chunked' }),
      'not-found': msg('404', { id: 'lab.http.preset.notFound' }),
      redirect: msg('301 redirect', { id: 'lab.http.preset.redirect' }),
    };
    return (Object.keys(RESPONSE_PRESETS) as ResponsePreset[]).map((p) => html`<button class="small" data-testid="http-preset-${p}" @click=${() => this.choose(p)}>${names[p]}</button>`);
  }

  override render() {
    const url = this.listening ? `http://${this.listening.address}:${this.listening.port}/` : '';
    return html`
      <div class="row">
        ${this.listening
          ? html`<span class="listening" data-testid="http-server-url" data-port=${this.listening.port}>${msg('Listening on', { id: 'lab.http.listening' })} <a class="mono" href=${url} target="_blank" rel="noopener">${url}</a></span>
              <button class="small" data-testid="http-server-stop" @click=${() => this.stop()}>${msg('Stop', { id: 'lab.http.stop' })}</button>`
          : html`<label>${msg('Port (0 = any)', { id: 'lab.http.serverPort' })} <input type="number" min="0" max="65535" data-testid="http-server-port" .value=${String(this.port)} @input=${(e: Event) => (this.port = Number((e.target as HTMLInputElement).value) || 0)} /></label>
              <button class="primary" data-testid="http-server-start" ?disabled=${!this.gateway} @click=${() => this.start()}>${msg('▶ Listen on 127.0.0.1', { id: 'lab.http.start' })}</button>`}
      </div>
      ${this.listening ? html`<p class="note">${msg(str`Open ${url} in another tab, or run: curl -v ${url}`, { id: 'lab.http.tryIt' })}</p>` : nothing}
      ${this.error ? html`<p class="status error" data-testid="http-server-error">${this.error}</p>` : nothing}
      <div class="builder">
        <span class="presets">${msg('Answer with:', { id: 'lab.http.answerWith' })} ${this.#presetButtons()}</span>
      </div>
      <div class="builder">
        <label class="narrow">${msg('Status', { id: 'lab.http.status' })}<input class="mono" type="number" data-testid="http-resp-status" .value=${String(this.status)} @input=${(e: Event) => (this.status = Number((e.target as HTMLInputElement).value) || 200)} /></label>
        <label>${msg('Reason', { id: 'lab.http.reason' })}<input class="mono" data-testid="http-resp-reason" .value=${this.reason} @input=${(e: Event) => (this.reason = (e.target as HTMLInputElement).value)} /></label>
        <label class="narrow">${msg('Chunks (0 = Content-Length)', { id: 'lab.http.chunks' })}<input type="number" min="0" max="64" data-testid="http-resp-chunks" .value=${String(this.chunks)} @input=${(e: Event) => (this.chunks = Math.max(0, Math.min(64, Number((e.target as HTMLInputElement).value) || 0)))} /></label>
      </div>
      <div class="builder">
        <label class="grow">${msg('Response headers (Content-Length or Transfer-Encoding are added)', { id: 'lab.http.respHeaders' })}
          <textarea class="mono" rows="3" data-testid="http-resp-headers" .value=${this.headersText} @input=${(e: Event) => (this.headersText = (e.target as HTMLTextAreaElement).value)}></textarea></label>
        <label class="grow">${msg('Response body', { id: 'lab.http.respBody' })}
          <textarea class="mono" rows="3" data-testid="http-resp-body" .value=${this.bodyText} @input=${(e: Event) => (this.bodyText = (e.target as HTMLTextAreaElement).value)}></textarea></label>
      </div>
      <h4>${msg(str`Connections (${this.conns.length})`, { id: 'lab.http.conns' })}</h4>
      ${this.conns.length === 0 ? html`<p class="note">${msg('Nobody has connected yet.', { id: 'lab.http.noConns' })}</p>` : nothing}
      <ol class="conns" data-testid="http-conns">
        ${[...this.conns].reverse().map(
          (c) => html`<li data-testid="http-conn-${c.n}" data-state=${c.state} data-requests=${c.requests.length}>
            <div class="read-head">#${c.n} · ${c.peer} · ${c.rawBytes} B · ${c.state === 'open' ? msg('open', { id: 'lab.http.open' }) : msg('closed', { id: 'lab.http.closed' })}
              ${c.requests.length ? msg(str` · ${c.requests.length} request(s) answered`, { id: 'lab.http.answered' }) : nothing}</div>
            <div class="two">
              <pre class="code raw" data-testid="http-conn-${c.n}-raw">${visibleLines(c.raw)}</pre>
              <div>${c.requests.map((r, i) => messageView(r, `http-conn-${c.n}-req-${i + 1}`))}</div>
            </div>
            ${c.error ? html`<p class="status error">${c.error}</p>` : nothing}
          </li>`,
        )}
      </ol>
    `;
  }
}

/** Offset just past the head's empty line. */
function headEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) if (bytes[i - 3] === 13 && bytes[i - 2] === 10 && bytes[i - 1] === 13 && bytes[i] === 10) return i + 1;
  return bytes.length;
}

declare global {
  interface HTMLElementTagNameMap {
    'http-server-panel': HttpServerPanel;
  }
}
