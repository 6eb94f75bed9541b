/**
 * `<concurrency-lab>`: iterative vs concurrent servers (issue 16 item 1). The course's loop,
 * threaded and select servers run on the gateway as the real Python programs (their code is shown
 * beside each column); the page opens several clients at once against each and shows, from the
 * kernel, that the loop server's later clients are connected but wait in the accept queue.
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { COURSE_BACKLOG, COURSE_SERVER_CODE, COURSE_SERVER_NAMES, type CourseServerName } from '../../../shared/course-servers.js';
import type { LabServiceInfo } from '../../lib/gateway-api.js';
import type { SocketGateway } from '../../lib/index.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { CourseClient } from './course-client.js';
import { courseLabStyles } from './course-lab.styles.js';

/** How often the kernel's accept queue is read while clients are open. */
const POLL_MS = 300;

const titles = (): Record<CourseServerName, string> => ({
  loop: msg('Loop server', { id: 'lab.conc.loop.title' }),
  threaded: msg('Threaded server (socketserver)', { id: 'lab.conc.threaded.title' }),
  select: msg('select() server', { id: 'lab.conc.select.title' }),
});

const notes = (): Record<CourseServerName, string> => ({
  loop: msg('accept() one client, serve it until it closes, then accept() the next. The others are already connected — the kernel did their handshake — and wait in the listen socket\'s accept queue.', { id: 'lab.conc.loop.note' }),
  threaded: msg('Every accepted connection gets its own thread, so every client is answered at once.', { id: 'lab.conc.threaded.note' }),
  select: msg('One thread asks select() which sockets are ready, and serves them in turn: everyone is answered, no threads.', { id: 'lab.conc.select.note' }),
});

/** The concurrency lab view. */
@customElement('concurrency-lab')
@localized()
export class ConcurrencyLab extends LitElement {
  static override styles = [
    controls,
    courseLabStyles,
    css`
      .columns { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; }
      .col { border: 1px solid var(--border); border-radius: 10px; padding: 10px 12px; background: var(--surface); min-width: 0; }
      .col h4 { margin: 0 0 4px; font-size: 16px; }
      .gauge { display: flex; gap: 3px; margin: 6px 0; align-items: center; flex-wrap: wrap; }
      .slot { width: 18px; height: 18px; border-radius: 4px; border: 1px solid var(--border-strong); }
      .slot.full { background: var(--warn); border-color: var(--warn); }
      .clients { list-style: none; padding: 0; margin: 6px 0 0; display: grid; gap: 4px; }
      .clients li { display: flex; gap: 6px; align-items: center; font-size: 13px; padding: 3px 6px; border-radius: 6px; background: var(--surface-2); }
      .clients li .what { flex: 1; min-width: 0; }
      .badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; font-weight: 600; white-space: nowrap; }
      .b-connecting { background: color-mix(in srgb, var(--error) 20%, transparent); }
      .b-waiting { background: color-mix(in srgb, var(--warn) 35%, transparent); }
      .b-served { background: color-mix(in srgb, var(--ok) 30%, transparent); }
      .b-closed, .b-failed { background: var(--surface); color: var(--muted); }
      pre.code { max-height: 300px; }
    `,
  ];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @state() private services: LabServiceInfo[] = [];
  @state() private clients: Record<CourseServerName, CourseClient[]> = { loop: [], threaded: [], select: [] };
  @state() private error = '';
  @state() private tick = 0;
  #next = 1;
  #timer: ReturnType<typeof setInterval> | undefined;

