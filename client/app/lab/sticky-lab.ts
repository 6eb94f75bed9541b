/**
 * `<sticky-lab>`: the sticky-packet (粘包) lab. Guided scenarios run over real sockets through the
 * gateway; the picture shows the messages as written against the reads as the kernel returned them
 * and the messages a framing recovers; sender and receiver knobs; live kernel TCP states.
 * It takes the gateway from the page's context (`gatewayContext`), as the workspace does.
 */
import { consume } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { LabServiceInfo } from '../../lib/gateway-api.js';
import type { SocketGateway } from '../../lib/index.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { FRAMING_LABELS } from './framing-labels.js';
import { DEFAULT_KNOBS, knobsFor, knobSummary, messagesTextFor, type Knobs } from './knobs.js';
import type { LabConnection, LabSide, LabTarget } from './lab-connection.js';
import type { KnobChangeEvent, PlayChangeEvent, PlayTargetKind } from './lab-knobs.js';
import './lab-knobs.js';
import { LabRunController } from './lab-run-controller.js';
import { scenarioCards, type ScenarioRunEvent } from './scenario-card.js';
import { SCENARIO_IDS, scenarios, type ScenarioId } from './scenarios.js';
import { stickyLabStyles } from './sticky-lab.styles.js';
import './stream-picture.js';
import { LAB_FRAMINGS, type DecodedMessage } from './stream-model.js';
import '../whole-message.js';
import './handshake-diagram.js';
import './tcp-state-panel.js';
import './udp-boundary-lab.js';
import { isUdpScenario } from './udp-scenarios.js';
import type { TcpCloseEvent, WatchedSocket } from './tcp-state-panel.js';
import { closedKeys, watchedSockets } from './watched-sockets.js';

const isStickyScenario = (id: string): id is ScenarioId => (SCENARIO_IDS as readonly string[]).includes(id);

/** The sticky-packet lab view. */
@customElement('sticky-lab')
@localized()
export class StickyLab extends LitElement {
  static override styles = [controls, stickyLabStyles];

  /** The page's gateway connection; the lab waits while it has no gateway. */
  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @state() private knobs: Knobs = { ...DEFAULT_KNOBS };
  @state() private messagesText = 'hello\nworld';
  @state() private target: PlayTargetKind = 'pair';
  @state() private remoteHost = '127.0.0.1';
  @state() private remotePort = 7;
  @state() private services: LabServiceInfo[] | undefined;
  /** The lab's sockets, the run's status and message. */
  #lab = new LabRunController(this, () => this.gateway);
  #watchedCache: { conn: LabConnection | undefined; list: WatchedSocket[] } = { conn: undefined, list: [] };

  /** The connected gateway, if any. */
  get gateway(): SocketGateway | undefined {
    return this.gatewayInfo?.gateway;
  }

  protected override willUpdate(changed: PropertyValues): void {
    // A new gateway connection (the page reconnected): the old sockets died with the old one.
    const before = changed.has('gatewayInfo') ? (changed.get('gatewayInfo') as GatewayInfo | undefined)?.gateway : undefined;
    if (before !== undefined && before !== this.gateway) this.#lab.drop();
  }

  /** Runs one guided scenario from a fresh connection. */
  async runScenario(id: ScenarioId): Promise<void> {
    const s = scenarios().find((x) => x.id === id);
    if (!s) return;
    this.knobs = knobsFor(s);
    this.messagesText = messagesTextFor(s);
    this.target = 'pair';
    await this.#lab.runScenario(s, this.knobs);
  }

  /** Runs a TCP or a UDP scenario, or shows the live TCP states (`states`), bringing it into view. */
  async runAny(id: string): Promise<void> {
    await this.updateComplete;
    if (isStickyScenario(id)) return this.runScenario(id);
    const target = id === 'states' ? this.renderRoot.querySelector('tcp-state-panel') : this.renderRoot.querySelector('udp-boundary-lab');
    target?.scrollIntoView({ block: 'start' });
    if (isUdpScenario(id)) await this.renderRoot.querySelector('udp-boundary-lab')?.runScenario(id);
  }

