/** The macro reference line the tool panels show. */
import { html } from 'lit';
import { msg } from '../i18n.js';

/** The macro reference shown under the tools. */
export function macroHelp() {
  return html`<p class="hint" data-testid="macro-help">${msg('Macros in sends, replies and sequences: {{counter}} {{time}} {{unixtime}} {{random}} {{hex:0D 0A}}; in replies also $1 or {{1}} (a capture).', { id: 'tools.macros' })}</p>`;
}
