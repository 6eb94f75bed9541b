/**
 * A socket's capture as files: pcapng (Ethernet / IPv4 or IPv6 / TCP or UDP, synthesised over the
 * real addresses and ports, so Wireshark and tshark dissect it) and JSON Lines (one record per
 * line, payload in base64).
 */
import { encodeBase64 } from '../encoding/base64.js';
import type { CaptureFlow } from './capture-flow.js';
import { enhancedPacketBlock, interfaceDescriptionBlock, LINKTYPE_ETHERNET, sectionHeaderBlock } from './pcapng.js';
import { synthesise } from './tcp-synth.js';

/** The blocks of a pcapng file holding every flow's packets, merged in time order. */
export function pcapngBlocks(flows: readonly CaptureFlow[], application = 'sockgate'): Uint8Array[] {
  const packets = flows.flatMap((f) => synthesise(f));
  // A stable sort keeps each flow's own order where times tie (handshakes share a time).
  packets.sort((x, y) => x.time - y.time);
  return [
    sectionHeaderBlock(application),
    interfaceDescriptionBlock(LINKTYPE_ETHERNET, 'sockgate (synthesised from the gateway\'s reads and the page\'s writes)'),
    ...packets.map((p) => enhancedPacketBlock(p.frame, { time: p.time, direction: p.direction, comment: p.comment })),
  ];
}

const hp = (e: { address: string; port: number }) => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);

/** JSON Lines: an `open` line per flow, then one line per record (`data`, `fin`, `rst`), then `close`. */
export function jsonLines(flows: readonly CaptureFlow[]): string {
  const lines: string[] = [];
  for (const f of flows) {
    const base = { proto: f.proto, local: hp(f.local), ...(f.remote ? { remote: hp(f.remote) } : {}) };
    lines.push(JSON.stringify({ type: 'open', time: f.openedAt, ...base, ...(f.initiator ? { initiator: f.initiator } : {}), ...(f.skipped ? { skipped: f.skipped } : {}) }));
    for (const r of f.records) {
      const peer = r.peer ?? f.remote;
      const [src, dst] = r.dir === 'out' ? [f.local, peer] : [peer, f.local];
      lines.push(
        JSON.stringify({
          type: r.kind,
          time: r.time,
          timeSource: r.timeSource,
          dir: r.dir,
          proto: f.proto,
          ...(src ? { src: hp(src) } : {}),
          ...(dst ? { dst: hp(dst) } : {}),
          ...(r.seq !== undefined ? { gatewaySeq: r.seq } : {}),
          ...(r.bytes ? { len: r.bytes.length, base64: encodeBase64(r.bytes) } : {}),
        }),
      );
    }
    if (f.closedAt !== undefined) lines.push(JSON.stringify({ type: 'close', time: f.closedAt, ...base }));
  }
  return lines.map((l) => l + '\n').join('');
}
