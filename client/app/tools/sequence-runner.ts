/**
 * Runs a {@link Sequence} over one socket: send steps (macros and the socket's checksum applied),
 * waits, and "wait for" steps that look at every message received since the previous one matched,
 * so a reply that arrives before its step starts is not missed. Stoppable; one run per socket.
 */
import { parseEscapes } from '../../../shared/encoding/index.js';
import type { Sequence } from '../../../shared/tools/lab-pack.js';
import { expandTemplate } from '../../../shared/tools/macros.js';
import { compileMatch } from '../../../shared/tools/match.js';
import type { SendTarget } from '../model/send-job.js';
import type { SocketSession } from '../model/socket-session.js';
import type { SessionTools } from './session-tools.js';

/** Where a run is. */
export interface SequenceProgress {
  state: 'running' | 'done' | 'failed' | 'stopped';
  /** The step under way or the one that failed (0-based). */
  step: number;
  error?: string;
}

/** Messages a run keeps while no step waits for them. */
const MAX_QUEUED = 1000;

/** One run of a sequence. */
export class SequenceRun {
  progress: SequenceProgress = { state: 'running', step: 0 };
  readonly done: Promise<SequenceProgress>;
  #abort = new AbortController();

  /** Starts at once; `onProgress` hears every step. `target` is where sends go (a UDP peer, all clients…). */
  constructor(
    readonly sequence: Sequence,
    session: SocketSession,
    tools: SessionTools,
    target: SendTarget,
    onProgress: (p: SequenceProgress) => void,
  ) {
    this.done = this.#run(session, tools, target, onProgress);
  }

  /** Stops between steps (a wait ends at once). */
  stop(): void {
    this.#abort.abort();
  }

  async #run(session: SocketSession, tools: SessionTools, target: SendTarget, onProgress: (p: SequenceProgress) => void): Promise<SequenceProgress> {
    const queue: Uint8Array[] = [];
    let wake: (() => void) | undefined;
    const listen = (data: Uint8Array) => {
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push(data);
      wake?.();
    };
    const signal = this.#abort.signal;
    session.inbound.add(listen);
    const report = (p: SequenceProgress) => {
      this.progress = p;
      onProgress(p);
      return p;
    };
    try {
      const steps = this.sequence.steps;
      for (let i = 0; i < steps.length; i++) {
        if (signal.aborted) return report({ state: 'stopped', step: i });
        report({ state: 'running', step: i });
        const step = steps[i]!;
        if (step.kind === 'send') {
          const body = expandTemplate(step.text, step.mode, tools.nextContext(), (t) => parseEscapes(t, tools.encoding));
          await session.sendDirect(tools.outbound(body), target);
        } else if (step.kind === 'wait') {
          await pause(step.ms, signal);
        } else {
          const matcher = compileMatch({ kind: step.match, pattern: step.pattern }, tools.encoding);
          const deadline = Date.now() + step.timeoutMs;
          let matched = false;
          while (!matched && !signal.aborted) {
            while (queue.length && !matched) matched = matcher(queue.shift()!) !== undefined;
            if (matched) break;
            const left = deadline - Date.now();
            if (left <= 0) return report({ state: 'failed', step: i, error: `no message matched ${step.match} "${step.pattern}" within ${step.timeoutMs} ms` });
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, left);
              wake = () => (clearTimeout(timer), resolve());
              signal.addEventListener('abort', wake, { once: true });
            });
            wake = undefined;
          }
        }
      }
      return report(signal.aborted ? { state: 'stopped', step: steps.length } : { state: 'done', step: steps.length });
    } catch (error) {
      return report({ state: 'failed', step: this.progress.step, error: (error as Error)?.message ?? String(error) });
    } finally {
      session.inbound.delete(listen);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      resolve();
    }
  });
}
