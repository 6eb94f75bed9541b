/**
 * The tools of one socket (plain TypeScript, no DOM): its auto-reply rules, the checksum appended
 * to what it sends and checked on what it receives, and the send counter behind `{{counter}}`.
 * A server's tools answer and check each of its clients (the reply goes to the client that spoke).
 */
import type { TextEncodingName } from '../../../shared/encoding/index.js';
import { AutoReplyEngine } from '../../../shared/tools/auto-reply.js';
import { appendChecksum, checksumInfo, formatChecksum, verifyChecksum, type ByteOrder, type ChecksumId } from '../../../shared/tools/checksum.js';
import type { MacroContext } from '../../../shared/tools/macros.js';
import type { SendTarget } from '../model/send-job.js';
import type { Session } from '../model/session.js';
import type { SocketSession } from '../model/socket-session.js';

/** Checks and replies per socket and per second are bounded elsewhere; log lines about them too. */
const MAX_TOOL_LINES_PER_SECOND = 20;

/** One socket's tools. Events: `change` when counters or settings move. */
export class SessionTools extends EventTarget {
  readonly rules = new AutoReplyEngine();
  /** The checksum appended on send and checked on receive, or none. */
  checksum: ChecksumId | 'none' = 'none';
  /** Byte order of the checksum; undefined = the checksum's usual one. */
  checksumOrder: ByteOrder | undefined;
  /** Received messages whose checksum matched / did not. */
  readonly verified = { ok: 0, bad: 0 };
  /** Sends so far (the next `{{counter}}` is one more). */
  counter = 0;
  #linesStart = 0;
  #lines = 0;

  constructor(readonly session: Session) {
    super();
    session.inbound.add((data, peer, from) => this.#received(data, peer, from));
  }

  /** The encoding of rule patterns and replies. */
  get encoding(): TextEncodingName {
    return this.rules.encoding;
  }

  /** Macro values for the next message (counts it). */
  nextContext(): MacroContext {
    return { counter: ++this.counter, now: Date.now(), random: () => Math.floor(Math.random() * 256) };
  }

  /** Macro values for a preview (the size shown), without counting. */
  previewContext(): MacroContext {
    return { counter: this.counter + 1, now: Date.now(), random: () => 0 };
  }

  /** `body` with the socket's checksum appended (unchanged when none). */
  outbound(body: Uint8Array): Uint8Array {
    return this.checksum === 'none' ? body : appendChecksum(this.checksum, body, this.checksumOrder);
  }

  /** Tells the panel something changed. */
  changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  #received(data: Uint8Array, peer: string, from: SocketSession): void {
    if (this.checksum !== 'none') {
      const v = verifyChecksum(this.checksum, data, this.checksumOrder);
      if (v.ok) this.verified.ok++;
      else {
        this.verified.bad++;
        const width = checksumInfo(this.checksum).width;
        this.#note(from, v.got === undefined ? `${checksumInfo(this.checksum).name}: message too short to carry a checksum` : `${checksumInfo(this.checksum).name} mismatch: carries ${formatChecksum(v.got, width)}, computed ${formatChecksum(v.expected!, width)}`);
      }
    }
    const out = this.rules.answer(data, this.nextContextLazy());
    if (out?.kind === 'reply') {
      const bytes = this.outbound(out.bytes);
      from.sendDirect(bytes, replyTarget(from, peer)).catch((error: unknown) => this.#note(from, `auto-reply failed: ${(error as Error)?.message ?? String(error)}`));
    } else if (out?.kind === 'slow') this.#note(from, `auto-reply rule "${out.rule.pattern}" switched off: ${out.rule.stopped}`);
    else if (out?.kind === 'error') this.#note(from, `auto-reply rule "${out.rule.pattern}": ${(out.error as Error)?.message ?? String(out.error)}`);
    if (this.checksum !== 'none' || out) this.changed();
  }

  /** The counter moves only when a reply is actually built, so idle matches do not skip numbers. */
  private nextContextLazy(): MacroContext {
    const tools = this;
    let counted: number | undefined;
    return {
      get counter() {
        return (counted ??= ++tools.counter);
      },
      now: Date.now(),
      random: () => Math.floor(Math.random() * 256),
    };
  }

  /** An info line on the socket's log, at most {@link MAX_TOOL_LINES_PER_SECOND} a second. */
  #note(from: SocketSession, detail: string): void {
    const now = Date.now();
    if (now - this.#linesStart >= 1000) {
      this.#linesStart = now;
      this.#lines = 0;
    }
    if (++this.#lines > MAX_TOOL_LINES_PER_SECOND) return;
    from.log.event('info', { peer: from === (this.session as SocketSession) ? '' : from.remote, detail });
    from.changed();
  }
}

/** Where a reply to `peer` goes on `from`: back over the connection, or to the datagram's source. */
export function replyTarget(from: SocketSession, peer: string): SendTarget {
  if (from.kind !== 'udp') return { kind: 'self' };
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(peer);
  return { kind: 'udp', host: m?.[1] ?? peer, port: Number(m?.[2] ?? 0) };
}

const registry = new WeakMap<object, SessionTools>();

/** The tools of `session`, made on first use. */
export function toolsOf(session: Session): SessionTools {
  let tools = registry.get(session);
  if (!tools) registry.set(session, (tools = new SessionTools(session)));
  return tools;
}

/** The tools of `session` if any were made (a socket nobody configured has none). */
export function existingTools(session: Session): SessionTools | undefined {
  return registry.get(session);
}
