/**
 * `<lab-index>`: every lab of the course on one page (issue 16 item 9) — the course's code shape,
 * the one click that sets it up (a built-in service, a socket opened in the workspace, a scenario
 * of the sticky-packet lab or another course lab), what to look at, and where the course's text
 * says something the kernel does not do.
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { LabServiceInfo } from '../../lib/gateway-api.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { courseLabStyles } from './course-lab.styles.js';
import { labEntries, type EntrySetup, type LabEntry } from './lab-index-entries.js';
import { LabSetupEvent } from './lab-setup-event.js';

/** The lab index view. */
@customElement('lab-index')
@localized()
export class LabIndex extends LitElement {
  static override styles = [
    controls,
    courseLabStyles,
    css`
      .entries { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 10px; }
      @media (max-width: 1000px) { .entries { grid-template-columns: minmax(0, 1fr); } }
      .entry { border: 1px solid var(--border); border-radius: 10px; padding: 10px 12px; background: var(--surface); display: grid; gap: 6px; align-content: start; }
      .entry h4 { margin: 0; font-size: 16px; display: flex; justify-content: space-between; gap: 8px; align-items: baseline; }
      .entry pre.code { margin: 0; max-height: 120px; }
      .entry .look { font-size: 14px; margin: 0; }
      .entry .truth { margin: 0; font-size: 13px; }
      .services { font-size: 13px; color: var(--muted); }
    `,
  ];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @state() private services: LabServiceInfo[] = [];
  @state() private error = '';

  /** Sets one entry up: starts the built-in services when it needs one, then asks the page. */
  async setUp(entry: LabEntry): Promise<void> {
    this.error = '';
    const setup = await this.#resolve(entry.setup);
    if (setup) this.dispatchEvent(new LabSetupEvent(setup));
  }

  async #resolve(setup: EntrySetup) {
    if (setup.view !== 'service' && !(setup.view === 'workspace' && entryNeedsServices(setup))) return setup;
    const api = this.gatewayInfo?.gateway?.api;
    if (!api) return undefined;
    try {
      this.services = (await api.startLabs()).services;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return undefined;
    }
    if (setup.view !== 'service') return setup;
    const s = this.services.find((x) => x.name === setup.service);
    if (!s) {
      this.error = msg(str`The gateway runs no ${setup.service} service.`, { id: 'lab.idx.noService' });
      return undefined;
    }
    return { view: 'workspace' as const, request: { kind: 'tcp' as const, options: { host: s.host, port: s.port }, ...(setup.receiver && { receiver: setup.receiver }) } };
  }

  #setupLabel(setup: EntrySetup): string {
    switch (setup.view) {
      case 'service':
        return msg(str`Connect to the built-in ${setup.service} service`, { id: 'lab.idx.do.service' });
      case 'workspace': {
        if (setup.request.kind !== 'udp') return msg('Open it in the workspace', { id: 'lab.idx.do.workspace' });
        const o = setup.request.options;
        const where = o.port ? `${o.address}:${o.port}` : o.address;
        const extra = o.broadcast ? ' + SO_BROADCAST' : '';
        return msg(str`Open a UDP socket on ${where}${extra}`, { id: 'lab.idx.do.udp' });
      }
      case 'lab':
        return setup.scenario === 'states' ? msg('Show the live TCP states', { id: 'lab.idx.do.states' }) : msg('Run its scenario in the sticky-packet lab', { id: 'lab.idx.do.scenario' });
      case 'course':
        return msg('Open this lab', { id: 'lab.idx.do.course' });
    }
  }

  override render() {
    return html`
      <h3>${msg('Every lab of the course', { id: 'lab.idx.title' })}</h3>
      <p class="explain">${msg('Each lab with the shape of the course\'s code, the one click that sets it up over real sockets, and what to look at. The orange notes mark where the course\'s text and the kernel disagree: the page shows what the kernel does.', { id: 'lab.idx.explain' })}</p>
      ${this.services.length
        ? html`<p class="services" data-testid="idx-services">${msg('Built-in services:', { id: 'lab.idx.services' })} ${this.services.map((s) => html`<span class="mono">${s.name} ${s.transport} ${s.host}:${s.port}</span> `)}</p>`
        : nothing}
      ${this.error ? html`<p class="status error" data-testid="idx-error">${this.error}</p>` : nothing}
      <div class="entries">
        ${labEntries().map(
          (e) => html`<div class="entry" data-testid="idx-${e.id}">
            <h4>${e.title()}</h4>
            <pre class="code">${e.code}</pre>
            <p class="look">${e.look()}</p>
            ${e.truth ? html`<p class="truth">${e.truth()}</p>` : nothing}
            <div><button class="small primary" data-testid="idx-setup-${e.id}" ?disabled=${!this.gatewayInfo?.gateway} @click=${() => this.setUp(e)}>▶ ${this.#setupLabel(e.setup)}</button></div>
          </div>`,
        )}
      </div>
    `;
  }
}

/** A UDP socket meant to talk to udp-echo needs the services running to have someone to talk to. */
function entryNeedsServices(setup: EntrySetup): boolean {
  return setup.view === 'workspace' && setup.request.kind === 'udp' && setup.request.options.address === '127.0.0.1' && !setup.request.options.port;
}

declare global {
  interface HTMLElementTagNameMap {
    'lab-index': LabIndex;
  }
}
