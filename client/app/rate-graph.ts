/**
 * `<rate-graph>`: a small live graph of bytes per second in and out over the last minute for one
 * socket, redrawn once a second (SVG; in and out as two lines on one shared scale).
 */
import { css, html, LitElement, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { rate } from './format.js';
import { localized, msg } from './i18n.js';
import type { RateMeter } from './model/rate-meter.js';

/** The bytes/s graph. */
@customElement('rate-graph')
@localized()
export class RateGraph extends LitElement {
  static override styles = css`
    :host { display: inline-flex; align-items: center; gap: 8px; font-size: 11px; color: var(--muted); font-variant-numeric: tabular-nums; }
    svg { display: block; background: var(--surface-2); border-radius: 4px; }
    .in { stroke: var(--in); }
    .out { stroke: var(--out); }
    .legend { display: grid; gap: 0; line-height: 1.35; min-width: 84px; }
    .legend b { font-weight: 600; }
    .li { color: var(--in); }
    .lo { color: var(--out); }
  `;

  /** The meter to draw. */
  @property({ attribute: false }) meter: RateMeter | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  override render() {
    const w = 140;
    const h = 34;
    const series = this.meter?.series() ?? { in: [], out: [] };
    const max = Math.max(1, ...series.in, ...series.out);
    const line = (values: number[]) =>
      values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * w).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`).join(' ');
    const lastIn = series.in.at(-1) ?? 0;
    const lastOut = series.out.at(-1) ?? 0;
    return html`
      <svg width=${w} height=${h} viewBox="0 0 ${w} ${h}" role="img" aria-label=${msg('Bytes per second, last minute', { id: 'graph.label' })}>
        ${svg`<polyline class="out" fill="none" stroke-width="1.5" points=${line(series.out)} />`}
        ${svg`<polyline class="in" fill="none" stroke-width="1.5" points=${line(series.in)} />`}
      </svg>
      <span class="legend" data-testid="rate">
        <span class="li">↓ <b>${rate(lastIn)}</b></span>
        <span class="lo">↑ <b>${rate(lastOut)}</b></span>
      </span>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rate-graph': RateGraph;
  }
}
