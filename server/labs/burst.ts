import type net from 'node:net';
import { drained, writeAndDrain } from './lab-service.js';
import { frameMessage, parseLabFraming, type LabFraming } from './lab-framing.js';
import { readLines } from './line-reader.js';
import { TcpLabService } from './tcp-lab-service.js';

export const BURST_MAX_COUNT = 10_000;
export const BURST_MAX_TEXT = 200;
export const BURST_MAX_GAP_MS = 5_000;

/** One parsed `burst` request. */
export interface BurstRequest {
  count: number;
  text: string;
  framing: LabFraming;
  gapMs: number;
  noDelay: boolean;
}

export const BURST_USAGE = 'burst COUNT [TEXT] [raw|newline|i|!I|json] [gap=MS] [nodelay]';

/**
 * Parses `burst COUNT [TEXT…] [FRAMING] [gap=MS] [nodelay]`. Options are read from the end, so
 * the text may hold spaces. Throws an Error whose message is the reply.
 */
export function parseBurst(line: string): BurstRequest {
  const words = line.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'burst') throw new Error(`unknown request "${words[0] ?? ''}"; usage: ${BURST_USAGE}`);
  const countWord = words[1] ?? '';
  if (!/^\d+$/.test(countWord) || Number(countWord) < 1 || Number(countWord) > BURST_MAX_COUNT) {
    throw new Error(`COUNT must be 1–${BURST_MAX_COUNT}, got "${countWord}"; usage: ${BURST_USAGE}`);
  }
  const rest = words.slice(2);
  let framing: LabFraming | undefined;
  let gapMs: number | undefined;
  let noDelay = false;
  while (rest.length > 0) {
    const last = rest[rest.length - 1]!;
    const gap = /^gap=(\d+)$/i.exec(last);
    if (gap && gapMs === undefined) {
      gapMs = Number(gap[1]);
      if (gapMs > BURST_MAX_GAP_MS) throw new Error(`gap must be 0–${BURST_MAX_GAP_MS} ms, got ${gapMs}`);
    } else if (last.toLowerCase() === 'nodelay' && !noDelay) noDelay = true;
    else if (framing === undefined && parseLabFraming(last)) framing = parseLabFraming(last);
    else break;
    rest.pop();
  }
  const text = rest.join(' ') || 'msg';
  if (Buffer.byteLength(text) > BURST_MAX_TEXT) throw new Error(`TEXT must be at most ${BURST_MAX_TEXT} bytes`);
  return { count: Number(countWord), text, framing: framing ?? 'raw', gapMs: gapMs ?? 0, noDelay };
}

/** The k-th message (1-based) of a burst: `TEXT k`. */
export const burstMessage = (text: string, k: number) => `${text} ${k}`;

/**
 * "Burst": on each request line sends COUNT small messages `TEXT 1`, `TEXT 2`, … with one
 * `write()` each, back to back (or `gap` ms apart), framed as asked. Nagle stays on unless the
 * request says `nodelay`, as with a Python socket.
 */
export class BurstService extends TcpLabService {
  readonly name = 'burst';
  readonly title = 'Burst of small messages';
  readonly usage = BURST_USAGE;

  protected serve(socket: net.Socket): void {
    readLines(socket, 1024, (line) => this.onLine(socket, line));
  }

  private async onLine(socket: net.Socket, line: string): Promise<void> {
    if (line.trim() === '') return;
    if (line.trim().toLowerCase() === 'help') return writeAndDrain(socket, `usage: ${BURST_USAGE}\n`);
    let req: BurstRequest;
    try {
      req = parseBurst(line);
    } catch (err) {
      return writeAndDrain(socket, `error: ${(err as Error).message}\n`);
    }
    socket.setNoDelay(req.noDelay);
    for (let k = 1; k <= req.count && !socket.destroyed; k++) {
      if (k > 1 && req.gapMs > 0) await new Promise((r) => setTimeout(r, req.gapMs));
      const frame = frameMessage(Buffer.from(burstMessage(req.text, k)), req.framing);
      // Separate write() calls, each its own send() while the kernel takes them: the sticky
      // joins the reader sees are made by TCP, not by this service.
      if (!socket.write(frame)) await drained(socket);
    }
  }
}
