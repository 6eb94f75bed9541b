/**
 * Coalesces many "something changed" calls into one callback per animation frame (or per 50 ms
 * when the tab is hidden and frames stop, so models still settle for tests and background tabs).
 */
export class FrameBatcher {
  #pending = false;
  #run: () => void;

  constructor(run: () => void) {
    this.#run = run;
  }

  /** Runs the callback once, at the next frame. */
  schedule(): void {
    if (this.#pending) return;
    this.#pending = true;
    const fire = () => {
      if (!this.#pending) return;
      this.#pending = false;
      this.#run();
    };
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(fire);
    else setTimeout(fire, 50);
  }
}
