/**
 * Issue 12, defect 8: every `msg()` id of the page (client/app, admin page aside) has a zh-CN
 * template, and the Chinese tables hold no id the page no longer uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { templates } from '../../client/app/locales/zh-CN.js';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

test('the page and its Chinese table have the same msg() ids', () => {
  const used = new Set<string>();
  for (const file of sources('client/app')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/\{\s*id:\s*'([^']+)'\s*\}/g)) used.add(m[1]!);
  const zh = new Set(Object.keys(templates));
  expect([...used].filter((id) => !zh.has(id)), 'ids without a Chinese template').toEqual([]);
  expect([...zh].filter((id) => !used.has(id)), 'Chinese templates no msg() uses').toEqual([]);
  expect(used.size).toBeGreaterThan(400);
});
