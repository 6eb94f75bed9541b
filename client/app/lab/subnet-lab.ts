/**
 * `<subnet-lab>`: the subnet calculator (issue 16 item 3), IPv4 only. Address + mask or CIDR →
 * network, broadcast, first/last host and host count, with the bitwise AND in binary as the course
 * writes it; "are these two in the same subnet?"; and the broadcast addresses the UDP composer
 * offers, each derived from one of the gateway's interfaces. Arithmetic in shared/subnet.ts.
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { binaryIPv4, formatIPv4, parseIPv4, parseSubnet, sameSubnet, type SubnetInfo, type SubnetInputError } from '../../../shared/subnet.js';
import { gatewayContext, type GatewayInfo } from '../gateway-controller.js';
import { localized, msg, str } from '../i18n.js';
import { controls } from '../theme.js';
import { courseLabStyles } from './course-lab.styles.js';

const errorText = (e: SubnetInputError): string => {
  switch (e) {
    case 'address':
      return msg('Not an IPv4 address: four numbers 0–255 separated by dots, e.g. 192.168.9.193.', { id: 'lab.subnet.err.address' });
    case 'mask':
      return msg('Not a mask: give /0–/32, a number 0–32 or a dotted mask such as 255.255.255.128.', { id: 'lab.subnet.err.mask' });
    case 'non-contiguous':
      return msg('Not a valid mask: its ones must all come first (255.255.0.255 is not a mask).', { id: 'lab.subnet.err.contiguous' });
  }
};

/** 32 bits with the first `prefix` (network part) and the rest (host part) coloured apart. */
function bits(n: number, prefix: number) {
  const text = binaryIPv4(n);
  // A dot follows every 8 bits: bit k is at text index k + floor(k / 8).
  const at = prefix === 0 ? 0 : prefix + Math.floor((prefix - 1) / 8);
  return html`<span class="net">${text.slice(0, at)}</span><span class="host">${text.slice(at)}</span>`;
}

/** The subnets lab view. */
@customElement('subnet-lab')
@localized()
export class SubnetLab extends LitElement {
  static override styles = [
    controls,
    courseLabStyles,
    css`
      .inputs { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 10px; }
      .inputs label { display: grid; gap: 3px; font-size: 13px; color: var(--muted); }
      .inputs input { width: 170px; }
      .inputs select { max-width: 340px; }
      .grid { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 24px; align-items: start; }
      @media (max-width: 1100px) { .grid { grid-template-columns: minmax(0, 1fr); } }
      .and { font: 13px/1.6 var(--mono, ui-monospace, monospace); background: var(--surface-2); border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px; overflow-x: auto; }
      .and div { white-space: pre; }
      .and .rule { border-top: 1px solid var(--border-strong); margin: 2px 0; }
      .net { color: var(--accent); font-weight: 600; }
      .host { color: var(--warn); }
      .op { display: inline-block; width: 3.5ch; color: var(--muted); }
      .dec { display: inline-block; min-width: 15ch; padding: 0 1.5ch; }
      .what { color: var(--muted); }
      .yes { color: var(--ok); font-weight: 600; }
      .no { color: var(--error); font-weight: 600; }
      ul.bcast { margin: 4px 0; padding-left: 18px; font-size: 14px; }
      ul.bcast li { margin-bottom: 4px; }
      h4 { margin: 14px 0 6px; font-size: 16px; }
    `,
  ];

  @consume({ context: gatewayContext, subscribe: true })
  @state()
  private gatewayInfo: GatewayInfo | undefined;

  @state() private address = '192.168.9.193';
  @state() private mask = '/25';
  @state() private other = '192.168.9.100';

