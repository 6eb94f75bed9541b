/**
 * What the tools keep in localStorage (beside the composer's snippets): saved sequences, named
 * rule sets and socket presets; and the lab pack that bundles them with the snippets.
 */
import { makeLabPack, type LabPack, type RuleSet, type Sequence, type SocketPreset } from '../../../shared/tools/lab-pack.js';
import { DEFAULT_PAYLOAD } from '../model/composer-payload.js';
import { load, save, type Snippet } from '../model/persist.js';

/** Fired on window when the stored snippets changed (an import), so open composers reload them. */
export const SNIPPETS_CHANGED = 'sockgate-snippets-changed';

const list = <T>(key: string): T[] => {
  const v = load<unknown>(key, []);
  return Array.isArray(v) ? (v as T[]) : [];
};

/** Saved sequences. */
export const loadSequences = (): Sequence[] => list<Sequence>('tools.sequences');
/** Saves the sequences. */
export const saveSequences = (s: Sequence[]): void => save('tools.sequences', s);
/** Saved rule sets. */
export const loadRuleSets = (): RuleSet[] => list<RuleSet>('tools.ruleSets');
/** Saves the rule sets. */
export const saveRuleSets = (s: RuleSet[]): void => save('tools.ruleSets', s);
/** Saved socket presets. */
export const loadPresets = (): SocketPreset[] => list<SocketPreset>('tools.presets');
/** Saves the socket presets. */
export const savePresets = (s: SocketPreset[]): void => save('tools.presets', s);

/** `items` with `item` in place of the one of the same name (or added). */
export function upsert<T extends { name: string }>(items: readonly T[], item: T): T[] {
  const i = items.findIndex((x) => x.name === item.name);
  return i < 0 ? [...items, item] : items.map((x, k) => (k === i ? item : x));
}

/** Everything stored, as a pack. */
export function exportPack(name: string): LabPack {
  return makeLabPack({ name, snippets: list<Snippet>('snippets'), presets: loadPresets(), sequences: loadSequences(), ruleSets: loadRuleSets() });
}

/** Merges a checked pack into storage (same names are replaced); returns how many of each came in. */
export function importPack(pack: LabPack): { snippets: number; presets: number; sequences: number; ruleSets: number } {
  let snippets = list<Snippet>('snippets');
  for (const s of pack.snippets) snippets = upsert(snippets, { name: s.name, text: s.text, settings: { ...DEFAULT_PAYLOAD, ...s.settings } });
  save('snippets', snippets);
  savePresets(pack.presets.reduce(upsert, loadPresets()));
  saveSequences(pack.sequences.reduce(upsert, loadSequences()));
  saveRuleSets(pack.ruleSets.reduce(upsert, loadRuleSets()));
  globalThis.dispatchEvent?.(new Event(SNIPPETS_CHANGED));
  return { snippets: pack.snippets.length, presets: pack.presets.length, sequences: pack.sequences.length, ruleSets: pack.ruleSets.length };
}
