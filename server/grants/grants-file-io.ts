/** Reading and atomically rewriting the grants file (shared by the gateway and `sockgate grant`). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_GRANTS_FILE_BYTES, parseGrantsFile, serializeGrantsFile, type GrantsFile, type GrantsParse } from './grants-file.js';

/** Reads and parses the file; a missing, unreadable or oversized file is a reason, not a throw. */
export async function readGrantsFile(file: string): Promise<GrantsParse> {
  let text: string;
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_GRANTS_FILE_BYTES) return { ok: false, reason: `the file is over ${MAX_GRANTS_FILE_BYTES} bytes` };
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    return { ok: false, reason: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  return parseGrantsFile(text);
}

/**
 * Writes the file as a whole: a temporary file in the same directory, then rename, so a reader
 * (the gateway's reload) sees the old file or the new one, never half of one. Mode 0600: the
 * hashes are not secrets, but who is in the class is nobody else's business.
 */
export async function writeGrantsFile(file: string, grants: GrantsFile): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.promises.writeFile(temp, serializeGrantsFile(grants), { mode: 0o600, flag: 'wx' });
    await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}

/** A file that is not there yet reads as no grants (what `grant add` starts from). */
export async function readOrEmpty(file: string): Promise<GrantsParse> {
  try {
    await fs.promises.access(file);
  } catch {
    return { ok: true, file: { grantsMayWiden: false, grants: [] } };
  }
  return readGrantsFile(file);
}
