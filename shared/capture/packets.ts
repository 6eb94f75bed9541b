/**
 * Synthesised link, network and transport headers for capture files: Ethernet II, IPv4, IPv6,
 * TCP and UDP, each with the checksum a dissector verifies (RFC 1071, with the RFC 793 / RFC 8200
 * pseudo-headers). The gateway never sees the real packets, so these are rebuilt from what it
 * does see: the addresses, the ports and the bytes of every read and write.
 */

/** An IP address as bytes: 4 (IPv4) or 16 (IPv6). */
export type IpBytes = Uint8Array;

/** One end of a flow. */
export interface Endpoint {
  address: string;
  port: number;
}

/** Parses a dotted-quad IPv4 or an IPv6 literal (`::`, embedded IPv4, a `%zone` is ignored); undefined if neither. */
export function parseIp(text: string): IpBytes | undefined {
  const s = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const parts = s.split('.').map(Number);
    return parts.every((p) => p <= 255) ? Uint8Array.from(parts) : undefined;
  }
  if (!s.includes(':')) return undefined;
  let head = s;
  let v4: IpBytes | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    v4 = parseIp(s.slice(lastColon + 1));
    if (!v4 || v4.length !== 4) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const fill = 8 - left.length - right.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-f]{1,4}$/i.test(all[i]!)) return undefined;
    const v = parseInt(all[i]!, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}

/** The IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) of a 4-byte address; 16-byte ones unchanged. */
export function toIpv6(ip: IpBytes): IpBytes {
  if (ip.length === 16) return ip;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip, 12);
  return out;
}

/** The one's-complement sum of `parts` folded to 16 bits and complemented (RFC 1071). */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    let i = 0;
    if (odd !== undefined && p.length > 0) {
      sum += (odd << 8) | p[0]!;
      odd = undefined;
      i = 1;
    }
    for (; i + 1 < p.length; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
    if (i < p.length) odd = p[i]!;
    // Fold now and then so the sum stays an exact small integer.
    if (sum > 0x3fffffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** IP protocol numbers of the transports written here. */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

function pseudoHeader(src: IpBytes, dst: IpBytes, proto: number, length: number): Uint8Array {
  if (src.length === 4) {
    const p = new Uint8Array(12);
    p.set(src, 0);
    p.set(dst, 4);
    p[9] = proto;
    p[10] = length >> 8;
    p[11] = length & 0xff;
    return p;
  }
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  new DataView(p.buffer).setUint32(32, length);
  p[39] = proto;
  return p;
}

/** TCP flag bits. */
export const TcpFlags = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** A TCP segment to build. */
export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** Raw option bytes (a multiple of 4 long). */
  options?: Uint8Array;
  payload: Uint8Array;
}

/** A TCP header and payload with its checksum over the pseudo-header of `src` → `dst`. */
export function tcpSegment(src: IpBytes, dst: IpBytes, s: TcpSegment): Uint8Array {
  const opts = s.options ?? new Uint8Array(0);
  const headerLength = 20 + opts.length;
  const out = new Uint8Array(headerLength + s.payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, s.srcPort);
  v.setUint16(2, s.dstPort);
  v.setUint32(4, s.seq >>> 0);
  v.setUint32(8, s.ack >>> 0);
  out[12] = (headerLength / 4) << 4;
  out[13] = s.flags;
  v.setUint16(14, s.window);
  out.set(opts, 20);
  out.set(s.payload, headerLength);
  v.setUint16(16, internetChecksum(pseudoHeader(src, dst, IPPROTO_TCP, out.length), out));
  return out;
}

/** A UDP header and payload with its checksum (0 is sent as 0xffff, as RFC 768 says). */
export function udpDatagram(src: IpBytes, dst: IpBytes, srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, srcPort);
  v.setUint16(2, dstPort);
  v.setUint16(4, out.length);
  out.set(payload, 8);
  v.setUint16(6, internetChecksum(pseudoHeader(src, dst, IPPROTO_UDP, out.length), out) || 0xffff);
  return out;
}

/** An IPv4 (4-byte addresses) or IPv6 packet around `payload`; `id` is IPv4's identification. */
export function ipPacket(src: IpBytes, dst: IpBytes, proto: number, payload: Uint8Array, id = 0): Uint8Array {
  if (src.length === 4) {
    const out = new Uint8Array(20 + payload.length);
    const v = new DataView(out.buffer);
    out[0] = 0x45;
    v.setUint16(2, out.length);
    v.setUint16(4, id & 0xffff);
    v.setUint16(6, 0x4000); // don't fragment, as a TCP stack sets it
    out[8] = 64;
    out[9] = proto;
    out.set(src, 12);
    out.set(dst, 16);
    v.setUint16(10, internetChecksum(out.subarray(0, 20)));
    out.set(payload, 20);
    return out;
  }
  const out = new Uint8Array(40 + payload.length);
  const v = new DataView(out.buffer);
  out[0] = 0x60;
  v.setUint16(4, payload.length);
  out[6] = proto;
  out[7] = 64;
  out.set(src, 8);
  out.set(dst, 24);
  out.set(payload, 40);
  return out;
}

/** The largest payload one synthesised TCP segment carries (the IPv4 total length is 16 bits). */
export const MAX_TCP_PAYLOAD = 65535 - 20 - 20;

/** An Ethernet II frame; the EtherType follows the IP version of `packet`. */
export function ethernetFrame(srcMac: Uint8Array, dstMac: Uint8Array, packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + packet.length);
  out.set(dstMac, 0);
  out.set(srcMac, 6);
  const ipv6 = packet[0]! >> 4 === 6;
  out[12] = ipv6 ? 0x86 : 0x08;
  out[13] = ipv6 ? 0xdd : 0x00;
  out.set(packet, 14);
  return out;
}
