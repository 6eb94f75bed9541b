/**
 * GatewayApi: the one client of the gateway's HTTP API (`/api/interfaces`, `/api/labs`,
 * `/api/tcp-states`). `SocketGateway` builds it with the token its WebSocket was opened with, so
 * every call presents the same credentials as the connection (a `{token}` passed to `connect`
 * included); with no token the page's same-origin cookie has to do.
 */
import { ErrorCode } from '../../shared/protocol.js';
import type { LabServiceInfo } from '../../shared/lab-services.js';
import { ClientErrorCode, errorNameFor, SocketError, type SocketErrorName } from './socket-error.js';

export type { LabServiceInfo } from '../../shared/lab-services.js';

/** One network interface of the gateway's host, from `GET /api/interfaces`. */
export interface GatewayInterface {
  name: string;
  address: string;
  netmask: string;
  family: 'IPv4' | 'IPv6';
  /** Address with prefix length, e.g. `192.168.1.5/24`. */
  cidr: string | null;
  /** Directed broadcast address (IPv4; null for IPv6). */
  broadcast: string | null;
  internal: boolean;
  [key: string]: unknown;
}

/** What `/api/labs` (and its start/stop) report: whether the lab services run, and where. */
export interface LabServicesReport {
  running: boolean;
  services: LabServiceInfo[];
}

/** A socket to look up in the kernel's TCP table: a connection (local and remote) or a listener. */
export interface TcpStateQuery {
  /** `address:port` (IPv6 as `[address]:port`; see {@link endpoint}). */
  local: string;
  remote?: string;
}

/** The kernel's view of one queried socket (and of its peer when that is on the gateway's host). */
export interface TcpStateResult {
  local: string;
  remote?: string;
  /** ESTABLISHED, FIN_WAIT2, TIME_WAIT, CLOSE_WAIT, LISTEN…; null once the kernel has forgotten it. */
  state: string | null;
  rxQueue?: number;
  txQueue?: number;
  /** Time left on the socket's timer (e.g. the TIME_WAIT countdown), ms. */
  timerMs?: number;
  peer?: Omit<TcpStateResult, 'peer'> | null;
}

/** How a {@link GatewayApi} reaches the gateway. */
export interface GatewayApiOptions {
  /** Sent as `Authorization: Bearer`; without it the request relies on the same-origin cookie. */
  token?: string;
  /** The fetch to use; `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}

/** `address:port` with IPv6 in brackets, as the TCP-state API expects. */
export function endpoint(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The DOMException name an HTTP failure surfaces as when the body names no gateway code. */
function nameForStatus(status: number): SocketErrorName {
  if (status === 401 || status === 403) return 'NotAllowedError';
  if (status === 404) return 'NotSupportedError';
  return 'NetworkError';
}

const gatewayCodes = new Set<string>(Object.values(ErrorCode));

/** The HTTP API of one gateway. Every method rejects with a {@link SocketError} (code `HTTP` or the gateway's). */
export class GatewayApi {
  /** The gateway's HTTP base, `http(s)://host:port`. */
  readonly url: string;
  #token: string | undefined;
  #fetch: typeof fetch | undefined;

  constructor(url: string, options: GatewayApiOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#fetch = options.fetch;
  }

  /** Lists the gateway host's network interfaces (`GET /api/interfaces`). */
  async interfaces(): Promise<GatewayInterface[]> {
    const body = await this.#call<GatewayInterface[] | { interfaces: GatewayInterface[] }>('GET', '/api/interfaces');
    return Array.isArray(body) ? body : body.interfaces;
  }

  /** Whether the built-in lab services run, and on which ports (`GET /api/labs`). */
  labs(): Promise<LabServicesReport> {
    return this.#call<LabServicesReport>('GET', '/api/labs');
  }

  /** Starts the lab services on the gateway's loopback (`POST /api/labs/start`); idempotent. */
  startLabs(): Promise<LabServicesReport> {
    return this.#call<LabServicesReport>('POST', '/api/labs/start');
  }

  /**
   * Starts the lab services and the course's loop, threaded and select servers, real Python 3
   * programs on the gateway's loopback (`POST /api/labs/course/start`); idempotent.
   */
  startCourseLabs(): Promise<LabServicesReport> {
    return this.#call<LabServicesReport>('POST', '/api/labs/course/start');
  }

  /** Stops the lab services (`POST /api/labs/stop`). */
  stopLabs(): Promise<LabServicesReport> {
    return this.#call<LabServicesReport>('POST', '/api/labs/stop');
  }

  /**
   * The kernel's TCP states of `sockets` (`GET /api/tcp-states?pair=LOCAL,REMOTE…`). Resolves
   * undefined where the gateway's host does not publish them (not Linux).
   */
  async tcpStates(sockets: readonly TcpStateQuery[]): Promise<TcpStateResult[] | undefined> {
    const query = sockets.map((s) => `pair=${encodeURIComponent(s.remote ? `${s.local},${s.remote}` : s.local)}`).join('&');
    const body = await this.#call<{ available: boolean; results?: TcpStateResult[] }>('GET', `/api/tcp-states?${query}`);
    if (!body.available) return undefined;
    return body.results ?? [];
  }

  async #call<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const fetchImpl = this.#fetch ?? globalThis.fetch;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    const what = `${method} ${path.replace(/\?.*$/, '')}`;
    let response: Response;
    try {
      response = await fetchImpl(`${this.url}${path}`, { method, headers, credentials: 'same-origin' });
    } catch (cause) {
      throw new SocketError('NetworkError', ClientErrorCode.Http, `${what} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }
    if (!response.ok) throw await httpError(what, response);
    try {
      return (await response.json()) as T;
    } catch (cause) {
      throw new SocketError('OperationError', ClientErrorCode.Http, `${what} answered ${response.status} with a body that is not JSON`, { cause });
    }
  }
}

/** A SocketError for a non-2xx answer: the gateway's own `{error, code}` when the body has one. */
async function httpError(what: string, response: Response): Promise<SocketError> {
  let detail = '';
  let code: string | undefined;
  try {
    const body = (await response.json()) as { error?: unknown; code?: unknown };
    if (typeof body.error === 'string') detail = `: ${body.error}`;
    if (typeof body.code === 'string' && gatewayCodes.has(body.code)) code = body.code;
  } catch {
    // Not JSON (a proxy's page, the Host check's text): the status says enough.
  }
  // statusText is empty over HTTP/2 and from some proxies.
  const status = response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
  const message = `${what} answered ${status}${detail}`;
  return code
    ? new SocketError(errorNameFor(code), code as ErrorCode, message)
    : new SocketError(nameForStatus(response.status), ClientErrorCode.Http, message);
}
