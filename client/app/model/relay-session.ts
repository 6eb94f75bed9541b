/**
 * A relay of the workspace: the gateway listens and pipes each accepted client to a target; this
 * keeps what the page saw of it — the pairs (client, the gateway's connection to the target, state,
 * bytes and reads each way) and one log of every reported read of every pair, each line its own
 * read so the sticky-packet picture holds between two real programs. The gateway's report is
 * bounded (docs/PROTOCOL.md, "Relay mode"): a read with fewer bytes than its size starts the
 * "log truncated" mark, and a gap in a direction's seq numbers is logged as reads not shown.
 * No DOM, no Lit: it runs in Node for its tests.
 */
import type { Address, RelayDirection, RelayPairClosedMsg } from '../../../shared/protocol.js';
import type { SocketGateway } from '../../lib/index.js';
import { Relay, type RelayOptions, type RelayRead } from '../../lib/relay.js';
import { FrameBatcher } from './frame-batcher.js';
import { LogStore } from './log-store.js';
import { hostPort, type SessionState } from './socket-session.js';
import { onPageClock } from './gateway-clock.js';

/** Pairs kept in the table; the oldest closed ones go first. */
const MAX_PAIRS = 200;

/** One accepted client and its connection to the target. */
export interface RelayPairInfo {
  n: number;
  client: string;
  /** The gateway's own end towards the target, once connected. */
  via: string;
  state: 'connecting' | 'open' | 'closed' | 'failed';
  up: { bytes: number; reads: number; fin: boolean };
  down: { bytes: number; reads: number; fin: boolean };
  /** Reads the page was not told about (the gateway skipped them while the page was slow). */
  missed: number;
  error?: { code: string; message: string; rule?: string };
}

/** The words the relay's own log lines use (the workspace passes the page's language). */
export interface RelayWords {
  missed(dir: RelayDirection, count: number): string;
  truncated(): string;
}

const ENGLISH: RelayWords = {
  missed: (dir, n) => `${dir === 'up' ? '↑' : '↓'} ${n} reads not shown (the page fell behind; the relay kept forwarding)`,
  truncated: () => 'log truncated: the copy budget is spent, sizes only from here',
};

const pad = (a: Address) => hostPort(a.address, a.port);
let nextRelayId = 1;

/** A relay in the workspace. Events: `change` (at most once per frame). */
export class RelaySession extends EventTarget {
  readonly kind = 'relay' as const;
  /** Page-local id (its own numbering: relays are listed apart from sockets). */
  readonly id = nextRelayId++;
  state: SessionState = 'opening';
  local = '';
  target: string;
  error: unknown;
  readonly log = new LogStore();
  readonly pairs: RelayPairInfo[] = [];
  /** True once the gateway's copy budget ran out (sizes only from that line on). */
  truncated = false;
  bytesUp = 0;
  bytesDown = 0;
  #relay: Relay | undefined;
  #next = new Map<string, number>();
  #batcher = new FrameBatcher(() => this.dispatchEvent(new Event('change')));

  private constructor(
    readonly options: RelayOptions,
    private readonly words: RelayWords,
  ) {
    super();
    this.target = hostPort(options.targetHost, options.targetPort);
  }

  /** Opens a relay on `gateway`; the session is returned at once, `opening`. */
  static open(gateway: SocketGateway, options: RelayOptions, words: RelayWords = ENGLISH): RelaySession {
    const s = new RelaySession(options, words);
    s.log.event('connecting', { peer: s.target, detail: `${options.localAddress ?? '127.0.0.1'}:${options.localPort ?? 0} → ${s.target}` });
    Relay.open(gateway, options, {
      pair: (m) => s.#addPair(m.pair, pad(m.client)),
      connected: (m) => s.#connected(m.pair, pad(m.local)),
      fin: (m) => s.#fin(m.pair, m.dir),
      pairClosed: (m) => s.#pairClosed(m),
      read: (r) => s.#read(r),
      closed: (info) => s.#closed(info.error),
      error: (e) => s.log.event('error', { code: (e as { sockgateCode?: string }).sockgateCode, detail: e.message }),
    }).then(
      (relay) => {
        s.#relay = relay;
        s.state = 'open';
        s.local = pad(relay.local);
        s.target = pad(relay.target);
        s.log.event('listening', { peer: s.local, detail: `→ ${s.target}` });
        s.#changed();
      },
      (error) => {
        s.state = 'failed';
        s.error = error;
        const e = error as { sockgateCode?: string; message: string; rule?: string };
        s.log.event('error', { code: e.sockgateCode, detail: e.message });
        s.#changed();
      },
    );
    return s;
  }

