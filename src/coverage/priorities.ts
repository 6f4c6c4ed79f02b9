import { AttackIndex } from '../attack/index';
import { parentOf } from '../attack/ids';
import { Actor, DataComponent, DetectionStrategy, LogSourceRef, Tactic, Technique } from '../attack/types';
import { gapStatus, GapStatus } from './gaps';
import { CoverageModel } from './model';
import { prevalenceProfile, ThreatProfile, weights } from './profile';
import { collectedLogSources } from './telemetryDetectable';
import { TelemetryProfile } from './telemetryProfile';

// Ranked priority gaps: the techniques of interest (the profile's techniques, or every technique
// some ATT&CK group uses) that no rule covers, highest weight first.
//
// - A sub-technique is a gap when no rule names it (a rule on the parent does not cover it,
//   as in the coverage model); `parentRules` says when the parent has rules of its own.
// - A parent is a gap when no rule names it directly: `uncovered` when no rule names any of
//   its sub-techniques either, else `partial` with how many of its in-scope sub-techniques
//   are covered. Its weight is weights(profile): max(own, its sub-techniques').
// - Only techniques in the model's scope (active, selected domains and platforms) are ranked.
// Order: weight (desc), with a telemetry profile visible before blind (a gap is visible when
// ATT&CK's analytics for it read a collected data component: a rule can be written today), uncovered before partial, fewer covered sub-techniques first, then
// prevalence (groups and campaigns using it, desc), the matrix order of its first tactic, then ID.

export interface PriorityGap {
  readonly technique: Technique;
  readonly weight: number;
  readonly status: GapStatus;
  /** For a parent: its in-scope sub-techniques, covered / total. */
  readonly subtechniques?: { readonly covered: number; readonly total: number };
  /** For a sub-technique: rules naming its parent directly. */
  readonly parentRules: number;
  /** Profile actors using it (for a parent: it or any of its sub-techniques), by name; in prevalence mode the ATT&CK groups. */
  readonly actors: readonly Actor[];
  /** Tactics of the technique, matrix order. */
  readonly tactics: readonly Tactic[];
  /** With a telemetry profile, for an uncovered technique: the collected log sources ATT&CK's analytics for it read (empty: blind). */
  readonly collectedLogSources?: readonly LogSourceRef[];
  /** Why it ranks here, for people: "used by 2 of 3 actors", "used by 41 ATT&CK groups", "layer score 3". */
  readonly reason: string;
}

export interface PriorityRanking {
  /** The profile ranked against: the given one, or the prevalence profile. */
  readonly profile: ThreatProfile;
  readonly mode: 'profile' | 'prevalence';
  /** Ranked gaps, highest priority first. */
  readonly gaps: readonly PriorityGap[];
  /** In-scope techniques of interest (directly weighted by the profile). */
  readonly interest: number;
  /** Of those, the ones that are not gaps (src/coverage/gaps.ts). */
  readonly covered: number;
  /** Profile technique IDs the index does not know. */
  readonly unknown: readonly string[];
  /** Profile techniques outside the coverage scope (other domain/platform, deprecated). */
  readonly outOfScope: readonly string[];
}

export interface RankOptions {
  /** Keep only the first N gaps (default: all). */
  readonly limit?: number;
  /** What the organisation collects: visible gaps rank above blind ones of the same weight. */
  readonly telemetry?: TelemetryProfile;
}

/** Ranks the gaps of a coverage model against a profile (or, without one, prevalence across ATT&CK groups). */
export function rankGaps(model: CoverageModel, profile?: ThreatProfile, options: RankOptions = {}): PriorityRanking {
  const index = model.index;
  const used = profile ?? prevalenceProfile(index, model.domains);
  const w = weights(used);
  const profileActors = new Set(used.actors);
  const gaps: PriorityGap[] = [];
  const unknown: string[] = [];
  const outOfScope: string[] = [];
  const seen = new Set<string>();
  let interest = 0;
  let covered = 0;
  for (const raw of Object.keys(used.techniques)) {
    const t = index.technique(raw);
    if (!t) {
      unknown.push(raw);
      continue;
    }
    const id = t.revoked ? index.replacementOf(t.id) : t.id;
    const technique = id ? index.technique(id) : undefined;
    if (!technique || !model.inScope(technique)) {
      outOfScope.push(raw);
      continue;
    }
    if (seen.has(technique.id)) continue;
    seen.add(technique.id);
    interest++;
    const c = model.forTechnique(technique.id)!;
    const status = gapStatus(c);
    if (!status) {
      covered++;
      continue;
    }
    const weight = Math.max(w.get(technique.id) ?? 0, w.get(raw) ?? 0);
    const subs = c.subtechniques;
    const subCovered = subs.filter((s) => s.covered).length;
    const parent = technique.isSubtechnique ? parentOf(technique.id) : undefined;
    const actors = actorsFor(index, technique, used.source === 'prevalence' ? undefined : profileActors);
    gaps.push({
      technique,
      weight,
      status,
      ...(technique.isSubtechnique ? {} : { subtechniques: { covered: subCovered, total: subs.length } }),
      parentRules: parent ? (model.forTechnique(parent)?.rules.length ?? 0) : 0,
      actors,
      tactics: tacticsOf(index, technique),
      reason: reasonFor(used, weight, actors.length),
      // Visible or blind only for a technique no rule covers: a partial one (a sub-technique has rules) is covered, and its state is the tree's.
      ...(options.telemetry && status === 'uncovered' ? { collectedLogSources: collectedLogSources(index, technique, options.telemetry, model.platforms) } : {}),
    });
  }
  gaps.sort(tieBreaking(index, compareGaps));
  return {
    profile: used,
    mode: profile ? 'profile' : 'prevalence',
    gaps: options.limit !== undefined ? gaps.slice(0, options.limit) : gaps,
    interest,
    covered,
    unknown,
    outOfScope,
  };
}

