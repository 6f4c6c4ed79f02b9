import { attackUrl } from '../attack/ids';
import { Domain, Technique } from '../attack/types';
import { Count, CoverageModel, coverageCountText, percentOf, RuleRef, TechniqueCoverage } from './model';
import { gapStatus } from './gaps';
import { groupRankedGaps } from './report';
import { MATRIX_STATE_KEYS, MatrixRuleReads, MatrixStateKey, MatrixTelemetry, MatrixTelemetryDetail, ruleReadsFor, telemetryDetail } from './matrixTelemetry';
import { StateCounts, stateCountsForTactic, TelemetryStates } from './telemetryStates';
import { TelemetryState } from './telemetryTypes';

// The coverage matrix as plain, serialisable data: what the webview draws, what the HTML/SVG
// exports render. One domain at a time; tactics are columns in matrix order, techniques are
// cells (alphabetical, like the ATT&CK Navigator) with their sub-techniques nested. The rules
// behind a cell are not in the model (3 000 rules would bloat every update): the panel asks for
// them per cell with `matrixDetail`.

const MATRIX_MODEL_VERSION = 1;

export interface MatrixCell {
  readonly id: string;
  readonly name: string;
  /** Distinct rules: direct, plus (for a parent) rules on its sub-techniques. */
  readonly count: number;
  /** Rules naming this technique itself. */
  readonly direct: number;
  readonly platforms: readonly string[];
  /** Threat-profile weight; for a parent the larger of its own and its sub-techniques'. 0 = not in the profile. */
  readonly weight: number;
  readonly inProfile: boolean;
  /** The telemetry state (telemetryStates.ts), when a telemetry profile is set. */
  readonly telemetry?: TelemetryState;
  /** In-scope sub-techniques, alphabetical; empty for sub-techniques. */
  readonly subtechniques: readonly MatrixCell[];
}

export interface MatrixColumn {
  readonly id: string;
  readonly shortname: string;
  readonly name: string;
  /** Parent techniques covered / in scope. */
  readonly covered: number;
  readonly total: number;
  readonly percent: number;
  readonly subCovered: number;
  readonly subTotal: number;
  /** The four telemetry states over the tactic's techniques and sub-techniques, when a telemetry profile is set. */
  readonly states?: StateCounts;
  readonly cells: readonly MatrixCell[];
}

interface MatrixGap {
  readonly id: string;
  readonly name: string;
  /** Tactic names, matrix order. */
  readonly tactics: readonly string[];
  readonly score: number;
  /** Why it ranks where it does ("used by 42 groups", "profile weight 3 · 5 actors"). */
  readonly reason: string;
}

export interface MatrixViewModel {
  readonly version: typeof MATRIX_MODEL_VERSION;
  readonly domain: Domain;
  readonly domainName: string;
  /** Every domain the coverage settings select (the panel offers to switch between them). */
  readonly domains: readonly Domain[];
  /** "ATT&CK v18.1". */
  readonly attackVersion: string;
  /** ISO timestamp of the build. */
  readonly generated: string;
  readonly rules: number;
  /** Platforms any cell lists, sorted: the filter's choices. */
  readonly platforms: readonly string[];
  /** The attackLens.platforms scope the coverage was computed under (empty = all). */
  readonly scopePlatforms: readonly string[];
  readonly profile?: { readonly name: string; readonly techniques: number };
  readonly total: { readonly covered: number; readonly total: number; readonly percent: number };
  readonly subtotal: { readonly covered: number; readonly total: number; readonly percent: number };
  /** `total` and `subtotal` in the words every surface uses (coverageCountText). */
  readonly coverage: string;
  /** Highest cell count: the colour scale's top. */
  readonly maxCount: number;
  readonly columns: readonly MatrixColumn[];
  readonly topGaps: readonly MatrixGap[];
  /** The colour scale: cells whose count is in [min, max] get bucket `index`. */
  readonly legend: readonly MatrixBucket[];
  /** The telemetry colour mode's legend; absent without a telemetry profile (the mode is then not offered). */
  readonly telemetry?: { readonly legend: readonly MatrixStateKey[]; readonly profileName?: string };
}

interface MatrixBucket {
  readonly index: number;
  readonly min: number;
  /** Inclusive; Infinity is sent as null in JSON, so the last bucket has no max. */
  readonly max?: number;
  readonly label: string;
}

/** Lower bounds of the colour buckets after "no rules": 1, 2–4, 5–9, 10–24, 25–49, 50+. */
const BUCKET_STARTS = [1, 2, 5, 10, 25, 50];

/** @internal Exported for the test that pins the legend buckets. */
export const MATRIX_LEGEND: readonly MatrixBucket[] = [
  { index: 0, min: 0, max: 0, label: 'no rules' },
  ...BUCKET_STARTS.map((min, i) => {
    const next = BUCKET_STARTS[i + 1];
    const max = next === undefined ? undefined : next - 1;
    return { index: i + 1, min, max, label: max === undefined ? `${min}+` : max === min ? `${min}` : `${min}–${max}` };
  }),
];

