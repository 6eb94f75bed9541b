/**
 * `<lost-work-bar>`: after a reload or a gateway restart, the sockets that were open and can be
 * opened again with the same settings — "Reopen" for each restored one, "Reopen all" for every
 * restored and every lost one (lost ones also have "Open again" in their own view) — and a way to
 * forget them. Fires `work-reopen` (`index` −1: all) and `work-forget`.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from './i18n.js';
import type { SavedSocket } from './model/saved-work.js';
import { controls } from './theme.js';

/** Reopen restored socket `index`, or everything (`index` −1). */
export class WorkReopenEvent extends Event {
  constructor(readonly index: number) {
    super('work-reopen', { bubbles: true, composed: true });
  }
}

const TAGS: Record<SavedSocket['kind'], string> = { tcp: 'TCP', server: 'SRV', udp: 'UDP', relay: 'RELAY' };

/** The lost-work bar. */
@customElement('lost-work-bar')
@localized()
export class LostWorkBar extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; }
      section { display: grid; gap: 6px; margin: 8px; padding: 10px; border-radius: var(--radius); background: var(--event-soft); border: 1px solid color-mix(in srgb, var(--event) 30%, transparent); font-size: 12.5px; }
      .head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
      .head b { flex: 1; min-width: 0; }
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; max-height: 160px; overflow: auto; }
      li { display: flex; align-items: center; gap: 6px; min-width: 0; }
      li .t { flex: 1; min-width: 0; font: 12px var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    `,
  ];

  /** Sockets restored from the last visit, not reopened yet. */
  @property({ attribute: false }) restored: readonly SavedSocket[] = [];
  /** Sessions of this visit closed by a lost gateway connection. */
  @property({ type: Number }) lost = 0;

  override render() {
    const n = this.restored.length + this.lost;
    if (n === 0) return nothing;
    return html`<section data-testid="lost-work" role="status">
      <div class="head">
        <b>${msg(str`${n} sockets were closed by a reload or a gateway restart.`, { id: 'lost.title' })}</b>
        <button class="small primary" data-testid="reopen-all" @click=${() => this.dispatchEvent(new WorkReopenEvent(-1))}>${msg('Reopen all', { id: 'lost.reopenAll' })}</button>
        ${this.restored.length ? html`<button class="small" data-testid="forget-work" @click=${() => this.dispatchEvent(new Event('work-forget', { bubbles: true, composed: true }))}>${msg('Forget', { id: 'lost.forget' })}</button>` : nothing}
      </div>
      ${this.restored.length
        ? html`<ul>${this.restored.map(
            (s, i) => html`<li data-testid="restored-socket" data-kind=${s.kind}>
              <span class="tag">${TAGS[s.kind]}</span><span class="t" title=${s.title}>${s.title}</span>
              <button class="small" data-testid="reopen-restored" @click=${() => this.dispatchEvent(new WorkReopenEvent(i))}>${msg('Reopen', { id: 'lost.reopen' })}</button>
            </li>`,
          )}</ul>`
        : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lost-work-bar': LostWorkBar;
  }
  interface HTMLElementEventMap {
    'work-reopen': WorkReopenEvent;
  }
}
