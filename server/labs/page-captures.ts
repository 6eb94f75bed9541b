/**
 * The lab captures of one page (`tcp.connect` with `capture: true`): before the connect, picks the
 * client's local port so the tcpdump filter is the connection's exact 4-tuple, starts the capture
 * and streams each segment to the page as a `capture` message. A capture ends by itself once the
 * connection is over on the wire (both FINs and the last ACK, or an RST), at its bounds, or with
 * the page. At most {@link MAX_CAPTURES} run on the gateway at once.
 */
import net from 'node:net';
import type { CaptureMsg } from '../../shared/protocol.js';
import { ErrorCode } from '../../shared/protocol.js';
import { GatewayError } from '../gateway-error.js';
import type { TargetPolicy } from '../target-policy.js';
import { CaptureUnavailable, PacketCapture, type CapturedPacket } from './packet-capture.js';

/** tcpdump processes the whole gateway runs at most at once. */
export const MAX_CAPTURES = 8;
/** How long after the connection ended on the wire the capture keeps listening (late ACKs). */
const LINGER_MS = 300;
let running = 0;

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1';

/** Where the capture binds the client: the dial then uses exactly this local address and port. */
export interface CaptureBinding {
  host: string;
  localAddress: string;
  localPort: number;
}

/** A free local port on `address` (the kernel's pick, released at once for the connect to bind). */
function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host: address, port: 0, exclusive: true }, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** One page's captures. */
export class PageCaptures {
  #captures = new Map<number, PacketCapture>();
  #closed = false;

  constructor(private readonly send: (msg: CaptureMsg) => void) {}

  /**
   * Prepares the capture of the connection socket `id` is about to dial: resolves the target,
   * picks the local port and starts tcpdump. Undefined (and an `unavailable` message) when it
   * cannot run; the connect then goes ahead uncaptured.
   */
  async begin(id: number, policy: TargetPolicy, host: string, port: number, family: 0 | 4 | 6): Promise<CaptureBinding | undefined> {
    const target = await policy.resolve(host, port, 'connect', family);
    const unavailable = (reason: string) => {
      this.send({ t: 'capture', id, event: 'unavailable', reason });
      return undefined;
    };
    if (!isLoopback(target.address)) return unavailable(`packet capture is for loopback targets only; ${target.address} is not one`);
    if (running >= MAX_CAPTURES) throw new GatewayError(ErrorCode.Limit, `${MAX_CAPTURES} packet captures already run on this gateway; close a captured lab connection first`);
    const localAddress = target.family === 6 ? '::1' : '127.0.0.1';
    const localPort = await freePort(localAddress);
    running++;
    let capture: PacketCapture;
    try {
      capture = await PacketCapture.start({ address: localAddress, port: localPort }, { address: target.address, port });
    } catch (err) {
      running--;
      if (err instanceof CaptureUnavailable) return unavailable(err.message);
      throw err;
    }
    if (this.#closed) {
      capture.stop('the page closed');
      running--;
      return undefined;
    }
    this.#track(id, capture);
    return { host: target.address, localAddress, localPort };
  }

  #track(id: number, capture: PacketCapture): void {
    this.#captures.get(id)?.stop('replaced');
    this.#captures.set(id, capture);
    this.send({ t: 'capture', id, event: 'start', command: capture.command, filter: capture.filter });
    const fins = new Set<string>();
    let over = false;
    let sentLinkType = false;
    capture.on('packet', (p: CapturedPacket) => {
      const { frame, ...fields } = p;
      this.send({
        t: 'capture',
        id,
        event: 'packet',
        ...(!sentLinkType && { linkType: capture.linkType }),
        packet: { ...fields, frame: Buffer.from(frame).toString('base64') },
      });
      sentLinkType = true;
      if (p.flags.includes('FIN')) fins.add(p.src);
      // Over on the wire: a reset, or the ACK of the second FIN.
      const done = p.flags.includes('RST') || (fins.size === 2 && !p.flags.includes('FIN') && p.flags.includes('ACK'));
      if (done && !over) {
        over = true;
        setTimeout(() => capture.stop('the connection is over on the wire'), LINGER_MS).unref();
      }
    });
    capture.once('end', (reason) => {
      running--;
      if (this.#captures.get(id) === capture) this.#captures.delete(id);
      this.send({ t: 'capture', id, event: 'end', reason });
    });
  }

  /** The dial failed without a reset on the wire (e.g. timed out): nothing more will come soon. */
  failed(id: number): void {
    const c = this.#captures.get(id);
    if (c) setTimeout(() => c.stop('the connect failed'), 1000).unref();
  }

  /** The page went away: every capture stops (tcpdump killed). */
  close(): void {
    this.#closed = true;
    for (const c of this.#captures.values()) c.stop('the page closed');
    this.#captures.clear();
  }
}