function compareGaps(a: PriorityGap, b: PriorityGap): number {
  if (a.weight !== b.weight) return b.weight - a.weight;
  const va = a.collectedLogSources?.length ? 1 : 0;
  const vb = b.collectedLogSources?.length ? 1 : 0;
  if (va !== vb) return vb - va;
  if (a.status !== b.status) return a.status === 'uncovered' ? -1 : 1;
  const fa = a.subtechniques && a.subtechniques.total ? a.subtechniques.covered / a.subtechniques.total : 0;
  const fb = b.subtechniques && b.subtechniques.total ? b.subtechniques.covered / b.subtechniques.total : 0;
  return fa - fb;
}

/**
 * Equal gaps (one actor makes every gap weigh 1) by prevalence: how many ATT&CK groups and
 * campaigns use the technique (a parent: or any of its sub-techniques), most first; then by the
 * matrix order of its first tactic; then by ID. Prevalence is counted once per technique.
 */
function tieBreaking(index: AttackIndex, first: (a: PriorityGap, b: PriorityGap) => number): (a: PriorityGap, b: PriorityGap) => number {
  const prevalence = new Map<string, number>();
  const prevalenceOf = (t: Technique): number => {
    let n = prevalence.get(t.id);
    if (n === undefined) prevalence.set(t.id, (n = usersOf(index, t)));
    return n;
  };
  const tacticOrder = (g: PriorityGap): number => {
    const t = g.tactics[0];
    return t ? index.tactics(g.technique.domain).indexOf(t) : Number.MAX_SAFE_INTEGER;
  };
  return (a, b) =>
    first(a, b) ||
    prevalenceOf(b.technique) - prevalenceOf(a.technique) ||
    tacticOrder(a) - tacticOrder(b) ||
    (a.technique.id < b.technique.id ? -1 : a.technique.id > b.technique.id ? 1 : 0);
}

/** Active groups and campaigns using the technique (a parent: it or any of its sub-techniques). */
function usersOf(index: AttackIndex, technique: Technique): number {
  const ids = [technique.id, ...(technique.isSubtechnique ? [] : index.subtechniques(technique.id).map((s) => s.id))];
  const users = new Set<string>();
  for (const id of ids) for (const a of index.actorsUsing(id)) if ((a.kind === 'group' || a.kind === 'campaign') && index.isActive(a)) users.add(a.id);
  return users.size;
}

/** Actors using a technique (a parent: or any of its sub-techniques); restricted to `only` when given; by name. */
export function actorsFor(index: AttackIndex, technique: Technique, only?: ReadonlySet<string>): Actor[] {
  const ids = [technique.id, ...(technique.isSubtechnique ? [] : index.subtechniques(technique.id).map((s) => s.id))];
  const out = new Map<string, Actor>();
  for (const id of ids) {
    for (const a of index.actorsUsing(id)) {
      if (only ? only.has(a.id) : a.kind === 'group') out.set(a.id, a);
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function tacticsOf(index: AttackIndex, t: Technique): Tactic[] {
  return index.tactics(t.domain).filter((x) => t.tactics.includes(x.shortname));
}

function reasonFor(profile: ThreatProfile, weight: number, actors: number): string {
  switch (profile.source) {
    case 'prevalence':
      return `used by ${weight} ATT&CK group${weight === 1 ? '' : 's'}`;
    case 'actors':
      return `used by ${actors} of ${profile.actors.length} actor${profile.actors.length === 1 ? '' : 's'}`;
    case 'layer':
      return `layer score ${weight}`;
    case 'ids':
      return weight === 1 ? 'in the technique list' : `weight ${weight}`;
  }
}

/** "partial: 2/5 sub-techniques", "no rules", "no rules (parent T1059 has 3)". */
export function gapStatusText(gap: PriorityGap): string {
  if (gap.status === 'partial' && gap.subtechniques) return `partial: ${gap.subtechniques.covered}/${gap.subtechniques.total} sub-techniques`;
  if (gap.parentRules > 0) return `no rules (parent ${parentOf(gap.technique.id)} has ${gap.parentRules})`;
  return 'no rules';
}

/** What telemetry a rule for the gap would need: ATT&CK v18 detection strategies and data components. */
export interface GapTelemetry {
  readonly strategies: readonly DetectionStrategy[];
  readonly dataComponents: readonly DataComponent[];
}

export function gapTelemetry(index: AttackIndex, techniqueId: string): GapTelemetry {
  return { strategies: index.detectionStrategiesFor(techniqueId), dataComponents: index.dataComponentsFor(techniqueId) };
}

/** The ranking as the matrix webview takes it (src/coverage/matrixData.ts MatrixGapInput). */
export function matrixGaps(ranking: PriorityRanking): { id: string; score: number; reason: string }[] {
  return ranking.gaps.map((g) => ({ id: g.technique.id, score: g.weight, reason: g.status === 'partial' ? `${g.reason} · ${gapStatusText(g)}` : g.reason }));
}
