/**
 * Turns a flow into packets: for TCP a synthesised three-way handshake, one segment per read or
 * write (split only past the IPv4 packet limit) with sequence and acknowledgement numbers that
 * progress as the real stream did, FINs (and the last ACK), or RST; for UDP one datagram per read
 * or write. Each packet keeps its time, direction and a comment saying where it came from.
 */
import type { CaptureFlow, CaptureRecord } from './capture-flow.js';
import { ethernetFrame, ipPacket, IPPROTO_TCP, IPPROTO_UDP, MAX_TCP_PAYLOAD, parseIp, tcpSegment, TcpFlags, toIpv6, udpDatagram, type Endpoint, type IpBytes } from './packets.js';

/** A frame ready for an Enhanced Packet Block. */
export interface SynthPacket {
  time: number;
  direction: 'inbound' | 'outbound';
  frame: Uint8Array;
  comment: string;
}

const MAC_LOCAL = Uint8Array.of(0x02, 0x00, 0x00, 0x00, 0x00, 0x01);
const MAC_REMOTE = Uint8Array.of(0x02, 0x00, 0x00, 0x00, 0x00, 0x02);
/** Initial sequence numbers (Wireshark shows them relative, from 0). */
const ISN = { out: 0x1000_0000, in: 0x2000_0000 };
/** Window scale 14 in both SYNs, so a 65535 window field means ~1 GiB and no "window full" warnings. */
const WINDOW_SHIFT = 14;
const SYN_OPTIONS = Uint8Array.of(2, 4, 0xff, 0xd7, 1, 3, 3, WINDOW_SHIFT); // MSS 65495, NOP, WS 14
const SYNTHESISED = 'synthesised by sockgate (the gateway sees no segments)';

/** Two IPs of the same family (IPv4 turned into IPv4-mapped IPv6 beside an IPv6 one); unknown names become 0.0.0.0. */
function ipPair(a: string, b: string): [IpBytes, IpBytes] {
  const x = parseIp(a) ?? new Uint8Array(4);
  const y = parseIp(b) ?? new Uint8Array(4);
  return x.length === y.length ? [x, y] : [toIpv6(x), toIpv6(y)];
}

/** The packets of one flow, in record order. */
export function synthesise(flow: CaptureFlow): SynthPacket[] {
  return flow.proto === 'tcp' ? tcpPackets(flow) : udpPackets(flow);
}

function udpPackets(flow: CaptureFlow): SynthPacket[] {
  const out: SynthPacket[] = [];
  let id = 0;
  for (const r of flow.records) {
    if (r.kind !== 'data' || !r.bytes) continue;
    const peer: Endpoint = r.peer ?? flow.remote ?? { address: '0.0.0.0', port: 0 };
    const [lip, pip] = ipPair(flow.local.address, peer.address);
    const outbound = r.dir === 'out';
    const [src, dst, sp, dp] = outbound ? [lip, pip, flow.local.port, peer.port] : [pip, lip, peer.port, flow.local.port];
    const packet = ipPacket(src, dst, IPPROTO_UDP, udpDatagram(src, dst, sp, dp, r.bytes), id++);
    const named = parseIp(peer.address) ? '' : ` to ${peer.address}`;
    out.push({
      time: r.time,
      direction: outbound ? 'outbound' : 'inbound',
      frame: ethernetFrame(outbound ? MAC_LOCAL : MAC_REMOTE, outbound ? MAC_REMOTE : MAC_LOCAL, packet),
      comment: commentOf(r) + named,
    });
  }
  return out;
}

function commentOf(r: CaptureRecord): string {
  return r.dir === 'in' ? `gateway read #${r.seq ?? '?'} (gateway time)` : 'page write (page time)';
}

