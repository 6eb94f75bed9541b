/**
 * How the HTTP lab shows bytes and messages: raw bytes with their CR and LF made visible (so the
 * request and status lines and the empty line after the head can be seen), and a parsed message
 * as start line, header table and body with how it was delimited. Plain templates, no state.
 */
import { html, nothing } from 'lit';
import type { HttpMessage } from '../../../shared/http/http-parser.js';
import { msg, str } from '../i18n.js';

/** Longest raw text shown per block; the rest is counted, not drawn. */
export const RAW_SHOWN = 8192;

const latin1 = new TextDecoder('utf-8', { fatal: false });

/** Bytes as text with each line end written out as `\r\n` (or `\n`, `\r`) in a dim mark, then a line break. */
export function visibleLines(bytes: Uint8Array) {
  const text = latin1.decode(bytes.subarray(0, RAW_SHOWN));
  const parts = text.split(/(\r\n|\n|\r)/);
  const shown = parts.map((p, i) => (i % 2 === 0 ? p : html`<span class="eol">${p === '\r\n' ? '\\r\\n' : p === '\n' ? '\\n' : '\\r'}</span>\n`));
  return bytes.length > RAW_SHOWN ? html`${shown}\n… ${bytes.length - RAW_SHOWN} B more` : html`${shown}`;
}

/** One line on how the body ended. */
export function framingText(m: HttpMessage): string {
  switch (m.framing) {
    case 'content-length':
      return msg(str`Content-Length: ${m.body.length} bytes of body`, { id: 'lab.http.framing.length' });
    case 'chunked':
      return msg(str`chunked: ${m.chunkSizes.length} chunks (${m.chunkSizes.join(' + ') || '0'} = ${m.body.length} B), then the 0 chunk`, { id: 'lab.http.framing.chunked' });
    case 'until-close':
      return msg(str`no length: the body (${m.body.length} B) ran until the server closed the connection`, { id: 'lab.http.framing.close' });
    case 'none':
      return msg('no body', { id: 'lab.http.framing.none' });
  }
}

/** A parsed message: start line, headers, body framing and the body as text. */
export function messageView(m: HttpMessage, testid: string) {
  return html`<div class="parsed" data-testid=${testid} data-status=${m.status ?? ''} data-framing=${m.framing} data-body-bytes=${m.body.length} data-method=${m.method ?? ''}>
    <div class="start mono">${m.startLine}</div>
    <table class="facts headers">
      ${m.headers.map(([n, v]) => html`<tr><th class="mono">${n}</th><td class="mono">${v}</td></tr>`)}
    </table>
    <p class="note" data-testid="${testid}-framing">${framingText(m)}</p>
    ${m.body.length > 0 ? html`<pre class="code body" data-testid="${testid}-body">${visibleLines(m.body)}</pre>` : nothing}
  </div>`;
}
