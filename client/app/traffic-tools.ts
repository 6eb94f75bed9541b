/**
 * `<traffic-tools>`: a socket's files and capture, behind one header button. Send a file through
 * the socket (paced by the send credit, with progress, cancelable — the progress stays in the
 * header while the panel is closed); save what arrived as raw `.bin`; export the traffic as pcapng
 * for Wireshark or as JSON Lines. The panel is a popover, so the header's containment does not clip it.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { download, fileName } from './download.js';
import { bytes } from './format.js';
import { localized, msg, str } from './i18n.js';
import { jsonLinesOf, pcapngOf } from './model/capture-files.js';
import { FileSend } from './model/file-send.js';
import type { Session } from './model/session.js';
import { CAPTURE_CAP_BYTES } from './model/traffic-capture.js';
import { ChangeWatcher } from './session-watcher.js';
import { controls } from './theme.js';

// A send outlives the view: switching sockets and back shows the same progress.
const sends = new WeakMap<Session, FileSend>();

/** The files-and-capture button and panel of one session. */
@customElement('traffic-tools')
@localized()
export class TrafficTools extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: inline-flex; align-items: center; gap: 6px; }
      .inline { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
      progress { width: 90px; height: 8px; accent-color: var(--accent); }
      [popover] {
        margin: 0; inset: auto; position: fixed; width: min(430px, calc(100vw - 16px)); max-height: calc(100vh - 16px); overflow: auto;
        padding: 4px 14px 12px; background: var(--surface); color: var(--text); border: 1px solid var(--border-strong);
        border-radius: var(--radius); box-shadow: var(--shadow);
      }
      section { display: grid; gap: 6px; padding: 10px 0; border-bottom: 1px solid var(--border); }
      section:last-child { border-bottom: 0; }
      h4 { margin: 0; font-size: 13px; font-weight: 600; }
      p { margin: 0; font-size: 12px; color: var(--muted); line-height: 1.5; }
      .status { font-size: 12px; font-variant-numeric: tabular-nums; }
      .status[data-state='failed'] { color: var(--error); }
      .status[data-state='done'] { color: var(--ok); }
      input[type='file'] { height: auto; padding: 4px; max-width: 100%; }
      .row progress { flex: 1; width: auto; }
    `,
  ];

  /** The session whose traffic this is. */
  @property({ attribute: false }) session: Session | undefined;
  @state() private file: File | undefined;
  @query('[popover]') private panel!: HTMLElement;
  @query('.open') private opener!: HTMLElement;

  #sessionWatcher = new ChangeWatcher(this, undefined, 250);
  #sendWatcher = new ChangeWatcher(this, undefined, 100);

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) {
      this.#sessionWatcher.watch(this.session);
      this.#sendWatcher.watch(this.session && sends.get(this.session));
    }
  }

  get #canSendFile(): boolean {
    const s = this.session;
    return (s?.kind === 'tcp' || s?.kind === 'accepted') && s.canSend;
  }

  #send(): void {
    const s = this.session;
    if (!this.file || !s || (s.kind !== 'tcp' && s.kind !== 'accepted')) return;
    const job = new FileSend(this.file, (b) => s.write(b));
    sends.set(s, job);
    this.#sendWatcher.watch(job);
    this.requestUpdate();
  }

  #cancel(): void {
    if (this.session) sends.get(this.session)?.cancel();
  }

  #saveBin(): void {
    const s = this.session;
    if (s) download(s.capture.received() as BlobPart[], 'application/octet-stream', fileName(s.title, 'bin'));
  }

  #export(kind: 'pcapng' | 'jsonl'): void {
    const s = this.session;
    if (!s) return;
    if (kind === 'pcapng') download(pcapngOf(s) as BlobPart[], 'application/vnd.tcpdump.pcap', fileName(s.title, 'pcapng'));
    else download([jsonLinesOf(s)], 'application/jsonl', fileName(s.title, 'jsonl'));
  }

  // The popover sits under its button, kept inside the window.
  #place(event: ToggleEvent): void {
    if (event.newState !== 'open') return;
    const r = this.opener.getBoundingClientRect();
    const width = this.panel.offsetWidth;
    this.panel.style.top = `${Math.min(r.bottom + 4, Math.max(8, innerHeight - this.panel.offsetHeight - 8))}px`;
    this.panel.style.left = `${Math.max(8, Math.min(r.right - width, innerWidth - width - 8))}px`;
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const job = sends.get(s);
    const sending = job?.state === 'sending';
    const pct = job && job.total ? Math.floor((job.sent / job.total) * 100) : 0;
    const c = s.capture;
    const records = s.kind === 'server' ? s.clients.reduce((n, x) => n + x.capture.records.length, 0) : c.records.length;
    return html`
      ${sending
        ? html`<span class="inline" data-testid="file-progress-inline"><progress max=${job.total} .value=${job.sent}></progress>${pct}%
            <button class="small" data-testid="file-cancel-inline" @click=${this.#cancel}>${msg('Cancel', { id: 'cap.cancel' })}</button></span>`
        : nothing}
      <button class="small open" data-testid="traffic-tools" popovertarget="traffic-panel" aria-haspopup="dialog">${msg('Files & capture', { id: 'cap.button' })}</button>
      <div id="traffic-panel" popover role="dialog" aria-label=${msg('Files & capture', { id: 'cap.button' })} data-testid="traffic-panel" @toggle=${this.#place}>
        <section>
          <h4>${msg('Send a file', { id: 'cap.sendTitle' })}</h4>
          ${this.#canSendFile || sending
            ? html`<div class="row">
                  <input type="file" data-testid="file-input" aria-label=${msg('File to send', { id: 'cap.fileLabel' })}
                    @change=${(e: Event) => (this.file = (e.target as HTMLInputElement).files?.[0])} />
                  <button class="small primary" data-testid="file-send" ?disabled=${!this.file || sending || !this.#canSendFile} @click=${this.#send}>${msg('Send file', { id: 'cap.send' })}</button>
                </div>`
            : html`<p>${msg('Files go over an open TCP connection (a client, or one client of a server).', { id: 'cap.sendWhere' })}</p>`}
          ${job
            ? html`<div class="row"><progress data-testid="file-progress" max=${job.total} .value=${job.sent}></progress>
                  ${sending ? html`<button class="small" data-testid="file-cancel" @click=${this.#cancel}>${msg('Cancel', { id: 'cap.cancel' })}</button>` : nothing}</div>
                <div class="status" data-testid="file-status" data-state=${job.state} data-sent=${job.sent}>${this.#status(job)}</div>`
            : nothing}
          <p>${msg('Written in 60 KB slices, each waiting for the gateway’s send credit: a slow peer slows the file down instead of filling memory.', { id: 'cap.sendHint' })}</p>
        </section>
        ${s.kind !== 'server'
          ? html`<section>
              <h4>${msg('Received bytes', { id: 'cap.recvTitle' })}</h4>
              <p data-testid="recv-kept" data-bytes=${c.receivedKept}>${msg(str`${bytes(c.total.in)} received, ${bytes(c.receivedKept)} kept.`, { id: 'cap.recvKept' })}
                ${msg(str`A socket keeps at most ${bytes(CAPTURE_CAP_BYTES)} of traffic; past that the oldest goes first.`, { id: 'cap.bound' })}</p>
              <div class="row"><button class="small" data-testid="save-bin" ?disabled=${c.receivedKept === 0} @click=${this.#saveBin}>${msg('Save as .bin', { id: 'cap.saveBin' })}</button></div>
            </section>`
          : nothing}
        <section>
          <h4>${msg('Capture', { id: 'cap.captureTitle' })}</h4>
          <p data-testid="capture-records" data-records=${records}>${msg(str`${records} reads and writes recorded.`, { id: 'cap.records' })}
            ${msg('pcapng rebuilds one TCP segment (or UDP datagram) per read and write over the real addresses and ports; the handshake and the close are synthesised. Reads carry the gateway’s time, writes the page’s.', { id: 'cap.pcapHint' })}</p>
          <div class="row">
            <button class="small" data-testid="export-pcapng" ?disabled=${records === 0} @click=${() => this.#export('pcapng')}>${msg('pcapng (Wireshark)', { id: 'cap.pcapng' })}</button>
            <button class="small" data-testid="export-jsonl" ?disabled=${records === 0} @click=${() => this.#export('jsonl')}>${msg('JSON Lines', { id: 'cap.jsonl' })}</button>
          </div>
        </section>
      </div>
    `;
  }

  #status(job: FileSend) {
    const secs = (((job.endedAt ?? Date.now()) - job.startedAt) / 1000).toFixed(1);
    switch (job.state) {
      case 'sending':
        return msg(str`Sending ${job.name}: ${bytes(job.sent)} of ${bytes(job.total)}`, { id: 'cap.sending' });
      case 'done':
        return msg(str`Sent ${job.name}: ${bytes(job.sent)} in ${secs} s`, { id: 'cap.sent' });
      case 'cancelled':
        return msg(str`Cancelled after ${bytes(job.sent)} of ${bytes(job.total)}`, { id: 'cap.cancelled' });
      case 'failed':
        return msg(str`Stopped after ${bytes(job.sent)}: ${(job.error as Error)?.message ?? String(job.error)}`, { id: 'cap.failed' });
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'traffic-tools': TrafficTools;
  }
}
