/**
 * A ReactiveController that re-renders its host when an observed model (a SocketSession or a
 * LogStore, anything firing `change`) changes. Models already batch to one event per frame.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Watches one EventTarget at a time for `change`. */
export class ChangeWatcher implements ReactiveController {
  #host: ReactiveControllerHost;
  #target: EventTarget | undefined;
  #connected = false;
  #onChange: () => void;

  /**
   * `onChange` defaults to re-rendering the host; with `throttleMs`, at most one call per that
   * many ms (counters and tables need not redraw at frame rate while a socket is flooded).
   */
  constructor(host: ReactiveControllerHost, onChange?: () => void, throttleMs = 0) {
    this.#host = host;
    const run = onChange ?? (() => host.requestUpdate());
    if (throttleMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let last = 0;
      this.#onChange = () => {
        if (timer) return;
        const wait = Math.max(0, last + throttleMs - Date.now());
        timer = setTimeout(() => {
          timer = undefined;
          last = Date.now();
          run();
        }, wait);
      };
    } else {
      this.#onChange = run;
    }
    host.addController(this);
  }

  /** Starts watching `target` (stops watching the previous one). */
  watch(target: EventTarget | undefined): void {
    if (target === this.#target) return;
    if (this.#connected) this.#target?.removeEventListener('change', this.#onChange);
    this.#target = target;
    if (this.#connected) this.#target?.addEventListener('change', this.#onChange);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#target?.addEventListener('change', this.#onChange);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#target?.removeEventListener('change', this.#onChange);
  }
}
