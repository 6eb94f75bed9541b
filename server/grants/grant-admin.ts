/**
 * The contract between the grants store (issue 14 items 1–2) and the operator's side
 * (admin page, /metrics, audit): written first so both sides can be built in parallel.
 * The grants store implements `GrantAdmin`; the admin side only ever uses this interface.
 */

/** What the operator may see of one grant: never its token or token hash. */
export interface GrantSummary {
  /** Stable id, unique in the grants file (also what `revoke` takes). */
  id: string;
  /** The student's name, e.g. `alice` or `student07`. */
  name: string;
  /** Epoch ms, or undefined for no expiry. */
  expires?: number;
  /** `connect:10.0.0.5:8000-8100`-style rules, as written in the file. */
  rules: string[];
  /** True once revoked or expired (kept in the list so the teacher sees why a page closed). */
  revoked: boolean;
}

/** The grant a page (or a /websockify connection) was admitted with. */
export interface PageGrant {
  id: string;
  name: string;
}

/** What the gateway exposes of its grants to the admin side. */
export interface GrantAdmin {
  /** Every grant in the file, in file order. */
  list(): GrantSummary[];
  /** Revokes the grant (edits the file) and closes its live pages within a second. False if unknown. */
  revoke(id: string): Promise<boolean>;
}
