/** The JSON of GET /admin/api/state (and each SSE `state` event), as server/admin sends it. */
export interface AdminSocket {
  id: number;
  kind: string;
  state: string;
  local: string;
  remote?: string;
  bytesIn: number;
  bytesOut: number;
  rateIn: number;
  rateOut: number;
}

/** One denial of a page. */
export interface AdminDenial {
  time: number;
  op: string;
  target: string;
  rule: string;
}

/** One live page. */
export interface AdminPageView {
  id: string;
  grant?: { id: string; name?: string };
  client: string;
  origin?: string;
  since: number;
  sockets: AdminSocket[];
  socketCount: number;
  denials: AdminDenial[];
  denialsTotal: number;
}

/** One grant of the grants file (never its token). */
export interface AdminGrant {
  id: string;
  name: string;
  expires?: number;
  rules: string[];
  revoked: boolean;
}

/** The whole admin state. */
export interface AdminState {
  now: number;
  pages: AdminPageView[];
  grants: { enabled: true; list: AdminGrant[] } | { enabled: false; reason: string };
}