function tcpPackets(flow: CaptureFlow): SynthPacket[] {
  const remote = flow.remote ?? { address: '0.0.0.0', port: 0 };
  const [lip, rip] = ipPair(flow.local.address, remote.address);
  const packets: SynthPacket[] = [];
  // Next sequence number each side sends; `ended` once its FIN (or RST) went out.
  const next = { out: ISN.out + 1 + (flow.skipped?.out ?? 0), in: ISN.in + 1 + (flow.skipped?.in ?? 0) };
  const ended = { out: false, in: false };
  const ipId = { out: 0, in: 0 };
  const other = (d: 'in' | 'out') => (d === 'in' ? 'out' : 'in');

  const emit = (dir: 'in' | 'out', time: number, flags: number, seq: number, ack: number, payload: Uint8Array, comment: string, options?: Uint8Array) => {
    const outbound = dir === 'out';
    const [src, dst] = outbound ? [lip, rip] : [rip, lip];
    const [sp, dp] = outbound ? [flow.local.port, remote.port] : [remote.port, flow.local.port];
    const seg = tcpSegment(src, dst, { srcPort: sp, dstPort: dp, seq, ack, flags, window: 0xffff, options, payload });
    packets.push({
      time,
      direction: outbound ? 'outbound' : 'inbound',
      frame: ethernetFrame(outbound ? MAC_LOCAL : MAC_REMOTE, outbound ? MAC_REMOTE : MAC_LOCAL, ipPacket(src, dst, IPPROTO_TCP, seg, ipId[dir]++)),
      comment,
    });
  };

  const first = flow.records[0]?.time ?? flow.openedAt;
  const t0 = Math.min(flow.openedAt, first);
  const a = flow.initiator === 'remote' ? 'in' : 'out';
  const b = other(a);
  emit(a, t0, TcpFlags.SYN, ISN[a], 0, new Uint8Array(0), SYNTHESISED, SYN_OPTIONS);
  emit(b, t0, TcpFlags.SYN | TcpFlags.ACK, ISN[b], ISN[a] + 1, new Uint8Array(0), SYNTHESISED, SYN_OPTIONS);
  emit(a, t0, TcpFlags.ACK, ISN[a] + 1, ISN[b] + 1, new Uint8Array(0), SYNTHESISED);

  const ackOf = (dir: 'in' | 'out') => next[other(dir)];
  const fin = (dir: 'in' | 'out', time: number, comment: string) => {
    if (ended[dir]) return;
    emit(dir, time, TcpFlags.FIN | TcpFlags.ACK, next[dir], ackOf(dir), new Uint8Array(0), comment);
    next[dir] = (next[dir] + 1) >>> 0;
    ended[dir] = true;
    // The side that got the second FIN acknowledges it: the four-way close is complete.
    if (ended[other(dir)]) emit(other(dir), time, TcpFlags.ACK, next[other(dir)], next[dir], new Uint8Array(0), SYNTHESISED);
  };

  let last = t0;
  for (const r of flow.records) {
    last = r.time;
    if (ended[r.dir]) continue;
    if (r.kind === 'fin') fin(r.dir, r.time, r.dir === 'in' ? 'peer sent FIN (gateway saw EOF)' : 'page half-closed (FIN)');
    else if (r.kind === 'rst') {
      emit(r.dir, r.time, TcpFlags.RST | TcpFlags.ACK, next[r.dir], ackOf(r.dir), new Uint8Array(0), 'connection reset');
      ended.in = ended.out = true;
    } else if (r.bytes && r.bytes.length > 0) {
      const parts = Math.ceil(r.bytes.length / MAX_TCP_PAYLOAD);
      for (let i = 0; i < parts; i++) {
        const payload = r.bytes.subarray(i * MAX_TCP_PAYLOAD, (i + 1) * MAX_TCP_PAYLOAD);
        const comment = commentOf(r) + (parts > 1 ? ` part ${i + 1}/${parts}` : '');
        emit(r.dir, r.time, TcpFlags.PSH | TcpFlags.ACK, next[r.dir], ackOf(r.dir), payload, comment);
        next[r.dir] = (next[r.dir] + payload.length) >>> 0;
      }
    }
  }
  if (flow.closedAt !== undefined) {
    const t = Math.max(flow.closedAt, last);
    fin('out', t, `closed: ${SYNTHESISED}`);
    fin('in', t, `closed: ${SYNTHESISED}`);
  }
  return packets;
}
