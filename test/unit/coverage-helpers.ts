import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { ParsedRuleFile } from '../../src/rules/types';

// Shared by the coverage unit tests: a checker for Navigator layer format 4.5 (from
// mitre-attack/attack-navigator layers/spec/v4.5/layerformat.md) and independent counters.

const LAYER_FIELDS = new Set([
  'versions', 'name', 'description', 'domain', 'customDataURL', 'filters', 'sorting', 'layout', 'hideDisabled', 'techniques', 'gradient',
  'legendItems', 'showTacticRowBackground', 'tacticRowBackground', 'selectTechniquesAcrossTactics', 'selectSubtechniquesWithParent',
  'selectVisibleTechniques', 'metadata', 'links',
]);
const TECHNIQUE_FIELDS = new Set(['techniqueID', 'tactic', 'comment', 'enabled', 'score', 'color', 'metadata', 'links', 'showSubtechniques']);
const LAYOUT_FIELDS = new Set(['layout', 'showID', 'showName', 'showAggregateScores', 'countUnscored', 'aggregateFunction', 'expandedSubtechniques']);
const HEX = /^#[0-9a-fA-F]{6}$/;

/** Checks a layer against the 4.5 spec; returns the list of violations. */
export function layerViolations(layer: unknown): string[] {
  const v: string[] = [];
  const l = layer as Record<string, unknown>;
  for (const k of Object.keys(l)) if (!LAYER_FIELDS.has(k)) v.push(`unknown layer field ${k}`);
  if (typeof l.name !== 'string' || !l.name) v.push('name is required');
  if (!['enterprise-attack', 'mobile-attack', 'ics-attack'].includes(l.domain as string)) v.push(`bad domain ${String(l.domain)}`);
  const versions = l.versions as Record<string, unknown>;
  if (versions.layer !== '4.5') v.push('versions.layer must be "4.5"');
  const nav = String(versions.navigator).split('.').map(Number);
  if (!(nav[0] > 4 || (nav[0] === 4 && nav[1] >= 9))) v.push('versions.navigator must be at least 4.9.0');
  if (versions.attack !== undefined && typeof versions.attack !== 'string') v.push('versions.attack must be a string');
  if (l.description !== undefined && typeof l.description !== 'string') v.push('description must be a string');
  const filters = l.filters as Record<string, unknown> | undefined;
  if (filters !== undefined && (!Array.isArray(filters.platforms) || !filters.platforms.every((p) => typeof p === 'string'))) v.push('filters.platforms must be strings');
  for (const k of ['hideDisabled', 'showTacticRowBackground', 'selectTechniquesAcrossTactics', 'selectSubtechniquesWithParent', 'selectVisibleTechniques']) {
    if (l[k] !== undefined && typeof l[k] !== 'boolean') v.push(`${k} must be a boolean`);
  }
  if (l.tacticRowBackground !== undefined && !HEX.test(l.tacticRowBackground as string)) v.push('tacticRowBackground');
  if (l.sorting !== undefined && ![0, 1, 2, 3].includes(l.sorting as number)) v.push('sorting must be 0–3');
  const layout = l.layout as Record<string, unknown>;
  for (const k of Object.keys(layout)) if (!LAYOUT_FIELDS.has(k)) v.push(`unknown layout field ${k}`);
  if (!['side', 'flat', 'mini'].includes(layout.layout as string)) v.push('layout.layout');
  if (!['average', 'min', 'max', 'sum'].includes(layout.aggregateFunction as string)) v.push('layout.aggregateFunction');
  if (!['none', 'all', 'annotated'].includes(layout.expandedSubtechniques as string)) v.push('layout.expandedSubtechniques');
  for (const t of l.techniques as Record<string, unknown>[]) {
    for (const k of Object.keys(t)) if (!TECHNIQUE_FIELDS.has(k)) v.push(`unknown technique field ${k}`);
    if (!/^T\d{4}(\.\d{3})?$/.test(t.techniqueID as string)) v.push(`bad techniqueID ${String(t.techniqueID)}`);
    if (t.tactic !== undefined && typeof t.tactic !== 'string') v.push('tactic must be a string');
    if (t.enabled !== undefined && typeof t.enabled !== 'boolean') v.push('enabled must be a boolean');
    if (t.showSubtechniques !== undefined && typeof t.showSubtechniques !== 'boolean') v.push('showSubtechniques must be a boolean');
    if (t.color !== undefined && t.color !== '' && !HEX.test(t.color as string)) v.push('color');
    if (t.score !== undefined && typeof t.score !== 'number') v.push('score must be a number');
    if (t.comment !== undefined && typeof t.comment !== 'string') v.push('comment must be a string');
    for (const m of (t.metadata as Record<string, unknown>[]) ?? []) if (!('divider' in m) && (typeof m.name !== 'string' || typeof m.value !== 'string')) v.push('metadata needs name and value strings');
  }
  const g = l.gradient as Record<string, unknown>;
  if (!Array.isArray(g.colors) || g.colors.length < 2 || !g.colors.every((c) => HEX.test(c))) v.push('gradient.colors');
  if (typeof g.minValue !== 'number' || typeof g.maxValue !== 'number' || !(g.maxValue > g.minValue)) v.push('gradient maxValue must be > minValue');
  for (const k of ['showID', 'showName', 'showAggregateScores', 'countUnscored']) if (layout[k] !== undefined && typeof layout[k] !== 'boolean') v.push(`layout.${k} must be a boolean`);
  for (const li of l.legendItems as Record<string, unknown>[]) if (typeof li.label !== 'string' || !HEX.test(li.color as string)) v.push('legendItems need label and color');
  for (const m of l.metadata as Record<string, unknown>[]) if (!('divider' in m) && typeof m.name !== 'string' || typeof m.value !== 'string') v.push('layer metadata');
  return v;
}


