/**
 * `<sockgate-app>`: the page. Owns the gateway connection (GatewayController) and provides it by
 * context; a header with the views (workspace, sticky-packet lab), language and theme; the
 * connection banner; the current view.
 */
import { provide } from '@lit/context';
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { GatewayController, gatewayContext, type GatewayInfo } from './gateway-controller.js';
import { currentLocale, LOCALES, localized, msg, switchLocale, type AppLocale } from './i18n.js';
import { applyTheme, controls, effectiveTheme, storedTheme, type ThemeChoice } from './theme.js';
import './connection-banner.js';
import './socket-workspace.js';
import './lab/sticky-lab.js';
import './lab/course-labs.js';
import type { LabSetupEvent } from './lab/lab-setup-event.js';

type View = 'workspace' | 'lab' | 'course';
const VIEWS: readonly View[] = ['workspace', 'lab', 'course'];
const VIEW_KEY = 'sockgate.view';

/** The whole page. */
// @localized() must run before @customElement: defining the element upgrades the <sockgate-app>
// already in the document, and an instance made before the decorator never hears locale changes.
@customElement('sockgate-app')
@localized()
export class SockgateApp extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: grid; grid-template-rows: auto auto 1fr; grid-template-columns: minmax(0, 1fr); height: 100vh; background: var(--bg); }
      header {
        display: flex; align-items: center; gap: 16px; padding: 0 16px; height: 48px;
        background: var(--surface); border-bottom: 1px solid var(--border);
      }
      .brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 15px; letter-spacing: 0.01em; }
      .brand svg { color: var(--accent); }
      .brand small { font-weight: 500; color: var(--faint); font-size: 12px; }
      nav { display: flex; gap: 2px; height: 100%; }
      nav button {
        height: 100%; border: 0; border-radius: 0; background: none; padding: 0 12px; color: var(--muted);
        border-bottom: 2px solid transparent; font-weight: 500;
      }
      nav button:hover:not(:disabled) { background: none; color: var(--text); }
      nav button[aria-current='page'] { color: var(--text); border-bottom-color: var(--accent); }
      .spacer { flex: 1; }
      /* 800×600 and split screens: the header must fit (it pushed the page 28 px wide in English). */
      @media (max-width: 900px) {
        header { gap: 8px; padding: 0 10px; }
        nav button { padding: 0 8px; }
        .brand small { display: none; }
      }
      .status { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); }
      .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--faint); }
      .dot.open { background: var(--ok); }
      .dot.reconnecting, .dot.connecting { background: var(--warn); }
      select { height: 28px; }
      main { min-height: 0; overflow: hidden; }
      main > * { height: 100%; }
      [hidden] { display: none !important; }
      .lab-view { overflow: auto; }
      /* 800 px wide: the three views, status, language and theme must still fit on one row. */
      @media (max-width: 880px) {
        header { gap: 8px; padding: 0 10px; }
        .brand small { display: none; }
        nav button { padding: 0 8px; }
      }
    `,
  ];

  /** The gateway connection as every element sees it. */
  @provide({ context: gatewayContext })
  @state()
  gatewayInfo: GatewayInfo;

  @state() private view: View = VIEWS.find((v) => v === sessionStorage.getItem(VIEW_KEY)) ?? 'workspace';
  @state() private theme: ThemeChoice = storedTheme();

  private gatewayController = new GatewayController(this, (info) => {
    this.gatewayInfo = info;
  });

  constructor() {
    super();
    this.gatewayInfo = this.gatewayController.info;
  }

  override render() {
    const info = this.gatewayInfo;
    const stateText = info.state === 'open' ? msg('Connected', { id: 'app.connected' }) : info.state === 'connecting' ? msg('Connecting…', { id: 'app.connecting' }) : msg('Reconnecting…', { id: 'app.reconnecting' });
    return html`
      <header>
        <div class="brand">
          <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <path d="M4 7h10M4 17h10" stroke-linecap="round" /><circle cx="18" cy="7" r="3" /><circle cx="18" cy="17" r="3" />
          </svg>
          sockgate <small>${info.gateway?.gatewayName.replace(/^sockgate\//, 'v') ?? ''}</small>
        </div>
        <nav aria-label=${msg('Views', { id: 'app.views' })}>
          ${this.#tab('workspace', msg('Workspace', { id: 'app.view.workspace' }))}
          ${this.#tab('lab', msg('Sticky-packet lab', { id: 'app.view.lab' }))}
          ${this.#tab('course', msg('Course labs', { id: 'app.view.course' }))}
        </nav>
        <span class="spacer"></span>
        <span class="status" data-testid="gateway-status" data-state=${info.state}><span class="dot ${info.state}"></span>${stateText}</span>
        <select aria-label=${msg('Language', { id: 'app.language' })} data-testid="language" @change=${this.#onLocale}>
          ${LOCALES.map((l) => html`<option value=${l.locale} ?selected=${currentLocale() === l.locale}>${l.name}</option>`)}
        </select>
        <button class="ghost" data-testid="theme-toggle" @click=${this.#toggleTheme}
          title=${msg('Switch light / dark theme', { id: 'app.theme' })} aria-label=${msg('Switch light / dark theme', { id: 'app.theme' })}>
          ${effectiveTheme() === 'dark'
            ? html`<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/></svg>`
            : html`<svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"/></svg>`}
        </button>
      </header>
      <connection-banner .info=${info} @retry-now=${() => this.gatewayController.retryNow()}></connection-banner>
      <main @lab-setup=${this.#onLabSetup}>
        <socket-workspace ?hidden=${this.view !== 'workspace'}></socket-workspace>
        <div class="lab-view" ?hidden=${this.view !== 'lab'}><sticky-lab></sticky-lab></div>
        ${this.view === 'course' ? html`<div class="lab-view"><course-labs></course-labs></div>` : ''}
      </main>
    `;
  }

  #tab(view: View, label: string) {
    return html`<button data-testid="nav-${view}" aria-current=${this.view === view ? 'page' : 'false'} @click=${() => this.#show(view)}>${label}</button>`;
  }

  #show(view: View): void {
    this.view = view;
    sessionStorage.setItem(VIEW_KEY, view);
  }

  /** The lab index's one click: a socket in the workspace, or a scenario of the sticky-packet lab. */
  async #onLabSetup(event: LabSetupEvent): Promise<void> {
    const setup = event.setup;
    if (setup.view === 'course') return;
    this.#show(setup.view);
    await this.updateComplete;
    if (setup.view === 'workspace') this.renderRoot.querySelector('socket-workspace')?.open(setup.request);
    else await this.renderRoot.querySelector('sticky-lab')?.runAny(setup.scenario);
  }

  async #onLocale(event: Event): Promise<void> {
    await switchLocale((event.target as HTMLSelectElement).value as AppLocale);
  }

  #toggleTheme(): void {
    this.theme = effectiveTheme() === 'dark' ? 'light' : 'dark';
    applyTheme(this.theme);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sockgate-app': SockgateApp;
  }
}
