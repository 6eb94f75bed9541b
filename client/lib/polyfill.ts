/**
 * The Direct Sockets polyfill: puts TCPSocket, TCPServerSocket and UDPSocket on `globalThis` at
 * once, before the gateway's WebSocket is up, so code written for Chrome's Direct Sockets runs
 * unchanged. A socket made before the connection is ready waits for it (its `opened` settles
 * later); one made afterwards is the gateway's bound class outright. The served script
 * `/sockgate/polyfill.js` (polyfill-script.ts) calls {@link installPolyfill} from its own URL.
 */
import type { TCPServerSocketOpenInfo, TCPServerSocketOptions } from './tcp-server-socket.js';
import { SocketGateway } from './socket-gateway.js';
import type { WebSocketConstructor } from './gateway-connection.js';
import { resolveGatewayAddress } from './gateway-url.js';
import { TCPServerSocket } from './tcp-server-socket.js';
import { TCPSocket } from './tcp-socket.js';
import type { SocketStats, TCPSetOptions, TCPSocketOpenInfo, TCPSocketOptions, UDPSetOptions, UDPSocketOpenInfo, UDPSocketOptions } from './types.js';
import { UDPSocket } from './udp-socket.js';

/** Options of {@link installPolyfill}. */
export interface PolyfillOptions {
  /** The gateway, `http(s)://host:port`; defaults to the page's own origin. */
  url?: string | URL;
  /** The access token; defaults as for `SocketGateway.connect` (the url's, the page's `?token=`, the cookie). */
  token?: string;
  /** Where the classes go: `globalThis` by default. */
  target?: object;
  /** The WebSocket class (Node: `ws`'s). */
  WebSocket?: WebSocketConstructor;
  /** The fetch used to explain a refused connection; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

/** An installed polyfill. */
export interface Polyfill {
  /** The names put on the target (a class already there, e.g. a native one, is left alone). */
  readonly installed: string[];
  /** The classes the polyfill provides, installed or not. */
  readonly TCPSocket: typeof TCPSocket;
  readonly TCPServerSocket: typeof TCPServerSocket;
  readonly UDPSocket: typeof UDPSocket;
  /** The current connection: resolves once it is up, rejects with the error sockets get. */
  gateway(): Promise<SocketGateway>;
}

const names = ['TCPSocket', 'TCPServerSocket', 'UDPSocket'] as const;
/** The library's classes, which every gateway's bound classes extend. */
const realClasses = { TCPSocket, TCPServerSocket, UDPSocket } as const;
const noStats: SocketStats = Object.freeze({ bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, dropped: 0, droppedUnread: 0 });

/** What every real socket class has; the stand-ins delegate to it. */
interface RealSocket<Info> {
  readonly opened: Promise<Info>;
  readonly closed: Promise<void>;
  close(): Promise<void>;
  readonly id: number;
}

/**
 * A socket made before the gateway was ready: the real one comes once it is. Its promises are
 * made here, once, so `socket.opened === socket.opened` and a failure is never unhandled.
 */
class Pending<S extends RealSocket<Info>, Info> {
  readonly real: Promise<S>;
  readonly opened: Promise<Info>;
  readonly closed: Promise<void>;
  socket: S | undefined;

