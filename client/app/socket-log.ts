/**
 * `<socket-log>`: the log of one socket, one line per event — time (ms), direction, peer, byte
 * count, then text and hex side by side. Every received chunk is its own line. Virtualised with
 * `<lit-virtualizer>`; the store batches arrivals to one update per frame. Decoding (UTF-8, GBK,
 * Latin-1) applies after the fact; pause, clear, filter, save as text or JSON.
 */
import '@lit-labs/virtualizer';
import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { TextEncodingName } from '../../shared/encoding/index.js';
import { formatHex } from '../../shared/encoding/index.js';
import { codeText } from './error-text.js';
import { clockMs, shownHex, shownText } from './format.js';
import { localized, msg, str } from './i18n.js';
import type { EventKind, LogEntry, LogStore } from './model/log-store.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';

/** Decodings the log offers. */
const DECODINGS: readonly { id: TextEncodingName; label: string }[] = [
  { id: 'utf-8', label: 'UTF-8' },
  { id: 'gbk', label: 'GBK' },
  { id: 'latin1', label: 'Latin-1' },
];

/** Least time between two redraws of the list, ms. */
const REDRAW_MS = 100;
/** The same while lines pour in (more than 500 since the last redraw). */
const BUSY_REDRAW_MS = 250;

/** The localised words of a log event. */
export function eventLabel(kind: EventKind): string {
  switch (kind) {
    case 'connecting': return msg('Connecting', { id: 'log.ev.connecting' });
    case 'connected': return msg('Connected', { id: 'log.ev.connected' });
    case 'listening': return msg('Listening on', { id: 'log.ev.listening' });
    case 'bound': return msg('Bound to', { id: 'log.ev.bound' });
    case 'accepted': return msg('Accepted connection', { id: 'log.ev.accepted' });
    case 'peer-closed': return msg('Peer closed its side (FIN received)', { id: 'log.ev.peerClosed' });
    case 'half-closed': return msg('Half-closed: our side ended (FIN sent)', { id: 'log.ev.halfClosed' });
    case 'closed': return msg('Closed', { id: 'log.ev.closed' });
    case 'kicked': return msg('Kicked (closed by us)', { id: 'log.ev.kicked' });
    case 'error': return msg('Error', { id: 'log.ev.error' });
    case 'joined': return msg('Joined multicast group', { id: 'log.ev.joined' });
    case 'left': return msg('Left multicast group', { id: 'log.ev.left' });
    case 'info': return msg('Note', { id: 'log.ev.info' });
  }
}

