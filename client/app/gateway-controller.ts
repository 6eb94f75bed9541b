/**
 * The page's one connection to the gateway, owned by a ReactiveController on the app element and
 * handed to every element (the lab included) through `@lit/context` as an immutable
 * {@link GatewayInfo} snapshot: a new object on every change, so consumers re-render.
 * The controller reconnects with backoff when the WebSocket drops; sockets opened on the old
 * connection are gone (the library fails them with CONNECTION_LOST), the page says so.
 */
import { CloseCode } from '../../shared/protocol.js';
import { createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SocketGateway } from '../lib/index.js';
import type { GatewayInterface, SocketError } from '../lib/index.js';
import { setGatewayClockOffset } from './model/gateway-clock.js';

/** Where the connection is: first attempt, up, dropped and retrying. */
export type GatewayState = 'connecting' | 'open' | 'reconnecting';

/** What elements know about the gateway connection. */
export interface GatewayInfo {
  state: GatewayState;
  /** The connected gateway; undefined unless `state` is `open`. */
  gateway: SocketGateway | undefined;
  /** The gateway host's interfaces (fetched after each connect; [] until then or on failure). */
  interfaces: readonly GatewayInterface[];
  /** Counts connections made: 1 after the first, 2 after the first reconnect… */
  generation: number;
  /** Why the last connection or attempt failed. */
  lastError: SocketError | Error | undefined;
  /** The WebSocket close code of the last connection lost (4003: its grant ended), else undefined. */
  closeCode?: number | undefined;
  /** When the next attempt starts (ms since epoch) while reconnecting. */
  retryAt: number | undefined;
}

/** Context key for {@link GatewayInfo}. */
export const gatewayContext = createContext<GatewayInfo>(Symbol('sockgate-gateway'));

/** How the controller opens a connection (tests of the page use the default: the page's gateway). */
export type GatewayConnector = () => Promise<SocketGateway>;

/** Backoff between attempts, ms: quick at first, then every few seconds. */
const BACKOFF = [300, 1000, 2000, 4000, 5000];

/**
 * Owns the gateway connection for `host`: connects in `hostConnected`, closes in
 * `hostDisconnected`, reconnects after a drop. `onChange` gets every new {@link GatewayInfo}.
 */
export class GatewayController implements ReactiveController {
  info: GatewayInfo = { state: 'connecting', gateway: undefined, interfaces: [], generation: 0, lastError: undefined, retryAt: undefined };

  #host: ReactiveControllerHost;
  #connect: GatewayConnector;
  #onChange: (info: GatewayInfo) => void;
  #running = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, onChange: (info: GatewayInfo) => void, connect: GatewayConnector = () => SocketGateway.connect()) {
    this.#host = host;
    this.#onChange = onChange;
    this.#connect = connect;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#open();
  }

  hostDisconnected(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    const gateway = this.info.gateway;
    if (gateway) void gateway.close().catch(() => {});
  }

  /** Drops the current connection and connects again now (the banner's "retry now"). */
  retryNow(): void {
    if (this.info.state === 'open' || !this.#running) return;
    clearTimeout(this.#timer);
    void this.#open();
  }

  async #open(): Promise<void> {
    let gateway: SocketGateway;
    try {
      gateway = await this.#connect();
    } catch (error) {
      if (!this.#running) return;
      // After a grant ended, retries are refused (401 → 1006); keep saying why the grant ended instead.
      const ended = this.info.closeCode === CloseCode.GrantEnded;
      this.#scheduleRetry(ended ? this.info.lastError : (error as Error), ended ? CloseCode.GrantEnded : undefined);
      return;
    }
    if (!this.#running) {
      void gateway.close().catch(() => {});
      return;
    }
    this.#attempt = 0;
    setGatewayClockOffset(gateway.clockOffsetMs);
    gateway.addEventListener('close', (event) => {
      if (!this.#running || this.info.gateway !== gateway) return;
      const closed = event as unknown as { error?: SocketError; code?: number };
      this.#scheduleRetry(closed.error, closed.code);
    });
    this.#set({ state: 'open', gateway, generation: this.info.generation + 1, lastError: undefined, closeCode: undefined, retryAt: undefined });
    try {
      const interfaces = await gateway.api.interfaces();
      if (this.info.gateway === gateway) this.#set({ interfaces });
    } catch {
      // The pickers fall back to typing an address; not worth a banner.
    }
  }

  #scheduleRetry(error: Error | undefined, closeCode?: number): void {
    const delay = BACKOFF[Math.min(this.#attempt, BACKOFF.length - 1)]!;
    this.#attempt++;
    const state: GatewayState = this.info.generation === 0 ? 'connecting' : 'reconnecting';
    this.#set({ state, gateway: undefined, lastError: error, closeCode, retryAt: Date.now() + delay });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#open(), delay);
  }

  #set(patch: Partial<GatewayInfo>): void {
    this.info = { ...this.info, ...patch };
    this.#onChange(this.info);
    this.#host.requestUpdate();
  }
}