export const projectRoot = path.resolve(__dirname, '..', '..', '..');
export const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');
export const sigmaRules = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
export const splunkDetections = path.join(sharedRoot, 'corpora', 'splunk', 'detections');

export function loadIndex(): AttackIndex {
  return AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
}

/** Every SigmaHQ rule file, parsed as the CLI does. */
export async function parseCorpusForTest(index: AttackIndex, dir = sigmaRules): Promise<ParsedRuleFile[]> {
  const walked = walkRuleFiles([dir]);
  const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index, { root: f.root }), batchSize: 256 });
  return scanned.files;
}

export function filesUnder(dir: string, ext: RegExp): string[] {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => ext.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Technique IDs each rule names, found with plain regular expressions (no YAML parser). */
export type RuleTechniques = { readonly file: string; readonly ids: ReadonlySet<string> }[];

/** Sigma: every `- attack.tNNNN[.NNN]` list item, per YAML document; deprecated rules left out. */
export function sigmaTechniquesByRegex(files: readonly string[]): RuleTechniques {
  const out: { file: string; ids: Set<string> }[] = [];
  for (const file of files) {
    for (const doc of fs.readFileSync(file, 'utf8').split(/^---\s*$/m)) {
      if (!/^title:/m.test(doc) || /^status:\s*deprecated\s*$/m.test(doc)) continue;
      const ids = new Set<string>();
      for (const m of doc.matchAll(/^\s+-\s+['"]?attack\.(t\d{4}(?:\.\d{3})?)['"]?\s*$/gim)) ids.add(m[1].toUpperCase());
      out.push({ file, ids });
    }
  }
  return out;
}

/** Splunk ESCU: the `- Tnnnn` items under `mitre_attack_id:`; deprecated/ folders and status: deprecated left out. */
export function splunkTechniquesByRegex(files: readonly string[]): RuleTechniques {
  const out: { file: string; ids: Set<string> }[] = [];
  for (const file of files) {
    if (/[\\/]deprecated[\\/]/.test(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (/^status:\s*deprecated\s*$/m.test(text)) continue;
    const ids = new Set<string>();
    const lines = text.split(/\r?\n/);
    const start = lines.findIndex((l) => /^\s*mitre_attack_id:\s*$/.test(l));
    if (start >= 0) {
      for (let i = start + 1; i < lines.length; i++) {
        const m = /^\s*-\s*['"]?(T\d{4}(?:\.\d{3})?)['"]?\s*$/i.exec(lines[i]);
        if (!m) break;
        ids.add(m[1].toUpperCase());
      }
    }
    out.push({ file, ids });
  }
  return out;
}

export interface ExpectedCoverage {
  /** Technique (after revoked → replacement) → rules naming it directly. */
  readonly direct: Map<string, number>;
  /** Parent technique → rules naming one of its sub-techniques. */
  readonly via: Map<string, number>;
  /** Unknown technique ID → rules naming it. */
  readonly unknown: Map<string, number>;
  readonly rules: number;
}

/** The independent tally: resolves IDs with the index the same way the issue describes. */
export function expectedCoverage(rules: RuleTechniques, index: AttackIndex): ExpectedCoverage {
  const direct = new Map<string, number>();
  const via = new Map<string, number>();
  const unknown = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const r of rules) {
    const targets = new Set<string>();
    for (const id of r.ids) {
      const t = index.technique(id);
      if (!t) {
        inc(unknown, id);
        continue;
      }
      const target = t.revoked ? index.replacementOf(id) : id;
      if (target) targets.add(target);
    }
    for (const t of targets) inc(direct, t);
    for (const p of new Set([...targets].filter((t) => t.includes('.')).map((t) => t.split('.')[0]))) inc(via, p);
  }
  return { direct, via, unknown, rules: rules.length };
}