/** The colour bucket of a rule count. */
export function bucketOf(count: number): number {
  let b = 0;
  for (const x of MATRIX_LEGEND) if (count >= x.min) b = x.index;
  return b;
}

/** A threat profile as the matrix sees it: a name and a weight per technique ID. */
export interface MatrixProfile {
  readonly name: string;
  readonly weights: ReadonlyMap<string, number>;
}

/** A ranked gap from the priority ranking (highest score first). */
export interface MatrixGapInput {
  readonly id: string;
  readonly score: number;
  readonly reason?: string;
}

export interface MatrixOptions {
  /** Default: the model's first domain. */
  readonly domain?: Domain;
  readonly profile?: MatrixProfile;
  /** Ranked gaps; without them, uncovered techniques ranked by the ATT&CK groups using them. */
  readonly gaps?: readonly MatrixGapInput[];
  /** How many gaps to keep (default 10). */
  readonly topGaps?: number;
  readonly now?: Date;
  /** The telemetry states of the model (CoverageTelemetry.statesOf), with the profile's name. */
  readonly telemetry?: { readonly states: TelemetryStates; readonly profileName?: string };
}

export function buildMatrix(model: CoverageModel, options: MatrixOptions = {}): MatrixViewModel {
  const domain = options.domain && model.domains.includes(options.domain) ? options.domain : model.domains[0];
  const compiled = model.index.domain(domain);
  const weights = options.profile?.weights;
  const weightOf = (id: string) => weights?.get(id) ?? 0;
  const states = options.telemetry?.states;
  const platforms = new Set<string>();
  let maxCount = 0;

  const cellOf = (c: TechniqueCoverage): MatrixCell => {
    const subtechniques = byName(c.subtechniques).map(cellOf);
    const weight = Math.max(weightOf(c.technique.id), ...subtechniques.map((s) => s.weight));
    for (const p of c.technique.platforms) platforms.add(p);
    if (c.ruleCount > maxCount) maxCount = c.ruleCount;
    const telemetry = states?.byTechnique.get(c.technique.id);
    return { id: c.technique.id, name: c.technique.name, count: c.ruleCount, direct: c.rules.length, platforms: c.technique.platforms, weight, inProfile: weight > 0, ...(telemetry && { telemetry }), subtechniques };
  };

  const columns: MatrixColumn[] = model
    .tactics()
    .filter((t) => t.tactic.domain === domain)
    .map((t) => ({
      id: t.tactic.id,
      shortname: t.tactic.shortname,
      name: t.tactic.name,
      covered: t.techniques.covered,
      total: t.techniques.total,
      percent: percentOf(t.techniques),
      subCovered: t.subtechniques.covered,
      subTotal: t.subtechniques.total,
      ...(states && { states: stateCountsForTactic(model, t.tactic.shortname, domain, states) }),
      cells: byName(t.items).map(cellOf),
    }));

  const totals = model.totalIn(domain);
  const withPercent = (c: Count) => ({ ...c, percent: percentOf(c) });

  return {
    version: MATRIX_MODEL_VERSION,
    domain,
    domainName: compiled?.name ?? domain,
    domains: model.domains,
    attackVersion: compiled ? `ATT&CK v${compiled.version}` : model.index.versionLabel,
    generated: (options.now ?? new Date()).toISOString(),
    rules: model.ruleCount,
    platforms: [...platforms].sort((a, b) => a.localeCompare(b)),
    scopePlatforms: model.platforms,
    profile: options.profile ? { name: options.profile.name, techniques: [...options.profile.weights.values()].filter((w) => w > 0).length } : undefined,
    total: withPercent(totals.techniques),
    subtotal: withPercent(totals.subtechniques),
    coverage: coverageCountText(totals),
    maxCount,
    columns,
    topGaps: rankedGaps(model, domain, options),
    legend: MATRIX_LEGEND,
    ...(options.telemetry && { telemetry: { legend: MATRIX_STATE_KEYS, profileName: options.telemetry.profileName } }),
  };
}

function rankedGaps(model: CoverageModel, domain: Domain, options: MatrixOptions): MatrixGap[] {
  const limit = options.topGaps ?? 10;
  const tacticNames = (t: Technique) => model.index.tactics(domain).filter((x) => t.tactics.includes(x.shortname)).map((x) => x.name);
  if (options.gaps) {
    const out: MatrixGap[] = [];
    for (const g of options.gaps) {
      const c = model.forTechnique(g.id);
      if (!c || c.technique.domain !== domain || !gapStatus(c)) continue;
      out.push({ id: c.technique.id, name: c.technique.name, tactics: tacticNames(c.technique), score: g.score, reason: g.reason ?? `score ${g.score}` });
      if (out.length >= limit) break;
    }
    return out;
  }
  return groupRankedGaps(model, Number.MAX_SAFE_INTEGER)
    .filter((g) => g.technique.domain === domain)
    .slice(0, limit)
    .map((g) => ({ id: g.technique.id, name: g.technique.name, tactics: tacticNames(g.technique), score: g.groups, reason: `used by ${g.groups} ATT&CK group${g.groups === 1 ? '' : 's'}` }));
}

