/**
 * `<rules-panel>`: one socket's auto-reply rules — the list (on/off, hits, delete), a form to add
 * one, the encoding of patterns and replies, and named rule sets saved for reuse and lab packs.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { TEXT_ENCODINGS, type TextEncodingName } from '../../../shared/encoding/index.js';
import { MAX_REPLIES_PER_SECOND, MAX_RULES, type AutoReplyRule } from '../../../shared/tools/auto-reply.js';
import { MATCH_KINDS, REGEX_WINDOW, type MatchKind } from '../../../shared/tools/match.js';
import { localized, msg, str } from '../i18n.js';
import type { Session } from '../model/session.js';
import { ChangeWatcher } from '../session-watcher.js';
import { controls } from '../theme.js';
import { toolsOf } from './session-tools.js';
import { macroHelp } from './macro-help.js';
import { loadRuleSets, saveRuleSets, upsert } from './tools-store.js';
import { panelStyles } from './tools-styles.js';

/** The words for each match kind. */
export function matchLabel(kind: MatchKind): string {
  switch (kind) {
    case 'exact':
      return msg('is exactly', { id: 'tools.match.exact' });
    case 'prefix':
      return msg('starts with', { id: 'tools.match.prefix' });
    case 'contains':
      return msg('contains', { id: 'tools.match.contains' });
    case 'regex':
      return msg('matches regex', { id: 'tools.match.regex' });
    case 'hex':
      return msg('contains hex (?? = any byte)', { id: 'tools.match.hex' });
  }
}

/** The auto-reply rules of one socket. */
@customElement('rules-panel')
@localized()
export class RulesPanel extends LitElement {
  static override styles = [controls, panelStyles];

  /** The socket whose rules are shown. */
  @property({ attribute: false }) session: Session | undefined;
  @state() private match: MatchKind = 'contains';
  @state() private pattern = '';
  @state() private reply = '';
  @state() private replyMode: 'text' | 'hex' = 'text';
  @state() private error = '';
  @state() private setName = '';

