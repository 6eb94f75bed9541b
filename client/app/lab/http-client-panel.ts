/**
 * `<http-client-panel>`: the page as an HTTP client. A request builder (method, target, headers,
 * body) whose bytes go over a real TCP socket through the gateway; every read is listed as the
 * kernel returned it, beside the response the shared parser makes of them (status line, headers,
 * Content-Length or chunked or until-close body).
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { buildRequest, parseHeaderLines } from '../../../shared/http/http-builder.js';
import { HttpParser, type HttpMessage } from '../../../shared/http/http-parser.js';
import { readChunk } from '../../lib/lab-extras.js';
import type { SocketGateway, TCPSocket } from '../../lib/index.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { courseLabStyles } from './course-lab.styles.js';
import { httpLabStyles } from './http-lab.styles.js';
import { messageView, visibleLines } from './http-message-view.js';

/** Reads kept per request (each is drawn); a longer reply is still parsed whole. */
const MAX_READS_SHOWN = 200;
const encoder = new TextEncoder();

interface Read {
  data: Uint8Array;
  time: number;
}

/** The HTTP client half of the lab. */
@customElement('http-client-panel')
@localized()
export class HttpClientPanel extends LitElement {
  static override styles = [controls, courseLabStyles, httpLabStyles];

  @property({ attribute: false }) gateway: SocketGateway | undefined;

