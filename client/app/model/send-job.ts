/**
 * The composer's send jobs: one payload sent once, N times with a pause between, or N copies in
 * one write — stoppable at any point. The session supplies the single send; this module only
 * decides how often and when.
 */

/** Where a send goes. */
export type SendTarget =
  | { kind: 'self' }
  | { kind: 'all' }
  | { kind: 'client'; id: number }
  | { kind: 'udp'; host: string; port: number };

/** A send the composer asks for. */
export interface SendJob {
  payload: Uint8Array;
  /** How many times (≥ 1; Infinity: until stopped). */
  repeat: number;
  /** Pause between repeats, ms (separate writes only). */
  intervalMs: number;
  /** All repeats in one write (TCP) instead of one write each. */
  oneWrite: boolean;
  target: SendTarget;
  /** The bytes of repeats after the first, when they differ (send macros such as `{{counter}}`). */
  next?: () => Uint8Array;
}

/** Sends `bytes` once to `target`; rejects when it cannot. */
export type SendOnce = (bytes: Uint8Array, target: SendTarget) => Promise<void>;

/** Runs one send job at a time for a session. */
export class SendJobRunner {
  /** True while a repeated send runs. */
  sending = false;
  #job: AbortController | undefined;
  readonly #changed: () => void;
  readonly #failed: (error: unknown) => void;

  /** `changed` is told when `sending` flips; `failed` gets a send's error unless the job was stopped. */
  constructor(changed: () => void, failed: (error: unknown) => void) {
    this.#changed = changed;
    this.#failed = failed;
  }

  /** Runs `job` through `sendOnce`; resolves when it is done or stopped. Ignored while a repeated job runs. */
  async run(job: SendJob, sendOnce: SendOnce): Promise<void> {
    if (this.sending) return;
    const controller = new AbortController();
    this.#job = controller;
    this.sending = job.repeat > 1;
    this.#changed();
    try {
      if (job.oneWrite && job.repeat > 1 && Number.isFinite(job.repeat)) {
        await sendOnce(repeatBytes(job.payload, job.repeat), job.target);
      } else {
        for (let i = 0; i < job.repeat && !controller.signal.aborted; i++) {
          if (i > 0 && job.intervalMs > 0) await sleep(job.intervalMs, controller.signal);
          if (controller.signal.aborted) break;
          await sendOnce(i > 0 && job.next ? job.next() : job.payload, job.target);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) this.#failed(error);
    } finally {
      if (this.#job === controller) this.#job = undefined;
      this.sending = false;
      this.#changed();
    }
  }

  /** Stops the running job (between writes; a write under way completes). */
  stop(): void {
    this.#job?.abort();
  }
}

/** `times` copies of `bytes` back to back. */
export function repeatBytes(bytes: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(bytes.byteLength * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.byteLength);
  return out;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