  #playTarget(): LabTarget {
    return this.target === 'pair' ? { kind: 'pair' } : { kind: 'remote', host: this.remoteHost, port: this.remotePort };
  }

  /** Free play: send the textarea's lines with the current knobs. */
  #sendClicked(): Promise<void> {
    const messages = this.messagesText
      .split('\n')
      .filter((l) => l.length > 0)
      .map((text) => ({ text }));
    return this.#lab.send(this.#playTarget(), messages, this.knobs);
  }

  /** A knob changed: store it and apply it to the open sockets at once. */
  #setKnob({ detail }: KnobChangeEvent): Promise<void> {
    this.knobs = { ...this.knobs, [detail.key]: detail.value };
    return this.#lab.applyKnob(detail.key, this.knobs);
  }

  /** A decoded message of the picture, whole: view, copy, save (the picture shows only its start). */
  readonly #openMessage = ({ detail: d }: CustomEvent<DecodedMessage>): void => {
    const label = msg(str`Decoded message #${d.index + 1}`, { id: 'lab.whole.label' }) + (d.header ? ` · ${JSON.stringify(d.header)}` : '');
    void this.renderRoot.querySelector('whole-message')?.show(d.payload, label);
  };

  #setPlay({ detail }: PlayChangeEvent): void {
    if (detail.messagesText !== undefined) this.messagesText = detail.messagesText;
    if (detail.remoteHost !== undefined) this.remoteHost = detail.remoteHost;
    if (detail.remotePort !== undefined) this.remotePort = detail.remotePort;
    if (detail.target !== undefined) {
      this.target = detail.target;
      if (detail.target === 'remote' && !this.services) void this.#loadServices();
    }
  }

  async #loadServices(): Promise<void> {
    if (!this.gateway) return;
    try {
      this.services = (await this.gateway.api.startLabs()).services.filter((s) => s.transport === 'tcp');
    } catch (err) {
      this.#lab.say(err instanceof Error ? err.message : String(err));
    }
  }

  override render() {
    const list = scenarios();
    const { conn, status, message, scenario } = this.#lab;
    const active = list.find((s) => s.id === scenario);
    const k = this.knobs;
    const sender = conn?.sender(k.direction);
    const receiver = conn?.receiver(k.direction);
    if (this.#watchedCache.conn !== conn) this.#watchedCache = { conn, list: watchedSockets(conn) };
    const roleName = (side: LabSide) => (side.role === 'client' ? msg('client', { id: 'lab.role.client' }) : msg('accepted socket', { id: 'lab.role.accepted' }));
    return html`
      <h2>${msg('Sticky-packet lab · 粘包', { id: 'lab.title' })}</h2>
      <p class="intro">
        ${msg(
          'TCP delivers a stream of bytes, not messages: the boundaries of your send() calls are not the boundaries of the other side\'s recv() calls. Every run below uses real sockets through the gateway, and the picture shows exactly what the kernel returned.',
          { id: 'lab.intro' },
        )}
      </p>
      <div class="cards" @scenario-run=${(e: ScenarioRunEvent) => isStickyScenario(e.detail.id) && this.runScenario(e.detail.id)}>
        ${scenarioCards(list, scenario, status === 'running' || status === 'connecting')}
      </div>

      <section class="stage" data-testid="lab-stage" data-scenario=${scenario ?? ''} data-status=${status}>
        <div class="head ${active ? 'with-code' : ''}">
          <div>
            <h3>${active ? active.title() : msg('Try it yourself', { id: 'lab.play.title' })}</h3>
            <p class="explain">
              ${active ? active.explain() : msg('Type some messages, set the knobs below and press Send; or pick a scenario above.', { id: 'lab.play.explain' })}
            </p>
            ${active ? html`<p class="look">${active.lookFor()}</p>` : nothing}
          </div>
          ${active ? html`<pre class="code" data-testid="scenario-python" aria-label=${msg('The same in Python', { id: 'lab.python' })}>${active.python}</pre>` : nothing}
        </div>
        ${sender && receiver
          ? html`<p class="who">
              ${msg(str`writes: ${roleName(sender)} ${sender.info.localAddress}:${sender.info.localPort} → reads: ${roleName(receiver)} ${receiver.info.localAddress}:${receiver.info.localPort}`, { id: 'lab.who' })}
              · ${knobSummary(k)}
            </p>`
          : nothing}
        <stream-picture
          data-testid="stream-picture"
          .written=${sender ? [...sender.writes] : []}
          .reads=${receiver ? [...receiver.reads] : []}
          .framing=${LAB_FRAMINGS[k.decodeFraming]}
          .framingLabel=${FRAMING_LABELS[k.decodeFraming].short()}
          @message-open=${this.#openMessage}
        ></stream-picture>
        <whole-message bare data-testid="lab-whole-message" name="lab-message"></whole-message>
        ${message || status === 'error'
          ? html`<p class="status ${status === 'error' ? 'error' : ''}" data-testid="lab-message">${message}</p>`
          : nothing}
      </section>

      <section class="panel">
        <lab-knobs
          .knobs=${k}
          .messagesText=${this.messagesText}
          .target=${this.target}
          .remoteHost=${this.remoteHost}
          .remotePort=${this.remotePort}
          .services=${this.services}
          ?connected=${!!this.gateway}
          ?open=${!!conn}
          .recvPending=${this.#lab.recvPending}
          @knob-change=${this.#setKnob}
          @play-change=${this.#setPlay}
          @lab-recv=${() => this.#lab.recv(this.knobs)}
          @lab-send=${this.#sendClicked}
          @lab-new-connection=${() => this.#lab.newConnection(this.#playTarget(), this.knobs)}
        ></lab-knobs>
      </section>

      <section class="panel wire">
        <div>
          <h3>${msg('Live TCP states (from the kernel)', { id: 'lab.tcp.title' })}</h3>
          <tcp-state-panel
            data-testid="tcp-states"
            .api=${this.gateway?.api}
            .sockets=${this.#watchedCache.list}
            .closedKeys=${closedKeys(conn)}
            @tcp-close=${(e: TcpCloseEvent) => this.#lab.closeSocket(e.detail.key)}
          ></tcp-state-panel>
        </div>
        <div data-testid="wire-panel">
          <h3>${msg('On the wire (tcpdump)', { id: 'wire.title' })}</h3>
          <label class="capture-toggle"
            ><input type="checkbox" data-testid="capture-toggle" .checked=${this.#lab.captureOn} @change=${(e: Event) => this.#lab.setCapture((e.target as HTMLInputElement).checked)} />
            ${msg('capture packets of the next connection', { id: 'wire.toggle' })}</label
          >
          <handshake-diagram
            .log=${this.#lab.capture}
            .revision=${this.#lab.capture?.revision ?? 0}
            .clientLabel=${msg('client', { id: 'lab.role.client' })}
            .serverLabel=${msg('server', { id: 'wire.server' })}
          ></handshake-diagram>
        </div>
      </section>

      <section class="panel"><udp-boundary-lab></udp-boundary-lab></section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sticky-lab': StickyLab;
  }
}
