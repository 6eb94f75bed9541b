import fs from 'node:fs';

const HOSTS = '/etc/hosts';
const LOCK = '/etc/hosts.sockgate-test.lock';
let calls = 0;

/** Takes a cross-process lock (test files run in parallel), stealing it if a crashed run left it. */
async function lock(): Promise<() => void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(LOCK, 'wx'));
      return () => fs.rmSync(LOCK, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000 || Date.now() > deadline) fs.rmSync(LOCK, { force: true });
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * Adds `lines` ("ADDRESS NAME") to the real /etc/hosts for the duration of `fn` (root only),
 * then removes exactly those lines again, even when `fn` throws. Each line carries a tag unique
 * to this call, so concurrent users of the file never remove each other's entries. Names must
 * be ones no other test uses: they resolve through the system resolver only while present.
 * Returns `fn`'s result; `tag` lets a test check the lines are gone.
 */
export async function withHostsEntries<T>(lines: string[], fn: (tag: string) => Promise<T>): Promise<T> {
  const tag = `sockgate-test-${process.pid}-${++calls}`;
  const unlock = await lock();
  try {
    const current = fs.readFileSync(HOSTS, 'utf8');
    fs.writeFileSync(HOSTS, `${current}${current.endsWith('\n') || current === '' ? '' : '\n'}${lines.map((l) => `${l} # ${tag}`).join('\n')}\n`);
  } finally {
    unlock();
  }
  try {
    return await fn(tag);
  } finally {
    const release = await lock();
    try {
      const now = fs.readFileSync(HOSTS, 'utf8');
      fs.writeFileSync(HOSTS, now.split('\n').filter((l) => !l.endsWith(`# ${tag}`)).join('\n'));
    } finally {
      release();
    }
  }
}
