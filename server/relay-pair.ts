import type net from 'node:net';
import type { RelayDirection } from '../shared/protocol.js';
import { toGatewayError, type GatewayError } from './gateway-error.js';
import { toAddress } from './page-socket.js';
import { resetConnection } from './tcp-connector.js';

/** What a pair needs from its relay: where reads and the pair's life are reported. */
export interface PairReporter {
  /** One read of `dir` went through (already written on); report it within the page's budget. */
  read(pair: RelayPair, dir: RelayDirection, seq: number, chunk: Buffer): void;
  fin(pair: RelayPair, dir: RelayDirection): void;
  closed(pair: RelayPair, error?: GatewayError): void;
}

/** Bytes and reads of one direction. */
interface Flow {
  bytes: number;
  reads: number;
}

/**
 * One accepted client piped to its own connection to the target, both ways, inside the gateway.
 * Flow control is each side's: a write the other side's kernel buffer cannot take pauses the
 * reading side until it drains, so a pair holds at most one socket's high-water mark plus one
 * read per direction whatever the peers do, and never waits for the page. FIN is passed on
 * (half-close both ways); an error or reset on either side resets the other.
 */
export class RelayPair {
  readonly up: Flow = { bytes: 0, reads: 0 };
  readonly down: Flow = { bytes: 0, reads: 0 };
  target: net.Socket | undefined;
  /** Aborts the dial to the target when the client leaves first. */
  readonly dialing = new AbortController();
  private done = false;
  private open = 1;

  constructor(
    readonly id: number,
    readonly client: net.Socket,
    private readonly report: PairReporter,
  ) {
    client.on('error', () => {});
    client.once('close', () => {
      if (this.target) return;
      this.dialing.abort();
      this.finish();
    });
  }

  clientAddress() {
    return toAddress(this.client.remoteAddress, this.client.remotePort, this.client.remoteFamily);
  }

  /** The target connection is up: start both pipes (the client was held paused until now). */
  start(target: net.Socket): void {
    if (this.done) {
      target.destroy();
      return;
    }
    this.target = target;
    this.open = 2;
    this.pipe(this.client, target, 'up', this.up);
    this.pipe(target, this.client, 'down', this.down);
    this.client.resume();
  }

  private pipe(from: net.Socket, to: net.Socket, dir: RelayDirection, flow: Flow): void {
    from.on('data', (chunk: Buffer) => {
      const seq = flow.reads++;
      flow.bytes += chunk.byteLength;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
      this.report.read(this, dir, seq, chunk);
    });
    from.on('end', () => {
      this.report.fin(this, dir);
      to.end();
    });
    from.on('error', (err) => this.fail(toGatewayError(err)));
    from.on('close', (hadError) => {
      if (hadError) return; // 'error' already failed the pair
      if (--this.open === 0) this.finish();
    });
  }

  /** The target could not be reached (or was denied): the client is reset and the pair reported. */
  failConnect(error: GatewayError): void {
    if (this.done) return;
    resetConnection(this.client);
    this.finish(error);
  }

  /** Either side failed: reset both, report once. */
  fail(error: GatewayError): void {
    if (this.done) return;
    resetConnection(this.client);
    if (this.target) resetConnection(this.target);
    this.finish(error);
  }

  /** Teardown (relay closed, page gone): both connections are destroyed at once. */
  destroy(error?: GatewayError): void {
    if (this.done) return;
    this.dialing.abort();
    this.client.destroy();
    this.target?.destroy();
    this.finish(error);
  }

  private finish(error?: GatewayError): void {
    if (this.done) return;
    this.done = true;
    this.report.closed(this, error);
  }
}
