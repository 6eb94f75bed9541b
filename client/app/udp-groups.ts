/**
 * `<udp-groups>`: the multicast groups a bound UDP socket has joined, each with a Leave button,
 * and a field to join another group on the socket's multicast interface.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from './i18n.js';
import type { UdpSession } from './model/udp-session.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';

/** The joined multicast groups of one UDP session. */
@customElement('udp-groups')
@localized()
export class UdpGroups extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; padding: 6px 10px; font-size: 13px; border-bottom: 1px solid var(--border); }
      .label { font-size: 12px; font-weight: 600; color: var(--muted); }
      .group { display: inline-flex; align-items: center; gap: 6px; font-family: var(--mono); background: var(--surface-2); border-radius: 12px; padding: 2px 4px 2px 10px; }
      .none { color: var(--faint); }
      .iface { color: var(--faint); font-size: 12px; }
      form { display: inline-flex; gap: 6px; margin-left: auto; }
      input { width: 130px; font-family: var(--mono); }
    `,
  ];

  /** The UDP session. */
  @property({ attribute: false }) session: UdpSession | undefined;
  @state() private busy = false;
  #watcher = new ChangeWatcher(this, undefined, 150);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) this.#watcher.watch(this.session);
  }

  async #run(action: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await action();
    } finally {
      this.busy = false;
    }
  }

  #join(event: Event): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('group') as HTMLInputElement;
    const group = input.value.trim();
    if (!group || !this.session) return;
    input.value = '';
    void this.#run(() => this.session!.joinGroup(group));
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const open = s.state === 'open';
    const iface = s.options.multicastInterface;
    return html`<span class="label">${msg('Multicast groups', { id: 'groups.title' })}</span>
      ${iface ? html`<span class="iface" data-testid="group-iface">${msg('on', { id: 'groups.on' })} ${iface}</span>` : nothing}
      ${s.groups.length === 0 ? html`<span class="none">${msg('none joined', { id: 'groups.none' })}</span>` : nothing}
      ${s.groups.map(
        (g) => html`<span class="group" data-testid="group-row" data-group=${g}>${g}
          <button class="small" data-testid="group-leave" ?disabled=${!open || this.busy} @click=${() => void this.#run(() => s.leaveGroup(g))}>${msg('Leave', { id: 'groups.leave' })}</button></span>`,
      )}
      ${open
        ? html`<form @submit=${this.#join}>
            <input name="group" data-testid="group-input" placeholder="239.1.2.3" aria-label=${msg('Group to join', { id: 'groups.input' })} autocomplete="off" />
            <button class="small" type="submit" data-testid="group-join" ?disabled=${this.busy}>${msg('Join', { id: 'groups.join' })}</button>
          </form>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'udp-groups': UdpGroups;
  }
}