  #watcher = new ChangeWatcher(this, undefined, 200);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) this.#watcher.watch(this.session ? toolsOf(this.session) : undefined);
  }

  #add(): void {
    if (!this.session) return;
    const tools = toolsOf(this.session);
    try {
      tools.rules.add({ on: true, match: this.match, pattern: this.pattern, reply: this.reply, replyMode: this.replyMode });
      this.pattern = '';
      this.reply = '';
      this.error = '';
      tools.changed();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  #apply(rules: readonly AutoReplyRule[]): void {
    if (!this.session) return;
    const tools = toolsOf(this.session);
    const problems: string[] = [];
    for (const r of rules) {
      try {
        tools.rules.add(r);
      } catch (error) {
        problems.push(`${r.pattern}: ${(error as Error).message}`);
      }
    }
    this.error = problems.join('; ');
    tools.changed();
  }

  override render() {
    if (!this.session) return nothing;
    const tools = toolsOf(this.session);
    const engine = tools.rules;
    const sets = loadRuleSets();
    return html`
      <div class="row">
        <label class="check">${msg('Text encoding', { id: 'tools.rules.encoding' })}
          <select data-testid="rule-encoding" @change=${(e: Event) => { engine.encoding = (e.target as HTMLSelectElement).value as TextEncodingName; tools.changed(); }}>
            ${TEXT_ENCODINGS.map((enc) => html`<option value=${enc} ?selected=${engine.encoding === enc}>${enc}</option>`)}
          </select></label>
        <span class="hint">${msg(str`${engine.rules.length} of ${MAX_RULES} rules; the first match answers.`, { id: 'tools.rules.count' })}</span>
      </div>
      <div data-testid="rule-list" style="display:grid;gap:6px">
        ${engine.rules.length === 0 ? html`<span class="hint">${msg('No rules yet. A rule answers every received message that matches.', { id: 'tools.rules.none' })}</span>` : nothing}
        ${engine.rules.map(
          (r, i) => html`<div class="item" data-testid="rule-row" data-on=${r.on}>
            <input type="checkbox" data-testid="rule-on" .checked=${r.on} aria-label=${msg('Rule on', { id: 'tools.rules.on' })} @change=${(e: Event) => { r.on = (e.target as HTMLInputElement).checked; r.stopped = undefined; tools.changed(); }} />
            <span class="what ${r.on ? '' : 'off'}">${matchLabel(r.match)} “${r.pattern}” → ${r.replyMode === 'hex' ? 'hex ' : ''}“${r.reply}”${r.stopped ? html` <span class="bad">(${r.stopped})</span>` : nothing}</span>
            <span class="hits"><span data-testid="rule-hits">${r.hits}</span> ${msg('hits', { id: 'tools.rules.hits' })}
              <button class="small ghost" data-testid="rule-delete" aria-label=${msg('Delete rule', { id: 'tools.rules.delete' })} @click=${() => { engine.remove(i); tools.changed(); }}>✕</button></span>
          </div>`,
        )}
        ${engine.skipped ? html`<span class="hint bad" data-testid="rule-skipped">${msg(str`${engine.skipped} matches not answered: at most ${MAX_REPLIES_PER_SECOND} replies a second.`, { id: 'tools.rules.skipped' })}</span>` : nothing}
      </div>
      <div class="form">
        <h4>${msg('New rule', { id: 'tools.rules.new' })}</h4>
        <div class="row">
          <label class="check">${msg('When a message', { id: 'tools.rules.when' })}
            <select data-testid="rule-match" @change=${(e: Event) => (this.match = (e.target as HTMLSelectElement).value as MatchKind)}>
              ${MATCH_KINDS.map((k) => html`<option value=${k} ?selected=${this.match === k}>${matchLabel(k)}</option>`)}
            </select></label>
        </div>
        <input class="grow mono" data-testid="rule-pattern" .value=${this.pattern} placeholder=${this.match === 'hex' ? '01 03 ?? 02' : this.match === 'regex' ? '^GET (\\S+)' : 'PING\\r\\n'}
          aria-label=${msg('Pattern', { id: 'tools.rules.pattern' })} @input=${(e: Event) => (this.pattern = (e.target as HTMLInputElement).value)} />
        <div class="row">
          <label class="check">${msg('reply with', { id: 'tools.rules.replyWith' })}
            <select data-testid="rule-reply-mode" @change=${(e: Event) => (this.replyMode = (e.target as HTMLSelectElement).value as 'text' | 'hex')}>
              <option value="text" ?selected=${this.replyMode === 'text'}>${msg('Text', { id: 'composer.text' })}</option>
              <option value="hex" ?selected=${this.replyMode === 'hex'}>Hex</option>
            </select></label>
        </div>
        <input class="grow mono" data-testid="rule-reply" .value=${this.reply} placeholder=${this.replyMode === 'hex' ? '01 03 02 {{hex:00 2A}}' : 'PONG $1 #{{counter}}\\n'}
          aria-label=${msg('Reply', { id: 'tools.rules.reply' })} @input=${(e: Event) => (this.reply = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter') this.#add(); }} />
        <div class="row"><button class="small primary" data-testid="rule-add" ?disabled=${!this.pattern} @click=${this.#add}>＋ ${msg('Add rule', { id: 'tools.rules.add' })}</button></div>
        ${this.error ? html`<div class="error-text" role="alert" data-testid="rule-error">${this.error}</div>` : nothing}
        <p class="hint">${msg(str`A regex sees the first ${REGEX_WINDOW} bytes of a message; nested repeats such as (a+)+ and back-references are refused, and a rule whose match runs slow is switched off.`, { id: 'tools.rules.regexHint' })}</p>
      </div>
      <div class="row">
        <input data-testid="ruleset-name" style="width:140px" .value=${this.setName} placeholder=${msg('Rule set name', { id: 'tools.rules.setName' })} aria-label=${msg('Rule set name', { id: 'tools.rules.setName' })}
          @input=${(e: Event) => (this.setName = (e.target as HTMLInputElement).value)} />
        <button class="small" data-testid="ruleset-save" ?disabled=${!this.setName.trim() || engine.rules.length === 0}
          @click=${() => { saveRuleSets(upsert(loadRuleSets(), { name: this.setName.trim(), rules: engine.toJSON() })); this.setName = ''; this.requestUpdate(); }}>${msg('Save set', { id: 'tools.rules.saveSet' })}</button>
        <select data-testid="ruleset-apply" aria-label=${msg('Add the rules of a saved set', { id: 'tools.rules.applySet' })}
          @change=${(e: Event) => { const set = sets.find((x) => x.name === (e.target as HTMLSelectElement).value); if (set) this.#apply(set.rules); (e.target as HTMLSelectElement).value = ''; }}>
          <option value="">${msg(str`Add a saved set (${sets.length})…`, { id: 'tools.rules.setsMenu' })}</option>
          ${sets.map((x) => html`<option value=${x.name}>${x.name} (${x.rules.length})</option>`)}
        </select>
      </div>
      ${macroHelp()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rules-panel': RulesPanel;
  }
}
