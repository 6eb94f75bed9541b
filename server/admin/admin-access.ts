import type { IncomingMessage } from 'node:http';
import { tokensEqual } from '../access-control.js';
import { cookieValues, parseRequestTarget } from '../request-parts.js';

/** The cookie the admin page gets once opened with `?admin_token=` (path /admin only). */
export const ADMIN_COOKIE = 'sockgate_admin';

/**
 * The admin token check. It is a separate secret from the page token: the page token (or a
 * grant's) never passes here, and the admin token passes the page's check only when the
 * operator made both the same string (then whoever has the page link is an admin too).
 */
export class AdminAccess {
  constructor(readonly token: string) {}

  /** Every admin token a request presents: `?admin_token=`, `Authorization: Bearer`, the admin cookie. */
  static presented(req: IncomingMessage): string[] {
    const out = parseRequestTarget(req.url)?.searchParams.getAll('admin_token').slice(0, 4) ?? [];
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) out.push(auth.slice(7).trim());
    out.push(...cookieValues(req.headers.cookie, ADMIN_COOKIE).slice(0, 4));
    return out.filter((t) => t !== '');
  }

  /** True when a presented token is the admin token (all compared, each in constant time). */
  valid(req: IncomingMessage): boolean {
    let ok = false;
    for (const given of AdminAccess.presented(req)) ok = tokensEqual(given, this.token) || ok;
    return ok;
  }
}
