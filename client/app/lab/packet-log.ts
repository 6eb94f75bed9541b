/**
 * `PacketLog`: what the gateway's tcpdump captured of one lab connection (`capture` messages):
 * the segments with their numbers relative to each side's initial sequence number (as Wireshark
 * shows them) and raw, whether the capture runs, ended or cannot run here (and why), and the
 * same packets as a pcapng file.
 */
import { decodeBase64 } from '../../../shared/encoding/base64.js';
import { enhancedPacketBlock, interfaceDescriptionBlock, sectionHeaderBlock } from '../../../shared/capture/pcapng.js';
import type { CaptureMsg, CapturedSegmentInfo } from '../../../shared/protocol.js';
import { watchCapture } from '../../lib/lab-extras.js';
import type { TCPSocket } from '../../lib/index.js';

/** The most segments the page keeps (the gateway's own bound is 200). */
const MAX_SEGMENTS = 256;

/** One segment as the diagram draws it. */
export interface DiagramSegment extends CapturedSegmentInfo {
  /** Sent by the side that sent the first SYN (the client). */
  fromClient: boolean;
  /** seq and ack relative to each side's initial sequence number; ack undefined without the ACK flag. */
  relSeq: number;
  relAck: number | undefined;
  /** ms since the first segment. */
  at: number;
}

/** Where the capture is. */
export type CaptureState = 'waiting' | 'capturing' | 'ended' | 'unavailable';

/** The capture of one lab connection. */
export class PacketLog {
  state: CaptureState = 'waiting';
  command = '';
  filter = '';
  /** Why it ended or cannot run. */
  reason = '';
  linkType = 1;
  /** Bumped on every change (the diagram re-renders on it). */
  revision = 0;
  readonly segments: CapturedSegmentInfo[] = [];
  #stop: (() => void) | undefined;

  constructor(private readonly onChange: () => void) {}

  /** Starts listening for the capture messages of `socket` (call right after constructing it with `extras.capture`). */
  attach(socket: TCPSocket): void {
    this.#stop?.();
    this.#stop = watchCapture(socket, (m) => this.#take(m));
  }

  #take(m: CaptureMsg): void {
    if (m.event === 'start') {
      this.state = 'capturing';
      this.command = m.command ?? '';
      this.filter = m.filter ?? '';
    } else if (m.event === 'packet' && m.packet) {
      if (m.linkType !== undefined) this.linkType = m.linkType;
      if (this.segments.length < MAX_SEGMENTS) this.segments.push(m.packet);
    } else if (m.event === 'end' || m.event === 'unavailable') {
      this.state = m.event === 'end' ? 'ended' : 'unavailable';
      this.reason = m.reason ?? '';
      this.#stop?.();
    }
    this.revision++;
    this.onChange();
  }

  /** Stops listening (a newer connection replaced this one). */
  detach(): void {
    this.#stop?.();
  }

  /** The segments with relative numbers, in capture order. */
  diagram(): DiagramSegment[] {
    const first = this.segments[0];
    if (!first) return [];
    const client = this.segments.find((s) => s.flags.includes('SYN') && !s.flags.includes('ACK'))?.src ?? first.src;
    const isn = new Map<string, number>();
    for (const s of this.segments) if (!isn.has(s.src)) isn.set(s.src, s.seq);
    return this.segments.map((s) => {
      const peerIsn = isn.get(s.dst);
      return {
        ...s,
        fromClient: s.src === client,
        relSeq: (s.seq - isn.get(s.src)!) >>> 0,
        relAck: s.flags.includes('ACK') ? (peerIsn === undefined ? s.ack : (s.ack - peerIsn) >>> 0) : undefined,
        at: s.time - first.time,
      };
    });
  }

  /** The capture as pcapng blocks (the frames exactly as tcpdump captured them). */
  pcapng(): Uint8Array[] {
    return [
      sectionHeaderBlock('sockgate (tcpdump on lo)'),
      interfaceDescriptionBlock(this.linkType, 'lo'),
      ...this.segments.map((s) => enhancedPacketBlock(decodeBase64(s.frame), { time: s.time, originalLength: s.origLength })),
    ];
  }
}
