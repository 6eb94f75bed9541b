/**
 * Where the gateway is: turns `http(s)://host:port`, `ws(s)://host:port` or nothing (a page the
 * gateway served) into the WebSocket URL, the HTTP base for its API, and the token to present.
 */

export interface GatewayAddress {
  /** `ws(s)://host:port/ws?token=…` (no token when the page relies on the gateway's cookie). */
  wsUrl: string;
  /** `http(s)://host:port`, for `/api/…`. */
  httpBase: string;
  token: string | undefined;
}

interface LocationLike {
  href: string;
}

/**
 * Resolves the gateway address. `url` defaults to the page's own origin; `token` defaults to the
 * URL's `?token=`, then the page's `?token=`; with none, the same-origin cookie has to do.
 */
export function resolveGatewayAddress(url: string | URL | undefined, token: string | undefined, location?: LocationLike): GatewayAddress {
  const page = location ?? (globalThis as { location?: LocationLike }).location;
  if (url === undefined && !page) {
    throw new TypeError('SocketGateway.connect: a gateway url is required outside a page served by the gateway');
  }
  let parsed: URL;
  try {
    parsed = new URL(String(url ?? page!.href), page?.href);
  } catch {
    throw new TypeError(`SocketGateway.connect: not a URL: ${String(url)}`);
  }
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) {
    throw new TypeError(`SocketGateway.connect: the url must be http(s) or ws(s), got ${parsed.protocol}`);
  }
  const pageToken = page && url === undefined ? new URL(page.href).searchParams.get('token') : null;
  const chosen = token ?? parsed.searchParams.get('token') ?? pageToken ?? undefined;
  const hostPort = parsed.host;
  const wsPath = parsed.pathname.endsWith('/ws') ? parsed.pathname : '/ws';
  const query = chosen ? `?token=${encodeURIComponent(chosen)}` : '';
  return {
    wsUrl: `${secure ? 'wss' : 'ws'}://${hostPort}${wsPath}${query}`,
    httpBase: `${secure ? 'https' : 'http'}://${hostPort}`,
    token: chosen || undefined,
  };
}
