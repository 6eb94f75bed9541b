/**
 * `<udp-boundary-lab>`: UDP keeps message boundaries, TCP does not (issue 16 item 7). Guided runs
 * over two real UDP sockets on 127.0.0.1 through the gateway, drawn with the sticky-packet lab's
 * picture: one datagram per sendto(), one per recvfrom(n), and a datagram longer than n cut with
 * the rest discarded. Sits in the sticky-packet lab below the TCP scenarios.
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SocketGateway } from '../../lib/index.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { scenarioCards, type ScenarioRunEvent } from './scenario-card.js';
import { stickyLabStyles } from './sticky-lab.styles.js';
import './stream-picture.js';
import { UdpLabRun } from './udp-lab-run.js';
import { isUdpScenario, udpScenarios, type UdpScenarioId } from './udp-scenarios.js';

/** How long a run waits for its datagrams, ms. */
const READ_BOUND_MS = 3000;

/** The UDP scenarios and their picture. */
@customElement('udp-boundary-lab')
@localized()
export class UdpBoundaryLab extends LitElement {
  static override styles = [
    controls,
    stickyLabStyles,
    css`
      :host { padding: 0; max-width: none; }
      .knob { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 0 0 10px; font-size: 14px; }
      .knob input { width: 90px; }
    `,
  ];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @state() private scenario: UdpScenarioId | undefined;
  @state() private status: 'idle' | 'running' | 'done' | 'error' = 'idle';
  @state() private message = '';
  @state() private recvN = 1024;
  @state() private tick = 0;
  #run: UdpLabRun | undefined;

  get #gateway(): SocketGateway | undefined {
    return this.gatewayInfo?.gateway;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.#run?.close();
    this.#run = undefined;
  }

  /** Runs a scenario on two fresh sockets, with its own recvfrom size unless `keepN`. */
  async runScenario(id: UdpScenarioId, keepN = false): Promise<void> {
    const s = udpScenarios().find((x) => x.id === id);
    const gateway = this.#gateway;
    if (!s || !gateway) return;
    if (!keepN) this.recvN = s.recvN;
    this.scenario = id;
    this.status = 'running';
    this.message = '';
    await this.#run?.close();
    this.#run = undefined;
    try {
      const run = await UdpLabRun.open(gateway, this.recvN, () => this.tick++);
      this.#run = run;
      await run.send(s.messages, s.gapMs);
      if (!(await run.untilReads(s.messages.length, READ_BOUND_MS))) throw new Error(msg('Timed out waiting for the datagrams.', { id: 'lab.udp.timeout' }));
      if (this.#run !== run) return;
      this.status = 'done';
    } catch (err) {
      this.status = 'error';
      this.message = err instanceof Error ? err.message : String(err);
    }
  }

  #onCard(e: ScenarioRunEvent): void {
    // The TCP lab's cards are outside this element; these are handled here only.
    e.stopPropagation();
    if (isUdpScenario(e.detail.id)) void this.runScenario(e.detail.id);
  }

  /** The run's outcome, worded at render time so a language switch re-words it. */
  #statusLine(run: UdpLabRun | undefined) {
    if (this.status === 'error') return html`<p class="status error" data-testid="udp-message">${this.message}</p>`;
    if (this.status !== 'done' || !run) return nothing;
    const lost = run.reads.reduce((n, c) => n + (c.lost ?? 0), 0);
    return html`<p class="status" data-testid="udp-message">
      ${msg(str`${run.written.length} sendto() calls, ${run.reads.length} recvfrom(${run.recvN}) calls, ${lost} bytes discarded.`, { id: 'lab.udp.summary' })}
    </p>`;
  }

  override render() {
    const list = udpScenarios();
    const active = list.find((s) => s.id === this.scenario);
    const run = this.#run;
    return html`
      <h3>${msg('UDP keeps message boundaries, TCP does not', { id: 'lab.udp.title' })}</h3>
      <p class="intro">
        ${msg('The same sends over UDP (two real SOCK_DGRAM sockets on 127.0.0.1): every sendto() is one datagram, and every recvfrom(n) returns one datagram — never two, never half, but cut to n bytes when it is longer.', { id: 'lab.udp.intro' })}
      </p>
      <div class="cards" @scenario-run=${this.#onCard}>
        ${scenarioCards(list, this.scenario, this.status === 'running')}
      </div>
      ${active
        ? html`<div class="head with-code" data-testid="udp-stage" data-scenario=${active.id} data-status=${this.status}>
              <div>
                <p class="explain">${active.explain()}</p>
                <p class="look">${active.lookFor()}</p>
              </div>
              <pre class="code" data-testid="udp-python">${active.python}</pre>
            </div>
            ${run
              ? html`<p class="who">
                  ${msg(str`sendto(): 127.0.0.1:${run.sender.info.localPort} → recvfrom(${run.recvN}): 127.0.0.1:${run.receiver.info.localPort}`, { id: 'lab.udp.who' })}
                </p>`
              : nothing}
            <div class="knob">
              <label>recvfrom(n), n = <input type="number" min="1" max="65535" data-testid="udp-recvn" .value=${String(this.recvN)}
                @change=${(e: Event) => (this.recvN = Math.max(1, Math.min(65535, Number((e.target as HTMLInputElement).value) || 1)))} /></label>
              <button class="small" data-testid="udp-rerun" ?disabled=${this.status === 'running'} @click=${() => this.runScenario(active.id, true)}>
                ${msg('Run again with this n', { id: 'lab.udp.rerun' })}
              </button>
            </div>
            <stream-picture
              data-testid="udp-picture"
              datagrams
              .written=${run ? [...run.written] : []}
              .reads=${run ? [...run.reads] : []}
              .framing=${{ kind: 'none' }}
              .framingLabel=${msg('one datagram = one message', { id: 'lab.udp.framing' })}
            ></stream-picture>
            ${this.#statusLine(run)}`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'udp-boundary-lab': UdpBoundaryLab;
  }
}