  #ipv4Interfaces() {
    return (this.gatewayInfo?.interfaces ?? []).filter((i) => i.family === 'IPv4');
  }

  #pickInterface(e: Event): void {
    const i = this.#ipv4Interfaces()[Number((e.target as HTMLSelectElement).value)];
    if (!i) return;
    this.address = i.address;
    this.mask = i.netmask;
  }

  #andLines(s: SubnetInfo) {
    const row = (op: string, n: number, what: string, testid: string) =>
      html`<div data-testid=${testid}><span class="op">${op}</span>${bits(n, s.prefix)}<span class="dec">${formatIPv4(n)}</span><span class="what">${what}</span></div>`;
    return html`<div class="and" data-testid="subnet-and">
      ${row('', s.address, msg('address', { id: 'lab.subnet.row.address' }), 'subnet-bits-address')}
      ${row('AND', s.mask, msg(str`mask /${s.prefix}`, { id: 'lab.subnet.row.mask' }), 'subnet-bits-mask')}
      <div class="rule"></div>
      ${row('=', s.network, msg('network (host bits cleared)', { id: 'lab.subnet.row.network' }), 'subnet-bits-network')}
      ${row('OR', s.wildcard, msg('inverted mask (host bits)', { id: 'lab.subnet.row.wildcard' }), 'subnet-bits-wildcard')}
      <div class="rule"></div>
      ${row('=', (s.network | s.wildcard) >>> 0, s.broadcast === null ? msg('(no broadcast at /31, /32)', { id: 'lab.subnet.row.noBroadcast' }) : msg('broadcast (host bits set)', { id: 'lab.subnet.row.broadcast' }), 'subnet-bits-broadcast')}
    </div>`;
  }

  #facts(s: SubnetInfo) {
    const row = (label: string, value: string, testid: string) => html`<tr><th>${label}</th><td class="mono" data-testid=${testid}>${value}</td></tr>`;
    const none = msg('none (RFC 3021)', { id: 'lab.subnet.none' });
    return html`<table class="facts" data-testid="subnet-facts">
      ${row(msg('Network', { id: 'lab.subnet.network' }), s.prefix >= 31 ? `${formatIPv4(s.network)}/${s.prefix}` : formatIPv4(s.network), 'subnet-network')}
      ${row(msg('Broadcast', { id: 'lab.subnet.broadcast' }), s.broadcast === null ? none : formatIPv4(s.broadcast), 'subnet-broadcast')}
      ${row(msg('First host', { id: 'lab.subnet.first' }), formatIPv4(s.firstHost), 'subnet-first')}
      ${row(msg('Last host', { id: 'lab.subnet.last' }), formatIPv4(s.lastHost), 'subnet-last')}
      ${row(msg('Hosts', { id: 'lab.subnet.hosts' }), s.hosts.toLocaleString('en-US'), 'subnet-hosts')}
      ${row(msg('Mask', { id: 'lab.subnet.mask' }), `${formatIPv4(s.mask)} = /${s.prefix}`, 'subnet-mask-dotted')}
    </table>
    ${s.prefix === 31
      ? html`<p class="note" data-testid="subnet-rfc3021">${msg('A /31 is a point-to-point link (RFC 3021): both addresses are hosts; there is no network or broadcast address.', { id: 'lab.subnet.p31' })}</p>`
      : s.prefix === 32
        ? html`<p class="note" data-testid="subnet-rfc3021">${msg('A /32 names one single host: no network, no broadcast, nobody else on the subnet.', { id: 'lab.subnet.p32' })}</p>`
        : html`<p class="note">${msg(str`2^${32 - s.prefix} = ${(2 ** (32 - s.prefix)).toLocaleString('en-US')} addresses, minus the network and the broadcast address.`, { id: 'lab.subnet.count' })}</p>`}`;
  }

  #same(s: SubnetInfo) {
    const b = parseIPv4(this.other);
    if (b === null) return html`<p class="status error" data-testid="subnet-same">${errorText('address')}</p>`;
    const same = sameSubnet(s.address, b, s.prefix);
    const netB = (b & s.mask) >>> 0;
    return html`<div class="and">
        <div><span class="op"></span>${bits(b, s.prefix)}<span class="dec">${formatIPv4(b)}</span></div>
        <div><span class="op">AND</span>${bits(s.mask, s.prefix)}<span class="dec">/${s.prefix}</span></div>
        <div class="rule"></div>
        <div><span class="op">=</span>${bits(netB, s.prefix)}<span class="dec">${formatIPv4(netB)}</span></div>
      </div>
      <p data-testid="subnet-same" data-same=${String(same)}>
        ${same
          ? html`<span class="yes">✓ ${msg(str`Same subnet: both give network ${formatIPv4(s.network)}. They reach each other directly (ARP), no router.`, { id: 'lab.subnet.same' })}</span>`
          : html`<span class="no">✗ ${msg(str`Different subnets: ${formatIPv4(netB)} ≠ ${formatIPv4(s.network)}. Packets between them go through a router, and a directed broadcast of one does not reach the other.`, { id: 'lab.subnet.notSame' })}</span>`}
      </p>`;
  }

  #broadcasts() {
    const list = this.#ipv4Interfaces();
    return html`<h4>${msg('The broadcast addresses the UDP composer offers', { id: 'lab.subnet.bcastTitle' })}</h4>
      <ul class="bcast" data-testid="subnet-bcast-list">
        <li><b class="mono">255.255.255.255</b> — ${msg('the limited broadcast: "everyone on this link". Routers never forward it; Linux sends it out of the interface its route to 255.255.255.255 picks (normally the default route\'s), so on a machine with several networks it may not leave where you expect.', { id: 'lab.subnet.limited' })}</li>
        ${list.map((i) => {
          const s = parseSubnet(i.address, i.netmask);
          if (typeof s === 'string') return nothing;
          return html`<li data-testid="subnet-bcast-${i.name}">
            <b class="mono">${s.broadcast === null ? msg('none', { id: 'lab.subnet.noneShort' }) : formatIPv4(s.broadcast)}</b> —
            ${msg(str`${i.name}: ${i.address}/${s.prefix}, so network ${formatIPv4(s.network)} with every host bit set: the directed broadcast, heard by every host of that subnet only.`, { id: 'lab.subnet.directed' })}
          </li>`;
        })}
      </ul>
      <p class="note">${msg('Sending to either needs SO_BROADCAST on the UDP socket (the dialog\'s checkbox); without it the kernel answers EACCES.', { id: 'lab.subnet.soBroadcast' })}</p>`;
  }

  override render() {
    const s = parseSubnet(this.address, this.mask);
    const list = this.#ipv4Interfaces();
    return html`
      <h3>${msg('Subnets (IPv4)', { id: 'lab.subnet.title' })}</h3>
      <p class="explain">
        ${msg('The mask says which bits of an address name the network (its ones) and which name the host (its zeros). address AND mask gives the network; setting every host bit gives the broadcast address; the addresses in between are the hosts. This calculator is IPv4 only.', { id: 'lab.subnet.explain' })}
      </p>
      <div class="inputs">
        <label>${msg('Gateway interface', { id: 'lab.subnet.iface' })}
          <select data-testid="subnet-iface" @change=${this.#pickInterface}>
            <option value="">${msg('— pick one to fill in —', { id: 'lab.subnet.ifacePick' })}</option>
            ${list.map((i, n) => html`<option value=${n}>${i.name} · ${i.address} / ${i.netmask}</option>`)}
          </select></label>
        <label>${msg('Address (or address/prefix)', { id: 'lab.subnet.address' })}
          <input class="mono" data-testid="subnet-address" .value=${this.address} @input=${(e: Event) => (this.address = (e.target as HTMLInputElement).value)} /></label>
        <label>${msg('Mask or /prefix', { id: 'lab.subnet.maskInput' })}
          <input class="mono" data-testid="subnet-mask" .value=${this.mask} ?disabled=${this.address.includes('/')} @input=${(e: Event) => (this.mask = (e.target as HTMLInputElement).value)} /></label>
      </div>
      ${typeof s === 'string'
        ? html`<p class="status error" data-testid="subnet-error">${errorText(s)}</p>`
        : html`<div class="grid">
            <div>${this.#facts(s)}</div>
            <div>${this.#andLines(s)}
              <p class="note"><span class="net">${msg('network bits', { id: 'lab.subnet.netBits' })}</span> · <span class="host">${msg('host bits', { id: 'lab.subnet.hostBits' })}</span></p>
            </div>
          </div>
          <h4>${msg('Are these two in the same subnet?', { id: 'lab.subnet.sameTitle' })}</h4>
          <div class="inputs">
            <label>${msg('Second address', { id: 'lab.subnet.other' })}
              <input class="mono" data-testid="subnet-other" .value=${this.other} @input=${(e: Event) => (this.other = (e.target as HTMLInputElement).value)} /></label>
          </div>
          ${this.#same(s)}`}
      ${this.#broadcasts()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'subnet-lab': SubnetLab;
  }
}
