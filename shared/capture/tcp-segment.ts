/**
 * Reading real captured frames (what tcpdump saw on the wire): the link header (Ethernet, raw IP,
 * Linux cooked v1/v2), IPv4 or IPv6, and the TCP header — addresses, ports, flags, sequence and
 * acknowledgement numbers, window and payload length. Only TCP is decoded; anything else is
 * undefined. No Node types: the page decodes the same frames the gateway sent it.
 */

/** pcap link types this reader understands. */
export const LinkType = { ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276 } as const;

/** The TCP flag names in header bit order (FIN = bit 0 … CWR = bit 7). */
export const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;
/** One TCP flag. */
export type TcpFlag = (typeof TCP_FLAGS)[number];

/** One decoded TCP segment. */
export interface TcpSegment {
  /** Source and destination as `address:port` (IPv6 as `[address]:port`). */
  src: string;
  dst: string;
  /** The flags set, in header bit order (e.g. `['SYN', 'ACK']`). */
  flags: TcpFlag[];
  /** Raw 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  /** Advertised window (unscaled, as on the wire). */
  win: number;
  /** TCP payload bytes in this segment (from the IP length, so a snapped frame still counts them all). */
  len: number;
}

const ipv4Text = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

function ipv6Text(b: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!).toString(16));
  // RFC 5952: the longest run (≥ 2) of zero groups becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Offset and EtherType of the network header in a frame of `linkType`; undefined if unknown or short. */
function networkStart(frame: Uint8Array, linkType: number): { at: number; etherType: number } | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  switch (linkType) {
    case LinkType.ETHERNET: {
      if (frame.length < 14) return undefined;
      let at = 12;
      let type = view.getUint16(at);
      // 802.1Q tags (never on lo, but cheap to skip).
      while ((type === 0x8100 || type === 0x88a8) && frame.length >= at + 6) {
        at += 4;
        type = view.getUint16(at);
      }
      return { at: at + 2, etherType: type };
    }
    case LinkType.RAW:
      return frame.length > 0 ? { at: 0, etherType: frame[0]! >> 4 === 6 ? 0x86dd : 0x0800 } : undefined;
    case LinkType.LINUX_SLL:
      return frame.length >= 16 ? { at: 16, etherType: view.getUint16(14) } : undefined;
    case LinkType.LINUX_SLL2:
      return frame.length >= 20 ? { at: 20, etherType: view.getUint16(0) } : undefined;
    default:
      return undefined;
  }
}

/** Decodes the TCP segment in `frame` (a captured frame of `linkType`); undefined if it is not TCP or is cut short. */
export function decodeTcpSegment(frame: Uint8Array, linkType: number): TcpSegment | undefined {
  const net = networkStart(frame, linkType);
  if (!net) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let at = net.at;
  let src: string;
  let dst: string;
  let tcpLength: number;
  if (net.etherType === 0x0800) {
    if (frame.length < at + 20 || frame[at]! >> 4 !== 4 || frame[at + 9] !== 6) return undefined;
    const ihl = (frame[at]! & 0x0f) * 4;
    tcpLength = view.getUint16(at + 2) - ihl;
    src = ipv4Text(frame, at + 12);
    dst = ipv4Text(frame, at + 16);
    at += ihl;
  } else if (net.etherType === 0x86dd) {
    // Extension headers are not followed: the gateway's loopback segments never carry them.
    if (frame.length < at + 40 || frame[at]! >> 4 !== 6 || frame[at + 6] !== 6) return undefined;
    tcpLength = view.getUint16(at + 4);
    src = `[${ipv6Text(frame, at + 8)}]`;
    dst = `[${ipv6Text(frame, at + 24)}]`;
    at += 40;
  } else return undefined;
  if (frame.length < at + 20) return undefined;
  const dataOffset = (frame[at + 12]! >> 4) * 4;
  const bits = frame[at + 13]!;
  return {
    src: `${src}:${view.getUint16(at)}`,
    dst: `${dst}:${view.getUint16(at + 2)}`,
    flags: TCP_FLAGS.filter((_, i) => bits & (1 << i)),
    seq: view.getUint32(at + 4),
    ack: view.getUint32(at + 8),
    win: view.getUint16(at + 14),
    len: Math.max(0, tcpLength - dataOffset),
  };
}