  get #gateway(): SocketGateway | undefined {
    return this.gatewayInfo?.gateway;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
    this.#timer = undefined;
    // Leaving the lab closes its clients, so the loop server does not keep a queue for nobody.
    void this.closeAll();
  }

  /** Starts the course's servers on the gateway (idempotent) and reads their queues. */
  async start(): Promise<void> {
    const gateway = this.#gateway;
    if (!gateway) return;
    try {
      this.services = (await gateway.api.startCourseLabs()).services;
      this.error = '';
      this.#timer ??= setInterval(() => void this.#poll(), POLL_MS);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  async #poll(): Promise<void> {
    const gateway = this.#gateway;
    if (!gateway || !this.isConnected) return;
    try {
      this.services = (await gateway.api.labs()).services;
    } catch {
      // The next poll tries again; a lost gateway shows in the banner.
    }
  }

  #service(name: CourseServerName): LabServiceInfo | undefined {
    return this.services.find((s) => s.name === name);
  }

  /** Opens `count` clients at once against one server. */
  async open(name: CourseServerName, count: number): Promise<void> {
    if (!this.#service(name)) await this.start();
    const s = this.#service(name);
    const gateway = this.#gateway;
    if (!s || !gateway) return;
    const fresh = Array.from({ length: count }, () => new CourseClient(gateway, this.#next++, s.host, s.port, () => this.tick++));
    this.clients = { ...this.clients, [name]: [...this.clients[name], ...fresh] };
  }

  /** The guided run: three clients at once against each of the three servers. */
  async runAll(): Promise<void> {
    await this.closeAll();
    await this.start();
    for (const name of COURSE_SERVER_NAMES) await this.open(name, 3);
  }

  /** Against the loop server: 1 served + listen(5)'s 6 queued + 1 whose SYN the kernel drops. */
  async fillBacklog(): Promise<void> {
    const old = this.clients.loop;
    this.clients = { ...this.clients, loop: [] };
    await Promise.all(old.map((c) => c.close()));
    // One after the other: the last SYN must arrive once the queue is full. Sent together, it can
    // win its SYN-ACK while a slot is still free and then have its final ACK dropped instead
    // (connect() returns on the client, the server keeps SYN_RECV): a different lesson, by chance.
    await this.open('loop', COURSE_BACKLOG + 2);
    await Promise.all(this.clients.loop.map((c) => c.opened));
    await this.open('loop', 1);
  }

  async closeAll(): Promise<void> {
    const all = COURSE_SERVER_NAMES.flatMap((n) => this.clients[n]);
    this.clients = { loop: [], threaded: [], select: [] };
    await Promise.all(all.map((c) => c.close()));
  }

  #stateText(c: CourseClient): string {
    switch (c.state) {
      case 'connecting':
        return msg('connect() still waiting (SYN not answered)', { id: 'lab.conc.state.connecting' });
      case 'waiting':
        return msg('connected, sent — no reply yet', { id: 'lab.conc.state.waiting' });
      case 'served':
        return msg(str`answered after ${c.servedAt! - c.connectedAt!} ms`, { id: 'lab.conc.state.served' });
      case 'closed':
        return msg('closed', { id: 'lab.conc.state.closed' });
      case 'failed':
        return c.error;
    }
  }

  #column(name: CourseServerName) {
    const s = this.#service(name);
    const queue = s?.acceptQueue ?? 0;
    const list = this.clients[name];
    return html`<div class="col" data-testid="conc-col-${name}">
      <h4>${titles()[name]}</h4>
      <p class="note">${notes()[name]}</p>
      <div class="row">
        <button class="primary small" data-testid="conc-open-${name}" ?disabled=${!this.#gateway} @click=${() => this.open(name, 3)}>
          ${msg('Open 3 clients', { id: 'lab.conc.open3' })}
        </button>
        ${name === 'loop'
          ? html`<button class="small" data-testid="conc-fill-loop" ?disabled=${!this.#gateway} @click=${() => this.fillBacklog()}>
              ${msg('Fill the backlog: 8 clients', { id: 'lab.conc.fill' })}
            </button>`
          : nothing}
      </div>
      <div class="kernel" data-testid="conc-queue-${name}" data-queue=${s?.acceptQueue ?? ''} data-syn-sent=${s?.synSent ?? ''} data-held=${s?.clients ?? ''}>
        <div class="gauge" title=${msg('The listen socket\'s accept queue (Linux /proc/net/tcp, rx_queue of the LISTEN row)', { id: 'lab.conc.gauge.title' })}>
          ${Array.from({ length: COURSE_BACKLOG + 1 }, (_, i) => html`<span class="slot ${i < queue ? 'full' : ''}"></span>`)}
        </div>
        ${s
          ? html`${msg(str`accept queue: ${queue} waiting (listen(${COURSE_BACKLOG}): the kernel queues at most ${COURSE_BACKLOG + 1}) · SYN_SENT: ${s.synSent ?? 0}`, { id: 'lab.conc.queue' })}`
          : msg('not started', { id: 'lab.conc.notStarted' })}
      </div>
      <ul class="clients">
        ${list.map(
          (c) => html`<li data-testid="conc-client-${name}-${c.number}" data-state=${c.state} data-reply=${c.reply}>
            <span class="badge b-${c.state}">#${c.number}</span>
            <span class="what">${c.localPort ? html`<span class="mono">:${c.localPort}</span> ` : nothing}${this.#stateText(c)}${c.reply ? html` · <span class="mono">${c.reply}</span>` : nothing}</span>
            ${c.state === 'closed' ? nothing : html`<button class="small" data-testid="conc-close-${name}-${c.number}" @click=${() => c.close()}>${msg('close', { id: 'lab.conc.close' })}</button>`}
          </li>`,
        )}
      </ul>
      <details ?open=${name === 'loop'}>
        <summary>${msg('The course\'s code (this is what runs)', { id: 'lab.conc.code' })}</summary>
        <pre class="code" data-testid="conc-code-${name}">${COURSE_SERVER_CODE[name]}</pre>
      </details>
    </div>`;
  }

  override render() {
    return html`
      <h3>${msg('Iterative vs concurrent servers', { id: 'lab.conc.title' })}</h3>
      <p class="explain">
        ${msg(
          'Three servers that all answer recv(1024) with data.upper(), written the three ways the course teaches. They are the real Python programs, run by the gateway on 127.0.0.1. Each client sends "hello from client N" as soon as connect() returns. Watch the loop server: its second client is connected — connect() returned, the kernel finished the handshake — yet nobody reads it until the first client closes.',
          { id: 'lab.conc.explain' },
        )}
      </p>
      <p class="truth">
        ${msg(
          'What the kernel does: accept() does not perform the handshake; it only takes a connection the kernel already completed off the accept queue. With listen(5) Linux keeps up to 6 completed connections there; when the queue is full it drops new SYNs, so the next client stays in SYN_SENT and retries (after 1 s, 3 s, 7 s…) until a slot frees.',
          { id: 'lab.conc.truth' },
        )}
      </p>
      <div class="row">
        <button class="primary" data-testid="conc-run" ?disabled=${!this.#gateway} @click=${() => this.runAll()}>
          ${msg('▶ Three clients at once against each server', { id: 'lab.conc.run' })}
        </button>
        <button data-testid="conc-close-all" @click=${() => this.closeAll()}>${msg('Close every client', { id: 'lab.conc.closeAll' })}</button>
      </div>
      ${this.error ? html`<p class="status error" data-testid="conc-error">${this.error}</p>` : nothing}
      <div class="columns">${COURSE_SERVER_NAMES.map((n) => this.#column(n))}</div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'concurrency-lab': ConcurrencyLab;
  }
}
