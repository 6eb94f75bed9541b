/**
 * `<stream-picture>`: one TCP byte stream drawn three times on one byte axis — the messages as
 * written (a colour each), the chunks as read (their boundaries cut through every row), and the
 * messages the chosen framing recovers (✓ intact, ✗ not a message that was sent).
 */
import { localized, msg, str } from '../i18n.js';
import { css, html, LitElement, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FramingSpec } from '../../../shared/framing/framing-spec.js';
import { analyseStream, preview, type DecodedMessage, type ReadChunk, type StreamPicture, type WrittenMessage } from './stream-model.js';

/** One colour per message, dark enough for white labels on a projector. */
export const MESSAGE_COLOURS = ['#2f6fba', '#e07020', '#2e9448', '#cf3f68', '#8456c4', '#168f8b', '#a0672e', '#6f8a1c'];
const colour = (i: number) => MESSAGE_COLOURS[i % MESSAGE_COLOURS.length]!;

const LEFT = 168;
const RIGHT = 16;
const LANE_H = 50;
const LANES = { written: 34, read: 118, decoded: 202 } as const;
/** Bottom of the byte axis; the time band sits below it. */
const BYTES_H = 300;
const TIME_AXIS = 372;
const HEIGHT = 410;

/** Draws writes vs reads vs decoded messages of one stream; counts are on `data-*` attributes. */
@customElement('stream-picture')
@localized()
export class StreamPictureElement extends LitElement {
  static override styles = css`
    :host {
      display: block;
      /* The page theme's colours (theme.ts), with fallbacks when used on its own. */
      --ink: var(--text, #1d2330);
      --dim: var(--muted, #5b6474);
      --paper: var(--surface, #ffffff);
      --cut: var(--text, #111827);
      --bad: var(--error, #c62828);
      color: var(--ink);
      font: 14px/1.4 var(--font, system-ui, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    }
    .counts {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin: 0 0 8px;
    }
    .count {
      border-radius: 999px;
      padding: 3px 12px;
      background: color-mix(in srgb, var(--ink) 7%, transparent);
      font-size: 14px;
    }
    .count b {
      font-size: 17px;
      font-variant-numeric: tabular-nums;
    }
    .count.good {
      background: color-mix(in srgb, #2e9448 18%, transparent);
    }
    .count.bad {
      background: color-mix(in srgb, var(--bad) 16%, transparent);
    }
    svg {
      display: block;
      width: 100%;
      overflow: visible;
    }
    .lane-title {
      font-size: 14px;
      font-weight: 600;
      fill: var(--ink);
    }
    .lane-sub {
      font-size: 12px;
      fill: var(--dim);
    }
    .on-colour {
      fill: #fff;
      font-size: 13px;
      font-weight: 600;
    }
    .on-colour.small {
      font-size: 11px;
      font-weight: 400;
    }
    .on-paper {
      fill: var(--ink);
      font-size: 13px;
      font-weight: 600;
    }
    .on-paper.small {
      font-size: 11px;
      font-weight: 400;
      fill: var(--dim);
    }
    .ruler {
      font-size: 11px;
      fill: var(--dim);
    }
    [data-testid='decoded-block'] {
      cursor: pointer;
    }
    .error {
      fill: var(--bad);
      font-size: 13px;
    }
    .empty {
      color: var(--dim);
      padding: 24px 0;
    }
  `;

  /** The messages as the sending side wrote them, in order. */
  @property({ attribute: false }) written: readonly WrittenMessage[] = [];
  /** The reads as the receiving side got them, in order. */
  @property({ attribute: false }) reads: readonly ReadChunk[] = [];
  /** The framing the bottom row decodes the read stream with. */
  @property({ attribute: false }) framing: FramingSpec = { kind: 'none' };
  /** Short framing name under the decoded row's title (e.g. `struct 'i'`). */
  @property() framingLabel = '';
  /** Datagrams: the lanes say sendto() and recvfrom() (each read is one datagram). */
  @property({ type: Boolean }) datagrams = false;

