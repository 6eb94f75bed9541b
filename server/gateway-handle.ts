import type express from 'express';
import type { Limits } from './config.js';
import type { GrantAdmin } from './grants/grant-admin.js';
import type { TargetPolicy } from './target-policy.js';

/** The gateway's version, reported by /api/health and to pages. */
export const VERSION = '0.1.0';

/** A running gateway. */
export interface Gateway {
  /** The page URL with the token, e.g. `http://127.0.0.1:8750/?token=…`. */
  url: string;
  /** `http://host:port`, no token. */
  origin: string;
  host: string;
  port: number;
  token: string;
  /** The admin page URL with the admin token, e.g. `http://127.0.0.1:8750/admin/?admin_token=…`. */
  adminUrl: string;
  adminToken: string;
  limits: Limits;
  policy: TargetPolicy;
  /** Live counts, for tests and /api/health; `windowGrowth`: bytes the pages' send windows grew past where they started (--window-budget's use). */
  stats(): { pages: number; sockets: number; windowGrowth: number };
  /** Tells every page, closes every socket, stops listening (after the `onClose` hooks ran). */
  close(reason?: string): Promise<void>;
  /** Runs `hook` when the gateway closes, before pages are told; how add-ons (the labs) stop with it. */
  onClose(hook: () => Promise<void> | void): void;
  /** Extra HTTP routes (tests add theirs after the page's). */
  app: express.Express;
  /** The grants in force (`--grants FILE`), or undefined when the gateway runs on its one token. */
  grants?: GrantAdmin;
  /** Extra `/api/*` routes, behind the API's Origin and token guard and its error handler. */
  api: express.Router;
}
