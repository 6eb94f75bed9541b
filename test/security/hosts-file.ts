import fs from 'node:fs';

const HOSTS = '/etc/hosts';

/**
 * Adds `lines` ("ADDRESS NAME") to the real /etc/hosts for the duration of `fn`, then puts the
 * file back exactly as it was, even when `fn` throws. Root only. Names must be ones no other
 * test uses (they are resolved by the system resolver only while the entries exist).
 */
export async function withHostsEntries<T>(lines: string[], fn: () => Promise<T>): Promise<T> {
  const original = fs.readFileSync(HOSTS, 'utf8');
  const marker = '# sockgate security test entries (removed when the test ends)';
  fs.writeFileSync(HOSTS, `${original}${original.endsWith('\n') ? '' : '\n'}${marker}\n${lines.join('\n')}\n`);
  try {
    return await fn();
  } finally {
    fs.writeFileSync(HOSTS, original);
  }
}
