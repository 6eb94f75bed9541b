/**
 * The FeiQ lab's packet table: one row per datagram in or out, its fields decoded (version, packet
 * number, user, host, command with flag names, the extra section's parts in GBK), or, for a
 * datagram that is not IPMSG, the parser's reason beside its bytes. Styles: {@link feiqStyles}.
 */
import { css, html, nothing } from 'lit';
import { formatHex } from '../../../shared/encoding/hex.js';
import { IPMSG } from '../../../shared/ipmsg/ipmsg-commands.js';
import type { IpmsgError, IpmsgErrorCode, IpmsgPacket } from '../../../shared/ipmsg/ipmsg-packet.js';
import { msg, str } from '../i18n.js';
import type { FeiqPacket } from './feiq-session.js';

/** Bytes of a malformed datagram shown beside its reason. */
const PREVIEW_BYTES = 48;

const clock = (t: number) => new Date(t).toTimeString().slice(0, 8) + '.' + String(t % 1000).padStart(3, '0');

/** The reason in the page's language (the parser's English sentence stays in the tooltip). */
function reason(e: IpmsgError): string {
  const words: Record<IpmsgErrorCode, () => string> = {
    empty: () => msg('empty datagram', { id: 'lab.feiq.err.empty' }),
    fields: () => msg(str`only ${e.fields.length} of the header fields version:packetNo:user:host:command (at least four ':' needed)`, { id: 'lab.feiq.err.fields' }),
    version: () => msg(str`version "${e.fields[0] ?? ''}" does not start with a digit (IPMSG sends 1; FeiQ 1_lbt…)`, { id: 'lab.feiq.err.version' }),
    'packet-number': () => msg(str`packet number "${e.fields[1] ?? ''}" is not a decimal number`, { id: 'lab.feiq.err.packetNo' }),
    command: () => msg(str`command "${e.fields[4] ?? ''}" is not a decimal number 0–4294967295`, { id: 'lab.feiq.err.command' }),
    'header-nul': () => msg('a NUL byte inside the header fields (only the extra section may hold NULs)', { id: 'lab.feiq.err.nul' }),
  };
  return words[e.code]();
}

/** The extra section as the mode means it. */
function extraCell(p: IpmsgPacket) {
  if (p.mode === IPMSG.RECVMSG || p.mode === IPMSG.READMSG || p.mode === IPMSG.ANSREADMSG) {
    return html`<span class="what">${msg('receipt for packet', { id: 'lab.feiq.receiptFor' })}</span> <span class="mono">${p.text}</span>`;
  }
  if (p.group !== undefined || p.mode === IPMSG.BR_ENTRY || p.mode === IPMSG.ANSENTRY) {
    return html`<span class="what">${msg('nickname', { id: 'lab.feiq.nickname' })}</span> <span class="mono text">${p.text}</span>
      ${p.group !== undefined ? html` · <span class="what">${msg('group', { id: 'lab.feiq.group' })}</span> <span class="mono text">${p.group}</span>` : nothing}`;
  }
  return html`<span class="mono text" data-testid="feiq-packet-text">${p.text}</span>${p.parts.length > 1 ? html` <span class="what">${msg(str`+ ${p.parts.length - 1} more part(s) after NUL`, { id: 'lab.feiq.moreParts' })}</span>` : nothing}`;
}

function note(e: FeiqPacket) {
  if (e.own) return msg('our own broadcast, heard back', { id: 'lab.feiq.own' });
  if (e.answeredWith) return msg(str`answered automatically (packet ${e.answeredWith})`, { id: 'lab.feiq.answered' });
  return '';
}

