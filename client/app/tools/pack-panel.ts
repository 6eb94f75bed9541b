/**
 * `<pack-panel>`: lab packs. Export bundles the stored snippets, socket presets, sequences and
 * rule sets into one JSON file; import checks a file first and says exactly what is wrong and
 * where, or merges it in (same names replaced). Presets open a socket in one click.
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { parseLabPack, type SocketPreset } from '../../../shared/tools/lab-pack.js';
import { localized, msg, str } from '../i18n.js';
import type { Session } from '../model/session.js';
import { SocketOpenEvent } from '../new-socket-dialog.js';
import { controls } from '../theme.js';
import { exportPack, importPack, loadPresets, savePresets, upsert } from './tools-store.js';
import { panelStyles } from './tools-styles.js';

/** Lab pack import and export. */
@customElement('pack-panel')
@localized()
export class PackPanel extends LitElement {
  static override styles = [controls, panelStyles];

  /** The selected socket (for "add this socket as a preset"). */
  @property({ attribute: false }) session: Session | undefined;
  @state() private packName = '';
  @state() private result = '';
  @state() private error = '';
  @state() private presets: SocketPreset[] = loadPresets();

  #export(): void {
    const pack = exportPack(this.packName.trim());
    const blob = new Blob([JSON.stringify(pack, null, 2) + '\n'], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${(pack.name || 'lab-pack').replace(/[^\w.-]+/g, '_')}.sockgate.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  async #import(file: File | undefined): Promise<void> {
    if (!file) return;
    this.result = '';
    const checked = parseLabPack(await file.text());
    if (!checked.ok) {
      this.error = checked.path
        ? msg(str`${file.name} was not imported: ${checked.path} ${checked.error}.`, { id: 'tools.pack.badAt' })
        : msg(str`${file.name} was not imported: ${checked.error}.`, { id: 'tools.pack.bad' });
      return;
    }
    this.error = '';
    const n = importPack(checked.pack);
    this.presets = loadPresets();
    this.result = msg(str`Imported ${n.snippets} snippets, ${n.presets} presets, ${n.sequences} sequences, ${n.ruleSets} rule sets.`, { id: 'tools.pack.imported' });
  }

  #addCurrent(): void {
    const s = this.session;
    if (!s) return;
    const end = (s.kind === 'tcp' ? s.remote : s.local) || '';
    const m = /^\[?(.*?)\]?:(\d+)$/.exec(end);
    if (!m || s.kind === 'accepted') return;
    this.presets = upsert(this.presets, { name: `${s.kind} ${end}`, kind: s.kind, host: m[1]!, port: Number(m[2]) });
    savePresets(this.presets);
  }

  #open(p: SocketPreset): void {
    const request =
      p.kind === 'tcp' ? { kind: 'tcp' as const, options: { host: p.host, port: p.port } } : p.kind === 'server' ? { kind: 'server' as const, options: { address: p.host, port: p.port } } : { kind: 'udp' as const, options: { address: p.host, port: p.port } };
    this.dispatchEvent(new SocketOpenEvent(request));
  }

  override render() {
    return html`
      <p class="hint">${msg('A lab pack is one JSON file with your snippets, socket presets, sequences and rule sets — hand it to a class, import it on every seat.', { id: 'tools.pack.intro' })}</p>
      <div class="row">
        <input data-testid="pack-name" style="width:170px" .value=${this.packName} placeholder=${msg('Pack name', { id: 'tools.pack.name' })} aria-label=${msg('Pack name', { id: 'tools.pack.name' })}
          @input=${(e: Event) => (this.packName = (e.target as HTMLInputElement).value)} />
        <button class="small" data-testid="pack-export" @click=${this.#export}>⭳ ${msg('Export', { id: 'tools.pack.export' })}</button>
        <label class="check"><span class="small">${msg('Import', { id: 'tools.pack.import' })}</span>
          <input type="file" accept=".json,application/json" data-testid="pack-import" style="max-width:190px" @change=${(e: Event) => { const input = e.target as HTMLInputElement; void this.#import(input.files?.[0]).finally(() => (input.value = '')); }} /></label>
      </div>
      ${this.error ? html`<div class="error-text" role="alert" data-testid="pack-error">${this.error}</div>` : nothing}
      ${this.result ? html`<div class="ok" role="status" data-testid="pack-result">${this.result}</div>` : nothing}
      <h4>${msg(str`Socket presets (${this.presets.length})`, { id: 'tools.pack.presets' })}</h4>
      <div style="display:grid;gap:6px" data-testid="preset-list">
        ${this.presets.map(
          (p) => html`<div class="item" data-testid="preset-row">
            <span class="tag">${p.kind}</span><span class="what">${p.name} · ${p.host}:${p.port}</span>
            <span><button class="small" data-testid="preset-open" @click=${() => this.#open(p)}>${msg('Open', { id: 'tools.pack.open' })}</button>
              <button class="small ghost" data-testid="preset-delete" aria-label=${msg('Delete preset', { id: 'tools.pack.deletePreset' })} @click=${() => { this.presets = this.presets.filter((x) => x !== p); savePresets(this.presets); }}>✕</button></span>
          </div>`,
        )}
      </div>
      ${this.session && this.session.kind !== 'accepted'
        ? html`<div class="row"><button class="small" data-testid="preset-add" @click=${this.#addCurrent}>＋ ${msg('Add this socket as a preset', { id: 'tools.pack.addPreset' })}</button></div>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pack-panel': PackPanel;
  }
}
