/**
 * `WorkKeeper` (issue 12, defect 6, lost work): a ReactiveController of the workspace that warns
 * before a reload would close live sockets (beforeunload), keeps every socket's settings and log
 * in IndexedDB (bounded, `model/saved-work.ts`) and restores them after a reload as sockets to
 * reopen, and counts the sessions a lost gateway connection closed so they can all be reopened.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RelayOptions } from '../lib/relay.js';
import { msg, str } from './i18n.js';
import type { RelaySession } from './model/relay-session.js';
import { loadWork, logLines, saveWork, type SavedSocket } from './model/saved-work.js';
import type { Session } from './model/session.js';
import type { OpenRequest } from './new-socket-dialog.js';

/** What the keeper needs from the workspace. */
export interface WorkHost {
  sessions(): readonly Session[];
  relays(): readonly RelaySession[];
  open(request: OpenRequest): Session | undefined;
  openRelay(options: RelayOptions, replacing?: RelaySession): RelaySession | undefined;
  reopen(session: Session): void;
}

/** How often the workspace is saved while something changed, ms (a busy socket must not make the page copy its log often). */
const SAVE_EVERY_MS = 2000;
const LOST_CODES = new Set(['CONNECTION_LOST', 'SHUTDOWN']);
const live = (state: string) => state === 'opening' || state === 'open' || state === 'half-closed' || state === 'closing';
const lostBy = (error: unknown) => LOST_CODES.has(String((error as { sockgateCode?: string } | undefined)?.sockgateCode));

/** Keeps the workspace's work across reloads and gateway restarts. */
export class WorkKeeper implements ReactiveController {
  /** Sockets of the last visit not reopened yet. */
  restored: SavedSocket[] = [];
  #loaded = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #signature = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly work: WorkHost,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('beforeunload', this.#onBeforeUnload);
    void loadWork().then((saved) => {
      this.restored = saved;
      this.#loaded = true;
      this.host.requestUpdate();
    });
    this.#timer = setInterval(() => void this.#saveIfChanged(), SAVE_EVERY_MS);
  }

  hostDisconnected(): void {
    removeEventListener('beforeunload', this.#onBeforeUnload);
    clearInterval(this.#timer);
  }

  /** True while a reload would close something. */
  hasLive(): boolean {
    return this.work.sessions().some((s) => live(s.state)) || this.work.relays().some((r) => live(r.state));
  }

  /** Sessions and relays of this visit that a lost gateway connection (or its shutdown) closed. */
  lostCount(): number {
    return this.#lostSessions().length + this.#lostRelays().length;
  }

  /** Reopens restored socket `index`, or (−1) every restored and every lost one. */
  reopen(index: number): void {
    if (index >= 0) {
      const rec = this.restored[index];
      if (rec && this.#reopenSaved(rec)) this.restored = this.restored.filter((r) => r !== rec);
    } else {
      for (const s of this.#lostSessions()) this.work.reopen(s);
      for (const r of this.#lostRelays()) this.work.openRelay(r.options, r);
      this.restored = this.restored.filter((rec) => !this.#reopenSaved(rec));
    }
    this.host.requestUpdate();
  }

  /** Drops the restored sockets (and their saved logs). */
  forget(): void {
    this.restored = [];
    this.#signature = '';
    this.host.requestUpdate();
  }

  #lostSessions(): Session[] {
    return this.work.sessions().filter((s) => (s.state === 'closed' || s.state === 'failed') && s.options && lostBy(s.error));
  }

  #lostRelays(): RelaySession[] {
    return this.work.relays().filter((r) => (r.state === 'closed' || r.state === 'failed') && lostBy(r.error));
  }

  /** Opens `rec` again and puts its saved lines in front of the new log; false when not connected. */
  #reopenSaved(rec: SavedSocket): boolean {
    const target = rec.kind === 'relay' ? this.work.openRelay(rec.options as RelayOptions) : this.work.open({ kind: rec.kind, options: rec.options } as OpenRequest);
    if (!target) return false;
    const log = target.log;
    const fresh = log.entries.map(({ n: _, ...e }) => e);
    log.clear();
    for (const line of rec.lines) log.add({ ...line });
    const detail = rec.dropped
      ? msg(str`${rec.lines.length} lines restored from before the reload; ${rec.dropped} older lines were not kept.`, { id: 'lost.restoredDropped' })
      : msg(str`${rec.lines.length} lines restored from before the reload.`, { id: 'lost.restored' });
    log.event('info', { detail });
    for (const e of fresh) log.add(e);
    return true;
  }

  #onBeforeUnload = (event: BeforeUnloadEvent): void => {
    void this.#saveIfChanged();
    if (!this.hasLive()) return;
    event.preventDefault();
    event.returnValue = '';
  };

  #snapshot(): SavedSocket[] {
    const out: SavedSocket[] = [...this.restored];
    for (const s of this.work.sessions()) if (s.options) out.push({ kind: s.kind as SavedSocket['kind'], title: s.title || s.remote, options: s.options, ...logLines(s.log) });
    for (const r of this.work.relays()) out.push({ kind: 'relay', title: r.title, options: r.options, ...logLines(r.log) });
    return out;
  }

  async #saveIfChanged(): Promise<void> {
    if (!this.#loaded) return;
    const all = [...this.work.sessions(), ...this.work.relays()];
    const signature = `${this.restored.length};${all.map((s) => `${s.id}:${s.log.version}:${s.state}`).join(',')}`;
    if (signature === this.#signature) return;
    this.#signature = signature;
    await saveWork(this.#snapshot()).catch(() => undefined);
  }
}
