/**
 * One clock for the log. Reads carry the gateway's time of the read; sent lines and events carry
 * the page's. On one machine they are the same clock, but a gateway on another host may be
 * seconds off, and the log orders a read by its time (see LogStore): so read times are moved onto
 * the page's clock with the offset the gateway's welcome message gave (`SocketGateway.clockOffsetMs`).
 * The page holds one gateway connection; each new connection sets the offset again.
 */
let offsetMs = 0;

/** Sets the gateway clock minus the page clock, ms (0 when unknown). */
export function setGatewayClockOffset(ms: number): void {
  offsetMs = Number.isFinite(ms) ? ms : 0;
}

/** A gateway time (ms since the epoch) on the page's clock. */
export function onPageClock(gatewayMs: number): number {
  return gatewayMs - offsetMs;
}
