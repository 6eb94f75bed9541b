/**
 * `sockgate grant add` as the teacher runs it (in process, a real file): the link on the last
 * line, the limit flags in the file (`--bytes-rate` among them), and `--count N --prefix P` as a
 * CSV of links whose tokens each match their own grant.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGrantCommand } from '../../../server/grants/grant-cli.js';
import { parseGrantsFile, splitHash, tokenMatches } from '../../../server/grants/grants-file.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-grant-cli-'));
  dirs.push(dir);
  return path.join(dir, 'grants.json');
};
const read = (file: string) => {
  const r = parseGrantsFile(fs.readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.reason);
  return r.file;
};

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('sockgate grant add', () => {
  it('prints the link on its last line and writes the limits, --bytes-rate included', async () => {
    const file = tempFile();
    const out = await runGrantCommand(['add', '--grants', file, '--name', 'alice', '--allow', 'connect:10.0.0.5:8000-8100', '--expires', '3h', '--max-sockets', '4', '--bytes-rate', '50000', '--udp-rate', '20', '--url', 'https://lab.example.edu']);
    const link = new URL(out.trimEnd().split('\n').at(-1)!);
    expect(link.origin).toBe('https://lab.example.edu');
    const token = link.searchParams.get('token')!;
    const [g] = read(file).grants;
    expect(g).toMatchObject({ name: 'alice', allow: ['connect:10.0.0.5:8000-8100'], limits: { sockets: 4, bytesPerSecond: 50000, udpDatagramsPerSecond: 20 } });
    const { salt, hash } = splitHash(g!.tokenHash);
    expect(tokenMatches(token, salt, hash)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(token);
    await expect(runGrantCommand(['add', '--grants', file, '--name', 'bob', '--bytes-rate', 'fast'])).rejects.toThrow(/--bytes-rate expects an integer/);
  });

  it('--count 40 --prefix student prints a CSV of 40 links, each token its own grant', async () => {
    const file = tempFile();
    const out = await runGrantCommand(['add', '--grants', file, '--count', '40', '--prefix', 'student', '--allow', 'udp-send:10.0.0.255:9999', '--url', 'http://lab:8750']);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('name,link');
    expect(lines).toHaveLength(41);
    const grants = read(file).grants;
    expect(grants.map((g) => g.name)).toEqual(Array.from({ length: 40 }, (_, i) => `student${String(i + 1).padStart(2, '0')}`));
    for (const [i, line] of lines.slice(1).entries()) {
      const [name, link] = line.split(',');
      expect(name).toBe(grants[i]!.name);
      const token = new URL(link!).searchParams.get('token')!;
      const { salt, hash } = splitHash(grants[i]!.tokenHash);
      expect(tokenMatches(token, salt, hash)).toBe(true);
    }
  });
});
