// Entry of the page bundle. The full workspace is built in its own issue; until then this
// shows the gateway's health so `npm start` opens a page that proves the gateway is up.
class SockgateApp extends HTMLElement {
  async connectedCallback(): Promise<void> {
    this.textContent = 'sockgate: checking the gateway…';
    const health = await fetch('/api/health').then((r) => r.json());
    this.textContent = `sockgate ${health.version}: gateway up, protocol ${health.protocol}`;
  }
}
customElements.define('sockgate-app', SockgateApp);
