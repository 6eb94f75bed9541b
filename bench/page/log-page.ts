/**
 * The bench's minimal page: the browser socket library (client/lib) and a log that shows one
 * line per received chunk (time, direction, byte count, hex preview), rendered once per
 * animation frame and capped at the newest 200 lines (a screenful and some: what a
 * virtualised log keeps in the DOM). `window.runStep(rate, ms)` asks the
 * peer's ticker for `rate` messages a second and reports chunks received and frame timing;
 * with `render` false the chunks are read but not logged (the library's share of the cost).
 */
import { SocketGateway } from '../../client/lib/index.js';

const q = new URLSearchParams(location.search);
const gatewayUrl = q.get('gateway')!;
const token = q.get('token')!;
const tickerPort = Number(q.get('ticker'));
const MAX_LINES = 200;

const log = document.getElementById('log')!;
let pending: string[] = [];
let frameTimes: number[] = [];
let recording = false;

const hex = (b: Uint8Array) => Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ');

function onFrame(t: number): void {
  if (recording) frameTimes.push(t);
  if (pending.length > 0) {
    const lines = pending.length > MAX_LINES ? pending.slice(-MAX_LINES) : pending;
    pending = [];
    const frag = document.createDocumentFragment();
    for (const text of lines) {
      const div = document.createElement('div');
      div.textContent = text;
      frag.appendChild(div);
    }
    log.appendChild(frag);
    let extra = log.childElementCount - MAX_LINES;
    while (extra-- > 0) log.firstElementChild!.remove();
  }
  requestAnimationFrame(onFrame);
}
requestAnimationFrame(onFrame);

const gateway = await SocketGateway.connect(gatewayUrl, { token });

/** One step of the ramp: `rate` messages/s for `ms`; returns what the page saw. */
async function runStep(rate: number, ms: number, render = true) {
  const sock = new gateway.TCPSocket('127.0.0.1', tickerPort, { noDelay: true });
  const { readable, writable } = await sock.opened;
  const writer = writable.getWriter();
  const reader = (readable as ReadableStream<Uint8Array>).getReader();
  let chunks = 0;
  let bytes = 0;
  frameTimes = [];
  recording = true;
  const t0 = performance.now();
  await writer.write(new TextEncoder().encode(`${rate} ${ms}\n`));
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      chunks++;
      bytes += value.byteLength;
      if (render) pending.push(`${new Date().toISOString().slice(11, 23)}  ←  ${value.byteLength} B  ${hex(value)}`);
    }
  })().catch(() => {});
  await new Promise((r) => setTimeout(r, ms + 150));
  recording = false;
  const secs = (performance.now() - t0) / 1000;
  reader.cancel().catch(() => {});
  await sock.close().catch(() => {});
  await reading;
  const gaps = frameTimes.slice(1).map((t, i) => t - frameTimes[i]!);
  gaps.sort((a, b) => a - b);
  return {
    rate,
    chunks,
    bytes,
    chunksPerSec: chunks / secs,
    frames: gaps.length,
    // A frame that took over 1.5 refresh intervals (60 Hz) is a dropped frame.
    droppedFrames: gaps.filter((g) => g > 25).length,
    worstFrameMs: gaps.at(-1) ?? 0,
    medianFrameMs: gaps[gaps.length >> 1] ?? 0,
  };
}

(window as unknown as { runStep: typeof runStep; ready: boolean }).runStep = runStep;
(window as unknown as { ready: boolean }).ready = true;