/** One row per packet, newest last. */
export function packetTable(packets: readonly FeiqPacket[]) {
  if (packets.length === 0) return html`<p class="note" data-testid="feiq-no-packets">${msg('Nothing received or sent yet.', { id: 'lab.feiq.noPackets' })}</p>`;
  return html`<div class="scroll"><table class="packets" data-testid="feiq-packets">
    <thead><tr>
      <th>${msg('time', { id: 'lab.feiq.col.time' })}</th><th></th><th>${msg('peer', { id: 'lab.feiq.col.peer' })}</th>
      <th>${msg('version', { id: 'lab.feiq.col.version' })}</th><th>${msg('packet no.', { id: 'lab.feiq.col.packetNo' })}</th>
      <th>${msg('user', { id: 'lab.feiq.col.user' })}</th><th>${msg('host', { id: 'lab.feiq.col.host' })}</th>
      <th>${msg('command', { id: 'lab.feiq.col.command' })}</th><th>${msg('extra (GBK)', { id: 'lab.feiq.col.extra' })}</th>
    </tr></thead>
    <tbody>${packets.map((e) => {
      const base = html`<td class="mono">${clock(e.time)}</td>
        <td class="dir ${e.dir}" title=${e.dir === 'in' ? msg('received', { id: 'lab.feiq.in' }) : msg('sent', { id: 'lab.feiq.out' })}>${e.dir === 'in' ? '←' : '→'}</td>
        <td class="mono">${e.address}:${e.port}</td>`;
      if (!e.parsed.ok) {
        return html`<tr data-testid="feiq-packet" data-dir=${e.dir} data-address=${e.address} data-ok="false" data-code=${e.parsed.error.code}>${base}
          <td colspan="6"><span class="bad" data-testid="feiq-packet-error" title=${e.parsed.error.message}>✗ ${msg('not IPMSG:', { id: 'lab.feiq.notIpmsg' })} ${reason(e.parsed.error)}</span>
            <div class="mono hex">${formatHex(e.bytes.subarray(0, PREVIEW_BYTES))}${e.bytes.length > PREVIEW_BYTES ? ' …' : ''} (${e.bytes.length} B)</div></td></tr>`;
      }
      const p = e.parsed.packet;
      const n = note(e);
      return html`<tr data-testid="feiq-packet" data-dir=${e.dir} data-address=${e.address} data-ok="true" data-mode=${p.modeName ?? p.mode} data-packet-no=${p.packetNo} class=${e.own ? 'own' : ''}>${base}
        <td class="mono" data-testid="feiq-packet-version">${p.version}${p.feiq ? html` <span class="tag">FeiQ</span>` : nothing}</td>
        <td class="mono">${p.packetNo}</td><td class="mono" data-testid="feiq-packet-user">${p.user}</td><td class="mono">${p.host}</td>
        <td data-testid="feiq-packet-command"><span class="mono num">${p.command}</span> = <b class="mono">${p.modeName ?? `0x${p.mode.toString(16)}`}</b>${p.flags.map((f) => html` <span class="tag mono">${f}</span>`)}</td>
        <td>${extraCell(p)}${p.encoding === 'utf-8' ? html` <span class="tag">UTF-8</span>` : nothing}${n ? html`<div class="what" data-testid="feiq-packet-note">${n}</div>` : nothing}</td></tr>`;
    })}</tbody></table></div>`;
}

/** Styles of the FeiQ lab. */
export const feiqStyles = css`
  .setup { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 8px; }
  .setup label { display: grid; gap: 3px; font-size: 13px; color: var(--muted); }
  .setup input { width: 115px; }
  .setup select { max-width: 360px; }
  .setup label.check { display: flex; align-items: center; gap: 6px; }
  .two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; align-items: start; margin: 8px 0; }
  @media (max-width: 1100px) { .two { grid-template-columns: minmax(0, 1fr); } }
  h4 { margin: 10px 0 4px; font-size: 15px; }
  .scroll { overflow: auto; max-height: 420px; border: 1px solid var(--border); border-radius: 8px; }
  table.packets, table.peers { border-collapse: collapse; font-size: 13px; width: 100%; }
  table.packets th, table.peers th { position: sticky; top: 0; background: var(--surface-2); text-align: left; font-weight: 500; color: var(--muted); padding: 4px 6px; white-space: nowrap; }
  table.packets td, table.peers td { padding: 4px 6px; border-top: 1px solid var(--border); vertical-align: top; }
  tr.own { opacity: 0.6; }
  .dir.in { color: var(--accent); font-weight: 700; }
  .dir.out { color: var(--warn); font-weight: 700; }
  .tag { display: inline-block; padding: 0 5px; border-radius: 4px; background: var(--surface-2); border: 1px solid var(--border); font-size: 11.5px; }
  .num { color: var(--muted); }
  .text { font-weight: 600; }
  .what { color: var(--muted); font-size: 12px; }
  .bad { color: var(--error); font-weight: 600; }
  .hex { font-size: 11.5px; color: var(--muted); word-break: break-all; }
  .ok { color: var(--ok); font-weight: 600; }
  ul.sent { list-style: none; padding: 0; margin: 4px 0; font-size: 13px; display: grid; gap: 3px; }
`;
