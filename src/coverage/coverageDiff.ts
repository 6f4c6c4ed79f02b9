import { ParsedRuleFile } from '../rules/types';
import { Count, CoverageModel, percentOf } from './model';
import { rankGaps } from './priorities';
import { ThreatProfile } from './profile';
import { tacticKey } from './report';

// The coverage change between two states of a rule repository (`attack-lens diff`): both sides
// are coverage models built with one index and one scope, so "covered" means what it means in
// the coverage report. Rules are matched by their path below each side's root.

interface TechniqueChange {
  readonly id: string;
  readonly name: string;
  /** Rules naming it (a parent: directly or via a sub-technique), as the coverage counts them. */
  readonly before: number;
  readonly after: number;
}

interface TacticChange {
  readonly key: string;
  readonly name: string;
  readonly before: Count & { readonly percent: number };
  readonly after: Count & { readonly percent: number };
}

export interface CoverageDiff {
  readonly base: CoverageModel;
  readonly head: CoverageModel;
  /** In-scope techniques and sub-techniques covered in head and not in base, by ID. */
  readonly gained: readonly string[];
  readonly lost: readonly string[];
  /** Every in-scope technique whose rule count differs, gained and lost ones included, by ID. */
  readonly changed: readonly TechniqueChange[];
  readonly rules: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly retagged: readonly string[] };
  readonly tactics: readonly TacticChange[];
  /** IDs the loaded ATT&CK data does not know (newer than it, or typos), on each side. */
  readonly unknown: { readonly base: readonly string[]; readonly head: readonly string[] };
  /** With a threat profile: its gaps (as Priority gaps ranks them) opened and closed, and the techniques it names that were lost. */
  readonly profile?: { readonly name: string; readonly opened: readonly string[]; readonly closed: readonly string[]; readonly lost: readonly string[] };
}

export interface DiffSide {
  readonly model: CoverageModel;
  readonly files: readonly ParsedRuleFile[];
  /** A file's path below the side's root, `/`-separated: the key rules are matched by. */
  readonly key: (path: string) => string;
}

/** Every in-scope technique and sub-technique, with its coverage. */
function inScope(model: CoverageModel): Map<string, { covered: boolean; rules: number; name: string }> {
  const out = new Map<string, { covered: boolean; rules: number; name: string }>();
  for (const t of model.tactics()) {
    for (const item of t.items) {
      out.set(item.technique.id, { covered: item.covered, rules: item.ruleCount, name: model.index.fullName(item.technique.id) });
      for (const s of item.subtechniques) out.set(s.technique.id, { covered: s.covered, rules: s.ruleCount, name: model.index.fullName(s.technique.id) });
    }
  }
  return out;
}

/** What a rule file names, as a comparable string: each reference's ID (or text), sorted. */
function tagsOf(file: ParsedRuleFile): string {
  const refs = new Set<string>();
  for (const rule of file.rules) for (const r of rule.references) refs.add(`${r.kind}:${r.id ?? r.text}`);
  return [...refs].sort().join('\n');
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function profileChange(base: CoverageModel, head: CoverageModel, profile: ThreatProfile, lost: readonly string[]): CoverageDiff['profile'] {
  const gapsOf = (m: CoverageModel) => new Set(rankGaps(m, profile).gaps.map((g) => g.technique.id));
  const before = gapsOf(base);
  const after = gapsOf(head);
  const named = new Set(Object.keys(profile.techniques));
  return {
    name: profile.name,
    opened: [...after].filter((id) => !before.has(id)).sort(byId),
    closed: [...before].filter((id) => !after.has(id)).sort(byId),
    lost: lost.filter((id) => named.has(id)),
  };
}

export function diffCoverage(base: DiffSide, head: DiffSide, profile?: ThreatProfile): CoverageDiff {
  const before = inScope(base.model);
  const after = inScope(head.model);
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(byId);
  const gained: string[] = [];
  const lost: string[] = [];
  const changed: TechniqueChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    if (a?.covered && !b?.covered) gained.push(id);
    if (b?.covered && !a?.covered) lost.push(id);
    if ((b?.rules ?? 0) !== (a?.rules ?? 0)) changed.push({ id, name: (a ?? b)!.name, before: b?.rules ?? 0, after: a?.rules ?? 0 });
  }

  const ruleFiles = (side: DiffSide) => new Map(side.files.filter((f) => f.rules.length > 0).map((f) => [side.key(f.path), tagsOf(f)]));
  const baseRules = ruleFiles(base);
  const headRules = ruleFiles(head);
  const added = [...headRules.keys()].filter((k) => !baseRules.has(k)).sort(byId);
  const removed = [...baseRules.keys()].filter((k) => !headRules.has(k)).sort(byId);
  const retagged = [...headRules.keys()].filter((k) => baseRules.has(k) && baseRules.get(k) !== headRules.get(k)).sort(byId);

  const count = (c: Count) => ({ ...c, percent: percentOf(c) });
  const headTactics = new Map(head.model.tactics().map((t) => [tacticKey(head.model, t), t]));
  const tactics = base.model.tactics().map((t) => {
    const key = tacticKey(base.model, t);
    const h = headTactics.get(key);
    return { key, name: t.tactic.name, before: count(t.techniques), after: count(h?.techniques ?? { covered: 0, total: 0 }) };
  });

  const unknown = (m: CoverageModel) => [...m.unknown.keys()].sort(byId);
  return {
    base: base.model,
    head: head.model,
    gained,
    lost,
    changed,
    rules: { added, removed, retagged },
    tactics,
    unknown: { base: unknown(base.model), head: unknown(head.model) },
    ...(profile ? { profile: profileChange(base.model, head.model, profile, lost) } : {}),
  };
}
