/**
 * `<handshake-diagram>`: the lab connection's real segments, captured by the gateway's tcpdump on
 * loopback, drawn as a sequence diagram — client on the left, server on the right, one arrow per
 * segment with its flags, relative and raw seq/ack, payload length and time — so the three-way
 * handshake, the data, the four-way close and a reset are seen as they happened. Offers the
 * capture as a pcapng file; where the gateway cannot capture, says exactly what is missing.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { download, fileName } from '../download.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import type { DiagramSegment, PacketLog } from './packet-log.js';

const FLAG_COLOURS: Record<string, string> = { SYN: '#2f6fba', FIN: '#e07020', RST: '#cf3f68' };

/** The flags as Wireshark writes them: `SYN, ACK`. */
const flagText = (s: DiagramSegment) => s.flags.join(', ');

/** The sequence diagram of one captured connection. */
@customElement('handshake-diagram')
@localized()
export class HandshakeDiagram extends LitElement {
  static override styles = [
    controls,
    css`
      :host { display: block; font-size: 13px; }
      .ends { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; font-weight: 600; }
      .ends span:last-child { text-align: right; }
      .ends small { display: block; font-weight: 400; color: var(--muted); font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
      ol { list-style: none; margin: 6px 0 0; padding: 0; border-left: 2px solid var(--border); border-right: 2px solid var(--border); }
      li { position: relative; padding: 4px 10px 10px; }
      .label { display: flex; gap: 8px; flex-wrap: wrap; align-items: baseline; justify-content: center; }
      .flags { font-weight: 700; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
      .nums { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
      .raw, .time { color: var(--muted); font-size: 11px; }
      .arrow { height: 0; border-top: 2px solid currentColor; position: relative; margin: 3px 4px 0; }
      .arrow::after { content: ''; position: absolute; top: -6px; border: 5px solid transparent; }
      li.right .arrow::after { right: -6px; border-left: 8px solid currentColor; }
      li.left .arrow::after { left: -6px; border-right: 8px solid currentColor; }
      .status { margin: 4px 0 8px; color: var(--muted); }
      .status code { font-size: 11px; word-break: break-all; }
      .unavailable { padding: 10px 12px; border-radius: 8px; background: color-mix(in srgb, #cf3f68 12%, transparent); }
      .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-top: 8px; }
    `,
  ];

  /** The capture to draw; undefined: none was asked for. */
  @property({ attribute: false }) log: PacketLog | undefined;
  /** Bumped by the lab on every change of the log (the log itself is mutated in place). */
  @property({ type: Number }) revision = 0;
  /** Names of the two ends. */
  @property() clientLabel = 'client';
  @property() serverLabel = 'server';

  #download(): void {
    if (this.log) download(this.log.pcapng() as BlobPart[], 'application/vnd.tcpdump.pcap', fileName('handshake', 'pcapng'));
  }

  override render() {
    const log = this.log;
    if (!log) return html`<p class="status">${msg('Tick "capture packets" and open a new connection: its real segments appear here.', { id: 'wire.none' })}</p>`;
    if (log.state === 'unavailable') {
      return html`<p class="unavailable" data-testid="capture-unavailable" role="alert">
        ${msg('Packet capture is not possible here:', { id: 'wire.unavailable' })} ${log.reason}
      </p>`;
    }
    const segs = log.diagram();
    const client = segs.find((s) => s.fromClient);
    const server = segs.find((s) => !s.fromClient);
    return html`
      <p class="status" data-testid="capture-status" data-state=${log.state}>
        ${log.state === 'waiting' ? msg('Starting tcpdump…', { id: 'wire.waiting' }) : nothing}
        ${log.state === 'capturing' ? msg(str`Capturing with tcpdump on lo: ${segs.length} segments.`, { id: 'wire.capturing' }) : nothing}
        ${log.state === 'ended' ? msg(str`Capture ended (${log.reason}): ${segs.length} segments.`, { id: 'wire.ended' }) : nothing}
        ${log.filter ? html`<br /><code title=${log.command}>${log.filter}</code>` : nothing}
      </p>
      <div class="ends">
        <span>${this.clientLabel}<small>${client?.src ?? server?.dst ?? ''}</small></span>
        <span>${this.serverLabel}<small>${server?.src ?? client?.dst ?? ''}</small></span>
      </div>
      <ol data-testid="handshake-diagram">
        ${segs.map((s, i) => this.#segment(s, i))}
      </ol>
      ${this.#outcome(segs)}
      <div class="row">
        <button data-testid="capture-download" ?disabled=${segs.length === 0} @click=${() => this.#download()}>${msg('Download .pcapng', { id: 'wire.download' })}</button>
        <small class="raw">${msg('Numbers are relative to each side\'s first sequence number, as Wireshark shows them; raw values below.', { id: 'wire.relative' })}</small>
      </div>
    `;
  }

  /** What the end of the exchange means: a reset, or who now waits in TIME_WAIT. */
  #outcome(segs: DiagramSegment[]) {
    const rst = segs.find((s) => s.flags.includes('RST'));
    if (rst) {
      return html`<p class="status" data-testid="capture-outcome">
        ${segs.some((s) => s.len > 0 || (s.flags.includes('SYN') && s.flags.includes('ACK')))
          ? msg('RST: the connection was reset — no FIN exchange, no TIME_WAIT.', { id: 'wire.reset' })
          : msg('RST, ACK answers the SYN: nothing listens on that port, so the kernel refuses the connection (ECONNREFUSED); no handshake happened.', { id: 'wire.refused' })}
      </p>`;
    }
    const fins = segs.filter((s) => s.flags.includes('FIN'));
    if (fins.length < 2) return nothing;
    const first = fins[0]!.fromClient ? this.clientLabel : this.serverLabel;
    return html`<p class="status" data-testid="capture-outcome">
      ${msg(str`Four-way close: each FIN is acknowledged by the other side. The ${first} sent the first FIN, so it now waits in TIME_WAIT (2×MSL, 60 s on Linux) — see the TCP states.`, { id: 'wire.closed' })}
    </p>`;
  }

  #segment(s: DiagramSegment, i: number) {
    const colour = FLAG_COLOURS[s.flags.find((f) => f in FLAG_COLOURS) ?? ''] ?? 'currentColor';
    return html`<li
      class=${s.fromClient ? 'right' : 'left'}
      data-testid="segment-${i}"
      data-flags=${s.flags.filter((f) => f !== 'PSH').join('+')}
      data-dir=${s.fromClient ? 'c2s' : 's2c'}
      data-seq=${s.relSeq}
      data-ack=${s.relAck ?? ''}
      data-raw-seq=${s.seq}
      data-raw-ack=${s.ack}
      data-len=${s.len}
    >
      <div class="label">
        <span class="flags" style="color:${colour}">${flagText(s)}</span>
        <span class="nums">seq=${s.relSeq}${s.relAck !== undefined ? html` ack=${s.relAck}` : nothing} len=${s.len} win=${s.win}</span>
        <span class="time">+${s.at.toFixed(3)} ms</span>
      </div>
      <div class="arrow" style="color:${colour}"></div>
      <div class="label raw">raw seq ${s.seq}${s.flags.includes('ACK') ? ` · ack ${s.ack}` : ''}</div>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'handshake-diagram': HandshakeDiagram;
  }
}
