/**
 * The FeiQ/IPMSG lab's socket: one real UDP socket on port 2425 through the gateway, with
 * SO_BROADCAST. Every datagram in or out is kept with its decoded packet (shared/ipmsg); the
 * answers FeiQ gives are sent automatically when `autoAnswer` is on (RECVMSG receipts for SENDMSG
 * with SENDCHECKOPT, ANSENTRY for BR_ENTRY); whoever announces itself (BR_ENTRY, ANSENTRY) is a
 * peer; each message sent waits for its RECVMSG.
 */
import { IPMSG, IPMSG_PORT, OPT } from '../../../shared/ipmsg/ipmsg-commands.js';
import { answerFor, buildIpmsg, parseIpmsg, type IpmsgOutgoing, type IpmsgParse, type IpmsgSelf } from '../../../shared/ipmsg/ipmsg-packet.js';
import type { SocketGateway, UDPSocket, UDPSocketOpenInfo } from '../../lib/index.js';

/** Packets kept (the oldest are dropped). */
const MAX_PACKETS = 300;

/** One datagram, received or sent. */
export interface FeiqPacket {
  n: number;
  time: number;
  dir: 'in' | 'out';
  /** The other end. */
  address: string;
  port: number;
  bytes: Uint8Array;
  parsed: IpmsgParse;
  /** Our own broadcast heard back (the socket is bound to every address, so it hears it too). */
  own?: boolean;
  /** For a received packet: the packet number of the answer sent to it automatically. */
  answeredWith?: string;
}

/** Someone on the LAN who announced itself. */
export interface FeiqPeer {
  address: string;
  port: number;
  user: string;
  host: string;
  nickname: string;
  group: string;
  /** The command it came with: ANSENTRY (answered our entry) or BR_ENTRY (announced itself). */
  via: string;
  time: number;
}

/** A message the page sent, and its receipt. */
export interface FeiqSent {
  packetNo: string;
  address: string;
  text: string;
  time: number;
  /** When RECVMSG with this packet number came back. */
  receiptAt?: number;
}

/** The lab's UDP socket and what went over it. */
export class FeiqSession {
  readonly packets: FeiqPacket[] = [];
  readonly peers = new Map<string, FeiqPeer>();
  readonly sent: FeiqSent[] = [];
  autoAnswer = true;
  /** The last error the gateway reported for a send (e.g. a denied address, EACCES). */
  lastError: unknown;
  #n = 0;
  #packetNo = Math.floor(Date.now() / 1000);
  #ownNumbers = new Set<string>();
  #writer: WritableStreamDefaultWriter;
  #reader: ReadableStreamDefaultReader | undefined;

  /** Set by close(): the socket's end is ours, not the gateway's. */
  closing = false;

  private constructor(
    readonly gateway: SocketGateway,
    readonly socket: UDPSocket,
    readonly info: UDPSocketOpenInfo,
    readonly self: IpmsgSelf,
    readonly onChange: () => void,
  ) {
    this.#writer = info.writable.getWriter();
    void this.#pump();
  }

  /** Binds UDP `address`:2425 (0.0.0.0 hears broadcasts; an interface address does not) with SO_BROADCAST. */
  static async open(gateway: SocketGateway, address: string, self: IpmsgSelf, onChange: () => void): Promise<FeiqSession> {
    // Names every answer will carry: refused now (':' in a name, a character GBK lacks), not at the first answer.
    buildIpmsg({ packetNo: 0, user: self.user, host: self.host, command: IPMSG.ANSENTRY, parts: [self.nickname, self.group] });
    let session: FeiqSession | undefined;
    const onError = (err: Error) => {
      if (!session) return;
      session.lastError = err;
      onChange();
    };
    const socket = new gateway.UDPSocket({ localAddress: address, localPort: IPMSG_PORT, extras: { broadcast: true, chunks: true, onError } });
    const info = await socket.opened;
    session = new FeiqSession(gateway, socket, info, self, onChange);
    return session;
  }

