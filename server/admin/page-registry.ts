import type { Address } from '../../shared/protocol.js';
import type { AuditFields } from '../audit-log.js';
import type { GatewayError } from '../gateway-error.js';
import type { PageGrant } from '../grants/grant-admin.js';
import type { PageSocket } from '../page-socket.js';
import { DenialRing, type Denial } from './denial-ring.js';

/** What the admin side needs of a page session (PageSession has it all; `grant` once grants exist). */
export interface AdminPage {
  readonly label: string;
  readonly grant?: PageGrant;
  sockets(): PageSocket[];
  /** Tells the page about one of its sockets (why the operator closed it). */
  sendError(err: GatewayError, about: { id?: number; fatal?: boolean }): void;
  /** Tells the page `reason`, closes its sockets and its WebSocket. */
  shutdown(reason: string): void;
}

/** One socket as the admin view shows it. */
export interface SocketView {
  id: number;
  kind: PageSocket['kind'];
  state: string;
  local: string;
  remote?: string;
  bytesIn: number;
  bytesOut: number;
  /** Bytes per second since the previous snapshot. */
  rateIn: number;
  rateOut: number;
}

/** One page as the admin view shows it. */
export interface PageView {
  id: string;
  grant?: PageGrant;
  client: string;
  origin?: string;
  since: number;
  sockets: SocketView[];
  denials: Denial[];
  denialsTotal: number;
}

interface Entry {
  id: string;
  page: AdminPage;
  client: string;
  origin?: string;
  since: number;
  denials: DenialRing;
  /** Per socket id: the counters at the previous snapshot, for rates. */
  last: Map<number, { t: number; bytesIn: number; bytesOut: number }>;
}

/**
 * The live pages, for the admin view and /metrics: registered by the upgrade handler, dropped
 * when their WebSocket closes; each page's denials come from the audit tap (events carry the
 * page's label).
 */
export class PageRegistry {
  private readonly byLabel = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();
  private counter = 0;

  /** Adds a page; returns the function that removes it. */
  add(page: AdminPage, info: { client: string; origin?: string }): () => void {
    const id = `p${++this.counter}`;
    const entry: Entry = { id, page, client: info.client, origin: info.origin?.slice(0, 200), since: Date.now(), denials: new DenialRing(), last: new Map() };
    this.byLabel.set(page.label, entry);
    this.byId.set(id, entry);
    return () => {
      this.byLabel.delete(page.label);
      this.byId.delete(id);
    };
  }

  /** The audit tap: a `deny` event of a registered page goes into its ring. */
  readonly observe = (event: string, fields: AuditFields): void => {
    if (event !== 'deny' || typeof fields.page !== 'string') return;
    const entry = this.byLabel.get(fields.page);
    entry?.denials.add({ op: String(fields.op ?? fields.kind ?? '?'), target: fields.target === undefined ? undefined : String(fields.target), rule: fields.rule === undefined ? undefined : String(fields.rule) });
  };

  get size(): number {
    return this.byId.size;
  }

  /** Every live page. */
  pages(): AdminPage[] {
    return [...this.byId.values()].map((e) => e.page);
  }

  /** The page registered as `id`. */
  get(id: string): AdminPage | undefined {
    return this.byId.get(id)?.page;
  }

  /** Every page with its sockets, rates since the previous snapshot. */
  snapshot(now = Date.now()): PageView[] {
    return [...this.byId.values()].map((e) => {
      const seen = new Set<number>();
      const sockets = e.page.sockets().map((s) => {
        seen.add(s.id);
        const prev = e.last.get(s.id);
        const dt = prev ? (now - prev.t) / 1000 : 0;
        const rate = (b: number, a: number) => (dt > 0 ? Math.max(0, Math.round((b - a) / dt)) : 0);
        const view = toView(s, rate(s.bytesIn, prev?.bytesIn ?? 0), rate(s.bytesOut, prev?.bytesOut ?? 0));
        e.last.set(s.id, { t: now, bytesIn: s.bytesIn, bytesOut: s.bytesOut });
        return view;
      });
      for (const id of e.last.keys()) if (!seen.has(id)) e.last.delete(id);
      return { id: e.id, ...(e.page.grant && { grant: { id: e.page.grant.id, name: e.page.grant.name } }), client: e.client, origin: e.origin, since: e.since, sockets, denials: e.denials.recent(now), denialsTotal: e.denials.total };
    });
  }
}

function toView(s: PageSocket, rateIn: number, rateOut: number): SocketView {
  let local = '';
  let remote: string | undefined;
  try {
    const a = s.addresses();
    local = fmt(a.local);
    remote = a.remote && fmt(a.remote);
  } catch {
    // a socket torn down under us has no addresses left
  }
  const state = s.kind === 'tcp-server' || s.kind === 'relay' ? 'listening' : s.kind === 'udp' ? 'bound' : 'open';
  return { id: s.id, kind: s.kind, state, local, ...(remote && { remote }), bytesIn: s.bytesIn, bytesOut: s.bytesOut, rateIn, rateOut };
}

const fmt = (a: Address) => (a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);
