import { Technique } from '../attack/types';
import { CoverageModel, RuleRef, TechniqueCoverage } from './model';
import { collectedForTechnique, hasCollectedLogSource } from './telemetryDetectable';
import { TelemetryProfile } from './telemetryProfile';
import { RuleTelemetry, TelemetryState } from './telemetryTypes';

// The four states of a technique against a telemetry profile (issue #12 §3), for every active
// technique and sub-technique in the model's scope:
// - detected      covered, and a covering rule reads a collected data component;
// - no-telemetry  covered, but no covering rule reads a collected data component;
// - visible       not covered, but a data component of ATT&CK's analytics for it is collected;
// - blind         not covered, and none of its data components is collected.
// "Covered" is the model's (named directly, or through an in-scope sub-technique; revoked IDs
// count for their replacement), and a parent's covering rules include its sub-techniques'.
// Platforms: a profile's per-platform data components count for a technique on one of its
// platforms in scope, and for an analytic on one of the analytic's platforms in scope (an
// analytic naming none counts on the technique's).

/** The states in report order. */
export const TELEMETRY_STATES: readonly TelemetryState[] = ['detected', 'no-telemetry', 'visible', 'blind'];

/** What a rule reads, by its reference in the model; undefined when not known. */
export type RuleTelemetryLookup = (ref: RuleRef) => RuleTelemetry | undefined;

export interface TelemetryStates {
  /** Technique ID → state, every in-scope technique and sub-technique once. */
  readonly byTechnique: ReadonlyMap<string, TelemetryState>;
  /** State → technique IDs, sorted. */
  readonly lists: Readonly<Record<TelemetryState, readonly string[]>>;
}

/** Per covered technique, the data components its covering rules read (direct and via sub-techniques). */
export function componentsReadByCoveringRules(model: CoverageModel, readsOf: RuleTelemetryLookup): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const perRule = new Map<number, readonly string[]>();
  const read = (ref: RuleRef) => {
    let ids = perRule.get(ref.rule);
    if (!ids) perRule.set(ref.rule, (ids = readsOf(ref)?.dataComponents ?? []));
    return ids;
  };
  for (const c of inScopeTechniques(model)) {
    if (!c.covered) continue;
    const ids = new Set<string>();
    for (const ref of [...c.rules, ...c.viaSubtechniques]) for (const id of read(ref)) ids.add(id);
    out.set(c.technique.id, ids);
  }
  return out;
}

/** Every in-scope technique and sub-technique, each once, in tactic order. */
function inScopeTechniques(model: CoverageModel): TechniqueCoverage[] {
  const seen = new Map<string, TechniqueCoverage>();
  for (const t of model.tactics()) {
    for (const item of t.items) {
      seen.set(item.technique.id, item);
      for (const s of item.subtechniques) seen.set(s.technique.id, s);
    }
  }
  return [...seen.values()];
}

/** The state of one technique; `read` is what its covering rules read (ignored when not covered). */
function telemetryState(model: CoverageModel, c: TechniqueCoverage, profile: TelemetryProfile, read: ReadonlySet<string> | undefined): TelemetryState {
  if (c.covered) {
    const collected = collectedForTechnique(profile, model.platforms, c.technique);
    for (const id of read ?? []) if (collected.has(id)) return 'detected';
    return 'no-telemetry';
  }
  return hasCollectedLogSource(model.index, c.technique, profile, model.platforms) ? 'visible' : 'blind';
}

/** The four states over the model's scope; `read` as componentsReadByCoveringRules builds it. */
export function telemetryStates(model: CoverageModel, profile: TelemetryProfile, read: ReadonlyMap<string, ReadonlySet<string>>): TelemetryStates {
  const byTechnique = new Map<string, TelemetryState>();
  for (const c of inScopeTechniques(model)) byTechnique.set(c.technique.id, telemetryState(model, c, profile, read.get(c.technique.id)));
  const lists: Record<TelemetryState, string[]> = { detected: [], 'no-telemetry': [], visible: [], blind: [] };
  for (const [id, state] of byTechnique) lists[state].push(id);
  for (const s of TELEMETRY_STATES) lists[s].sort();
  return { byTechnique, lists };
}

export type StateCounts = Readonly<Record<TelemetryState, number>>;

/** The four counts over a tactic's in-scope techniques and sub-techniques together. */
export function stateCountsForTactic(model: CoverageModel, shortname: string, domain: Technique['domain'], states: TelemetryStates): StateCounts {
  const counts: Record<TelemetryState, number> = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0 };
  const t = model.forTactic(shortname, domain);
  for (const item of t?.items ?? []) {
    for (const c of [item, ...item.subtechniques]) {
      const s = states.byTechnique.get(c.technique.id);
      if (s) counts[s]++;
    }
  }
  return counts;
}
