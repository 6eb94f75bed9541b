/**
 * Relay mode (sockgate only, not in Direct Sockets): the gateway listens on a port and pipes each
 * accepted client to a target host:port itself; the page only watches every read of both
 * directions (docs/PROTOCOL.md, "Relay mode"). Not exported from `index.ts`: the workspace uses it
 * through the gateway connection its socket classes are bound to.
 */
import type {
  Address,
  ClosedMsg,
  OpenedMsg,
  RelayConnectedMsg,
  RelayDirection,
  RelayFinMsg,
  RelayPairClosedMsg,
  RelayPairMsg,
  ServerMessage,
  SocketFrame,
} from '../../shared/protocol.js';
import { Frame } from '../../shared/protocol.js';
import type { GatewayConnection, SocketHandler } from './gateway-connection.js';
import { boundConnection } from './socket-core.js';
import { socketErrorFromMessage, type SocketError } from './socket-error.js';
import type { SocketGateway } from './socket-gateway.js';

/** What to relay. */
export interface RelayOptions {
  /** Address to listen on; default 127.0.0.1. */
  localAddress?: string;
  /** Port to listen on; 0 or absent: one the OS picks. */
  localPort?: number;
  targetHost: string;
  targetPort: number;
  noDelay?: boolean;
  /** Bytes of the reads the gateway copies to the page before it reports sizes only (default 1 MiB). */
  logBytes?: number;
}

/** One read a relay forwarded. `data` is all of it, a prefix, or empty once the budget is spent. */
export interface RelayRead {
  pair: number;
  dir: RelayDirection;
  seq: number;
  time: number;
  size: number;
  data: Uint8Array;
}

/** What a relay tells its owner. Each is optional. */
export interface RelayEvents {
  pair?(msg: RelayPairMsg): void;
  connected?(msg: RelayConnectedMsg): void;
  fin?(msg: RelayFinMsg): void;
  pairClosed?(msg: RelayPairClosedMsg): void;
  read?(read: RelayRead): void;
  /** The relay is gone: closed by the page, by the gateway (with `error`), or the connection dropped. */
  closed?(info: { bytesIn: number; bytesOut: number; error?: SocketError }): void;
  /** An error about the relay that did not close it (e.g. a client refused at the socket limit). */
  error?(error: SocketError): void;
}

/** A relay open on the gateway. */
export class Relay {
  /** The listening address, once open. */
  local: Address = { address: '', port: 0 };
  /** The target as the gateway checked it (its resolved address). */
  target: Address = { address: '', port: 0 };
  #done = false;

  private constructor(
    readonly id: number,
    private readonly conn: GatewayConnection,
    private readonly events: RelayEvents,
    private readonly handler: SocketHandler,
  ) {}

  /** Asks the gateway to listen and relay; resolves once it listens, rejects with the gateway's error (DENIED with its rule…). */
  static open(gateway: SocketGateway, options: RelayOptions, events: RelayEvents): Promise<Relay> {
    const conn = boundConnection(gateway.TCPSocket as never, 'Relay');
    let relay!: Relay;
    const handler: SocketHandler = {
      onControl: (m) => relay.onControl(m),
      onFrame: (f) => relay.onFrame(f),
      onConnectionLost: (e) => relay.onConnectionLost(e),
    };
    relay = new Relay(conn.allocate(handler), conn, events, handler);
    const id = relay.id;
    return new Promise<Relay>((resolve, reject) => {
      conn.requestWith(
        {
          t: 'relay.listen',
          id,
          host: options.localAddress ?? '127.0.0.1',
          port: options.localPort ?? 0,
          targetHost: options.targetHost,
          targetPort: options.targetPort,
          ...(options.noDelay !== undefined && { noDelay: options.noDelay }),
          ...(options.logBytes !== undefined && { logBytes: options.logBytes }),
        },
        {
          resolve: (m) => {
            const opened = m as OpenedMsg;
            relay.local = opened.local;
            relay.target = opened.remote ?? relay.target;
            resolve(relay);
          },
          reject: (error) => {
            relay.#done = true;
            conn.release(id, handler);
            reject(error);
          },
        },
      );
    });
  }

  /** Stops listening and closes every pair; resolves on the gateway's `closed`. */
  async close(): Promise<void> {
    if (this.#done || !this.conn.isOpen) return;
    await this.conn.request({ t: 'close', id: this.id });
  }

  onControl(msg: ServerMessage): void {
    switch (msg.t) {
      case 'relay.pair':
        return this.events.pair?.(msg);
      case 'relay.connected':
        return this.events.connected?.(msg);
      case 'relay.fin':
        return this.events.fin?.(msg);
      case 'relay.pair-closed':
        return this.events.pairClosed?.(msg);
      case 'error':
        if (!msg.fatal) this.events.error?.(socketErrorFromMessage(msg));
        return;
      case 'closed':
        return this.#end(msg);
    }
  }

  onFrame(frame: SocketFrame): void {
    if (frame.kind !== Frame.RelayRead) return;
    this.events.read?.({ pair: frame.pair, dir: frame.dir, seq: frame.seq, time: frame.time, size: frame.size, data: frame.payload.slice() });
  }

  onConnectionLost(error: SocketError): void {
    this.#end({ t: 'closed', id: this.id, bytesIn: 0, bytesOut: 0 }, error);
  }

  #end(msg: ClosedMsg, lost?: SocketError): void {
    if (this.#done) return;
    this.#done = true;
    this.conn.release(this.id, this.handler);
    const error = lost ?? (msg.error ? socketErrorFromMessage({ code: msg.error, message: `the gateway closed the relay (${msg.error})` }) : undefined);
    this.events.closed?.({ bytesIn: msg.bytesIn, bytesOut: msg.bytesOut, ...(error && { error }) });
  }
}
