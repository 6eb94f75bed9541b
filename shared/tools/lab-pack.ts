/**
 * A lab pack: what a teacher hands a class as one JSON file — composer snippets, socket presets
 * (where to connect or listen), sequences and auto-reply rule sets. {@link parseLabPack} never
 * throws: it answers with the pack, or with the first problem found, naming where it is
 * (`sequences[1].steps[0].ms`) and what was expected, so a hand-edited file can be fixed.
 */
import { TEXT_ENCODINGS, type TextEncodingName } from '../encoding/index.js';
import { checkRule, MAX_RULES, type AutoReplyRule } from './auto-reply.js';
import { compileMatch, MATCH_KINDS, type MatchKind } from './match.js';

/** The `format` field every pack carries. */
export const LAB_PACK_FORMAT = 'sockgate-lab-pack';
/** The version this page writes and reads. */
export const LAB_PACK_VERSION = 1;
/** Largest pack file read, in characters. */
export const MAX_PACK_CHARS = 1 << 20;
/** Items per list (snippets, presets, sequences, rule sets). */
export const MAX_ITEMS = 200;
/** Steps per sequence. */
export const MAX_STEPS = 200;
/** Longest wait or timeout of a step, ms. */
export const MAX_STEP_MS = 600_000;
const MAX_TEXT = 65_536;
const MAX_NAME = 100;

/** One step of a sequence. */
export type SequenceStep =
  | { kind: 'send'; text: string; mode: 'text' | 'hex' }
  | { kind: 'wait'; ms: number }
  | { kind: 'expect'; match: MatchKind; pattern: string; timeoutMs: number };

/** A named list of steps, run over one connection. */
export interface Sequence {
  name: string;
  steps: SequenceStep[];
}

/** A composer snippet: its settings are the composer's (only the keys it knows are kept). */
export interface PackSnippet {
  name: string;
  text: string;
  settings: {
    mode?: 'text' | 'hex';
    escapes?: boolean;
    lineEnding?: 'none' | 'lf' | 'crlf';
    encoding?: TextEncodingName;
    framing?: string;
    jsonHeader?: string;
  };
}

/** Where to connect (tcp), listen (server) or bind (udp). */
export interface SocketPreset {
  name: string;
  kind: 'tcp' | 'server' | 'udp';
  host: string;
  port: number;
}

/** A named set of auto-reply rules. */
export interface RuleSet {
  name: string;
  rules: AutoReplyRule[];
}

/** A whole pack. */
export interface LabPack {
  format: typeof LAB_PACK_FORMAT;
  version: typeof LAB_PACK_VERSION;
  name: string;
  snippets: PackSnippet[];
  presets: SocketPreset[];
  sequences: Sequence[];
  ruleSets: RuleSet[];
}

/** The answer of {@link parseLabPack}. */
export type LabPackResult = { ok: true; pack: LabPack } | { ok: false; path: string; error: string };

class Problem {
  constructor(
    readonly path: string,
    readonly error: string,
  ) {}
}

type Obj = Record<string, unknown>;
const own = (o: Obj, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

function obj(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Problem(path, 'must be an object');
  return v as Obj;
}
function list(v: unknown, path: string, max: number): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Problem(path, 'must be a list');
  if (v.length > max) throw new Problem(path, `has ${v.length} items; at most ${max}`);
  return v;
}
function text(v: unknown, path: string, max = MAX_TEXT, nonEmpty = false): string {
  if (typeof v !== 'string') throw new Problem(path, 'must be text');
  if (v.length > max) throw new Problem(path, `is longer than ${max} characters`);
  if (nonEmpty && !v.trim()) throw new Problem(path, 'must not be empty');
  return v;
}
function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Problem(path, `must be a whole number from ${min} to ${max}`);
  return v;
}
function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) throw new Problem(path, `must be one of ${options.map((o) => `"${o}"`).join(', ')}`);
  return v as T;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new Problem(path, 'must be true or false');
  return v;
}

function step(v: unknown, path: string): SequenceStep {
  const o = obj(v, path);
  const kind = oneOf(own(o, 'kind'), `${path}.kind`, ['send', 'wait', 'expect'] as const);
  if (kind === 'send') return { kind, text: text(own(o, 'text'), `${path}.text`), mode: own(o, 'mode') === undefined ? 'text' : oneOf(own(o, 'mode'), `${path}.mode`, ['text', 'hex'] as const) };
  if (kind === 'wait') return { kind, ms: int(own(o, 'ms'), `${path}.ms`, 0, MAX_STEP_MS) };
  const expect: SequenceStep = {
    kind,
    match: oneOf(own(o, 'match'), `${path}.match`, MATCH_KINDS),
    pattern: text(own(o, 'pattern'), `${path}.pattern`, 1024, true),
    timeoutMs: own(o, 'timeoutMs') === undefined ? 5000 : int(own(o, 'timeoutMs'), `${path}.timeoutMs`, 1, MAX_STEP_MS),
  };
  usable(() => compileMatch({ kind: expect.match, pattern: expect.pattern }), `${path}.pattern`);
  return expect;
}

/** Runs `check`; its error becomes the problem at `path`. */
function usable(check: () => unknown, path: string): void {
  try {
    check();
  } catch (error) {
    throw new Problem(path, error instanceof Error ? error.message : String(error));
  }
}

/** Checks one sequence (also used when the page saves one). */
export function checkSequence(v: unknown, path = 'sequence'): Sequence {
  const o = obj(v, path);
  const steps = list(own(o, 'steps'), `${path}.steps`, MAX_STEPS);
  return { name: text(own(o, 'name'), `${path}.name`, MAX_NAME, true), steps: steps.map((s, i) => step(s, `${path}.steps[${i}]`)) };
}