  @state() host = '127.0.0.1';
  @state() port = 8000;
  @state() method = 'GET';
  @state() path = '/';
  @state() headersText = 'User-Agent: sockgate-lab\nAccept: */*\nConnection: close';
  @state() bodyText = '';
  @state() private sent: Uint8Array | undefined;
  @state() private added: string[] = [];
  @state() private reads: Read[] = [];
  @state() private totalRead = 0;
  @state() private response: HttpMessage | undefined;
  @state() private status: 'idle' | 'connecting' | 'reading' | 'done' | 'error' = 'idle';
  @state() private error = '';
  #socket: TCPSocket | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.#socket?.close().catch(() => {});
  }

  /** Sets the target (the server panel's "Send a request to it" uses this). */
  aim(host: string, port: number): void {
    this.host = host;
    this.port = port;
  }

  /** Builds the request, connects, writes it, and reads until the first response is complete or the server closes. */
  async send(): Promise<void> {
    const gateway = this.gateway;
    if (!gateway) return;
    await this.#socket?.close().catch(() => {});
    this.reads = [];
    this.totalRead = 0;
    this.response = undefined;
    this.error = '';
    let socket: TCPSocket | undefined;
    try {
      const { bytes, added } = buildRequest({ method: this.method, path: this.path, host: this.host, port: this.port, headers: parseHeaderLines(this.headersText), body: encoder.encode(this.bodyText) });
      this.sent = bytes;
      this.added = added;
      this.status = 'connecting';
      socket = new gateway.TCPSocket(this.host, this.port, { extras: { chunks: true } });
      this.#socket = socket;
      const info = await socket.opened;
      const writer = info.writable.getWriter();
      await writer.write(bytes);
      writer.releaseLock();
      this.status = 'reading';
      const parser = new HttpParser({ kind: 'response' });
      if (this.method === 'HEAD') parser.expectNoBody();
      const reader = info.readable.getReader();
      for (;;) {
        const { value, done } = await readChunk(socket, reader);
        if (done) {
          this.response ??= parser.end()[0];
          break;
        }
        this.totalRead += value.data.length;
        if (this.reads.length < MAX_READS_SHOWN) this.reads = [...this.reads, { data: value.data, time: value.time }];
        const [first] = parser.push(value.data);
        if (first) {
          this.response = first;
          // The first response is what was asked for; a keep-alive server would hold the socket open.
          await reader.cancel().catch(() => {});
          break;
        }
      }
      if (!this.response) throw new Error(msg('The server closed the connection without sending a response.', { id: 'lab.http.noResponse' }));
      this.status = 'done';
    } catch (err) {
      this.status = 'error';
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (socket) await socket.close().catch(() => {});
    }
  }

  #field(label: string, value: string, testid: string, set: (v: string) => void, cls = '') {
    return html`<label class=${cls}>${label}<input class="mono" data-testid=${testid} .value=${value} @input=${(e: Event) => set((e.target as HTMLInputElement).value)} /></label>`;
  }

  override render() {
    const t0 = this.reads[0]?.time ?? 0;
    return html`
      <div class="builder">
        <label>${msg('Method', { id: 'lab.http.method' })}
          <select data-testid="http-method" @change=${(e: Event) => (this.method = (e.target as HTMLSelectElement).value)}>
            ${['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'].map((m) => html`<option ?selected=${m === this.method}>${m}</option>`)}
          </select></label>
        ${this.#field(msg('Host', { id: 'lab.http.host' }), this.host, 'http-host', (v) => (this.host = v.trim()))}
        ${this.#field(msg('Port', { id: 'lab.http.port' }), String(this.port), 'http-port', (v) => (this.port = Number(v)), 'narrow')}
        ${this.#field(msg('Path', { id: 'lab.http.path' }), this.path, 'http-path', (v) => (this.path = v.trim()), 'wide')}
      </div>
      <div class="builder">
        <label class="grow">${msg('Headers, one "Name: value" a line', { id: 'lab.http.headers' })}
          <textarea class="mono" rows="4" data-testid="http-headers" .value=${this.headersText} @input=${(e: Event) => (this.headersText = (e.target as HTMLTextAreaElement).value)}></textarea></label>
        <label class="grow">${msg('Body (sent as UTF-8)', { id: 'lab.http.body' })}
          <textarea class="mono" rows="4" data-testid="http-body" .value=${this.bodyText} @input=${(e: Event) => (this.bodyText = (e.target as HTMLTextAreaElement).value)}></textarea></label>
      </div>
      <div class="row">
        <button class="primary" data-testid="http-send" ?disabled=${!this.gateway || this.status === 'connecting' || this.status === 'reading'} @click=${() => this.send()}>
          ${msg('▶ Connect, send the request, read the response', { id: 'lab.http.send' })}
        </button>
        <span class="status" data-testid="http-client-status" data-status=${this.status}>${this.status === 'reading' ? msg('reading…', { id: 'lab.http.reading' }) : nothing}</span>
      </div>
      ${this.error ? html`<p class="status error" data-testid="http-client-error">${this.error}</p>` : nothing}
      ${this.sent
        ? html`<div class="three">
            <div>
              <h4>${msg(str`Request as sent (${this.sent.length} B)`, { id: 'lab.http.sent' })}</h4>
              <pre class="code raw" data-testid="http-request-raw">${visibleLines(this.sent)}</pre>
              ${this.added.length ? html`<p class="note">${msg(str`Added for you: ${this.added.join(', ')}.`, { id: 'lab.http.added' })}</p>` : nothing}
            </div>
            <div>
              <h4>${msg(str`Raw reads (${this.reads.length} reads, ${this.totalRead} B)`, { id: 'lab.http.reads' })}</h4>
              <ol class="reads" data-testid="http-reads" data-count=${this.reads.length}>
                ${this.reads.map((r, i) => html`<li><div class="read-head">recv #${i + 1} · ${r.data.length} B · +${Math.round(r.time - t0)} ms</div><pre class="code raw">${visibleLines(r.data)}</pre></li>`)}
              </ol>
            </div>
            <div>
              <h4>${msg('Parsed response', { id: 'lab.http.parsed' })}</h4>
              ${this.response ? messageView(this.response, 'http-response') : html`<p class="note">${msg('not complete yet', { id: 'lab.http.notYet' })}</p>`}
            </div>
          </div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'http-client-panel': HttpClientPanel;
  }
}
