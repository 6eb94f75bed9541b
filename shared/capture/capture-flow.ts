/**
 * What a capture export is made of: the flows of one socket (a TCP connection, or a UDP socket's
 * datagrams) as the page saw them — every read the gateway delivered and every write the page
 * made, in order, with their times — plus the ends of a TCP stream (FIN, RST, close).
 */
import type { Endpoint } from './packets.js';

export type { Endpoint } from './packets.js';

/** Who a record came from: `out` the page's end (local), `in` the other end (remote). */
export type CaptureDir = 'in' | 'out';

/** One thing that happened on a flow. */
export interface CaptureRecord {
  dir: CaptureDir;
  /** `data`: a read or a write; `fin`: that side ended its stream; `rst`: that side reset it. */
  kind: 'data' | 'fin' | 'rst';
  /** ms since the Unix epoch: the gateway's read time for reads, the page's clock otherwise. */
  time: number;
  /** Where `time` came from. */
  timeSource: 'gateway' | 'page';
  /** The payload of a `data` record. */
  bytes?: Uint8Array;
  /** The gateway's per-socket read counter (reads only). */
  seq?: number;
  /** UDP: the other end of this datagram. */
  peer?: Endpoint;
}

/** A flow to write out. */
export interface CaptureFlow {
  proto: 'tcp' | 'udp';
  /** The page's end (the gateway's socket): its address and port. */
  local: Endpoint;
  /** TCP: the other end. */
  remote?: Endpoint;
  /** TCP: which end sent the SYN (a client the page opened: `local`; an accepted one: `remote`). */
  initiator?: 'local' | 'remote';
  /** When the connection opened (the synthesised handshake's time). */
  openedAt: number;
  /** When it closed, if it has: FINs not seen by then are synthesised. */
  closedAt?: number;
  records: readonly CaptureRecord[];
  /** Bytes dropped from the front of each direction by a bounded store (sequence numbers skip them). */
  skipped?: { in: number; out: number };
}
