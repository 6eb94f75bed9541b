/**
 * The grants in force: loaded from `--grants FILE`, reloaded when it changes (a broken edit is
 * refused with an audit line and the old grants kept), matched against presented tokens, and
 * ended (revoked, expired, changed, removed) with every listener told so pages can be closed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Limits } from '../config.js';
import type { PolicyScope, TargetPolicy, GrantDirection, PolicyRule } from '../target-policy.js';
import type { GrantAdmin, GrantSummary, PageGrant } from './grant-admin.js';
import { GrantQuota } from './grant-quota.js';
import { parseGrantRule, pinnedTarget, splitHash, tokenMatches, type GrantRecord, type GrantsFile } from './grants-file.js';
import { readGrantsFile, writeGrantsFile } from './grants-file-io.js';

/** A grant that admits pages now: its record, the narrowed policy and limits pages get. */
export interface LiveGrant {
  readonly record: GrantRecord;
  readonly page: PageGrant;
  readonly policy: TargetPolicy;
  readonly limits: Limits;
  /** What all the grant's pages share: the socket total and the byte-rate bucket. */
  readonly quota: GrantQuota;
  /** The pinned /websockify target, if the grant has one. */
  readonly websockifyTarget?: { host: string; port: number };
}

/** Why a grant stopped admitting: what its pages are told (the WebSocket close reason). */
export type GrantEnd = { grant: PageGrant; reason: string };

/** The store's own view of a live grant: the token's salt and hash, and the widening it was built with. */
type Internal = LiveGrant & { salt: Buffer; hash: Buffer; mayWiden: boolean };

type Audit = (event: string, fields: Record<string, string | number | undefined>) => void;

/** How often expiry is checked: a grant's pages are cut within this (and the close) of its time. */
const EXPIRY_TICK_MS = 200;
/** The stat poll behind fs.watch (which misses edits on some file systems and in some editors). */
const POLL_MS = 1000;

/** The grants store behind `gateway.grants`. */
export class GrantStore implements GrantAdmin {
  private file: GrantsFile = { grantsMayWiden: false, grants: [] };
  private live = new Map<string, Internal>();
  private readonly ended = new Set<string>();
  private readonly listeners: ((end: GrantEnd) => void)[] = [];
  private watcher: fs.FSWatcher | undefined;
  private timers: NodeJS.Timeout[] = [];
  private lastStat = '';
  private reloading: Promise<void> | undefined;
  private again = false;

  private constructor(
    readonly path: string,
    private readonly policy: TargetPolicy,
    private readonly limits: Limits,
    private readonly audit: Audit,
  ) {}

  /** Loads the file (it must be valid at start) and starts watching it. */
  static async open(file: string, policy: TargetPolicy, limits: Limits, audit: Audit): Promise<GrantStore> {
    const store = new GrantStore(path.resolve(file), policy, limits, audit);
    const first = await readGrantsFile(store.path);
    if (!first.ok) throw new Error(`grants file ${file}: ${first.reason}`);
    store.lastStat = store.statKey();
    store.apply(first.file);
    store.watch();
    return store;
  }

  /** Called with each grant that stops admitting. */
  onEnded(listener: (end: GrantEnd) => void): void {
    this.listeners.push(listener);
  }

  /**
   * The live grant whose token this is. Every live grant is tried (no early exit), so the time
   * taken says nothing about which grant, if any, matched.
   */
  match(token: string): LiveGrant | undefined {
    let found: LiveGrant | undefined;
    const now = Date.now();
    for (const g of this.live.values()) {
      if (tokenMatches(token, g.salt, g.hash) && !found && !(g.record.expires !== undefined && g.record.expires <= now)) found = g;
    }
    return found;
  }

  list(): GrantSummary[] {
    const now = Date.now();
    return this.file.grants.map((g) => ({
      id: g.id,
      name: g.name,
      ...(g.expires !== undefined && { expires: g.expires }),
      rules: [...g.allow],
      revoked: g.revoked || (g.expires !== undefined && g.expires <= now),
    }));
  }

