/**
 * The one place the gateway reads request targets, query strings and cookies. Every function
 * here is total: any byte string a client sends gives an answer, never an exception.
 */

/** A request target split into its path and query. */
export interface RequestTarget {
  /** The path as sent (not decoded, not normalised): `//a:99999/ws` stays that. */
  pathname: string;
  searchParams: URLSearchParams;
}

/**
 * Splits an HTTP request target (RFC 9112 §3.2): origin-form `/path?query` is taken as sent, so
 * `//host` is a path, not an authority; absolute-form `http://h/p?q` keeps its path and query;
 * anything else (authority-form, `*`, garbage) gives undefined.
 */
export function parseRequestTarget(target: string | undefined): RequestTarget | undefined {
  if (target === undefined || target === '') return undefined;
  if (target.startsWith('/')) {
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    return { pathname: pathname.replace(/#.*$/, ''), searchParams: parseQuery(query) };
  }
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      return { pathname: url.pathname, searchParams: url.searchParams };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Parses a query string (without `?`); undecodable `%` sequences stay as sent. */
export function parseQuery(query: string): URLSearchParams {
  return new URLSearchParams(query.replace(/#.*$/, ''));
}

/** Express's `query parser`: our parser, flattened to strings and arrays of strings. */
export function expressQuery(query: string | null | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of parseQuery(query ?? '')) {
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}

/** Most cookies of one name considered (a page can plant several with different paths). */
const MAX_SAME_NAME = 16;

/**
 * Every value of cookie `name` in a Cookie header, in order (RFC 6265 §5.4: longer paths first,
 * so a planted cookie can precede the real one). A value that is not valid percent-encoding is
 * taken as sent.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // not percent-encoding: compare the bytes as sent
    }
    out.push(value);
    if (out.length === MAX_SAME_NAME) break;
  }
  return out;
}

/** The path percent-decoded as a file server would read it; undefined when it cannot be decoded. */
export function decodedPath(target: string | undefined): string | undefined {
  const pathname = parseRequestTarget(target)?.pathname;
  if (pathname === undefined) return undefined;
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}