function byName(items: readonly TechniqueCoverage[]): TechniqueCoverage[] {
  return [...items].sort((a, b) => a.technique.name.localeCompare(b.technique.name) || (a.technique.id < b.technique.id ? -1 : 1));
}

/** One rule behind a cell, with where to open it. */
interface MatrixRuleEntry {
  /** The RuleRef path (a URI string in the extension). */
  readonly path: string;
  /** What to show for the path (workspace-relative). */
  readonly display: string;
  readonly ruleIndex: number;
  readonly title: string;
  readonly format: string;
  /** The reference as written and its span (0-based). */
  readonly text: string;
  readonly line: number;
  readonly character: number;
  readonly endLine: number;
  readonly endCharacter: number;
  /** What the rule reads, when the rules' telemetry is known. */
  readonly reads?: MatrixRuleReads;
}

interface MatrixStrategy {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly analytics: readonly { readonly id: string; readonly name: string; readonly platforms: readonly string[]; readonly logSources: readonly string[] }[];
}

/** Everything the side panel shows for one cell. */
export interface MatrixDetail {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly isSubtechnique: boolean;
  readonly tactics: readonly string[];
  readonly platforms: readonly string[];
  readonly count: number;
  readonly weight: number;
  /** Rules naming the technique itself. */
  readonly rules: readonly MatrixRuleEntry[];
  /** Rules naming one of its sub-techniques (parents only). */
  readonly viaSubtechniques: readonly MatrixRuleEntry[];
  /** For gaps (and covered cells too): how ATT&CK suggests detecting it. */
  readonly strategies: readonly MatrixStrategy[];
  readonly dataComponents: readonly { readonly id: string; readonly name: string }[];
  /** The telemetry state and the analytics a new rule could read, with a telemetry profile set. */
  readonly telemetry?: MatrixTelemetryDetail;
}

export interface DetailOptions {
  readonly profile?: MatrixProfile;
  readonly displayPath?: (path: string) => string;
  readonly siteBaseUrl?: string;
  readonly telemetry?: MatrixTelemetry;
}

export function matrixDetail(model: CoverageModel, techniqueId: string, options: DetailOptions = {}): MatrixDetail | undefined {
  const c = model.forTechnique(techniqueId);
  if (!c) return undefined;
  const index = model.index;
  const t = c.technique;
  const show = options.displayPath ?? ((p: string) => p);
  const readsOf = ruleReadsFor(model, c, options.telemetry);
  const entry = (r: RuleRef): MatrixRuleEntry => ({
    path: r.path,
    display: show(r.path),
    ruleIndex: r.ruleIndex,
    title: r.title,
    format: r.format,
    text: r.text,
    line: r.span.start.line,
    character: r.span.start.character,
    endLine: r.span.end.line,
    endCharacter: r.span.end.character,
    ...(readsOf && { reads: readsOf(r) }),
  });
  const weights = options.profile?.weights;
  const telemetry = telemetryDetail(model, c, options.telemetry);
  const weight = Math.max(weights?.get(t.id) ?? 0, ...c.subtechniques.map((s) => weights?.get(s.technique.id) ?? 0));
  return {
    id: t.id,
    name: t.name,
    url: attackUrl(t.id, options.siteBaseUrl),
    isSubtechnique: t.isSubtechnique,
    tactics: index.tactics(t.domain).filter((x) => t.tactics.includes(x.shortname)).map((x) => x.name),
    platforms: t.platforms,
    count: c.ruleCount,
    weight,
    rules: c.rules.map(entry),
    viaSubtechniques: c.viaSubtechniques.map(entry),
    strategies: index.detectionStrategiesFor(t.id).map((s) => ({
      id: s.id,
      name: s.name,
      url: attackUrl(s.id, options.siteBaseUrl),
      analytics: s.analytics.flatMap((id) => {
        const a = index.get(id);
        if (a?.kind !== 'analytic') return [];
        const logSources = a.logSources.map((l) => `${index.get(l.dataComponent)?.name ?? l.dataComponent}: ${l.name}${l.channel ? ` (${l.channel})` : ''}`);
        return [{ id: a.id, name: a.name, platforms: a.platforms, logSources }];
      }),
    })),
    dataComponents: index.dataComponentsFor(t.id).map((d) => ({ id: d.id, name: d.name })),
    ...(telemetry && { telemetry }),
  };
}
