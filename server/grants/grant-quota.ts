/**
 * What a grant's limits share across all of its pages: the student's socket total and one
 * byte-rate bucket. A teacher's "4 sockets" means 4 for alice, not 4 per tab she opens.
 */
import { ErrorCode } from '../../shared/protocol.js';
import { GatewayError } from '../gateway-error.js';
import { ByteBucket } from '../send-rate.js';

/** A page as the quota counts it. */
export interface QuotaPage {
  readonly socketCount: number;
}

/** One live grant's shared limits (rebuilt, with its pages closed, when the grant changes). */
export class GrantQuota {
  readonly pages = new Set<QuotaPage>();
  /** Page → target bytes per second for all the grant's sockets together; absent when unlimited. */
  readonly bucket: ByteBucket | undefined;

  constructor(
    readonly name: string,
    /** Sockets of all the grant's pages together (Infinity when the grant sets none). */
    readonly sockets: number,
    bytesPerSecond: number | undefined,
  ) {
    this.bucket = bytesPerSecond !== undefined && bytesPerSecond > 0 ? new ByteBucket(bytesPerSecond) : undefined;
  }

  /** Sockets open or opening on every page of the grant. */
  socketsInUse(): number {
    let n = 0;
    for (const p of this.pages) n += p.socketCount;
    return n;
  }

  /** True when one more socket would pass the grant's total. */
  full(): boolean {
    return this.socketsInUse() >= this.sockets;
  }

  /** The LIMIT error a socket past the total gets. */
  error(): GatewayError {
    return new GatewayError(ErrorCode.Limit, `grant "${this.name}" already has ${this.socketsInUse()} sockets across its pages, its limit (limits.sockets ${this.sockets})`);
  }
}
