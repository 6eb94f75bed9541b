/**
 * `<sequence-panel>`: write, save and run sequences on one socket. A sequence is edited as text,
 * one step a line (`send`, `hex`, `wait`, `expect`), saved in localStorage and run over this
 * socket; the panel shows the step under way and why a run failed.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Sequence } from '../../../shared/tools/lab-pack.js';
import { parseSequenceText, sequenceToText } from '../../../shared/tools/sequence-text.js';
import { localized, msg, str } from '../i18n.js';
import type { SendTarget } from '../model/send-job.js';
import type { Session } from '../model/session.js';
import { controls } from '../theme.js';
import { macroHelp } from './macro-help.js';
import { SequenceRun, type SequenceProgress } from './sequence-runner.js';
import { toolsOf } from './session-tools.js';
import { loadSequences, saveSequences, upsert } from './tools-store.js';
import { panelStyles } from './tools-styles.js';

const EXAMPLE = 'send HELLO {{counter}}\\n\nexpect prefix 2000 HELLO\nwait 100\nsend BYE\\n';
const runs = new WeakMap<object, SequenceRun>();

/** Sequences on one socket. */
@customElement('sequence-panel')
@localized()
export class SequencePanel extends LitElement {
  static override styles = [controls, panelStyles];

  /** The socket sequences run on. */
  @property({ attribute: false }) session: Session | undefined;
  @state() private name = '';
  @state() private text = EXAMPLE;
  @state() private error = '';
  @state() private sequences: Sequence[] = loadSequences();
  @state() private progress: SequenceProgress | undefined;
  @state() private udpHost = '127.0.0.1';
  @state() private udpPort = 9000;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('session')) this.progress = this.session ? runs.get(this.session)?.progress : undefined;
  }

  #parse(): Sequence | undefined {
    try {
      const seq = parseSequenceText(this.name.trim() || msg('unnamed', { id: 'tools.seq.unnamed' }), this.text);
      this.error = '';
      return seq;
    } catch (error) {
      this.error = (error as Error).message;
      return undefined;
    }
  }

  #save(): void {
    const seq = this.#parse();
    if (!seq) return;
    this.sequences = upsert(this.sequences, seq);
    saveSequences(this.sequences);
    this.name = seq.name;
  }

  #target(s: Session): SendTarget {
    if (s.kind === 'server') return { kind: 'all' };
    if (s.kind === 'udp') return { kind: 'udp', host: this.udpHost.trim(), port: Number(this.udpPort) };
    return { kind: 'self' };
  }

  #run(): void {
    const s = this.session;
    const seq = this.#parse();
    if (!s || !seq) return;
    const run = new SequenceRun(seq, s, toolsOf(s), this.#target(s), (p) => {
      if (this.session === s) this.progress = { ...p };
    });
    runs.set(s, run);
    this.progress = run.progress;
    s.log.event('info', { detail: `sequence "${seq.name}" started` });
    void run.done.then((p) => s.log.event('info', { detail: `sequence "${seq.name}" ${p.state}${p.error ? `: ${p.error}` : ''}` }));
  }

  #status(p: SequenceProgress, total: number) {
    const step = Math.min(p.step + 1, total);
    switch (p.state) {
      case 'running':
        return msg(str`Running step ${step} of ${total}…`, { id: 'tools.seq.running' });
      case 'done':
        return msg(str`Done: all ${total} steps.`, { id: 'tools.seq.done' });
      case 'stopped':
        return msg('Stopped.', { id: 'tools.seq.stopped' });
      case 'failed':
        return msg(str`Step ${step} failed: ${p.error ?? ''}`, { id: 'tools.seq.failed' });
    }
  }

  override render() {
    const s = this.session;
    if (!s) return nothing;
    const run = runs.get(s);
    const running = this.progress?.state === 'running';
    return html`
      <div class="row">
        <select data-testid="sequence-pick" aria-label=${msg('Saved sequences', { id: 'tools.seq.saved' })}
          @change=${(e: Event) => { const seq = this.sequences.find((x) => x.name === (e.target as HTMLSelectElement).value); if (seq) { this.name = seq.name; this.text = sequenceToText(seq); this.error = ''; } (e.target as HTMLSelectElement).value = ''; }}>
          <option value="">${msg(str`Saved sequences (${this.sequences.length})…`, { id: 'tools.seq.menu' })}</option>
          ${this.sequences.map((x) => html`<option value=${x.name}>${x.name} (${x.steps.length})</option>`)}
        </select>
        <input data-testid="sequence-name" style="width:150px" .value=${this.name} placeholder=${msg('Sequence name', { id: 'tools.seq.name' })} aria-label=${msg('Sequence name', { id: 'tools.seq.name' })}
          @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
      </div>
      <textarea data-testid="sequence-text" rows="7" spellcheck="false" .value=${this.text} aria-label=${msg('Steps, one a line', { id: 'tools.seq.steps' })}
        @input=${(e: Event) => { this.text = (e.target as HTMLTextAreaElement).value; this.error = ''; }}></textarea>
      <p class="hint">${msg('One step a line: send TEXT · hex 01 02 · wait MS · expect exact|prefix|contains|regex|hex TIMEOUT_MS PATTERN', { id: 'tools.seq.syntax' })}</p>
      ${s.kind === 'udp'
        ? html`<div class="row"><label class="check">${msg('To', { id: 'composer.to' })}
            <input class="mono" data-testid="sequence-udp-host" style="width:130px" .value=${this.udpHost} @input=${(e: Event) => (this.udpHost = (e.target as HTMLInputElement).value)} /></label>
            <input class="mono" type="number" min="1" max="65535" data-testid="sequence-udp-port" .value=${String(this.udpPort)} aria-label=${msg('Destination port', { id: 'composer.udpPort' })}
              @input=${(e: Event) => (this.udpPort = Number((e.target as HTMLInputElement).value))} /></div>`
        : s.kind === 'server'
          ? html`<p class="hint">${msg('On a server, sends go to all clients and any client’s message can match.', { id: 'tools.seq.server' })}</p>`
          : nothing}
      <div class="row">
        <button class="small primary" data-testid="sequence-run" ?disabled=${running || !s.canSend} @click=${this.#run}>▶ ${msg('Run', { id: 'tools.seq.run' })}</button>
        ${running ? html`<button class="small danger" data-testid="sequence-stop" @click=${() => run?.stop()}>■ ${msg('Stop', { id: 'composer.stop' })}</button>` : nothing}
        <button class="small" data-testid="sequence-save" @click=${this.#save}>${msg('Save', { id: 'composer.save' })}</button>
        ${this.sequences.some((x) => x.name === this.name)
          ? html`<button class="small ghost" data-testid="sequence-delete" @click=${() => { this.sequences = this.sequences.filter((x) => x.name !== this.name); saveSequences(this.sequences); }}>${msg('Delete', { id: 'tools.seq.delete' })}</button>`
          : nothing}
      </div>
      ${this.error ? html`<div class="error-text" role="alert" data-testid="sequence-error">${this.error}</div>` : nothing}
      ${this.progress && run
        ? html`<div data-testid="sequence-status" data-state=${this.progress.state} class=${this.progress.state === 'failed' ? 'bad' : this.progress.state === 'done' ? 'ok' : ''}>${this.#status(this.progress, run.sequence.steps.length)}</div>`
        : nothing}
      ${macroHelp()}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sequence-panel': SequencePanel;
  }
}