/** The socket log. */
@customElement('socket-log')
@localized()
export class SocketLog extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: flex; flex-direction: column; min-height: 0; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); overflow: hidden; }
      .bar { display: flex; align-items: center; gap: 8px; padding: 6px 8px; border-bottom: 1px solid var(--border); flex-wrap: wrap; }
      .bar input[type='search'] { width: 180px; }
      .bar select { height: 26px; }
      .bar .count { margin-left: auto; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
      .paused { color: var(--event); font-weight: 600; font-size: 12px; }
      .head, .line {
        display: grid; grid-template-columns: 92px 34px 150px 64px minmax(0, 1.1fr) minmax(0, 1fr);
        gap: 0 10px; align-items: center; padding: 0 10px;
      }
      .head { height: 26px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--faint); border-bottom: 1px solid var(--border); background: var(--surface-2); }
      .wrap { position: relative; flex: 1; min-height: 0; }
      /* Containment keeps each redraw's layout inside the list and each row (sizes are fixed). */
      /* !important: the virtualizer's own sheet sets position: relative and a 150px min-height. */
      .wrap lit-virtualizer[scroller] { position: absolute !important; inset: 0; min-height: 0; overflow: auto; contain: strict; }
      .line { width: 100%; height: 22px; font: 12.5px/22px var(--mono); cursor: default; border-left: 2px solid transparent; contain: strict; }
      .line:hover { background: var(--surface-2); }
      .line.sel { background: var(--accent-soft); }
      .line > span { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
      .t { color: var(--faint); font-variant-numeric: tabular-nums; }
      .d { font-size: 10.5px; font-weight: 700; letter-spacing: 0.03em; }
      .in .d { color: var(--in); }
      .out .d { color: var(--out); }
      .in { border-left-color: var(--in); }
      .out { border-left-color: var(--out); }
      .event { border-left-color: var(--event); }
      .event .d, .event .x { color: var(--event); }
      .error { border-left-color: var(--error); background: color-mix(in srgb, var(--error-soft) 60%, transparent); }
      .error .d, .error .x { color: var(--error); }
      .p { color: var(--muted); }
      .b { text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
      .h { color: var(--muted); }
      .ev { grid-column: 5 / 7; }
      .code { font-weight: 700; margin-right: 6px; }
      .empty { position: absolute; inset: 0; display: grid; place-items: center; color: var(--faint); font-size: 13px; }
      .jump { position: absolute; right: 16px; bottom: 12px; box-shadow: var(--shadow); }
      .detail { border-top: 1px solid var(--border); max-height: 34%; overflow: auto; padding: 8px 12px; background: var(--surface-2); display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
      .detail pre { margin: 0; font: 12px/1.5 var(--mono); white-space: pre-wrap; word-break: break-all; }
      .detail h4 { margin: 0 0 4px; font-size: 11px; color: var(--faint); text-transform: uppercase; letter-spacing: 0.04em; font-weight: 600; }
      .detail .meta { grid-column: 1 / 3; display: flex; gap: 12px; font-size: 12px; color: var(--muted); align-items: center; }
    `,
  ];

  /** The log to show. */
  @property({ attribute: false }) store: LogStore | undefined;
  /** Shown in the file name of a saved log. */
  @property() name = 'socket';

  @state() private encoding: TextEncodingName = 'utf-8';
  @state() private filter = '';
  @state() private paused = false;
  @state() private follow = true;
  @state() private selected: LogEntry | undefined;
  @state() private view: LogEntry[] = [];
  @query('lit-virtualizer') private virtualizer!: LitVirtualizer<LogEntry>;

  // The store already batches to one notification per frame; the view redraws at most every
  // REDRAW_MS on top of that, since nobody reads ten thousand lines a second and each redraw of
  // the virtualised list costs a layout.
  #watcher = new ChangeWatcher(this, () => this.#refreshSoon());
  #lastRefresh = 0;
  #shownCount = 0;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Filtered lines so far and how far into the store the filter has looked. */
  #filtered: LogEntry[] = [];
  #scanned = 0;
  #scannedStore: LogEntry[] | undefined;
  #pausedAt = 0;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('store')) {
      this.#watcher.watch(this.store);
      this.selected = undefined;
      this.paused = false;
      this.follow = true;
      this.#resetFilter();
      this.#refresh();
    }
  }

  #resetFilter(): void {
    this.#filtered = [];
    this.#scanned = 0;
    this.#scannedStore = undefined;
  }

  #refreshSoon(): void {
    if (this.#refreshTimer) return;
    // Scrolled up to read: the rows in view do not change, only the line count; redraw rarely.
    // Under a flood (many lines per redraw) redraw less often: the tail scrolls past unreadably
    // fast anyway, and every redraw repaints the whole list.
    const pending = (this.store?.entries.length ?? 0) - this.#shownCount;
    const every = !this.follow && !this.filter ? 1000 : pending > 500 ? BUSY_REDRAW_MS : REDRAW_MS;
    const wait = this.#lastRefresh + every - performance.now();
    if (wait <= 0) {
      this.#refresh();
      return;
    }
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      requestAnimationFrame(() => this.#refresh());
    }, wait);
  }

  /** Recomputes the visible lines from the store. */
  #refresh(): void {
    this.#lastRefresh = performance.now();
    this.#shownCount = this.store?.entries.length ?? 0;
    const entries = this.store?.entries ?? [];
    if (this.paused) {
      this.requestUpdate();
      return;
    }
    if (!this.filter) {
      this.view = entries.slice();
    } else {
      if (this.#scannedStore !== entries) {
        // Cleared or trimmed: scan again from the start.
        this.#filtered = [];
        this.#scanned = 0;
        this.#scannedStore = entries;
      }
      const needle = this.filter.toLowerCase();
      for (; this.#scanned < entries.length; this.#scanned++) {
        const e = entries[this.#scanned]!;
        if (this.#matches(e, needle)) this.#filtered.push(e);
      }
      this.view = this.#filtered.slice();
    }
  }

  #matches(e: LogEntry, needle: string): boolean {
    if (e.peer.toLowerCase().includes(needle)) return true;
    if (e.event) return `${eventLabel(e.event)} ${e.code ?? ''} ${e.detail ?? ''}`.toLowerCase().includes(needle);
    if (!e.bytes) return false;
    const shown = this.#shown(e);
    return shown.text.toLowerCase().includes(needle) || shown.hex.toLowerCase().includes(needle);
  }

  #shown(e: LogEntry): NonNullable<LogEntry['shown']> {
    if (!e.shown || e.shown.encoding !== this.encoding) {
      e.shown = { encoding: this.encoding, text: shownText(e.bytes!, this.encoding, 600), hex: shownHex(e.bytes!, 200) };
    }
    return e.shown;
  }

  override updated(changed: PropertyValues): void {
    if (changed.has('view') && this.follow && !this.paused) void this.#toBottom();
  }

  async #toBottom(): Promise<void> {
    const v = this.virtualizer;
    if (!v) return;
    await v.layoutComplete;
    v.scrollTop = v.scrollHeight;
  }

  #onScroll(): void {
    const v = this.virtualizer;
    const atBottom = v.scrollHeight - v.scrollTop - v.clientHeight < 30;
    if (atBottom !== this.follow) this.follow = atBottom;
  }

  #renderRow = (e: LogEntry) => {
    const sel = this.selected === e ? ' sel' : '';
    if (e.event) {
      const isError = e.event === 'error';
      const sentence = isError && e.code ? codeText(e.code) : undefined;
      return html`<div class="line ${isError ? 'error' : 'event'}${sel}" data-testid="log-line" data-dir="event" data-event=${e.event} data-code=${e.code ?? ''} data-n=${e.n}>
        <span class="t">${clockMs(e.time)}</span><span class="d">${isError ? 'ERR' : '•'}</span><span class="p">${e.peer}</span><span class="b"></span>
        <span class="x ev" title=${e.detail ?? ''}>${e.code ? html`<span class="code">${e.code}</span>` : nothing}${eventLabel(e.event)}${sentence ? ` — ${sentence}` : ''}${e.detail ? html` <span class="muted">${e.detail}</span>` : nothing}</span>
      </div>`;
    }
    const shown = this.#shown(e);
    return html`<div class="line ${e.dir}${sel}" data-testid="log-line" data-dir=${e.dir} data-bytes=${e.size} data-n=${e.n}>
      <span class="t">${clockMs(e.time)}</span><span class="d">${e.dir === 'in' ? 'RX' : 'TX'}</span><span class="p" title=${e.peer}>${e.peer}</span>
      <span class="b">${e.size}</span><span class="x" data-testid="log-text">${shown.text}</span><span class="h" data-testid="log-hex">${shown.hex}</span>
    </div>`;
  };

  #onClick(event: MouseEvent): void {
    const line = (event.target as Element).closest('.line') as HTMLElement | null;
    if (!line) return;
    const n = Number(line.dataset.n);
    const entry = this.view.find((e) => e.n === n);
    this.selected = this.selected === entry ? undefined : entry;
    this.virtualizer.requestUpdate();
  }

  #togglePause(): void {
    this.paused = !this.paused;
    if (this.paused) this.#pausedAt = this.store?.entries.length ?? 0;
    else {
      this.follow = true;
      this.#refresh();
    }
  }

  #onFilter(event: Event): void {
    this.filter = (event.target as HTMLInputElement).value;
    this.#resetFilter();
    this.#refresh();
  }

  #onEncoding(event: Event): void {
    this.encoding = (event.target as HTMLSelectElement).value as TextEncodingName;
    if (this.filter) {
      this.#resetFilter();
      this.#refresh();
    }
    this.virtualizer?.requestUpdate();
  }

  #clear(): void {
    this.store?.clear();
    this.selected = undefined;
  }

  #save(kind: 'text' | 'json'): void {
    const lines = this.view;
    let body: string;
    if (kind === 'json') {
      body = JSON.stringify(
        lines.map((e) => ({
          time: new Date(e.time).toISOString(),
          dir: e.dir,
          peer: e.peer,
          bytes: e.size,
          ...(e.seq !== undefined ? { seq: e.seq } : {}),
          ...(e.event ? { event: e.event, code: e.code, detail: e.detail } : {}),
          ...(e.bytes ? { text: shownText(e.bytes, this.encoding, Infinity), hex: formatHex(e.bytes) } : {}),
        })),
        null,
        1,
      );
    } else {
      body = lines
        .map((e) =>
          e.event
            ? `${clockMs(e.time)}\t*\t${e.peer}\t\t${e.event}${e.code ? ' ' + e.code : ''}${e.detail ? ' ' + e.detail : ''}`
            : `${clockMs(e.time)}\t${e.dir === 'in' ? 'RX' : 'TX'}\t${e.peer}\t${e.size}\t${shownText(e.bytes!, this.encoding, Infinity)}\t${formatHex(e.bytes!)}`,
        )
        .join('\n');
    }
    const blob = new Blob([body], { type: kind === 'json' ? 'application/json' : 'text/plain;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `sockgate-${this.name.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.${kind === 'json' ? 'json' : 'txt'}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  override render() {
    const total = this.store?.entries.length ?? 0;
    const waiting = this.paused ? total - this.#pausedAt : 0;
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
        <button class="small" data-testid="log-save-text" @click=${() => this.#save('text')}>${msg('Save .txt', { id: 'log.saveText' })}</button>
        <button class="small" data-testid="log-save-json" @click=${() => this.#save('json')}>${msg('Save .json', { id: 'log.saveJson' })}</button>
        ${this.paused ? html`<span class="paused" data-testid="log-paused">${msg(str`Display paused · ${waiting} new lines`, { id: 'log.pausedCount' })}</span>` : nothing}
        <span class="count" data-testid="log-count">${this.filter ? msg(str`${this.view.length} of ${total} lines`, { id: 'log.countFiltered' }) : msg(str`${total} lines`, { id: 'log.count' })}</span>
      </div>
      <div class="head" aria-hidden="true">
        <span>${msg('Time', { id: 'log.col.time' })}</span><span>${msg('Dir', { id: 'log.col.dir' })}</span><span>${msg('Peer', { id: 'log.col.peer' })}</span>
        <span style="text-align:right">${msg('Bytes', { id: 'log.col.bytes' })}</span><span>${msg('Text', { id: 'log.col.text' })}</span><span>${msg('Hex', { id: 'log.col.hex' })}</span>
      </div>
      <div class="wrap">
        <lit-virtualizer scroller data-testid="log-lines" role="log" aria-live="off" tabindex="0"
          .items=${this.view} .renderItem=${this.#renderRow} .keyFunction=${(e: LogEntry) => e.n}
          @scroll=${this.#onScroll} @click=${this.#onClick}></lit-virtualizer>
        ${this.view.length === 0 ? html`<div class="empty">${this.filter ? msg('No line matches the filter.', { id: 'log.noMatch' }) : msg('Nothing yet: events and data appear here, one line each.', { id: 'log.empty' })}</div>` : nothing}
        ${!this.follow && this.view.length > 0
          ? html`<button class="small jump" data-testid="log-jump" @click=${() => { this.follow = true; void this.#toBottom(); }}>${msg('↓ Latest', { id: 'log.latest' })}</button>`
          : nothing}
      </div>
      ${this.selected ? this.#renderDetail(this.selected) : nothing}
    `;
  }

  #renderDetail(e: LogEntry) {
    if (!e.bytes) {
      return html`<div class="detail" data-testid="log-detail"><div class="meta">${clockMs(e.time)} · ${e.event ? eventLabel(e.event) : ''} ${e.code ?? ''}</div><pre>${e.detail ?? ''}</pre></div>`;
    }
    const max = 64 * 1024;
    return html`<div class="detail" data-testid="log-detail">
      <div class="meta">
        <span>${clockMs(e.time)}</span><span>${e.dir === 'in' ? 'RX' : 'TX'} ${e.peer}</span><span>${msg(str`${e.size} bytes`, { id: 'log.bytesN' })}</span>
        ${e.seq !== undefined ? html`<span>${msg(str`read #${e.seq}`, { id: 'log.readN' })}</span>` : nothing}
        <button class="small ghost" style="margin-left:auto" @click=${() => (this.selected = undefined)}>${msg('Close', { id: 'common.close' })}</button>
      </div>
      <div><h4>${msg('Text', { id: 'log.col.text' })} (${this.encoding})</h4><pre>${shownText(e.bytes, this.encoding, max)}</pre></div>
      <div><h4>${msg('Hex', { id: 'log.col.hex' })}</h4><pre>${shownHex(e.bytes, max)}</pre></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'socket-log': SocketLog;
  }
}
