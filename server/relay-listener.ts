import type net from 'node:net';
import { encodeRelayRead, ErrorCode, type Address, type RelayDirection, type RelayListenMsg } from '../shared/protocol.js';
import { GatewayError, toGatewayError } from './gateway-error.js';
import { formatAddress, toAddress, type PageLink, type RelaySocket } from './page-socket.js';
import { RelayPair, type PairReporter } from './relay-pair.js';
import { connectTcp } from './tcp-connector.js';
import { openServer } from './tcp-listener.js';

/** Payload bytes a relay copies to the page when the page does not say (`logBytes`). */
export const DEFAULT_RELAY_LOG_BYTES = 1 << 20;

/**
 * Relay mode: a listening socket whose every accepted client is piped, inside the gateway, to a
 * new connection to the target (listen and connect both pass the target policy; the target is
 * checked again for each pair, so a DNS change cannot slip past it). The bytes go peer to peer at
 * the peers' pace; the page only watches. Each read is reported as a RelayRead frame carrying a
 * copy of its bytes until the relay's `logBytes` budget is spent, then its size only; while the
 * page's WebSocket is backed up reads are not reported at all (their `seq` numbers leave a gap).
 * So the page can be slow or stop reading and the relay still forwards with bounded memory.
 * `bytesIn` counts client → target bytes, `bytesOut` target → client.
 */
export class RelayListener implements RelaySocket, PairReporter {
  readonly kind = 'relay' as const;
  bytesIn = 0;
  bytesOut = 0;
  lastActivity = Date.now();
  /** Reads not reported because the page's WebSocket was backed up. */
  unreported = 0;
  private readonly pairs = new Map<number, RelayPair>();
  private nextPair = 1;
  private budget: number;
  private closeRef: number | undefined;
  private error: ErrorCode | undefined;
  private gone = false;

  private constructor(
    readonly id: number,
    private readonly server: net.Server,
    private readonly page: PageLink,
    private readonly msg: RelayListenMsg,
    private readonly target: Address,
  ) {
    this.budget = msg.logBytes ?? DEFAULT_RELAY_LOG_BYTES;
  }

  /** Checks the target (connect) and the local end (listen) against the policy, then listens. */
  static async listen(id: number, page: PageLink, msg: RelayListenMsg): Promise<RelayListener> {
    const target = await page.policy.resolve(msg.targetHost, msg.targetPort, 'connect');
    const server = await openServer(page.policy, msg);
    const relay = new RelayListener(id, server, page, msg, { address: target.address, port: msg.targetPort, family: target.family === 6 ? 'IPv6' : 'IPv4' });
    server.on('connection', (socket) => relay.accept(socket));
    server.on('error', (err) => {
      const e = toGatewayError(err);
      page.sendError(e, { id, fatal: true });
      relay.destroy(e.code);
    });
    return relay;
  }

  /** Pairs alive now; they count against the page's socket limit. */
  get pairCount(): number {
    return this.pairs.size;
  }

  addresses(): { local: Address; remote: Address } {
    const a = this.server.address() as net.AddressInfo;
    return { local: toAddress(a.address, a.port, a.family), remote: this.target };
  }

  private accept(client: net.Socket): void {
    this.lastActivity = Date.now();
    if (this.gone || this.page.socketCount >= this.page.limits.socketsPerPage) {
      client.destroy();
      if (!this.gone) this.page.sendError(new GatewayError(ErrorCode.Limit, `relay client ${client.remoteAddress}:${client.remotePort} refused: the page has ${this.page.socketCount} sockets and pairs, the limit (--max-sockets)`), { id: this.id });
      return;
    }
    const pair = new RelayPair(this.nextPair++, client, this);
    this.pairs.set(pair.id, pair);
    const from = pair.clientAddress();
    this.page.send({ t: 'relay.pair', id: this.id, pair: pair.id, client: from });
    this.page.audit('relay-accept', { socket: this.id, pair: pair.id, remote: formatAddress(from) });
    const { targetHost, targetPort, noDelay } = this.msg;
    connectTcp(this.page.policy, { host: targetHost, port: targetPort, timeoutMs: this.page.limits.connectTimeoutMs, noDelay, signal: pair.dialing.signal })
      .then((socket) => {
        if (noDelay) client.setNoDelay(true);
        pair.start(socket);
        if (!this.pairs.has(pair.id)) return;
        const local = toAddress(socket.localAddress, socket.localPort, socket.localFamily);
        this.page.send({ t: 'relay.connected', id: this.id, pair: pair.id, local, target: toAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily) });
      })
      .catch((err) => {
        const e = toGatewayError(err);
        if (e.code === ErrorCode.Denied) this.page.audit('deny', { socket: this.id, op: 'relay.connect', target: `${targetHost}:${targetPort}`, rule: e.extra.rule });
        pair.failConnect(e);
      });
  }

  // ---- PairReporter --------------------------------------------------------------------

  read(pair: RelayPair, dir: RelayDirection, seq: number, chunk: Buffer): void {
    this.lastActivity = Date.now();
    if (dir === 'up') this.bytesIn += chunk.byteLength;
    else this.bytesOut += chunk.byteLength;
    if (this.page.congested) {
      this.unreported++;
      return;
    }
    const copy = Math.min(chunk.byteLength, this.budget);
    this.budget -= copy;
    this.page.sendFrame(encodeRelayRead(this.id, pair.id, dir === 'up' ? 0 : 1, seq, this.lastActivity, chunk.byteLength, chunk.subarray(0, copy)));
  }

  fin(pair: RelayPair, dir: RelayDirection): void {
    this.page.send({ t: 'relay.fin', id: this.id, pair: pair.id, dir });
  }

  closed(pair: RelayPair, error?: GatewayError): void {
    if (!this.pairs.delete(pair.id)) return;
    const { up, down } = pair;
    this.page.send({
      t: 'relay.pair-closed',
      id: this.id,
      pair: pair.id,
      bytesUp: up.bytes,
      bytesDown: down.bytes,
      readsUp: up.reads,
      readsDown: down.reads,
      ...(error && { error: error.code, message: error.message }),
      ...(error?.extra.rule && { rule: error.extra.rule }),
    });
    this.page.audit('relay-close', { socket: this.id, pair: pair.id, up: up.bytes, down: down.bytes, error: error?.code });
  }

  // ---- closing -------------------------------------------------------------------------

  close(ref?: number): void {
    this.closeRef = ref;
    this.destroy();
  }

  /** Stops listening and tears every pair down at once (each reported), then the relay. */
  destroy(code?: ErrorCode): void {
    if (this.gone) return;
    this.gone = true;
    this.error ??= code;
    this.server.close();
    for (const pair of [...this.pairs.values()]) pair.destroy();
    this.page.relayClosed(this, { ref: this.closeRef, error: this.error });
  }
}
