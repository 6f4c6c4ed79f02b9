import { ParsedRuleFile } from '../rules/types';
import { CoverageModel } from './model';
import { DEFAULT_STRENGTH_WEIGHTS, maturityRank, strengthScore, StrengthWeights } from './strength';

/**
 * The strength (0–5) of every technique a counted rule names directly, and of their parents, over
 * the distinct rules covering each (directly or through a sub-technique). `collected` says whether
 * a rule reads collected telemetry; without it (no telemetry profile) the telemetry term is left out.
 */
export function techniqueStrengths(files: readonly ParsedRuleFile[], model: CoverageModel, weights: StrengthWeights = DEFAULT_STRENGTH_WEIGHTS, collected?: (path: string, ruleIndex: number) => boolean): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const file of files) for (const rule of file.rules) ranks.set(`${rule.index}\u0000${file.path}`, maturityRank(rule.maturity));
  const ids = new Set<string>();
  for (const id of model.referencedTechniques()) {
    ids.add(id);
    const parent = model.index.technique(id)?.parent;
    if (parent) ids.add(parent);
  }
  const out = new Map<string, number>();
  for (const id of ids) {
    const c = model.forTechnique(id);
    if (!c?.covered) continue;
    const rules = new Map<number, { path: string; ruleIndex: number }>();
    for (const r of [...c.rules, ...c.viaSubtechniques]) rules.set(r.rule, r);
    const list = [...rules.values()];
    out.set(id, strengthScore(list.map((r) => ranks.get(`${r.ruleIndex}\u0000${r.path}`) ?? maturityRank(undefined)), collected ? list.map((r) => collected(r.path, r.ruleIndex)) : undefined, weights));
  }
  return out;
}
