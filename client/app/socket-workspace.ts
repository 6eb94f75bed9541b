/** `<socket-workspace>`: placeholder while the workspace is written. */
import { html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { localized, msg } from './i18n.js';

/** The workspace of sockets. */
@localized()
@customElement('socket-workspace')
export class SocketWorkspace extends LitElement {
  override render() {
    return html`<p>${msg('Workspace', { id: 'app.view.workspace' })}</p>`;
  }
}
