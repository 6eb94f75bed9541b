/**
 * `<socket-log>`: the log of one socket, one line per event — time (ms), direction, peer, byte
 * count, then text and hex side by side. Every received chunk is its own line. The lines live in
 * the store's columns; this element draws only the rows on screen (a fixed row height, a spacer
 * for the scroll height), formats text and hex for those rows only and only as much of each as
 * its column shows (the details pane has the whole line), and redraws at most once per animation
 * frame. Decoding (UTF-8, GBK, Latin-1) applies after the fact; pause, clear, filter
 * (scanned a slice per frame), save as text or JSON. Keyboard: arrows, Home/End, PageUp/PageDown
 * move the cursor line, Enter opens its details, Escape closes them.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { TextEncodingName } from '../../shared/encoding/index.js';
import { shownHex, shownText } from './format.js';
import { localized, msg, str } from './i18n.js';
import { downloadLog, logFileBody } from './log-save.js';
import { logDetail, logRow, ROW_FIT_MAX, type RowFit } from './log-row.js';
import { LogFilter } from './model/log-filter.js';
import type { LogStore } from './model/log-store.js';
import type { ReceivedFraming } from './model/received-framing.js';
import { lineCount } from './plural.js';
import { ChangeWatcher } from './session-watcher.js';
import { eventLabel } from './log-event-label.js';
import { logStyles } from './socket-log-styles.js';
import { controls } from './theme.js';

export { eventLabel } from './log-event-label.js';

/** Decodings the log offers. */
const DECODINGS: readonly { id: TextEncodingName; label: string }[] = [
  { id: 'utf-8', label: 'UTF-8' },
  { id: 'gbk', label: 'GBK' },
  { id: 'latin1', label: 'Latin-1' },
];

/** Height of one line, px (the CSS says the same). */
const ROW = 22;
/** Rows drawn beyond the screen on each side while scrolled, so a small scroll shows drawn rows. */
const OVERSCAN = 6;
/** The narrowest a row's monospace glyph can be, px: half its 12.5 px font size (the CSS's). */
const MIN_GLYPH_PX = 12.5 / 2;
/** Time a frame may spend scanning for the filter, ms. */
const FILTER_BUDGET_MS = 4;

/** The socket log. */
@customElement('socket-log')
@localized()
export class SocketLog extends LitElement {
  static override styles = [controls, logStyles];

  /** The log to show. */
  @property({ attribute: false }) store: LogStore | undefined;
  /** The socket's decoded view (its framing applied to what arrives); shown instead while active. */
  @property({ attribute: false }) framed: ReceivedFraming | undefined;
  /** Shown in the file name of a saved log. */
  @property() name = 'socket';

  /** While a framing decodes: show the raw reads instead of the messages. */
  @state() private rawReads = false;
  /** With a filter: save every line, not only the matching ones. */
  @state() private saveAll = false;

  @state() private encoding: TextEncodingName = 'utf-8';
  @state() private filter = '';
  @state() private paused = false;
  @state() private follow = true;
  /** Line number whose details are open (0: none). */
  @state() private selected = 0;
  /** Line number of the keyboard cursor (0: none yet). */
  @state() private cursor = 0;
  @query('.scroller') private scroller!: HTMLElement;

