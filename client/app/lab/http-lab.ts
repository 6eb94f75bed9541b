/**
 * `<http-lab>`: HTTP over the course's sockets (issue 16 item 4). The page as an HTTP client (a
 * request written by hand, sent over a real TCP socket, the response parsed beside the raw reads)
 * and as a web server (a listener whose reply rule answers each request, the raw request shown).
 */
import { consume } from '@lit/context';
import { html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg } from '../i18n.js';
import { controls } from '../theme.js';
import { courseLabStyles } from './course-lab.styles.js';
import './http-client-panel.js';
import type { HttpClientPanel } from './http-client-panel.js';
import './http-server-panel.js';
import type { HttpServerPanel } from './http-server-panel.js';

/** The HTTP lab view. */
@customElement('http-lab')
@localized()
export class HttpLab extends LitElement {
  static override styles = [controls, courseLabStyles];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @query('http-client-panel') private client!: HttpClientPanel;
  @query('http-server-panel') private server!: HttpServerPanel;

  /** Points the client at the page's own server and sends (a whole round trip inside the page). */
  async askOwnServer(): Promise<void> {
    const at = this.server.address;
    if (!at) await this.server.start();
    const now = this.server.address;
    if (!now) return;
    this.client.aim(now.address, now.port);
    await this.client.send();
  }

  override render() {
    const gateway = this.gatewayInfo?.gateway;
    return html`
      <h3>${msg('HTTP is text over a TCP socket', { id: 'lab.http.title' })}</h3>
      <p class="explain">
        ${msg('A web request is a few lines of text sent over TCP: a request line (GET / HTTP/1.1), header lines, an empty line, maybe a body. The answer is a status line, headers, an empty line and a body whose end is marked by Content-Length or by chunks. Here you write both sides by hand over real sockets.', { id: 'lab.http.explain' })}
      </p>
      <p class="truth">
        ${msg('A response arrives in as many reads as TCP likes: the parser keeps reading until Content-Length bytes or the 0-size chunk have come, exactly the recv-until-complete loop of the sticky-packet lab. Python\'s http.server answers HTTP/1.0 and closes; a server that keeps the connection open never sends EOF, so "read until recv() returns b\'\'" would hang.', { id: 'lab.http.truth' })}
      </p>
      <section>
        <h3>${msg('The page as an HTTP client', { id: 'lab.http.clientTitle' })}</h3>
        <http-client-panel .gateway=${gateway}></http-client-panel>
      </section>
      <section>
        <h3>${msg('The page as a web server', { id: 'lab.http.serverTitle' })}</h3>
        <p class="note">${msg('Each complete request is answered with the response below (a request split across reads is answered once, when it is whole).', { id: 'lab.http.serverNote' })}
          <button class="small" data-testid="http-ask-own" ?disabled=${!gateway} @click=${() => this.askOwnServer()}>${msg('Send the client\'s request to this server', { id: 'lab.http.askOwn' })}</button></p>
        <http-server-panel .gateway=${gateway}></http-server-panel>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'http-lab': HttpLab;
  }
}
