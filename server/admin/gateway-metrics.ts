import type { AuditFields } from '../audit-log.js';
import type { PageRegistry } from './page-registry.js';

/** Distinct label values kept per counter family; later ones count under `other` (a page picks no label). */
const MAX_LABELS = 64;

/** A counter with one label, bounded in how many label values it keeps. */
class LabelledCounter {
  readonly values = new Map<string, number>();

  inc(label: string, by = 1): void {
    const key = this.values.has(label) || this.values.size < MAX_LABELS ? label : 'other';
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
}

/** Live figures the counters cannot know: read from the gateway when /metrics is asked. */
export interface MetricsGauges {
  websockifyStreams: () => number;
  /** Bytes the pages' send windows grew past where they started (adaptive windows), and the gateway's budget for it. */
  windowGrowth: () => { used: number; limit: number };
  /** Bytes of /websockify streams so far, live ones included (counted as they move). */
  websockifyBytes: () => { in: number; out: number };
  adminClients: () => number;
}

/**
 * The gateway's Prometheus metrics (`GET /metrics`): counters fed by the audit tap (every open,
 * close, denial and refusal is an audit event already), gauges read from the page registry.
 */
export class GatewayMetrics {
  private pagesOpened = 0;
  private readonly socketsOpened = new LabelledCounter();
  private readonly denials = new LabelledCounter();
  private readonly limitsHit = new LabelledCounter();
  private websockifyOpened = 0;
  private closedIn = 0;
  private closedOut = 0;

  constructor(
    private readonly registry: PageRegistry,
    private readonly gauges: MetricsGauges,
  ) {}

  /** The audit tap. */
  readonly observe = (event: string, f: AuditFields): void => {
    switch (event) {
      case 'page':
        this.pagesOpened++;
        return;
      case 'open':
        if (f.kind === 'websockify') this.websockifyOpened++;
        else this.socketsOpened.inc(String(f.kind ?? 'unknown'));
        return;
      case 'accept':
        this.socketsOpened.inc('tcp');
        return;
      case 'close':
        // websockify bytes are counted as they move (gauges.websockifyBytes), not at close.
        if (f.kind === 'websockify') return;
        this.closedIn += Number(f.in ?? 0) || 0;
        this.closedOut += Number(f.out ?? 0) || 0;
        return;
      case 'deny':
        this.denials.inc(String(f.rule ?? 'none'));
        return;
      case 'open-failed':
        if (f.code === 'LIMIT') this.limitsHit.inc('sockets');
        return;
      case 'refused':
        if (f.why === 'too many pages') this.limitsHit.inc('pages');
        else if (f.status === 503) this.limitsHit.inc('websockify');
        else if (f.status === 429) this.limitsHit.inc('grant-sockets');
        return;
    }
  };

  /** The text exposition format (version 0.0.4). */
  render(): string {
    const live = { tcp: 0, 'tcp-server': 0, udp: 0, relay: 0 } as Record<string, number>;
    let liveIn = 0;
    let liveOut = 0;
    for (const page of this.registry.pages()) {
      for (const s of page.sockets()) {
        live[s.kind] = (live[s.kind] ?? 0) + 1;
        liveIn += s.bytesIn;
        liveOut += s.bytesOut;
      }
    }
    const ws = this.gauges.websockifyBytes();
    const out: string[] = [];
    const family = (name: string, type: 'gauge' | 'counter', help: string, samples: [Record<string, string>, number][]) => {
      out.push(`# HELP sockgate_${name} ${help}`, `# TYPE sockgate_${name} ${type}`);
      for (const [labels, v] of samples) out.push(`sockgate_${name}${labelText(labels)} ${v}`);
    };
    const labelled = (key: string, c: LabelledCounter): [Record<string, string>, number][] => [...c.values].map(([l, v]) => [{ [key]: l }, v]);
    family('pages', 'gauge', 'Pages connected on /ws now.', [[{}, this.registry.size]]);
    family('pages_opened_total', 'counter', 'Pages admitted on /ws since start.', [[{}, this.pagesOpened]]);
    family('sockets', 'gauge', 'Open sockets of pages, by kind.', Object.entries(live).map(([kind, v]) => [{ kind }, v]));
    family('sockets_opened_total', 'counter', 'Sockets opened or accepted since start, by kind.', labelled('kind', this.socketsOpened));
    family('bytes_in_total', 'counter', 'Bytes received from targets (to pages and /websockify clients), closed and open sockets.', [[{}, this.closedIn + liveIn + ws.in]]);
    family('bytes_out_total', 'counter', 'Bytes sent to targets (from pages and /websockify clients), closed and open sockets.', [[{}, this.closedOut + liveOut + ws.out]]);
    family('denials_total', 'counter', 'Opens and sends denied by the target policy, by rule.', labelled('rule', this.denials));
    family('limits_hit_total', 'counter', 'Requests refused by a limit, by limit.', labelled('limit', this.limitsHit));
    family('websockify_connections', 'gauge', 'Streams on /websockify now.', [[{}, this.gauges.websockifyStreams()]]);
    const growth = this.gauges.windowGrowth();
    family('send_window_growth_bytes', 'gauge', 'Bytes the pages\' send windows grew past where they start, all pages (--window-budget caps it).', [[{}, growth.used]]);
    family('send_window_budget_bytes', 'gauge', 'The gateway\'s budget for send-window growth (--window-budget).', [[{}, growth.limit]]);
    family('websockify_connections_total', 'counter', 'Streams on /websockify connected to their target since start.', [[{}, this.websockifyOpened]]);
    family('admin_clients', 'gauge', 'Admin pages following live updates now.', [[{}, this.gauges.adminClients()]]);
    return out.join('\n') + '\n';
  }
}

/** `{k="v",…}` with the format's escapes (backslash, quote, newline), or nothing. */
function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
