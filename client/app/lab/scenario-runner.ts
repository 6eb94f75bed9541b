/**
 * Runs the sticky-packet lab over a {@link LabConnection}: applies the knobs, writes messages the
 * way the knobs say (cork, sleep between writes, framing), and runs a guided scenario to its last
 * read. It awaits the reads the receiving side records, each wait bounded, instead of polling.
 */
import { msg } from '../i18n.js';
import { receiveModeOf } from '../receiver-settings.js';
import type { Knobs } from './knobs.js';
import type { LabConnection, LabSide } from './lab-connection.js';
import type { Scenario, ScenarioMessage } from './scenarios.js';
import { frameForWire, LAB_FRAMINGS } from './stream-model.js';

/** How long a run waits, ms: for the sent bytes to reach a manual reader, and for the last read. */
export interface RunBounds {
  arriveMs: number;
  readMs: number;
}

/** The bounds the page runs with. */
export const RUN_BOUNDS: Readonly<RunBounds> = { arriveMs: 3000, readMs: 5000 };

/** Pause between two re-asks of the gateway for the bytes it holds (see {@link untilHeld}). */
const HELD_RECHECK_MS = 20;

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The receiver knobs onto `side`: n is the size of every read, a manual recv(n) and each delayed read (`sleep(T); recv(n)`). */
export async function applyReceiver(side: LabSide, k: Knobs): Promise<void> {
  await side.setReceiver(receiveModeOf(k));
}

/** Nagle on the side that writes and the receiver knobs on the side that reads, for `k.direction`. */
export async function applyKnobs(conn: LabConnection, k: Knobs): Promise<void> {
  await conn.sender(k.direction).setSender({ noDelay: k.noDelay });
  await applyReceiver(conn.receiver(k.direction), k);
}

/** Writes `messages` on `sender`, one write each, with the knobs' cork, sleep between writes and framing. */
export async function sendMessages(sender: LabSide, messages: readonly ScenarioMessage[], k: Knobs): Promise<void> {
  const framing = LAB_FRAMINGS[k.sendFraming];
  if (k.cork > 0) await sender.setSender({ corkWrites: k.cork });
  const pending: Promise<void>[] = [];
  for (const [i, m] of messages.entries()) {
    if (i > 0 && k.writeDelayMs > 0) {
      await Promise.all(pending);
      // The course's time.sleep() between two send() calls: the delay is the knob, not a wait.
      await sleep(k.writeDelayMs);
    }
    const payload = encoder.encode(m.text);
    const { bytes, headerBytes } = frameForWire(payload, framing, m.header);
    pending.push(sender.write({ payload, bytes, headerBytes, label: m.label }));
  }
  await Promise.all(pending);
}

/**
 * Manual mode: waits until the gateway holds `bytes` for the reader (false after `timeoutMs`).
 * In manual mode nothing is delivered, so there is no read to await; the gateway's answer to
 * `recv(0)` is the only word on what arrived, and this asks again until it says enough.
 */
export async function untilHeld(side: LabSide, bytes: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if ((await side.held()) >= bytes) return true;
    if (Date.now() + HELD_RECHECK_MS > end || side.status !== 'open') return false;
    await sleep(HELD_RECHECK_MS);
  }
}

/**
 * Runs scenario `s` on a fresh `conn` with its knobs `k` (see `knobsFor`): writes its messages,
 * pulls manual `recv(n)`s until everything written was read, and resolves once the receiver has
 * recorded every byte. Throws the lab's timeout message when a bound passes first. `current()`
 * turning false (a newer run took over) stops the manual reads.
 */
export async function runScenario(conn: LabConnection, s: Scenario, k: Knobs, current: () => boolean = () => true, bounds: RunBounds = RUN_BOUNDS): Promise<void> {
  const sender = conn.sender(k.direction);
  const receiver = conn.receiver(k.direction);
  await applyKnobs(conn, k);
  await sendMessages(sender, s.messages, k);
  if (k.manual) {
    // Read only once every byte has arrived, as a program that calls recv() a moment later:
    // then each recv(n) returns exactly n bytes and the run shows the same reads every time.
    await untilHeld(receiver, sender.writtenBytes, bounds.arriveMs);
    while (receiver.readBytes < sender.writtenBytes && current() && receiver.status === 'open') {
      if ((await receiver.recv(k.recvN)) === 0) break;
    }
  }
  if (!(await receiver.untilRead(sender.writtenBytes, bounds.readMs))) throw new Error(msg('Timed out waiting for the reads.', { id: 'lab.err.timeout' }));
}
