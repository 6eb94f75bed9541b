/**
 * `<connection-banner>`: says plainly when the gateway connection is being made, has dropped and
 * is being retried (with a countdown and "retry now"), and, briefly, that it is back.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { GatewayInfo } from './gateway-controller.js';
import { errorText } from './error-text.js';
import { localized, msg, str } from './i18n.js';
import { controls } from './theme.js';
import { CloseCode } from '../../shared/protocol.js';

/** Fired when the user asks to reconnect now. */
export class RetryNowEvent extends Event {
  static readonly type = 'retry-now';
  constructor() {
    super(RetryNowEvent.type, { bubbles: true, composed: true });
  }
}

/** The connection banner. */
@customElement('connection-banner')
@localized()
export class ConnectionBanner extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; }
      .banner {
        display: flex; align-items: center; gap: 12px; padding: 8px 16px; font-size: 13px;
        border-bottom: 1px solid var(--border);
      }
      .lost { background: var(--error-soft); color: var(--error); }
      .back { background: var(--in-soft); color: var(--in); }
      .wait { background: var(--event-soft); color: var(--event); }
      .detail { color: var(--muted); }
      strong { font-weight: 600; }
    `,
  ];

  /** The connection snapshot from the app. */
  @property({ attribute: false }) info: GatewayInfo | undefined;
  @state() private now = Date.now();
  @state() private showBack = false;
  #ticker: ReturnType<typeof setInterval> | undefined;
  #backTimer: ReturnType<typeof setTimeout> | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('info')) return;
    const before = changed.get('info') as GatewayInfo | undefined;
    if (this.info?.state === 'open' && before && before.state === 'reconnecting') {
      this.showBack = true;
      clearTimeout(this.#backTimer);
      this.#backTimer = setTimeout(() => (this.showBack = false), 8000);
    }
    if (this.info?.state === 'reconnecting' && !this.#ticker) {
      this.#ticker = setInterval(() => (this.now = Date.now()), 500);
    } else if (this.info?.state !== 'reconnecting' && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  override render() {
    const info = this.info;
    if (!info) return nothing;
    if (info.state === 'reconnecting') {
      const seconds = Math.max(0, Math.ceil(((info.retryAt ?? 0) - this.now) / 1000));
      return html`<div class="banner lost" role="alert" data-testid="banner-lost">
        <strong>${msg('Connection to the gateway lost.', { id: 'banner.lost' })}</strong>
        <span>${msg('Sockets opened before were closed.', { id: 'banner.socketsClosed' })}</span>
        <span class="detail">${seconds > 0 ? msg(str`Retrying in ${seconds} s…`, { id: 'banner.retryIn' }) : msg('Retrying…', { id: 'banner.retrying' })}</span>
        ${info.closeCode === CloseCode.GrantEnded && info.lastError
          ? // The student must see why (revoked, expired…): the message carries the gateway's close reason.
            html`<span class="detail" data-testid="banner-grant-ended">${info.lastError.message}</span>`
          : info.lastError && (info.lastError as { sockgateCode?: string }).sockgateCode !== 'CONNECTION_LOST'
            ? html`<span class="detail">${errorText(info.lastError)}</span>`
            : nothing}
        <button class="small" @click=${() => this.dispatchEvent(new RetryNowEvent())}>${msg('Retry now', { id: 'banner.retryNow' })}</button>
      </div>`;
    }
    if (info.state === 'connecting' && info.lastError) {
      return html`<div class="banner wait" role="status" data-testid="banner-connecting">
        <strong>${msg('Cannot reach the gateway yet.', { id: 'banner.cannotReach' })}</strong>
        <span class="detail">${errorText(info.lastError)}</span>
        <button class="small" @click=${() => this.dispatchEvent(new RetryNowEvent())}>${msg('Retry now', { id: 'banner.retryNow' })}</button>
      </div>`;
    }
    if (this.showBack) {
      return html`<div class="banner back" role="status" data-testid="banner-back">
        <strong>${msg('Reconnected to the gateway.', { id: 'banner.back' })}</strong>
        <span>${msg('Open your sockets again from the workspace.', { id: 'banner.reopen' })}</span>
      </div>`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-banner': ConnectionBanner;
  }
  interface HTMLElementEventMap {
    'retry-now': RetryNowEvent;
  }
}