  // The store notifies at most once per animation frame; that notification redraws at once.
  #watcher = new ChangeWatcher(this, () => this.requestUpdate());
  #framedWatcher = new ChangeWatcher(this);
  /** The lines on screen: the decoded messages, or the reads (`store`). */
  #view: LogStore | undefined;
  #filter: LogFilter | undefined;
  #filterFrame = 0;
  /** Last line number shown while paused. */
  #pausedAt = 0;
  /** Scroll offset and height of the list as last seen (scroll events and the resize observer). */
  #scrollTop = 0;
  #height = 0;
  /** First line number of the store at the last draw, to keep the place when old lines drop. */
  #lastFirst = 0;
  /** Set when `#scrollTop` was changed here, to be written to the list. */
  #moved = false;
  /** The line under the pointer when it was pressed (0: none) and where, for the click that follows. */
  #pressed = { n: 0, x: 0, y: 0 };
  /** The bytes a row formats for its text and hex columns, from their widths (see `logRow`). */
  #fit: RowFit = ROW_FIT_MAX;
  #resize = new ResizeObserver((entries) => {
    const h = entries[0]?.contentRect.height ?? 0;
    const fit = this.#measureFit();
    if (h !== this.#height || fit.text !== this.#fit.text || fit.hex !== this.#fit.hex) {
      this.#height = h;
      this.#fit = fit;
      this.requestUpdate();
    }
  });

  /**
   * What the text and hex columns can show, read from the column heads (laid out already when the
   * resize observer runs): each column's width in the narrowest glyphs, plus one cut in half; text
   * takes up to two bytes per column (a CJK character is 3 bytes in UTF-8 and two columns wide),
   * hex three columns per byte.
   */
  #measureFit(): RowFit {
    const head = this.renderRoot.querySelector('.head');
    const text = head?.children[4]?.getBoundingClientRect().width ?? 0;
    const hex = head?.children[5]?.getBoundingClientRect().width ?? 0;
    if (!text || !hex) return ROW_FIT_MAX;
    const columns = (px: number) => Math.ceil(px / MIN_GLYPH_PX) + 1;
    return { text: Math.min(ROW_FIT_MAX.text, 2 * columns(text)), hex: Math.min(ROW_FIT_MAX.hex, Math.ceil(columns(hex) / 3)) };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#resize.observe(this.scroller);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
    cancelAnimationFrame(this.#filterFrame);
  }

  override firstUpdated(): void {
    this.#resize.observe(this.scroller);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('framed')) {
      this.#framedWatcher.watch(this.framed);
      this.rawReads = false;
    }
    const view = this.framed?.active && !this.rawReads ? this.framed.lines : this.store;
    if (view !== this.#view) {
      // Another socket or view: nothing of the previous one's place, selection or filter carries over.
      this.#view = view;
      this.#watcher.watch(view);
      this.selected = 0;
      this.cursor = 0;
      this.paused = false;
      this.follow = true;
      this.#scrollTop = 0;
      this.#lastFirst = this.#view?.firstN ?? 0;
      this.#resetFilter();
    }
    const store = this.#view;
    if (!store) return;
    if (this.selected && !store.has(this.selected)) this.selected = 0;
    if (this.cursor && !store.has(this.cursor)) this.cursor = 0;
    if (this.#filter && !this.paused) this.#scanFilter();
    // Old lines dropped (cap or clear) while scrolled up: keep the same lines on screen.
    const first = store.firstN;
    if (first !== this.#lastFirst && !this.follow && !this.#filter) {
      this.#scrollTop = Math.max(0, this.#scrollTop - (first - this.#lastFirst) * ROW);
      this.#moved = true;
    }
    this.#lastFirst = first;
  }

  #resetFilter(): void {
    cancelAnimationFrame(this.#filterFrame);
    this.#filterFrame = 0;
    const needle = this.filter.toLowerCase();
    this.#filter = this.#view && needle ? new LogFilter(this.#view, (s, n) => this.#matches(s, n, needle)) : undefined;
    if (this.#filter) this.#scanFilter();
  }

  #scanFilter(): void {
    if (!this.#filter || this.#filter.scan(FILTER_BUDGET_MS) || this.#filterFrame) return;
    // Not caught up: go on next frame (a long log is filtered over several frames).
    this.#filterFrame = requestAnimationFrame(() => {
      this.#filterFrame = 0;
      this.requestUpdate();
    });
  }

  #matches(store: LogStore, n: number, needle: string): boolean {
    if (store.peerOf(n).toLowerCase().includes(needle)) return true;
    const ev = store.eventOf(n);
    if (ev) return `${eventLabel(ev.event)} ${ev.code ?? ''} ${ev.detail ?? ''}`.toLowerCase().includes(needle);
    const bytes = store.bytesOf(n);
    if (bytes.byteLength === 0) return false;
    return shownText(bytes, this.encoding, ROW_FIT_MAX.text).toLowerCase().includes(needle) || shownHex(bytes, ROW_FIT_MAX.hex).toLowerCase().includes(needle);
  }

  // ---- the rows in view -----------------------------------------------------------------------

  /** Rows in the view (all kept lines, or the filter's matches; up to the pause). */
  get #count(): number {
    const store = this.#view;
    if (!store) return 0;
    if (this.#filter) {
      let c = this.#filter.length;
      if (this.paused) while (c > 0 && this.#filter.at(c - 1) > this.#pausedAt) c--;
      return c;
    }
    const last = this.paused ? Math.min(this.#pausedAt, store.lastN) : store.lastN;
    return Math.max(0, last - store.firstN + 1);
  }

  /** Line number of row `i`. */
  #lineAt(i: number): number {
    return this.#filter ? this.#filter.at(i) : this.#view!.firstN + i;
  }

  /** Row of line `n`, or -1. */
  #rowOf(n: number): number {
    if (!this.#filter) return n - this.#view!.firstN;
    let lo = 0;
    let hi = this.#filter.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.#filter.at(mid);
      if (v === n) return mid;
      if (v < n) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  #range(count: number): [number, number] {
    const screen = Math.ceil(this.#height / ROW) + 1;
    if (this.follow) return [Math.max(0, count - screen), count];
    const first = Math.max(0, Math.floor(this.#scrollTop / ROW) - OVERSCAN);
    return [first, Math.min(count, first + screen + 2 * OVERSCAN)];
  }

  override updated(): void {
    const el = this.scroller;
    if (!el) return;
    // Following: to the bottom (the browser clamps); one layout per frame, for the new height.
    // Otherwise only where this element moved the place (keys, trims), never over the user's scroll.
    if (this.follow) el.scrollTop = this.#count * ROW;
    else if (this.#moved) el.scrollTop = this.#scrollTop;
    this.#moved = false;
  }

  #onScroll(): void {
    const el = this.scroller;
    this.#scrollTop = el.scrollTop;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 30;
    if (atBottom !== this.follow) this.follow = atBottom;
    else if (!this.follow) this.requestUpdate();
  }

  /** The line an event's target is in, by its number (0: none). */
  #lineOf(event: Event): number {
    const line = (event.target as Element).closest('.line') as HTMLElement | null;
    return line ? Number(line.dataset.n) : 0;
  }

  #onPointerDown(event: PointerEvent): void {
    this.#pressed = { n: this.#lineOf(event), x: event.clientX, y: event.clientY };
  }

  #onClick(event: MouseEvent): void {
    // The line pressed, not the one released on: while the list still scrolls (a wheel's smooth
    // scroll, a trim) the rows move under a still pointer between press and release, and the
    // browser then clicks their common parent. A pointer that moved is a drag (selecting text):
    // the line released on. A click from the keyboard has no press.
    const p = this.#pressed;
    const still = Math.abs(event.clientX - p.x) <= 4 && Math.abs(event.clientY - p.y) <= 4;
    const n = (still && p.n) || this.#lineOf(event);
    this.#pressed = { n: 0, x: 0, y: 0 };
    if (!n || !this.#view?.has(n)) return;
    this.cursor = n;
    this.selected = this.selected === n ? 0 : n;
  }

  #onKey(event: KeyboardEvent): void {
    const count = this.#count;
    if (count === 0) return;
    const page = Math.max(1, Math.floor(this.#height / ROW) - 1);
    const row = this.cursor ? this.#rowOf(this.cursor) : -1;
    const from = row >= 0 ? row : count - 1;
    let to: number | undefined;
    switch (event.key) {
      case 'ArrowDown': to = row >= 0 ? from + 1 : from; break;
      case 'ArrowUp': to = row >= 0 ? from - 1 : from; break;
      case 'PageDown': to = from + page; break;
      case 'PageUp': to = from - page; break;
      case 'Home': to = 0; break;
      case 'End': to = count - 1; break;
      case 'Enter':
      case ' ': {
        const n = this.#lineAt(from);
        this.cursor = n;
        this.selected = this.selected === n ? 0 : n;
        event.preventDefault();
        return;
      }
      case 'Escape':
        if (this.selected) (this.selected = 0), event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    to = Math.max(0, Math.min(count - 1, to));
    this.cursor = this.#lineAt(to);
    this.#reveal(to, count);
  }

  /** Scrolls so row `i` is on screen; leaving the bottom stops following. */
  #reveal(i: number, count: number): void {
    const screen = Math.max(1, Math.floor(this.#height / ROW));
    const top = this.follow ? Math.max(0, count - screen) * ROW : this.#scrollTop;
    let next = top;
    if (i * ROW < top) next = i * ROW;
    else if ((i + 1) * ROW > top + this.#height) next = (i + 1) * ROW - this.#height;
    this.follow = i >= count - 1;
    this.#scrollTop = Math.max(0, next);
    this.#moved = true;
  }

  // ---- actions --------------------------------------------------------------------------------

  #togglePause(): void {
    this.paused = !this.paused;
    if (this.paused) this.#pausedAt = this.#view?.lastN ?? 0;
    else this.follow = true;
  }

  #onFilter(event: Event): void {
    this.filter = (event.target as HTMLInputElement).value;
    this.#resetFilter();
  }

  #onEncoding(event: Event): void {
    this.encoding = (event.target as HTMLSelectElement).value as TextEncodingName;
    if (this.filter) this.#resetFilter();
  }

  #clear(): void {
    // Both views of the same traffic go together.
    this.store?.clear();
    this.framed?.lines.clear();
    this.selected = 0;
    this.cursor = 0;
  }

  #save(kind: 'text' | 'json'): void {
    const store = this.#view;
    if (!store) return;
    // With a filter, the lines shown unless "all" is chosen beside the buttons (they say which).
    const all = this.saveAll || !this.#filter;
    const count = all ? store.length : this.#count;
    const numbers = (function* (lineAt: (i: number) => number) {
      for (let i = 0; i < count; i++) yield lineAt(i);
    })(all ? (i) => store.firstN + i : (i) => this.#lineAt(i));
    downloadLog(logFileBody(store, numbers, kind, this.encoding), kind, this.name);
  }

  // ---- drawing --------------------------------------------------------------------------------

  override render() {
    const store = this.#view;
    const total = store?.length ?? 0;
    const count = this.#count;
    const waiting = this.paused && store ? store.lastN - this.#pausedAt : 0;
    const [first, last] = this.#range(count);
    const rows = [];
    if (store) for (let i = first; i < last; i++) { const n = this.#lineAt(i); rows.push(logRow(store, n, this.encoding, (this.selected === n ? ' sel' : '') + (this.cursor === n ? ' cur' : ''), this.#fit)); }
    const active = this.cursor && store?.has(this.cursor) ? `line-${this.cursor}` : '';
    return html`
      <div class="bar" role="toolbar" aria-label=${msg('Log tools', { id: 'log.tools' })}>
        <button class="small" data-testid="log-pause" aria-pressed=${this.paused} @click=${this.#togglePause}>
          ${this.paused ? msg('Resume', { id: 'log.resume' }) : msg('Pause', { id: 'log.pause' })}
        </button>
        <button class="small" data-testid="log-clear" @click=${this.#clear}>${msg('Clear', { id: 'log.clear' })}</button>
        <input type="search" class="small" data-testid="log-filter" placeholder=${msg('Filter text, hex, peer…', { id: 'log.filter' })}
          aria-label=${msg('Filter', { id: 'log.filterLabel' })} .value=${this.filter} @input=${this.#onFilter} />
        <label class="check">${msg('Decode as', { id: 'log.decode' })}
          <select data-testid="log-encoding" @change=${this.#onEncoding} aria-label=${msg('Decode as', { id: 'log.decode' })}>
            ${DECODINGS.map((d) => html`<option value=${d.id} ?selected=${d.id === this.encoding}>${d.label}</option>`)}
          </select>
        </label>
        ${this.framed?.active
          ? html`<span class="seg" role="group" aria-label=${msg('Received data shown as', { id: 'log.viewLabel' })}>
              <button data-testid="log-view-decoded" aria-pressed=${!this.rawReads} title=${msg(str`One line per message, split by the framing (${this.framed.framing})`, { id: 'log.viewDecodedHint' })} @click=${() => (this.rawReads = false)}>${msg('Decoded', { id: 'log.viewDecoded' })}</button>
              <button data-testid="log-view-raw" aria-pressed=${this.rawReads} title=${msg('One line per read, as the network delivered it', { id: 'log.viewRawHint' })} @click=${() => (this.rawReads = true)}>${msg('Raw reads', { id: 'log.viewRaw' })}</button>
            </span>`
          : nothing}
        ${this.#filter
          ? html`<select data-testid="log-save-scope" aria-label=${msg('Lines to save', { id: 'log.saveScope' })} @change=${(e: Event) => (this.saveAll = (e.target as HTMLSelectElement).value === 'all')}>
              <option value="shown" ?selected=${!this.saveAll}>${msg(str`Filtered lines only (${count})`, { id: 'log.saveFiltered' })}</option>
              <option value="all" ?selected=${this.saveAll}>${msg(str`All lines (${total})`, { id: 'log.saveAll' })}</option>
            </select>`
          : nothing}
        <button class="small" data-testid="log-save-text" @click=${() => this.#save('text')}>${msg('Save .txt', { id: 'log.saveText' })}</button>
        <button class="small" data-testid="log-save-json" @click=${() => this.#save('json')}>${msg('Save .json', { id: 'log.saveJson' })}</button>
        ${this.paused ? html`<span class="paused" data-testid="log-paused">${(waiting === 1 ? msg('Display paused · 1 new line', { id: 'log.pausedOne' }) : msg(str`Display paused · ${waiting} new lines`, { id: 'log.pausedCount' }))}</span>` : nothing}
        <span class="count" data-testid="log-count">${this.#filter ? (total === 1 ? msg(str`${count} of 1 line`, { id: 'log.countFilteredOne' }) : msg(str`${count} of ${total} lines`, { id: 'log.countFiltered' })) : lineCount(total)}</span>
      </div>
      <div class="head" aria-hidden="true">
        <span>${msg('Time', { id: 'log.col.time' })}</span><span>${msg('Dir', { id: 'log.col.dir' })}</span><span>${msg('Peer', { id: 'log.col.peer' })}</span>
        <span style="text-align:right">${msg('Bytes', { id: 'log.col.bytes' })}</span><span>${msg('Text', { id: 'log.col.text' })}</span><span>${msg('Hex', { id: 'log.col.hex' })}</span>
      </div>
      <div class="wrap">
        <div class="scroller" data-testid="log-lines" role="log" aria-live="off" tabindex="0" aria-activedescendant=${active || nothing}
          aria-label=${msg('Log lines: arrow keys move, Enter opens a line', { id: 'log.linesLabel' })}
          @scroll=${this.#onScroll} @pointerdown=${this.#onPointerDown} @click=${this.#onClick} @keydown=${this.#onKey}>
          <div class="spacer" style="height:${count * ROW}px"></div>
          <div class="rows" style="transform:translateY(${first * ROW}px)">${rows}</div>
        </div>
        ${count === 0 ? html`<div class="empty">${this.filter ? msg('No line matches the filter.', { id: 'log.noMatch' }) : msg('Nothing yet: events and data appear here, one line each.', { id: 'log.empty' })}</div>` : nothing}
        ${!this.follow && count > 0
          ? html`<button class="small jump" data-testid="log-jump" @click=${() => (this.follow = true)}>${msg('↓ Latest', { id: 'log.latest' })}</button>`
          : nothing}
      </div>
      ${this.selected && store?.has(this.selected) ? logDetail(store, this.selected, this.encoding, () => (this.selected = 0)) : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'socket-log': SocketLog;
  }
}
