/**
 * `<composer-snippets>`: the composer's named snippets — pick one to load it, save the current
 * message under a name, and delete any one of them from the list ("Manage"), not only the last
 * (issue 12, defect 10). Snippets survive a reload (localStorage) and a lab-pack import. Fires
 * `snippet-load` with the snippet; reads the message to save from its `current` property.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from './i18n.js';
import { load, save, type Snippet } from './model/persist.js';
import { controls } from './theme.js';
import { SNIPPETS_CHANGED } from './tools/tools-store.js';

/** A snippet picked to load into the composer. */
export class SnippetLoadEvent extends Event {
  static readonly type = 'snippet-load';
  constructor(readonly snippet: Snippet) {
    super(SnippetLoadEvent.type, { bubbles: true, composed: true });
  }
}

/** The snippet menu. */
@customElement('composer-snippets')
@localized()
export class ComposerSnippets extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: inline-flex; gap: 4px; align-items: center; position: relative; }
      select, input { height: 26px; font-size: 13px; }
      select { max-width: 118px; }
      input { width: 120px; }
      .manage { position: absolute; right: 0; top: 30px; z-index: 5; min-width: 220px; max-height: 260px; overflow: auto; background: var(--surface); border: 1px solid var(--border-strong); border-radius: var(--radius); box-shadow: var(--shadow); padding: 4px; }
      .manage div { display: flex; align-items: center; gap: 8px; padding: 2px 4px; }
      .manage span { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 13px; }
    `,
  ];

  /** The message "Save" stores. */
  @property({ attribute: false }) current: Omit<Snippet, 'name'> | undefined;
  @state() private snippets: Snippet[] = load<Snippet[]>('snippets', []);
  @state() private naming = false;
  @state() private managing = false;

  #reload = () => (this.snippets = load<Snippet[]>('snippets', []));

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(SNIPPETS_CHANGED, this.#reload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(SNIPPETS_CHANGED, this.#reload);
  }

  #save(name: string): void {
    const trimmed = name.trim();
    if (!trimmed || !this.current) return;
    this.snippets = [...this.snippets.filter((s) => s.name !== trimmed), { name: trimmed, text: this.current.text, settings: { ...this.current.settings } }];
    save('snippets', this.snippets);
    this.naming = false;
  }

  #delete(name: string): void {
    this.snippets = this.snippets.filter((s) => s.name !== name);
    save('snippets', this.snippets);
    if (this.snippets.length === 0) this.managing = false;
  }

  override render() {
    return html`
      <select data-testid="snippets" aria-label=${msg('Saved snippets', { id: 'composer.snippets' })} @change=${(e: Event) => { const sn = this.snippets.find((x) => x.name === (e.target as HTMLSelectElement).value); if (sn) this.dispatchEvent(new SnippetLoadEvent(sn)); (e.target as HTMLSelectElement).value = ''; }}>
        <option value="">${msg(str`Snippets (${this.snippets.length})`, { id: 'composer.snippetsMenu' })}</option>
        ${this.snippets.map((sn) => html`<option value=${sn.name}>${sn.name}</option>`)}
      </select>
      ${this.naming
        ? html`<input data-testid="snippet-name" placeholder=${msg('Name', { id: 'composer.snippetName' })} aria-label=${msg('Snippet name', { id: 'composer.snippetNameLabel' })}
              @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') this.#save((e.target as HTMLInputElement).value); if (e.key === 'Escape') this.naming = false; }} />`
        : html`<button class="small ghost" data-testid="snippet-save" title=${msg('Save as snippet', { id: 'composer.saveSnippet' })} @click=${() => { this.naming = true; void this.updateComplete.then(() => (this.renderRoot.querySelector('[data-testid=snippet-name]') as HTMLInputElement | null)?.focus()); }}>＋ ${msg('Save', { id: 'composer.save' })}</button>`}
      ${this.snippets.length
        ? html`<button class="small ghost" data-testid="snippet-manage" aria-expanded=${this.managing} title=${msg('Delete snippets…', { id: 'composer.manageSnippets' })} @click=${() => (this.managing = !this.managing)}>✕</button>`
        : nothing}
      ${this.managing
        ? html`<div class="manage" data-testid="snippet-list" role="list" @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') this.managing = false; }}>
            ${this.snippets.map((sn) => html`<div role="listitem" data-testid="snippet-item" data-name=${sn.name}><span title=${sn.text}>${sn.name}</span>
              <button class="small danger" data-testid="snippet-delete" aria-label=${msg(str`Delete snippet ${sn.name}`, { id: 'composer.deleteSnippetNamed' })} @click=${() => this.#delete(sn.name)}>${msg('Delete', { id: 'composer.deleteSnippetShort' })}</button></div>`)}
          </div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'composer-snippets': ComposerSnippets;
  }
  interface HTMLElementEventMap {
    'snippet-load': SnippetLoadEvent;
  }
}
