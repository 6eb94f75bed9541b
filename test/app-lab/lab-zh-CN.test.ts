/**
 * Every `msg()` of the sticky-packet lab has a Chinese template, with as many placeholders as the
 * English source has expressions, and no Chinese template is left without a source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labTemplates } from '../../client/app/locales/zh-CN-lab.js';

const dir = path.resolve('client/app/lab');
const sources = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
  .join('\n');

/** id → number of `${…}` expressions in its English source. */
const used = new Map<string, number>();
const call = /msg\(\s*((?:html|str)?(?:`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"))\s*,\s*\{\s*id:\s*'(lab\.[^']*)'/gs;
for (const m of sources.matchAll(call)) used.set(m[2]!, (m[1]!.match(/\$\{/g) ?? []).length);

/** Placeholders a template uses (`str`/`html` values are their indexes). */
function placeholders(template: unknown): number {
  if (typeof template === 'string') return 0;
  const values = (template as { values?: unknown[] }).values ?? [];
  return values.length;
}

describe('lab zh-CN templates', () => {
  it('finds the lab messages in the sources', () => {
    expect(used.size).toBeGreaterThan(60);
  });

  it('has a Chinese template for every lab message, with the same number of placeholders', () => {
    const missing = [...used.keys()].filter((id) => !(id in labTemplates));
    expect(missing).toEqual([]);
    const mismatched = [...used].filter(([id, n]) => placeholders(labTemplates[id]) !== n).map(([id]) => id);
    expect(mismatched).toEqual([]);
  });

  it('has no template without a message, and every id starts with lab.', () => {
    expect(Object.keys(labTemplates).filter((id) => !used.has(id))).toEqual([]);
    expect(Object.keys(labTemplates).every((id) => id.startsWith('lab.'))).toBe(true);
  });

  it('translates: every template contains Chinese text or is a technical term', () => {
    const untranslated = Object.entries(labTemplates)
      .filter(([, t]) => !/[\u4e00-\u9fff]/.test(typeof t === 'string' ? t : (((t as unknown as { strings?: readonly string[] }).strings) ?? []).join('')))
      .map(([id]) => id);
    expect(untranslated).toEqual([]);
  });
});
