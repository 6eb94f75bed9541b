/**
 * `<relay-form>`: the "new relay" form — where the gateway listens (address, port) and the target
 * it forwards each client to (host, port), Nagle off, and how many bytes of the reads the log may
 * copy (then sizes only). Fires `relay-open` with the options; remembers the last ones.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { RelayOptions } from '../lib/relay.js';
import { localized, msg } from './i18n.js';
import { controls } from './theme.js';

/** The user asked for a relay. */
export class RelayOpenEvent extends Event {
  static readonly type = 'relay-open';
  constructor(readonly options: RelayOptions) {
    super(RelayOpenEvent.type, { bubbles: true, composed: true });
  }
}

const STORAGE_KEY = 'sockgate.relay.last';

function lastOptions(): RelayOptions {
  try {
    const o = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as RelayOptions | null;
    if (o && typeof o.targetHost === 'string' && typeof o.targetPort === 'number') return o;
  } catch { /* no storage or bad JSON: defaults */ }
  return { localAddress: '127.0.0.1', localPort: 9000, targetHost: '127.0.0.1', targetPort: 8000 };
}

/** The new-relay form. */
@customElement('relay-form')
@localized()
export class RelayForm extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; padding: 20px; max-width: 640px; overflow: auto; }
      form { display: grid; gap: 14px; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 18px 20px; }
      h2 { margin: 0; font-size: 16px; }
      p { margin: 0; font-size: 12.5px; color: var(--muted); line-height: 1.5; }
      .grid { display: grid; grid-template-columns: minmax(0, 1fr) 120px; gap: 10px; align-items: end; }
      input { width: 100%; }
      input[type='checkbox'] { width: auto; }
      .foot { display: flex; justify-content: flex-end; gap: 8px; }
    `,
  ];

  @state() private error = '';

  #submit(event: Event): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const get = (k: string) => String(data.get(k) ?? '').trim();
    const port = (k: string, min: number) => {
      const n = Number(get(k));
      if (!get(k) || !Number.isInteger(n) || n < min || n > 65535) throw new RangeError(msg('The port must be a whole number from 1 to 65535.', { id: 'dialog.badPort' }));
      return n;
    };
    try {
      const targetHost = get('targetHost');
      if (!targetHost) throw new RangeError(msg('Give a host name or address.', { id: 'dialog.needHost' }));
      const kib = Number(get('logKiB') || '1024');
      const options: RelayOptions = {
        localAddress: get('localAddress') || '127.0.0.1',
        localPort: port('localPort', 0),
        targetHost,
        targetPort: port('targetPort', 1),
        noDelay: data.has('noDelay'),
        logBytes: Math.max(0, Math.min(64 * 1024, Number.isFinite(kib) ? Math.floor(kib) : 1024)) * 1024,
      };
      try { localStorage.setItem(STORAGE_KEY, JSON.stringify(options)); } catch { /* private mode */ }
      this.error = '';
      this.dispatchEvent(new RelayOpenEvent(options));
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  override render() {
    const o = lastOptions();
    return html`<form data-testid="relay-form" @submit=${this.#submit}>
      <h2>${msg('New relay', { id: 'relay.new' })}</h2>
      <p>${msg('The gateway listens here and forwards each client that connects to the target, both ways. Start your server program, point your client program at the listening port, and watch every read of both directions with its boundaries.', { id: 'relay.intro' })}</p>
      <div class="grid">
        <label class="field">${msg('Listen on address', { id: 'relay.localAddress' })}<input name="localAddress" class="mono" data-testid="relay-local-address" .value=${o.localAddress ?? '127.0.0.1'} /></label>
        <label class="field">${msg('Port', { id: 'peers.port' })}<input name="localPort" type="number" min="0" max="65535" data-testid="relay-local-port" .value=${String(o.localPort ?? 0)} /></label>
        <label class="field">${msg('Forward to host', { id: 'relay.targetHost' })}<input name="targetHost" class="mono" data-testid="relay-target-host" required .value=${o.targetHost} /></label>
        <label class="field">${msg('Port', { id: 'peers.port' })}<input name="targetPort" type="number" min="1" max="65535" data-testid="relay-target-port" required .value=${String(o.targetPort)} /></label>
        <label class="field">${msg('Log copies up to (KiB), then sizes only', { id: 'relay.logBudget' })}<input name="logKiB" type="number" min="0" max="65536" data-testid="relay-log-kib" .value=${String(Math.round((o.logBytes ?? 1 << 20) / 1024))} /></label>
        <label class="check"><input type="checkbox" name="noDelay" ?checked=${o.noDelay ?? false} />TCP_NODELAY</label>
      </div>
      ${this.error ? html`<p class="error-text" role="alert" data-testid="relay-form-error">${this.error}</p>` : nothing}
      <div class="foot"><button type="submit" class="primary" data-testid="relay-start">${msg('Start relay', { id: 'relay.start' })}</button></div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'relay-form': RelayForm;
  }
  interface HTMLElementEventMap {
    'relay-open': RelayOpenEvent;
  }
}
