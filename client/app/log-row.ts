/**
 * How `<socket-log>` draws one line and the details pane of the open line: time, direction,
 * peer, byte count, text and hex (data lines) or the event's words (event lines). Pure
 * functions of the store, so the element keeps only the scrolling and the state.
 */
import { html, nothing } from 'lit';
import type { TextEncodingName } from '../../shared/encoding/index.js';
import { codeText } from './error-text.js';
import { clockMs, shownHex, shownText } from './format.js';
import { localDetail } from './gateway-words.js';
import { msg, str } from './i18n.js';
import { eventLabel } from './log-event-label.js';
import type { LogStore } from './model/log-store.js';
import { byteCount } from './plural.js';
import './whole-message.js';

/** How many of a line's bytes a row formats as text and as hex: what its columns can show. */
export interface RowFit {
  text: number;
  hex: number;
}

/** The most a row formats whatever the width, and what the filter searches (the details pane shows the whole line). */
export const ROW_FIT_MAX: RowFit = { text: 600, hex: 200 };

/**
 * Line `n` of `store`; `sel`: the classes for the open line and the keyboard cursor; `fit`: the
 * bytes its text and hex columns show (a row's text is cut at the column's edge anyway, and
 * shaping characters nobody sees was most of a fast log's layout and paint).
 */
export function logRow(store: LogStore, n: number, encoding: TextEncodingName, sel: string, fit: RowFit = ROW_FIT_MAX) {
  const time = clockMs(store.timeOf(n));
  const peer = store.peerOf(n);
  const ev = store.eventOf(n);
  if (ev) {
    const isError = ev.event === 'error';
    const sentence = isError && ev.code ? codeText(ev.code) : undefined;
    return html`<div class="line ${isError ? 'error' : 'event'}${sel}" id="line-${n}" data-testid="log-line" data-dir="event" data-event=${ev.event} data-code=${ev.code ?? ''} data-n=${n}>
      <span class="t">${time}</span><span class="d">${isError ? 'ERR' : '•'}</span><span class="p">${peer}</span><span class="b"></span>
      <span class="x ev" title=${ev.detail ?? ''}>${ev.code ? html`<span class="code">${ev.code}</span>` : nothing}${eventLabel(ev.event)}${sentence ? ` — ${sentence}` : ''}${ev.detail ? html` <span class="muted">${localDetail(ev.detail)}</span>` : nothing}</span>
    </div>`;
  }
  const dir = store.dirOf(n);
  const bytes = store.bytesOf(n);
  const failed = store.failedOf(n);
  const size = store.sizeOf(n); // more than bytes when only a prefix was copied (relay reads past their budget)
  return html`<div class="line ${dir}${failed ? ' failed' : ''}${sel}" id="line-${n}" data-testid="log-line" data-dir=${dir} data-bytes=${size} data-failed=${failed ? 'true' : nothing} data-n=${n}
      title=${failed ? msg(str`Not sent: ${failed}`, { id: 'log.notSent' }) : nothing}>
    <span class="t">${time}</span><span class="d">${dir === 'in' ? 'RX' : failed ? 'TX ✕' : 'TX'}</span><span class="p" title=${peer}>${peer}</span>
    <span class="b">${size}</span><span class="x" data-testid="log-text">${shownText(bytes, encoding, fit.text)}</span><span class="h" data-testid="log-hex">${shownHex(bytes, fit.hex)}</span>
  </div>`;
}

/** The details pane of line `n`: its whole text and hex (up to 64 KiB), or the event's words. */
export function logDetail(store: LogStore, n: number, encoding: TextEncodingName, close: () => void) {
  const ev = store.eventOf(n);
  const time = clockMs(store.timeOf(n));
  if (ev) {
    return html`<div class="detail" data-testid="log-detail"><div class="meta">${time} · ${eventLabel(ev.event)} ${ev.code ?? ''}</div><pre>${ev.detail ?? ''}</pre></div>`;
  }
  const max = 64 * 1024;
  const bytes = store.bytesOf(n);
  const seq = store.seqOf(n);
  const failed = store.failedOf(n);
  return html`<div class="detail" data-testid="log-detail">
    <div class="meta">
      <span>${time}</span><span>${store.dirOf(n) === 'in' ? 'RX' : 'TX'} ${store.peerOf(n)}</span><span>${byteCount(bytes.byteLength)}</span>
      ${seq !== undefined ? html`<span>${msg(str`read #${seq}`, { id: 'log.readN' })}</span>` : nothing}
      ${failed ? html`<span class="error-text">${msg(str`Not sent: ${failed}`, { id: 'log.notSent' })}</span>` : nothing}
      <whole-message .bytes=${bytes} .encoding=${encoding} .name=${store.peerOf(n) || 'message'} .label=${`${store.dirOf(n) === 'in' ? 'RX' : 'TX'} ${store.peerOf(n)} · ${time}`}></whole-message>
      <button class="small ghost" style="margin-left:auto" @click=${close}>${msg('Close', { id: 'common.close' })}</button>
    </div>
    <div><h4>${msg('Text', { id: 'log.col.text' })} (${encoding})</h4><pre>${shownText(bytes, encoding, max)}</pre></div>
    <div><h4>${msg('Hex', { id: 'log.col.hex' })}</h4><pre>${shownHex(bytes, max)}</pre></div>
  </div>`;
}