  constructor(make: Promise<S>) {
    this.real = make;
    make.then((s) => (this.socket = s), () => {});
    this.opened = make.then((s) => s.opened);
    this.closed = make.then((s) => s.closed);
    this.opened.catch(() => {});
    this.closed.catch(() => {});
  }
}

/**
 * What the three stand-ins share: the spec's `opened`, `closed` and `close()`, and `id`, all through
 * the real socket to come. When the gateway is already up (`now` given), the constructor returns
 * the real socket instead, so a stand-in exists only for sockets made before the connection.
 */
class StandIn<S extends RealSocket<Info>, Info> {
  protected readonly p!: Pending<S, Info>;
  constructor(brand: WeakSet<object>, ready: SocketGateway | undefined, make: (gw: SocketGateway) => S, connect: () => Promise<SocketGateway>) {
    if (ready) return make(ready) as unknown as StandIn<S, Info>;
    this.p = new Pending(connect().then(make));
    brand.add(this);
  }
  /** Spec: resolves with the streams (or the accepted-socket readable) and addresses once open. */
  get opened(): Promise<Info> {
    return this.p.opened;
  }
  /** Spec: resolves when the socket is done. */
  get closed(): Promise<void> {
    return this.p.closed;
  }
  /** Spec: closes the socket (InvalidStateError while it is still opening, as the real one). */
  close(): Promise<void> {
    return this.p.real.then((s) => s.close());
  }
  /** Non-spec, as the real class's `id` (0 until the real socket exists). */
  get id(): number {
    return this.p.socket?.id ?? 0;
  }
}

/** The TCP and UDP stand-ins also forward the non-spec `set()` and `stats` (zeros until the real socket exists). */
class DuplexStandIn<S extends RealSocket<Info> & { set(o: O): Promise<void>; readonly stats: SocketStats }, Info, O> extends StandIn<S, Info> {
  /** Non-spec, as the real class's `set()`. */
  set(o: O): Promise<void> {
    return this.p.real.then((s) => s.set(o));
  }
  /** Non-spec, as the real class's `stats`. */
  get stats(): SocketStats {
    return this.p.socket?.stats ?? noStats;
  }
}

/** Installs the polyfill (see the module comment); connects to the gateway right away. */
export function installPolyfill(options: PolyfillOptions = {}): Polyfill {
  const fetchFn = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  let current: SocketGateway | undefined;
  let connecting: Promise<SocketGateway> | undefined;

  // A dropped connection is reopened by the next socket, as a page reload would.
  const gateway = (): Promise<SocketGateway> => {
    if (!connecting) {
      const attempt = SocketGateway.connect(options.url, { token: options.token, WebSocket: options.WebSocket }).then(
        (gw) => {
          current = gw;
          gw.addEventListener('close', () => {
            if (current === gw) current = connecting = undefined;
          });
          return gw;
        },
        async (err: unknown) => {
          connecting = undefined;
          throw await explainRefusal(err, options, fetchFn);
        },
      );
      attempt.catch(() => {});
      connecting = attempt;
    }
    return connecting;
  };
  const ready = () => (current?.connected ? current : undefined);
  const brand = new WeakSet<object>();
  // True for a stand-in of that class and for any real socket of it (made once connected,
  // accepted by a server, or from an earlier connection).
  const isOurs = (v: unknown, name: (typeof names)[number]) =>
    (typeof v === 'object' && v !== null && brand.has(v) && (v as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === name) ||
    v instanceof (realClasses[name] as unknown as new () => object);

  // Each stand-in: the gateway's bound class outright once connected, else a placeholder whose
  // real socket is made when the connection is up.
  class PolyfillTCPSocket extends DuplexStandIn<TCPSocket, TCPSocketOpenInfo, TCPSetOptions> {
    constructor(remoteAddress: string, remotePort: number, options?: TCPSocketOptions) {
      super(brand, ready(), (gw) => new gw.TCPSocket(remoteAddress, remotePort, options), gateway);
    }
    static override [Symbol.hasInstance](v: unknown): boolean {
      return isOurs(v, 'TCPSocket');
    }
    get [Symbol.toStringTag](): string {
      return 'TCPSocket';
    }
  }

  class PolyfillTCPServerSocket extends StandIn<TCPServerSocket, TCPServerSocketOpenInfo> {
    constructor(localAddress: string, options?: TCPServerSocketOptions) {
      super(brand, ready(), (gw) => new gw.TCPServerSocket(localAddress, options), gateway);
    }
    static override [Symbol.hasInstance](v: unknown): boolean {
      return isOurs(v, 'TCPServerSocket');
    }
    get [Symbol.toStringTag](): string {
      return 'TCPServerSocket';
    }
  }

  class PolyfillUDPSocket extends DuplexStandIn<UDPSocket, UDPSocketOpenInfo, UDPSetOptions> {
    constructor(options: UDPSocketOptions) {
      super(brand, ready(), (gw) => new gw.UDPSocket(options), gateway);
    }
    static override [Symbol.hasInstance](v: unknown): boolean {
      return isOurs(v, 'UDPSocket');
    }
    get [Symbol.toStringTag](): string {
      return 'UDPSocket';
    }
  }

  const classes = {
    TCPSocket: PolyfillTCPSocket as unknown as typeof TCPSocket,
    TCPServerSocket: PolyfillTCPServerSocket as unknown as typeof TCPServerSocket,
    UDPSocket: PolyfillUDPSocket as unknown as typeof UDPSocket,
  };
  const target = options.target ?? globalThis;
  const installed: string[] = [];
  for (const name of names) {
    Object.defineProperty(classes[name], 'name', { value: name });
    if (name in target) continue;
    Object.defineProperty(target, name, { value: classes[name], writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
  gateway();
  return { installed, ...classes, gateway };
}

/**
 * A browser does not show why a WebSocket upgrade was refused, so when connecting fails the
 * gateway's `/sockgate/access` says whether this page's origin (and token) would be let in.
 * Returns a NotAllowedError for a refused origin or token, else the original error.
 */
async function explainRefusal(err: unknown, options: PolyfillOptions, fetchFn: typeof fetch | undefined): Promise<unknown> {
  if (!fetchFn || (err as { name?: string })?.name === 'AbortError') return err;
  let verdict: { originAllowed?: boolean; tokenValid?: boolean };
  try {
    const address = resolveGatewayAddress(options.url, options.token);
    const query = address.token ? `?token=${encodeURIComponent(address.token)}` : '';
    const res = await fetchFn(`${address.httpBase}/sockgate/access${query}`, { mode: 'cors', cache: 'no-store' });
    verdict = (await res.json()) as typeof verdict;
  } catch {
    return err; // the gateway is not reachable at all: the connect error says so
  }
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin ?? 'this page';
  if (verdict.originAllowed === false) {
    return notAllowed(`the sockgate gateway refuses pages from ${origin}: start it with --allow-origin ${origin}`, err);
  }
  if (verdict.tokenValid === false) {
    return notAllowed('the sockgate gateway refused the token: load the polyfill with ?token= set to the token the gateway printed', err);
  }
  return err;
}

/** The spec's error for an open the user agent does not permit, keeping sockgate's code beside it. */
function notAllowed(message: string, cause: unknown): DOMException {
  return Object.assign(new DOMException(message, 'NotAllowedError'), { sockgateCode: 'CONNECT_FAILED', cause });
}
