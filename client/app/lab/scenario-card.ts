/**
 * `<scenario-card>`: one guided scenario — its title, two or three sentences, and a Run button.
 * Fires `scenario-run` (detail: the scenario id) when the button is pressed; the lab runs it.
 */
import { localized, msg } from '../i18n.js';
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ScenarioId } from './scenarios.js';
import type { UdpScenarioId } from './udp-scenarios.js';

/** Event fired by the Run button. */
export type ScenarioRunEvent = CustomEvent<{ id: ScenarioId | UdpScenarioId }>;

/** A guided scenario's card. */
@customElement('scenario-card')
@localized()
export class ScenarioCard extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    button.card {
      all: unset;
      box-sizing: border-box;
      display: flex;
      flex-direction: column;
      gap: 6px;
      width: 100%;
      height: 100%;
      padding: 12px 14px;
      border-radius: 10px;
      border: 2px solid var(--border, color-mix(in srgb, currentColor 14%, transparent));
      background: var(--surface, transparent);
      color: var(--text, inherit);
      cursor: pointer;
      transition: border-color 0.15s, background 0.15s;
    }
    button.card:hover,
    button.card:focus-visible {
      border-color: var(--accent, #2f6fba);
      outline: none;
    }
    :host([active]) button.card {
      border-color: var(--accent, #2f6fba);
      background: var(--accent-soft, color-mix(in srgb, #2f6fba 10%, transparent));
    }
    .top {
      display: flex;
      align-items: baseline;
      gap: 8px;
    }
    .n {
      flex: none;
      width: 24px;
      height: 24px;
      border-radius: 50%;
      display: inline-grid;
      place-items: center;
      background: var(--accent, #2f6fba);
      color: var(--accent-text, #fff);
      font-weight: 700;
      font-size: 13px;
    }
    h3 {
      margin: 0;
      font-size: 15px;
      line-height: 1.3;
    }
    .summary {
      font-size: 13px;
      opacity: 0.78;
      line-height: 1.35;
    }
    .run {
      margin-top: auto;
      align-self: flex-start;
      font-size: 13px;
      font-weight: 600;
      color: var(--accent, #2f6fba);
    }
    :host([running]) .run::after {
      content: ' …';
    }
  `;

  /** The scenario id, sent with `scenario-run`. */
  @property() scenario: ScenarioId | UdpScenarioId = 'two-sends';
  /** Its place in the list, from 1. */
  @property({ type: Number }) number = 1;
  @property() heading = '';
  /** One line under the title: what to look for. */
  @property() summary = '';
  /** True for the scenario the picture shows. */
  @property({ type: Boolean, reflect: true }) active = false;
  /** True while it runs. */
  @property({ type: Boolean, reflect: true }) running = false;

  override render() {
    return html`<button class="card" data-testid="scenario-${this.scenario}" ?disabled=${this.running} @click=${this.#run}>
      <span class="top"><span class="n">${this.number}</span><h3>${this.heading}</h3></span>
      <span class="summary">${this.summary}</span>
      <span class="run">${this.running ? msg('Running', { id: 'lab.card.running' }) : msg('▶ Run with real sockets', { id: 'lab.card.run' })}</span>
    </button>`;
  }

  #run(): void {
    this.dispatchEvent(new CustomEvent('scenario-run', { detail: { id: this.scenario }, bubbles: true, composed: true }));
  }
}

/** One card per scenario, numbered from 1; `active` is the one the picture shows, `running` whether it runs. */
export function scenarioCards(list: readonly { id: ScenarioId | UdpScenarioId; title: () => string; lookFor: () => string }[], active: string | undefined, running: boolean) {
  return list.map(
    (s, i) => html`<scenario-card
      .scenario=${s.id}
      .number=${i + 1}
      .heading=${s.title()}
      .summary=${s.lookFor()}
      ?active=${s.id === active}
      ?running=${s.id === active && running}
    ></scenario-card>`,
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'scenario-card': ScenarioCard;
  }
  interface HTMLElementEventMap {
    'scenario-run': ScenarioRunEvent;
  }
}
