/**
 * A real packet capture of one loopback TCP connection, made by Debian's `tcpdump` on `lo` with a
 * filter that matches exactly that connection's 4-tuple (both directions), so no other traffic is
 * ever captured. Bounded in packets (`-c`), bytes (snap length and a byte budget) and time; the
 * tcpdump process is always killed at the end. Where tcpdump is missing or lacks the permission,
 * `start` rejects with a CaptureUnavailable that says exactly what is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PcapReader, type PcapRecord } from '../../shared/capture/pcap-reader.js';
import { decodeTcpSegment, type TcpSegment } from '../../shared/capture/tcp-segment.js';

/** The tcpdump binary (SOCKGATE_TCPDUMP overrides it; tests point it elsewhere to see the "missing" case). */
export const tcpdumpPath = (): string => process.env.SOCKGATE_TCPDUMP || '/usr/bin/tcpdump';

/** One end of the captured connection. */
export interface CaptureEnd {
  address: string;
  port: number;
}

/** The bounds of one capture. */
export interface CaptureLimits {
  /** Packets kept (tcpdump stops after this many: `-c`). */
  maxPackets: number;
  /** Bytes kept of each frame (`-s`). */
  snapLength: number;
  /** Frame bytes kept in all. */
  maxBytes: number;
  /** The capture ends this long after it started, whatever happens. */
  maxMs: number;
}

/** Defaults: a handshake, some data and a close fit many times over. */
export const DEFAULT_CAPTURE_LIMITS: Readonly<CaptureLimits> = { maxPackets: 200, snapLength: 512, maxBytes: 128 * 1024, maxMs: 120_000 };

/** One captured packet: the raw frame and its decoded TCP header. */
export interface CapturedPacket extends PcapRecord, TcpSegment {}

/** Why a capture cannot run here, in words that say what is missing. */
export class CaptureUnavailable extends Error {
  override name = 'CaptureUnavailable';
}

/** How long tcpdump may take to say it is listening. */
const START_TIMEOUT_MS = 5000;

/** The BPF filter matching exactly the connection `a` ↔ `b`, both directions. */
export function connectionFilter(a: CaptureEnd, b: CaptureEnd): string {
  const side = (s: CaptureEnd, d: CaptureEnd) => `(src host ${s.address} and src port ${s.port} and dst host ${d.address} and dst port ${d.port})`;
  return `tcp and (${side(a, b)} or ${side(b, a)})`;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

/** A running capture; emits `packet` (CapturedPacket) and, once, `end` (reason string). */
export class PacketCapture extends EventEmitter<{ packet: [CapturedPacket]; end: [string] }> {
  /** The command line, for the page to show. */
  readonly command: string;
  readonly filter: string;
  packets = 0;
  bytes = 0;
  /** Set once the capture ended (tcpdump exited or was killed). */
  ended: string | undefined;
  #child: ChildProcess;
  #reader = new PcapReader();
  #timer: NodeJS.Timeout;

  private constructor(child: ChildProcess, args: string[], filter: string, private readonly limits: CaptureLimits) {
    super();
    this.#child = child;
    this.command = [tcpdumpPath(), ...args.map((a) => (/\s/.test(a) ? `'${a}'` : a))].join(' ');
    this.filter = filter;
    this.#timer = setTimeout(() => this.stop(`time limit (${limits.maxMs / 1000} s)`), limits.maxMs);
    this.#timer.unref();
    child.stdout!.on('data', (chunk: Buffer) => this.#onData(chunk));
    child.once('exit', () => this.#finish(this.packets >= limits.maxPackets ? `packet limit (${limits.maxPackets})` : 'tcpdump exited'));
  }

  /**
   * Starts tcpdump on `lo` for the connection `local` ↔ `remote` and resolves once it is listening
   * (so the connection's SYN is not missed). Both ends must be loopback addresses.
   */
  static start(local: CaptureEnd, remote: CaptureEnd, limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS): Promise<PacketCapture> {
    if (!isLoopback(local.address) || !isLoopback(remote.address)) {
      return Promise.reject(new CaptureUnavailable(`packet capture is for loopback connections only (${local.address} → ${remote.address})`));
    }
    const filter = connectionFilter(local, remote);
    const args = ['-i', 'lo', '-n', '-U', '--immediate-mode', '-s', String(limits.snapLength), '-c', String(limits.maxPackets), '-w', '-', filter];
    return new Promise((resolve, reject) => {
      let stderr = '';
      let settled = false;
      const child = spawn(tcpdumpPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new CaptureUnavailable(why));
      };
      const timer = setTimeout(() => fail(`tcpdump did not start listening within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      child.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? `tcpdump is not installed (no ${tcpdumpPath()}; on Debian: apt-get install tcpdump)` : `tcpdump could not start: ${err.message}`));
      child.once('exit', (code) => fail(permissionText(stderr, code)));
      child.stderr!.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
        if (!settled && /listening on lo/.test(stderr)) {
          settled = true;
          clearTimeout(timer);
          resolve(new PacketCapture(child, args, filter, limits));
        }
      });
    });
  }

  #onData(chunk: Buffer): void {
    if (this.ended) return;
    let records: PcapRecord[];
    try {
      records = this.#reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (err) {
      return this.stop(`bad output from tcpdump: ${(err as Error).message}`);
    }
    for (const r of records) {
      const segment = decodeTcpSegment(r.frame, this.#reader.linkType!);
      if (!segment) continue;
      if (this.bytes + r.frame.length > this.limits.maxBytes) return this.stop(`byte limit (${this.limits.maxBytes})`);
      this.packets++;
      this.bytes += r.frame.length;
      this.emit('packet', { ...r, ...segment });
    }
  }

  /** The link type of the frames (1: Ethernet, as Linux's lo), once the pcap header came. */
  get linkType(): number | undefined {
    return this.#reader.linkType;
  }

  /** Ends the capture now: tcpdump is killed. */
  stop(reason = 'stopped'): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    this.#finish(reason);
  }

  #finish(reason: string): void {
    if (this.ended) return;
    this.ended = reason;
    clearTimeout(this.#timer);
    this.emit('end', reason);
  }
}

/** What tcpdump's exit before listening means, with the fix. */
function permissionText(stderr: string, code: number | null): string {
  const first = stderr.split('\n').find((l) => l.trim() && !/^tcpdump: verbose output suppressed/.test(l))?.trim() ?? `exit code ${code}`;
  if (/permission|not permitted/i.test(stderr)) {
    const uid = process.getuid?.() ?? '?';
    return `tcpdump may not capture on lo (${first}): the gateway runs as uid ${uid} without CAP_NET_RAW. Run it as root, or give tcpdump the capability: setcap cap_net_raw,cap_net_admin=eip ${tcpdumpPath()}`;
  }
  return `tcpdump failed before listening: ${first}`;
}