  @state() private width = 900;
  #picture: StreamPicture = analyseStream([], [], { kind: 'none' });
  #resize = new ResizeObserver((entries) => {
    const w = Math.round(entries[0]?.contentRect.width ?? 0);
    if (w > 0 && Math.abs(w - this.width) > 2) this.width = w;
  });

  /** The analysed stream (counts, placed messages and reads) as last drawn. */
  get picture(): StreamPicture {
    return this.#picture;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#resize.disconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('written') || changed.has('reads') || changed.has('framing')) {
      this.#picture = analyseStream(this.written, this.reads, this.framing);
      const c = this.#picture.counts;
      this.dataset.written = String(c.written);
      this.dataset.reads = String(c.reads);
      this.dataset.decoded = String(c.decoded);
      this.dataset.intact = String(c.intact);
      this.dataset.mixedReads = String(c.mixedReads);
      this.dataset.splitMessages = String(c.splitMessages);
      this.dataset.writtenBytes = String(this.#picture.writtenBytes);
      this.dataset.readBytes = String(this.#picture.readBytes);
      this.dataset.lostBytes = String(this.#picture.lostBytes);
      this.dataset.aligned = String(this.#picture.aligned);
    }
  }

  override render() {
    const p = this.#picture;
    const c = p.counts;
    const allIntact = c.decoded > 0 && c.intact === c.written && c.decoded === c.written && !p.error;
    return html`
      <div class="counts" role="status">
        <span class="count" data-testid="count-written"
          >${msg(html`<b>${c.written}</b> messages written`, { id: 'lab.picture.countWritten' })}</span
        >
        <span class="count" data-testid="count-reads">${msg(html`<b>${c.reads}</b> reads`, { id: 'lab.picture.countReads' })}</span>
        <span class="count ${c.decoded === 0 || !p.aligned ? '' : allIntact ? 'good' : 'bad'}" data-testid="count-decoded"
          >${msg(html`<b>${c.decoded}</b> messages decoded`, { id: 'lab.picture.countDecoded' })}</span
        >
        ${p.aligned
          ? html`<span class="count ${c.decoded === 0 ? '' : allIntact ? 'good' : 'bad'}" data-testid="count-intact"
              >${msg(html`<b>${c.intact}</b> intact`, { id: 'lab.picture.countIntact' })}</span
            >`
          : nothing}
        ${c.mixedReads > 0
          ? html`<span class="count bad" data-testid="count-mixed">${msg(html`<b>${c.mixedReads}</b> read(s) carry parts of several messages`, { id: 'lab.picture.mixed' })}</span>`
          : nothing}
        ${c.splitMessages > 0
          ? html`<span class="count bad" data-testid="count-split">${msg(html`<b>${c.splitMessages}</b> message(s) spread over several reads`, { id: 'lab.picture.split' })}</span>`
          : nothing}
      </div>
      ${p.writtenBytes === 0 && p.readBytes === 0
        ? html`<div class="empty">${msg('Nothing sent yet: run a scenario or press Send.', { id: 'lab.picture.empty' })}</div>`
        : this.#svg(p)}
    `;
  }

  /** A click (or Enter) on a decoded message asks the host to open it whole: `message-open` with its index. */
  readonly #open = (e: Event): void => {
    if (e instanceof KeyboardEvent && e.key !== 'Enter' && e.key !== ' ') return;
    const block = (e.target as Element).closest('[data-testid="decoded-block"]') as SVGGElement | null;
    const d = block && this.#picture.decoded[Number(block.dataset.index)];
    if (!d) return;
    e.preventDefault();
    this.dispatchEvent(new CustomEvent<DecodedMessage>('message-open', { detail: d, bubbles: true, composed: true }));
  };

  /** A decoded message of a stream that is not an echo of the writes: nothing to compare it with. */
  #neutralDecoded(d: DecodedMessage, x0: number, w: number, fit: (w: number, text: string) => string) {
    return svg`<g data-testid="decoded-block" data-intact="unknown" data-index=${d.index} role="button" tabindex="0">
      <rect x=${x0} y=${LANES.decoded} width=${w} height=${LANE_H} rx="4" fill="#56657a"></rect>
      <text class="on-colour" x=${x0 + 6} y=${LANES.decoded + 21}>${fit(w, `#${d.index + 1} ${d.header ? JSON.stringify(d.header) : preview(d.payload, 64)}`)}</text>
      <text class="on-colour small" x=${x0 + 6} y=${LANES.decoded + 39}>${fit(w, `${d.payload.length} B`)}</text>
      <title>${`#${d.index + 1}: ${d.payload.length} B — ${preview(d.payload, 80)}`}</title>
    </g>`;
  }

  /** The part of a datagram `recvfrom(n)` threw away, between x0 and x1. */
  #lost(x0: number, x1: number, bytes: number, fit: (w: number, text: string) => string) {
    return svg`<g data-testid="lost-block" data-bytes=${bytes}>
      <rect x=${x0 + 1} y=${LANES.read} width=${Math.max(2, x1 - x0 - 2)} height=${LANE_H} rx="3" fill="url(#bad)" stroke="var(--bad)" stroke-dasharray="5 4" stroke-width="1.5"></rect>
      <text class="on-paper small" x=${x0 + 7} y=${LANES.read + 30}>${fit(x1 - x0 - 4, msg(str`✂ discarded: ${bytes} B`, { id: 'lab.picture.lost' }))}</text>
    </g>`;
  }

  /** What a frame header says, short: `len=5` or `JSON`. */
  #headerLabel(payloadLength: number): string {
    return this.framing.kind === 'json-header' ? 'JSON' : `len=${payloadLength}`;
  }

  /** When each send() and recv() happened: writes as coloured dots above the time axis, reads as dark bars below. */
  #timeBand(p: StreamPicture, width: number) {
    const span = width - LEFT - RIGHT;
    const times = [...p.messages.map((m) => m.time), ...p.chunks.map((c) => c.time)].map((t) => t - p.t0);
    const tmax = Math.max(1, ...times);
    const x = (time: number) => LEFT + (Math.max(0, time - p.t0) / tmax) * span;
    const ticks = niceTicks(Math.ceil(tmax), Math.max(2, Math.floor(span / 110)));
    let lastLabel = -Infinity;
    const readMarks = p.chunks.map((c, i) => {
      const cx = x(c.time);
      const next = p.chunks[i + 1];
      // A label needs room: none right after another label, none where the next bar would cover it.
      const label = cx - lastLabel > 64 && (!next || x(next.time) - cx > 64 || cx > width - RIGHT - 64);
      if (label) lastLabel = cx;
      return svg`<rect x=${cx - 3} y=${TIME_AXIS + 4} width="6" height="16" rx="1.5" fill="var(--cut)"></rect>
        ${label
          ? cx > width - RIGHT - 64
            ? svg`<text class="ruler" x=${cx - 6} y=${TIME_AXIS + 17} text-anchor="end">recv #${c.index + 1}</text>`
            : svg`<text class="ruler" x=${cx + 6} y=${TIME_AXIS + 17}>recv #${c.index + 1}</text>`
          : nothing}`;
    });
    return svg`<g data-testid="time-band">
      <text class="lane-title" x="0" y=${TIME_AXIS - 22}>${msg('time →', { id: 'lab.picture.time' })}</text>
      <text class="lane-sub" x="0" y=${TIME_AXIS - 5}>${msg('● send()   ▮ recv()', { id: 'lab.picture.timeSub' })}</text>
      <line x1=${LEFT} x2=${width - RIGHT} y1=${TIME_AXIS} y2=${TIME_AXIS} stroke="var(--dim)" stroke-width="1"></line>
      ${p.messages.map((m) => svg`<circle cx=${x(m.time)} cy=${TIME_AXIS - 12} r="7" fill=${colour(m.index)} stroke="var(--paper)" stroke-width="1.5"><title>#${m.index + 1} +${Math.round(m.time - p.t0)} ms</title></circle>`)}
      ${readMarks}
      ${ticks.map(
        (t) => svg`<text class="ruler" x=${LEFT + (t / tmax) * span} y=${HEIGHT - 4} text-anchor=${t === 0 ? 'start' : t >= tmax ? 'end' : 'middle'}>${t} ms</text>`,
      )}
    </g>`;
  }

  #svg(p: StreamPicture) {
    const width = Math.max(560, this.width);
    const total = Math.max(p.writtenBytes, p.readBytes, 1);
    const span = width - LEFT - RIGHT;
    const x = (b: number) => LEFT + (b / total) * span;
    const t = (time: number) => Math.max(0, Math.round(time - p.t0));
    const fit = (w: number, text: string) => (w < 18 ? '' : preview(new TextEncoder().encode(text), Math.max(1, Math.floor((w - 8) / 7.4))));
    const cuts = p.chunks.flatMap((c, i) => [...(i < p.chunks.length - 1 || c.end < p.writtenBytes ? [c.end] : []), ...(c.lost && c.end + c.lost < p.writtenBytes ? [c.end + c.lost] : [])]);

    const laneTitle = (y: number, title: string, sub: string) => svg`
      <text class="lane-title" x="0" y=${y + 20}>${title}</text>
      <text class="lane-sub" x="0" y=${y + 38}>${sub}</text>`;

    const written = p.messages.map((m) => {
      const x0 = x(m.start);
      const x1 = x(m.end);
      const w = Math.max(1, x1 - x0 - 1);
      const hw = m.headerBytes > 0 ? Math.max(2, x(m.start + m.headerBytes) - x0) : 0;
      const trailer = m.bytes.length - m.headerBytes - m.payload.length;
      const tw = trailer > 0 ? Math.max(2, x1 - x(m.end - trailer)) : 0;
      const label = m.label ?? preview(m.payload, 64);
      return svg`<g data-testid="written-block">
        <rect x=${x0} y=${LANES.written} width=${w} height=${LANE_H} rx="4" fill=${colour(m.index)}></rect>
        ${hw ? svg`<rect x=${x0} y=${LANES.written} width=${Math.min(hw, w)} height=${LANE_H} rx="4" fill="url(#hatch)"></rect>
          <text class="on-colour small" x=${x0 + 5} y=${LANES.written + 30}>${fit(hw, this.#headerLabel(m.payload.length))}</text>` : nothing}
        ${tw ? svg`<rect x=${x1 - tw - 1} y=${LANES.written} width=${tw} height=${LANE_H} rx="4" fill="url(#hatch)"></rect>` : nothing}
        <text class="on-colour" x=${x0 + hw + 6} y=${LANES.written + 21}>${fit(w - hw, `#${m.index + 1} ${label}`)}</text>
        <text class="on-colour small" x=${x0 + hw + 6} y=${LANES.written + 39}>${fit(w - hw, `${m.bytes.length} B · +${t(m.time)} ms`)}</text>
        <title>${`#${m.index + 1}: ${m.bytes.length} B (${m.headerBytes} B header) at +${t(m.time)} ms — ${preview(m.payload, 80)}`}</title>
      </g>`;
    });

    const reads = p.chunks.map((c) => {
      const x0 = x(c.start);
      const x1 = x(c.end);
      const w = Math.max(1, x1 - x0);
      const segments = c.messages.map((i) => {
        const m = p.messages[i]!;
        const s = Math.max(m.start, c.start);
        const e = Math.min(m.end, c.end);
        return svg`<rect x=${x(s)} y=${LANES.read} width=${Math.max(1, x(e) - x(s))} height=${LANE_H} fill=${colour(i)} opacity="0.28"></rect>`;
      });
      return svg`<g data-testid="read-block">
        ${segments}
        <rect x=${x0 + 1} y=${LANES.read} width=${Math.max(1, w - 2)} height=${LANE_H} rx="3" fill="none" stroke="var(--cut)" stroke-width="2.5"></rect>
        <text class="on-paper" x=${x0 + 7} y=${LANES.read + 21}>${fit(w - 4, `recv #${c.index + 1}`)}</text>
        <text class="on-paper small" x=${x0 + 7} y=${LANES.read + 39}>${fit(w - 4, `${c.data.length} B · +${t(c.time)} ms`)}</text>
        <title>${`recv #${c.index + 1}: ${c.data.length} B at +${t(c.time)} ms — ${preview(c.data, 80)}`}</title>
      </g>${c.lost ? this.#lost(x0 + w, x(c.end + c.lost), c.lost, fit) : nothing}`;
    });

    const decoded = p.decoded.map((d) => {
      const x0 = x(d.start);
      const w = Math.max(1, x(d.end) - x0 - 1);
      const ok = d.matches >= 0;
      if (!p.aligned) return this.#neutralDecoded(d, x0, w, fit);
      // A delimiter trails the payload; a length prefix or JSON header leads it.
      const extra = d.end - d.start - d.payload.length;
      const trailing = this.framing.kind === 'delimiter';
      const hw = extra > 0 && ok && !trailing ? Math.max(2, x(d.start + extra) - x0) : 0;
      const tw = extra > 0 && ok && trailing ? Math.max(2, x(d.end) - x(d.end - extra)) : 0;
      const mark = ok ? '✓' : '✗';
      return svg`<g data-testid="decoded-block" data-intact=${ok ? 'true' : 'false'} data-index=${d.index} role="button" tabindex="0">
        <rect x=${x0} y=${LANES.decoded} width=${w} height=${LANE_H} rx="4"
          fill=${ok ? colour(d.matches) : 'url(#bad)'} stroke=${ok ? 'none' : 'var(--bad)'} stroke-width="2"></rect>
        ${hw ? svg`<rect x=${x0} y=${LANES.decoded} width=${Math.min(hw, w)} height=${LANE_H} rx="4" fill="url(#hatch)"></rect>
          <text class="on-colour small" x=${x0 + 5} y=${LANES.decoded + 30}>${fit(hw, this.#headerLabel(d.payload.length))}</text>` : nothing}
        ${tw ? svg`<rect x=${x0 + w - tw} y=${LANES.decoded} width=${tw} height=${LANE_H} rx="4" fill="url(#hatch)"></rect>` : nothing}
        <text class=${ok ? 'on-colour' : 'on-paper'} x=${x0 + hw + 6} y=${LANES.decoded + 21}>${fit(w - hw, `${mark} ${d.header ? JSON.stringify(d.header) : preview(d.payload, 64)}`)}</text>
        <text class=${ok ? 'on-colour small' : 'on-paper small'} x=${x0 + hw + 6} y=${LANES.decoded + 39}>${fit(w - hw, ok ? msg(str`= message #${d.matches + 1} · ${d.payload.length} B`, { id: 'lab.picture.decodedOk' }) : msg(str`not a message that was sent · ${d.payload.length} B`, { id: 'lab.picture.decodedBad' }))}</text>
        <title>${`${mark} ${d.payload.length} B — ${preview(d.payload, 80)}`}</title>
      </g>`;
    });

    const pending =
      p.pendingBytes > 0 && !p.error
        ? svg`<g data-testid="pending-block">
            <rect x=${x(p.readBytes - p.pendingBytes)} y=${LANES.decoded} width=${Math.max(2, x(p.readBytes) - x(p.readBytes - p.pendingBytes) - 1)} height=${LANE_H} rx="4" fill="none" stroke="var(--dim)" stroke-dasharray="5 4" stroke-width="1.5"></rect>
            <text class="on-paper small" x=${x(p.readBytes - p.pendingBytes) + 6} y=${LANES.decoded + 30}>${fit(x(p.readBytes) - x(p.readBytes - p.pendingBytes), msg(str`waiting for the rest: ${p.pendingBytes} B`, { id: 'lab.picture.pending' }))}</text>
          </g>`
        : nothing;

    const unread =
      p.aligned && p.writtenBytes > p.readBytes
        ? svg`<g data-testid="unread-block">
            <rect x=${x(p.readBytes)} y=${LANES.read} width=${Math.max(2, x(p.writtenBytes) - x(p.readBytes) - 1)} height=${LANE_H} rx="3" fill="none" stroke="var(--dim)" stroke-dasharray="5 4" stroke-width="1.5"></rect>
            <text class="on-paper small" x=${x(p.readBytes) + 6} y=${LANES.read + 30}>${fit(x(p.writtenBytes) - x(p.readBytes), msg(str`not read yet: ${p.writtenBytes - p.readBytes} B`, { id: 'lab.picture.unread' }))}</text>
          </g>`
        : nothing;

    const ticks = niceTicks(total, Math.max(2, Math.floor(span / 90)));
    return html`<svg viewBox="0 0 ${width} ${HEIGHT}" height=${HEIGHT} @click=${this.#open} @keydown=${this.#open} role="img" aria-label=${msg('Messages as written, reads as received, messages decoded', { id: 'lab.picture.aria' })}>
      <defs>
        <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="rgba(0,0,0,0.28)"></rect>
          <line x1="0" y1="0" x2="0" y2="6" stroke="rgba(255,255,255,0.55)" stroke-width="2"></line>
        </pattern>
        <pattern id="bad" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="8" height="8" fill="color-mix(in srgb, var(--bad) 10%, var(--paper))"></rect>
          <line x1="0" y1="0" x2="0" y2="8" stroke="color-mix(in srgb, var(--bad) 22%, var(--paper))" stroke-width="3"></line>
        </pattern>
      </defs>
      ${laneTitle(
        LANES.written,
        this.datagrams ? msg('sendto() — datagrams', { id: 'lab.picture.lane.sendto' }) : msg('send() — as written', { id: 'lab.picture.lane.written' }),
        p.aligned ? msg('one colour per message', { id: 'lab.picture.lane.writtenSub' }) : msg('requests (another stream)', { id: 'lab.picture.lane.writtenOther' }),
      )}
      ${laneTitle(LANES.read, this.datagrams ? msg('recvfrom() — as read', { id: 'lab.picture.lane.recvfrom' }) : msg('recv() — as read', { id: 'lab.picture.lane.read' }), msg('one box per read', { id: 'lab.picture.lane.readSub' }))}
      ${laneTitle(LANES.decoded, msg('decoded', { id: 'lab.picture.lane.decoded' }), this.framingLabel)}
      ${written} ${reads} ${unread} ${decoded} ${pending}
      ${cuts.map(
        (b) => svg`<line x1=${x(b)} x2=${x(b)} y1=${p.aligned ? LANES.written - 10 : LANES.read - 10} y2=${LANES.decoded + LANE_H + 8} stroke="var(--cut)" stroke-width="1.5" stroke-dasharray="4 3" opacity="0.75"></line>`,
      )}
      ${p.error ? svg`<text class="error" x=${LEFT} y=${LANES.decoded + LANE_H + 24}>⚠ ${p.error}</text>` : nothing}
      <line x1=${LEFT} x2=${width - RIGHT} y1=${BYTES_H - 24} y2=${BYTES_H - 24} stroke="var(--dim)" stroke-width="1"></line>
      ${ticks.map(
        (b) => svg`<line x1=${x(b)} x2=${x(b)} y1=${BYTES_H - 28} y2=${BYTES_H - 20} stroke="var(--dim)"></line>
          <text class="ruler" x=${x(b)} y=${BYTES_H - 6} text-anchor=${b === 0 ? 'start' : b === total ? 'end' : 'middle'}>${b}</text>`,
      )}
      <text class="lane-sub" x="0" y=${BYTES_H - 6}>${msg('byte offset →', { id: 'lab.picture.axis' })}</text>
      ${this.#timeBand(p, width)}
    </svg>`;
  }
}

/** Round tick values from 0 to `total` (always including both ends). */
function niceTicks(total: number, count: number): number[] {
  const raw = total / count;
  const mag = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < total - step * 0.4; v += step) ticks.push(v);
  ticks.push(total);
  return ticks;
}

declare global {
  interface HTMLElementTagNameMap {
    'stream-picture': StreamPictureElement;
  }
  interface HTMLElementEventMap {
    'message-open': CustomEvent<DecodedMessage>;
  }
}