  /** The next packet number (IPMSG counts up from the time in seconds). */
  nextPacketNo(): string {
    return String(++this.#packetNo);
  }

  async #pump(): Promise<void> {
    const reader = this.info.readable.getReader();
    this.#reader = reader;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.#received(value.data, value.remoteAddress ?? '', value.remotePort ?? 0);
      }
    } catch {
      // Closed under the reader: the session is over.
    }
  }

  #keep(p: FeiqPacket): void {
    this.packets.push(p);
    if (this.packets.length > MAX_PACKETS) this.packets.splice(0, this.packets.length - MAX_PACKETS);
  }

  #received(bytes: Uint8Array, address: string, port: number): void {
    const parsed = parseIpmsg(bytes);
    const entry: FeiqPacket = { n: ++this.#n, time: Date.now(), dir: 'in', address, port, bytes, parsed };
    this.#keep(entry);
    if (parsed.ok) {
      const p = parsed.packet;
      if (this.#ownNumbers.has(p.packetNo) && p.user === this.self.user && p.host === this.self.host) {
        entry.own = true;
      } else {
        if (p.mode === IPMSG.ANSENTRY || p.mode === IPMSG.BR_ENTRY || p.mode === IPMSG.BR_ABSENCE) {
          this.peers.set(`${address}:${port}`, { address, port, user: p.user, host: p.host, nickname: p.text || p.user, group: p.group ?? '', via: p.modeName ?? '', time: entry.time });
        } else if (p.mode === IPMSG.BR_EXIT) {
          this.peers.delete(`${address}:${port}`);
        } else if (p.mode === IPMSG.RECVMSG) {
          const sent = this.sent.find((s) => s.packetNo === p.text.trim() && s.address === address && s.receiptAt === undefined);
          if (sent) sent.receiptAt = entry.time;
        }
        const answer = this.autoAnswer ? answerFor(p, this.self, this.nextPacketNo()) : null;
        if (answer) {
          entry.answeredWith = String(answer.packetNo);
          this.#send(answer, address, port).catch((err: unknown) => {
            this.lastError = err;
            this.onChange();
          });
        }
      }
    }
    this.onChange();
  }

  async #send(out: IpmsgOutgoing, address: string, port: number): Promise<void> {
    const bytes = buildIpmsg(out);
    this.#ownNumbers.add(String(out.packetNo));
    this.#keep({ n: ++this.#n, time: Date.now(), dir: 'out', address, port, bytes, parsed: parseIpmsg(bytes) });
    this.onChange();
    await this.#writer.write({ data: bytes, remoteAddress: address, remotePort: port });
  }

  /** Sends BR_ENTRY (our nickname and group) to `broadcast`:2425: everyone there should answer ANSENTRY. */
  broadcastEntry(broadcast: string): Promise<void> {
    return this.#send({ packetNo: this.nextPacketNo(), user: this.self.user, host: this.self.host, command: IPMSG.BR_ENTRY, parts: [this.self.nickname, this.self.group] }, broadcast, IPMSG_PORT);
  }

  /**
   * Sends `text` as SENDMSG | SENDCHECKOPT to `address`:`port` in GBK; FeiQ answers RECVMSG with
   * its packet number. Throws for text GBK cannot encode (before anything is sent).
   */
  async sendText(address: string, text: string, port = IPMSG_PORT): Promise<void> {
    const packetNo = this.nextPacketNo();
    const out = { packetNo, user: this.self.user, host: this.self.host, command: IPMSG.SENDMSG | OPT.SENDCHECKOPT, parts: [text] };
    buildIpmsg(out);
    this.sent.push({ packetNo, address, text, time: Date.now() });
    await this.#send(out, address, port);
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    this.closing = true;
    // The spec's close() refuses while a stream is locked: let go of both first.
    await this.#reader?.cancel().catch(() => {});
    this.#reader?.releaseLock();
    this.#writer.releaseLock();
    await this.socket.close().catch(() => {});
  }
}
