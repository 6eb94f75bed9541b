import fs from 'node:fs/promises';
import type { TcpTableEntry } from './tcp-states.js';

/** The inodes of every socket this process holds open (from /proc/self/fd), empty where /proc is absent. */
export async function ownedSocketInodes(): Promise<Set<number>> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = await fs.readdir('/proc/self/fd');
  } catch {
    return inodes;
  }
  await Promise.all(
    fds.map(async (fd) => {
      const link = await fs.readlink(`/proc/self/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(Number(m[1]));
    }),
  );
  return inodes;
}

/** How long a pair stays known after its socket was last seen held (longer than TIME_WAIT's 60 s). */
const REMEMBER_MS = 120_000;
/** Most pairs remembered; the oldest are forgotten first. */
const MAX_REMEMBERED = 4096;

/**
 * The TCP pairs whose state the gateway may tell: those of sockets this process holds (its
 * pages', its websockify streams', its lab services'), remembered for a while after they close
 * so TIME_WAIT stays visible. Anything else would make `/api/tcp-states` a scanner of every
 * other program's connections on the host.
 */
export class OwnedPairs {
  private readonly seen = new Map<string, number>();

  /** Key of an entry or query: `LOCAL REMOTE`, or `LOCAL LISTEN` for a listener. */
  static key(local: string, remote?: string): string {
    return remote ? `${local} ${remote}` : `${local} LISTEN`;
  }

  /** Records the entries of `table` held by one of `inodes`. */
  learn(table: readonly TcpTableEntry[], inodes: ReadonlySet<number>): void {
    const now = Date.now();
    for (const e of table) {
      if (!e.inode || !inodes.has(e.inode)) continue;
      const key = e.state === 'LISTEN' ? OwnedPairs.key(e.local) : OwnedPairs.key(e.local, e.remote);
      this.seen.delete(key);
      this.seen.set(key, now + REMEMBER_MS);
    }
    for (const [key, until] of this.seen) {
      if (this.seen.size <= MAX_REMEMBERED && until > now) break;
      this.seen.delete(key);
    }
  }

  /** True when the pair is (or recently was) held by this process. */
  has(local: string, remote?: string): boolean {
    const until = this.seen.get(OwnedPairs.key(local, remote));
    return until !== undefined && until > Date.now();
  }
}
