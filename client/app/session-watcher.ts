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

  constructor(host: ReactiveControllerHost, onChange?: () => void) {
    this.#host = host;
    this.#onChange = onChange ?? (() => host.requestUpdate());
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
