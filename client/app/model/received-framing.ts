/**
 * A socket's chosen framing applied to what arrives (issue 12, defect 5): beside the raw log, a
 * second log where every received length-prefixed / delimited / JSON-header message is one line,
 * with the events and sent lines copied in order, so "decoded" and "raw reads" are two views of
 * the same traffic. Each peer (a server's client, a UDP source) has its own decoder; a UDP
 * datagram is decoded on its own. A partial message waits in a bounded buffer (the codec's
 * `maxFrame`); a corrupt length or header is one clear error line, after which that peer's reads
 * show as they came until the framing is chosen again. Choosing a framing re-reads the raw log.
 */
import { encodeUtf8 } from '../../../shared/encoding/index.js';
import { createCodec, FramingError, type FrameDecoder, type FramingSpec, type JsonHeaderMessage } from '../../../shared/framing/index.js';
import { FRAMINGS } from './composer-payload.js';
import { composerStateOf } from './composer-state.js';
import { LogStore } from './log-store.js';

/** Largest message (body) the receive side assembles, bytes: the bound on one peer's buffer. */
export const RECEIVE_MAX_FRAME = 1024 * 1024;
/** Peers decoded at once; the longest-quiet one's partial message is dropped past this. */
export const RECEIVE_MAX_PEERS = 32;

type Message = Uint8Array | JsonHeaderMessage;

/** The decoded view of one session's log. Events: `change` when the framing changes. */
export class ReceivedFraming extends EventTarget {
  /** The decoded lines (empty while no framing is chosen). */
  readonly lines = new LogStore();
  #raw: LogStore;
  #datagrams: boolean;
  #framing = 'none';
  #spec: FramingSpec | undefined;
  #decoders = new Map<string, FrameDecoder<Message> | 'failed'>();

  /** Decodes the lines of `raw`; `datagrams`: each received line is a whole datagram. */
  constructor(raw: LogStore, datagrams: boolean) {
    super();
    this.#raw = raw;
    this.#datagrams = datagrams;
    raw.tap = (n) => this.#take(n);
  }

  /** True while a framing decodes what arrives. */
  get active(): boolean {
    return this.#spec !== undefined;
  }

  /** The framing's id (the composer's menu entry). */
  get framing(): string {
    return this.#framing;
  }

  /** Decodes with framing `id` from now on, the raw log's kept lines first ('none': stop). */
  use(id: string): void {
    if (id === this.#framing) return;
    const entry = FRAMINGS.find((f) => f.id === id);
    this.#framing = entry && entry.spec.kind !== 'none' ? id : 'none';
    this.#spec = entry && entry.spec.kind !== 'none' ? { ...entry.spec, maxFrame: RECEIVE_MAX_FRAME } as FramingSpec : undefined;
    this.#decoders.clear();
    this.lines.clear();
    if (this.#spec) for (let n = this.#raw.firstN; n <= this.#raw.lastN; n++) this.#take(n);
    this.dispatchEvent(new Event('change'));
  }

  #take(n: number): void {
    if (!this.#spec) return;
    const raw = this.#raw;
    const dir = raw.dirOf(n);
    const time = raw.timeOf(n);
    const peer = raw.peerOf(n);
    if (dir === 'event') {
      const ev = raw.eventOf(n)!;
      this.lines.add({ time, dir, peer, size: 0, event: ev.event, code: ev.code, detail: ev.detail });
      // The peer is gone: a message it left half-sent is an error, not a silent loss.
      if (ev.event === 'peer-closed' || ev.event === 'closed' || ev.event === 'kicked') this.#end(peer, time);
      return;
    }
    const bytes = raw.bytesOf(n);
    if (dir === 'out') {
      this.lines.append('out', time, peer, bytes, raw.seqOf(n));
      return;
    }
    this.#decode(bytes, time, peer, raw.seqOf(n));
  }

  #decode(bytes: Uint8Array, time: number, peer: string, seq: number | undefined): void {
    let decoder = this.#datagrams ? undefined : this.#decoders.get(peer);
    if (decoder === 'failed') {
      this.lines.append('in', time, peer, bytes, seq);
      return;
    }
    if (!decoder) decoder = createCodec(this.#spec!).createDecoder() as FrameDecoder<Message>;
    if (!this.#datagrams) {
      // Most recently heard last, so the one dropped past the cap is the longest quiet.
      this.#decoders.delete(peer);
      if (this.#decoders.size >= RECEIVE_MAX_PEERS) this.#decoders.delete(this.#decoders.keys().next().value!);
      this.#decoders.set(peer, decoder);
    }
    const out: Message[] = [];
    try {
      decoder.push(bytes.slice(), out);
      // A datagram is a whole: what it leaves unfinished is an error now, not a wait.
      if (this.#datagrams) decoder.end();
    } catch (error) {
      for (const m of out) this.lines.append('in', time, peer, shown(m), seq);
      this.#failed(peer, time, error);
      return;
    }
    for (const m of out) this.lines.append('in', time, peer, shown(m), seq);
  }

  #end(peer: string, time: number): void {
    const decoders = peer ? [peer] : [...this.#decoders.keys()];
    for (const p of decoders) {
      const d = this.#decoders.get(p);
      if (!d || d === 'failed') continue;
      this.#decoders.delete(p);
      try {
        d.end();
      } catch (error) {
        this.#failed(p, time, error);
      }
    }
  }

  #failed(peer: string, time: number, error: unknown): void {
    if (!this.#datagrams) this.#decoders.set(peer, 'failed');
    const e = error as FramingError;
    const code = error instanceof FramingError ? e.code : 'FRAMING';
    this.lines.add({ time, dir: 'event', peer, size: 0, event: 'error', code, detail: `${e.message ?? String(error)} — ${this.#framing}` });
  }
}

/** The bytes a decoded message shows as: its body, after the JSON header when it has one. */
function shown(m: Message): Uint8Array {
  if (m instanceof Uint8Array) return m;
  const head = encodeUtf8(JSON.stringify(m.header) + ' ');
  const out = new Uint8Array(head.byteLength + m.body.byteLength);
  out.set(head);
  out.set(m.body, head.byteLength);
  return out;
}

const framings = new WeakMap<object, ReceivedFraming>();

/** `session`'s decoded view, created on first use with the framing its composer has chosen. */
export function receivedFramingOf(session: { readonly log: LogStore; readonly kind: string; readonly parent?: object | undefined }): ReceivedFraming {
  let f = framings.get(session);
  if (!f) {
    f = new ReceivedFraming(session.log, session.kind === 'udp');
    f.use(composerStateOf(session).settings.framing);
    framings.set(session, f);
  }
  return f;
}
