/**
 * SocketGateway: the entry point. `await SocketGateway.connect(url, {token, WebSocket})` opens the
 * page's WebSocket to the gateway and hands back the socket classes bound to it.
 */
import type { GatewayLimits } from '../../shared/protocol.js';
import { GatewayApi, type GatewayInterface } from './gateway-api.js';
import { GatewayConnection } from './gateway-connection.js';
import type { ConnectionCloseInfo, WebSocketConstructor } from './gateway-connection.js';
import { resolveGatewayAddress } from './gateway-url.js';
import { kConnection } from './socket-core.js';
import type { SocketError } from './socket-error.js';
import { kSocketClass, TCPServerSocket } from './tcp-server-socket.js';
import { TCPSocket } from './tcp-socket.js';
import { UDPSocket } from './udp-socket.js';

export interface SocketGatewayConnectOptions {
  /** The access token; defaults to the url's or the page's `?token=`, else the gateway's cookie. */
  token?: string;
  /** The WebSocket class: `globalThis.WebSocket` by default; pass `ws`'s in Node. */
  WebSocket?: WebSocketConstructor;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
  /** The fetch `gateway.api` uses; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

/** Event fired when the connection to the gateway closes. */
export interface GatewayCloseEvent extends Event, ConnectionCloseInfo {
  error: SocketError;
}

/** Event fired when the gateway announces it is stopping. */
export interface GatewayShutdownEvent extends Event {
  reason: string;
}

const socketClassNames = ['TCPSocket', 'TCPServerSocket', 'UDPSocket'] as const;

/**
 * A connection to a sockgate gateway and the Direct Sockets classes bound to it.
 *
 * Events: `close` ({@link GatewayCloseEvent}: the WebSocket closed, every socket on it failed with
 * NetworkError `CONNECTION_LOST`), `shutdown` ({@link GatewayShutdownEvent}), `error` (a gateway
 * error not about any socket: `event.error`).
 */
export class SocketGateway extends EventTarget {
  /** `new gateway.TCPSocket(remoteAddress, remotePort, options)`. */
  readonly TCPSocket: typeof TCPSocket;
  /** `new gateway.TCPServerSocket(localAddress, options)`. */
  readonly TCPServerSocket: typeof TCPServerSocket;
  /** `new gateway.UDPSocket(options)`. */
  readonly UDPSocket: typeof UDPSocket;
  /** The gateway's HTTP base, `http(s)://host:port`. */
  readonly url: string;
  /** The gateway's HTTP API (interfaces, lab services, TCP states), with this connection's token. */
  readonly api: GatewayApi;
  /** Resolves with the close code and reason once the connection has closed. */
  readonly closed: Promise<ConnectionCloseInfo>;
  /** Called with the close event, like `WebSocket.onclose`. */
  onclose: ((event: GatewayCloseEvent) => void) | null = null;

  #conn: GatewayConnection;

  private constructor(conn: GatewayConnection, httpBase: string, api: GatewayApi) {
    super();
    this.#conn = conn;
    this.url = httpBase;
    this.api = api;
    this.closed = conn.closed;
    this.TCPSocket = class extends TCPSocket {
      static override [kConnection] = conn;
    };
    const BoundTCPSocket = this.TCPSocket;
    this.TCPServerSocket = class extends TCPServerSocket {
      static override [kConnection] = conn;
      static override [kSocketClass] = BoundTCPSocket;
    };
    this.UDPSocket = class extends UDPSocket {
      static override [kConnection] = conn;
    };
    for (const [cls, name] of [
      [this.TCPSocket, 'TCPSocket'],
      [this.TCPServerSocket, 'TCPServerSocket'],
      [this.UDPSocket, 'UDPSocket'],
    ] as const) {
      Object.defineProperty(cls, 'name', { value: name });
    }
    for (const type of ['close', 'shutdown', 'error']) {
      conn.addEventListener(type, (event) => {
        const copy = Object.assign(new Event(type), pick(event));
        this.dispatchEvent(copy);
        if (type === 'close') this.onclose?.(copy as unknown as GatewayCloseEvent);
      });
    }
  }

  /**
   * Connects to the gateway at `url` (`http(s)://host:port` or `ws(s)://host:port`; in a page the
   * gateway served, the page's origin). Rejects with a SocketError (`CONNECT_FAILED`, `VERSION`).
   */
  static async connect(url?: string | URL, options: SocketGatewayConnectOptions = {}): Promise<SocketGateway> {
    const address = resolveGatewayAddress(url, options.token);
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) throw new TypeError('SocketGateway.connect: no WebSocket class; pass {WebSocket} (e.g. the ws package in Node)');
    const conn = await GatewayConnection.open(address.wsUrl, WebSocketClass, options.signal);
    return new SocketGateway(conn, address.httpBase, new GatewayApi(address.httpBase, { token: address.token, fetch: options.fetch }));
  }

  /** The gateway's limits from its welcome message. */
  get limits(): Readonly<GatewayLimits> {
    return this.#conn.limits;
  }

  /**
   * The gateway's clock minus this page's, in ms, from the welcome message: 0 when
   * its time falls inside the handshake (one machine), else the nearer bound (see `clockOffset`). Read times (`time` of chunks and datagrams) are the
   * gateway's: subtract this to put them on the page's clock. 0 when the gateway sent no time.
   */
  get clockOffsetMs(): number {
    return this.#conn.clockOffsetMs;
  }

  /** Protocol version spoken (1). */
  get version(): number {
    return this.#conn.version;
  }

  /** The gateway's name and version, e.g. `sockgate/0.1.0`. */
  get gatewayName(): string {
    return this.#conn.gatewayName;
  }

  /** True while the WebSocket is open. */
  get connected(): boolean {
    return this.#conn.isOpen;
  }

  /** Lists the gateway host's network interfaces (GET /api/interfaces); short for `api.interfaces()`. */
  interfaces(): Promise<GatewayInterface[]> {
    return this.api.interfaces();
  }

  /**
   * Puts TCPSocket, TCPServerSocket and UDPSocket on `target` (globalThis by default) where no
   * class of that name exists yet (a native implementation wins). Returns the names installed.
   */
  install(target: object = globalThis): string[] {
    const installed: string[] = [];
    for (const name of socketClassNames) {
      if (name in target) continue;
      Object.defineProperty(target, name, { value: this[name], writable: true, configurable: true, enumerable: false });
      installed.push(name);
    }
    return installed;
  }

  /** Closes the connection; every open socket fails with NetworkError `CONNECTION_LOST`. */
  async close(): Promise<void> {
    await this.#conn.close();
  }
}

/** The data fields the connection's events carry (copying an Event wholesale would hit read-only `isTrusted`). */
function pick(event: Event): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['code', 'reason', 'shutdown', 'error', 'message'] as const) {
    if (key in event) out[key] = (event as unknown as Record<string, unknown>)[key];
  }
  return out;
}