  async revoke(id: string): Promise<boolean> {
    // From the file as it is now: an edit made since the last reload is kept, not overwritten.
    const current = await readGrantsFile(this.path);
    const file = current.ok ? current.file : this.file;
    const grant = file.grants.find((g) => g.id === id);
    if (!grant) return false;
    if (!grant.revoked) {
      grant.revoked = true;
      await writeGrantsFile(this.path, file);
      this.lastStat = this.statKey();
      this.audit('grant-revoked', { grant: id, name: grant.name });
    }
    this.apply(file);
    return true;
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Makes `file` the grants in force and ends every live grant it no longer admits unchanged. */
  private apply(file: GrantsFile): void {
    const before = this.live;
    this.file = file;
    this.live = new Map();
    for (const record of file.grants) {
      if (record.revoked) continue;
      const old = before.get(record.id);
      if (old && old.mayWiden === file.grantsMayWiden && sameGrant(old.record, record)) {
        this.live.set(record.id, old);
        continue;
      }
      this.live.set(record.id, this.build(record, file.grantsMayWiden));
      this.ended.delete(record.id);
      if (old) this.end(old.page, changedReason(old.record, record));
    }
    for (const [id, old] of before) {
      if (this.live.has(id)) continue;
      this.ended.delete(id);
      const now = file.grants.find((g) => g.id === id);
      this.end(old.page, now?.revoked ? `grant "${old.record.name}" was revoked` : `grant "${old.record.name}" was removed from the grants file`);
    }
  }

  private build(record: GrantRecord, mayWiden: boolean): Internal {
    const where = `grant ${record.name}`;
    const rules = new Map<GrantDirection, PolicyRule[]>();
    const add = (direction: GrantDirection, rule: PolicyRule) => rules.set(direction, [...(rules.get(direction) ?? []), rule]);
    for (const text of record.allow) {
      const { direction, rule } = parseGrantRule(text, where);
      add(direction, rule);
    }
    const target = record.websockifyTarget !== undefined ? pinnedTarget(record.websockifyTarget) : undefined;
    // The pinned target is part of what the grant allows: it needs no connect rule of its own.
    if (target) add('connect', parseGrantRule(`connect:${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`, `${where} websockifyTarget`).rule);
    const scope: PolicyScope = { label: where, rules, mayWiden };
    const l = record.limits;
    const limits: Limits = {
      ...this.limits,
      socketsPerPage: Math.min(this.limits.socketsPerPage, l.sockets ?? Infinity),
      udpDatagramsPerSecond: Math.min(this.limits.udpDatagramsPerSecond, l.udpDatagramsPerSecond ?? Infinity),
      udpBytesPerSecond: Math.min(this.limits.udpBytesPerSecond, l.udpBytesPerSecond ?? Infinity),
    };
    return {
      record,
      page: Object.freeze({ id: record.id, name: record.name }),
      policy: this.policy.withScope(scope),
      limits,
      quota: new GrantQuota(record.name, l.sockets ?? Infinity, l.bytesPerSecond),
      ...(target && { websockifyTarget: target }),
      ...splitHash(record.tokenHash),
      mayWiden,
    };
  }

  private end(grant: PageGrant, reason: string): void {
    this.audit('grant-ended', { grant: grant.id, name: grant.name, why: reason });
    for (const listener of this.listeners) {
      try {
        listener({ grant, reason });
      } catch {
        // One listener failing must not keep the others from closing their pages.
      }
    }
  }

  private checkExpiry(): void {
    const now = Date.now();
    for (const g of this.live.values()) {
      if (g.record.expires === undefined || g.record.expires > now || this.ended.has(g.record.id)) continue;
      this.ended.add(g.record.id);
      this.end(g.page, `grant "${g.record.name}" expired at ${new Date(g.record.expires).toISOString()}`);
    }
  }

  private watch(): void {
    try {
      // The directory, not the file: an atomic rename replaces the file's inode, which a watch on
      // the file itself would keep following into the void.
      this.watcher = fs.watch(path.dirname(this.path), { persistent: false }, (_event, name) => {
        if (name === null || name === path.basename(this.path)) this.scheduleReload();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // The poll below still notices changes.
    }
    this.timers.push(setInterval(() => this.statKey() !== this.lastStat && this.scheduleReload(), POLL_MS).unref());
    this.timers.push(setInterval(() => this.checkExpiry(), EXPIRY_TICK_MS).unref());
  }

  private statKey(): string {
    try {
      const s = fs.statSync(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  /** One reload at a time; a change during one runs another after it. */
  private scheduleReload(): void {
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = this.reload().finally(() => {
      this.reloading = undefined;
      if (this.again) {
        this.again = false;
        this.scheduleReload();
      }
    });
  }

  private async reload(): Promise<void> {
    const key = this.statKey();
    if (key === this.lastStat) return;
    const result = await readGrantsFile(this.path);
    this.lastStat = key;
    if (!result.ok) {
      this.audit('grants-rejected', { file: this.path, why: result.reason.slice(0, 300), kept: this.live.size });
      return;
    }
    this.apply(result.file);
    this.audit('grants-reloaded', { file: this.path, grants: result.file.grants.length, live: this.live.size });
  }
}

function sameGrant(a: GrantRecord, b: GrantRecord): boolean {
  return (
    a.name === b.name &&
    a.tokenHash === b.tokenHash &&
    a.expires === b.expires &&
    a.websockifyTarget === b.websockifyTarget &&
    JSON.stringify(a.allow) === JSON.stringify(b.allow) &&
    JSON.stringify(a.limits) === JSON.stringify(b.limits)
  );
}

function changedReason(a: GrantRecord, b: GrantRecord): string {
  return a.tokenHash !== b.tokenHash ? `grant "${a.name}" got a new token` : `grant "${a.name}" was changed in the grants file: reconnect to get its new rules`;
}