  /** Short name for lists. */
  get title(): string {
    return `${this.local || '…'} → ${this.target}`;
  }

  /** Pair `n`, if it is still in the table. */
  pair(n: number): RelayPairInfo | undefined {
    return this.pairs.find((p) => p.n === n);
  }

  /** Closes the relay and every pair (the gateway closes their sockets). */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.#changed();
    await this.#relay?.close().catch(() => undefined);
  }

  #addPair(n: number, client: string): void {
    this.pairs.push({ n, client, via: '', state: 'connecting', up: { bytes: 0, reads: 0, fin: false }, down: { bytes: 0, reads: 0, fin: false }, missed: 0 });
    if (this.pairs.length > MAX_PAIRS) {
      const i = this.pairs.findIndex((p) => p.state === 'closed' || p.state === 'failed');
      this.pairs.splice(i < 0 ? 0 : i, 1);
    }
    this.log.event('accepted', { peer: client, detail: `#${n}` });
    this.#changed();
  }

  #connected(n: number, via: string): void {
    const p = this.pair(n);
    if (p) Object.assign(p, { state: 'open', via });
    this.log.event('connected', { peer: this.target, detail: `#${n} ${via} → ${this.target}` });
    this.#changed();
  }

  #fin(n: number, dir: RelayDirection): void {
    const p = this.pair(n);
    if (p) p[dir].fin = true;
    this.log.event('peer-closed', { peer: dir === 'up' ? p?.client : this.target, detail: `#${n} ${dir === 'up' ? '↑' : '↓'} FIN` });
    this.#changed();
  }

  #pairClosed(m: RelayPairClosedMsg): void {
    const p = this.pair(m.pair);
    if (p) {
      p.state = m.error ? 'failed' : 'closed';
      p.up.bytes = m.bytesUp;
      p.down.bytes = m.bytesDown;
      if (m.error) p.error = { code: m.error, message: m.message ?? '', ...(m.rule && { rule: m.rule }) };
    }
    if (m.error) this.log.event('error', { peer: p?.client, code: m.error, detail: `#${m.pair} ${m.message ?? ''}${m.rule ? ` (${m.rule})` : ''}` });
    else this.log.event('closed', { peer: p?.client, detail: `#${m.pair} ↑ ${m.bytesUp} B / ${m.readsUp} · ↓ ${m.bytesDown} B / ${m.readsDown}` });
    this.#changed();
  }

  #read(r: RelayRead): void {
    const p = this.pair(r.pair);
    const key = `${r.pair}${r.dir}`;
    const expected = this.#next.get(key) ?? 0;
    if (r.seq > expected) {
      if (p) p.missed += r.seq - expected;
      this.log.event('info', { code: 'MISSED', detail: `#${r.pair} ${this.words.missed(r.dir, r.seq - expected)}` });
    }
    this.#next.set(key, r.seq + 1);
    if (!this.truncated && r.data.byteLength < r.size) {
      this.truncated = true;
      this.log.event('info', { code: 'TRUNCATED', detail: this.words.truncated() });
    }
    if (p) {
      p[r.dir].reads = r.seq + 1;
      p[r.dir].bytes += r.size;
    }
    if (r.dir === 'up') this.bytesUp += r.size;
    else this.bytesDown += r.size;
    const from = `#${r.pair} ${r.dir === 'up' ? '→' : '←'}`;
    this.log.append(r.dir === 'up' ? 'in' : 'out', onPageClock(r.time), from, r.data, r.seq, r.size);
    this.#changed();
  }

  #closed(error?: unknown): void {
    if (this.state === 'failed') return;
    this.state = error ? 'failed' : 'closed';
    if (error) this.error = error;
    for (const p of this.pairs) if (p.state === 'open' || p.state === 'connecting') p.state = 'closed';
    this.log.event('closed', { detail: error ? (error as Error).message : '' });
    this.#changed();
  }

  #changed(): void {
    this.#batcher.schedule();
  }
}