function rule(v: unknown, path: string): AutoReplyRule {
  const o = obj(v, path);
  const r: AutoReplyRule = {
    on: own(o, 'on') === undefined ? true : bool(own(o, 'on'), `${path}.on`),
    match: oneOf(own(o, 'match'), `${path}.match`, MATCH_KINDS),
    pattern: text(own(o, 'pattern'), `${path}.pattern`, 1024, true),
    reply: text(own(o, 'reply'), `${path}.reply`, 4096),
    replyMode: own(o, 'replyMode') === undefined ? 'text' : oneOf(own(o, 'replyMode'), `${path}.replyMode`, ['text', 'hex'] as const),
  };
  usable(() => checkRule(r, 'utf-8'), path);
  return r;
}

function snippet(v: unknown, path: string): PackSnippet {
  const o = obj(v, path);
  const s = own(o, 'settings') === undefined ? {} : obj(own(o, 'settings'), `${path}.settings`);
  const p = `${path}.settings`;
  const settings: PackSnippet['settings'] = {};
  if (own(s, 'mode') !== undefined) settings.mode = oneOf(own(s, 'mode'), `${p}.mode`, ['text', 'hex'] as const);
  if (own(s, 'escapes') !== undefined) settings.escapes = bool(own(s, 'escapes'), `${p}.escapes`);
  if (own(s, 'lineEnding') !== undefined) settings.lineEnding = oneOf(own(s, 'lineEnding'), `${p}.lineEnding`, ['none', 'lf', 'crlf'] as const);
  if (own(s, 'encoding') !== undefined) settings.encoding = oneOf(own(s, 'encoding'), `${p}.encoding`, TEXT_ENCODINGS);
  if (own(s, 'framing') !== undefined) settings.framing = text(own(s, 'framing'), `${p}.framing`, MAX_NAME);
  if (own(s, 'jsonHeader') !== undefined) settings.jsonHeader = text(own(s, 'jsonHeader'), `${p}.jsonHeader`, 4096);
  return { name: text(own(o, 'name'), `${path}.name`, MAX_NAME, true), text: text(own(o, 'text'), `${path}.text`), settings };
}

function preset(v: unknown, path: string): SocketPreset {
  const o = obj(v, path);
  const kind = oneOf(own(o, 'kind'), `${path}.kind`, ['tcp', 'server', 'udp'] as const);
  return { name: text(own(o, 'name'), `${path}.name`, MAX_NAME, true), kind, host: text(own(o, 'host'), `${path}.host`, 255, true), port: int(own(o, 'port'), `${path}.port`, kind === 'tcp' ? 1 : 0, 65535) };
}

function ruleSet(v: unknown, path: string): RuleSet {
  const o = obj(v, path);
  return { name: text(own(o, 'name'), `${path}.name`, MAX_NAME, true), rules: list(own(o, 'rules'), `${path}.rules`, MAX_RULES).map((r, i) => rule(r, `${path}.rules[${i}]`)) };
}

/** Reads a pack from its JSON text (or an already parsed value). Never throws. */
export function parseLabPack(input: unknown): LabPackResult {
  try {
    let v = input;
    if (typeof input === 'string') {
      if (input.length > MAX_PACK_CHARS) return { ok: false, path: '', error: `the file is larger than ${MAX_PACK_CHARS} characters` };
      try {
        v = JSON.parse(input);
      } catch (error) {
        return { ok: false, path: '', error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    const o = obj(v, '(pack)');
    if (own(o, 'format') !== LAB_PACK_FORMAT) throw new Problem('format', `must be "${LAB_PACK_FORMAT}" (this is not a sockgate lab pack)`);
    if (own(o, 'version') !== LAB_PACK_VERSION) throw new Problem('version', `must be ${LAB_PACK_VERSION}; this page reads version ${LAB_PACK_VERSION} packs`);
    const pack: LabPack = {
      format: LAB_PACK_FORMAT,
      version: LAB_PACK_VERSION,
      name: own(o, 'name') === undefined ? '' : text(own(o, 'name'), 'name', MAX_NAME),
      snippets: list(own(o, 'snippets'), 'snippets', MAX_ITEMS).map((s, i) => snippet(s, `snippets[${i}]`)),
      presets: list(own(o, 'presets'), 'presets', MAX_ITEMS).map((s, i) => preset(s, `presets[${i}]`)),
      sequences: list(own(o, 'sequences'), 'sequences', MAX_ITEMS).map((s, i) => checkSequence(s, `sequences[${i}]`)),
      ruleSets: list(own(o, 'ruleSets'), 'ruleSets', MAX_ITEMS).map((s, i) => ruleSet(s, `ruleSets[${i}]`)),
    };
    return { ok: true, pack };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, path: error.path, error: error.error };
    // A getter or a proxy in a value handed over directly; JSON text never gets here.
    return { ok: false, path: '', error: `unreadable pack: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** A pack of the given parts, ready for JSON.stringify. */
export function makeLabPack(parts: Partial<Omit<LabPack, 'format' | 'version'>>): LabPack {
  return { format: LAB_PACK_FORMAT, version: LAB_PACK_VERSION, name: parts.name ?? '', snippets: parts.snippets ?? [], presets: parts.presets ?? [], sequences: parts.sequences ?? [], ruleSets: parts.ruleSets ?? [] };
}
