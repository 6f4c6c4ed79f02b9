import { Domain } from '../attack/types';
import { CoverageModel, RuleRef } from './model';
import { rankGaps } from './priorities';
import { describeProfile, ThreatProfile, weights } from './profile';
import { colourByState } from './navigatorTelemetry';
import { TelemetryStates } from './telemetryStates';

// Coverage as an ATT&CK Navigator layer, format 4.5 (mitre-attack/attack-navigator,
// layers/spec/v4.5). One technique entry per technique ID rules name directly, scored with the
// number of rules naming it (the SigmaHQ heatmap's "count" semantics). Entries carry no `tactic`,
// so Navigator shows each annotation under every tactic of the technique, as the rule means it.
// Parents covered only through sub-techniques get no entry of their own; Navigator's aggregate
// scores (enabled in the layout) show them.
//
// With a threat profile, the layer carries it as an overlay: covered techniques of interest say
// so in their comment and metadata; the profile's gaps get unscored entries in a colour of their
// own (a layer has no outlines), so scores, aggregates and the gradient still mean rule counts.
//
// With telemetry states, the colours are the states' (src/coverage/navigatorTelemetry.ts): every
// in-scope technique gets an entry, scores keep their meaning, the profile overlay stays in the
// comments and metadata, and sub-techniques expand only where a parent asks (every sub-technique
// being annotated, "annotated" would expand them all).

export const LAYER_FORMAT_VERSION = '4.5';
export const NAVIGATOR_VERSION = '5.1.0';
/** Rule titles listed per technique; the rest is summarised ("+ 120 more"). @internal Exported so tests build layers past the limit. */
export const MAX_TITLES = 25;

interface NavigatorMetadata {
  readonly name: string;
  readonly value: string;
}

export interface NavigatorTechnique {
  readonly techniqueID: string;
  /** Rule count; absent on threat-profile gaps (they have no rules). */
  readonly score?: number;
  readonly color?: string;
  readonly comment: string;
  readonly enabled: boolean;
  readonly metadata: readonly NavigatorMetadata[];
  readonly showSubtechniques?: boolean;
}

export interface NavigatorLayer {
  readonly name: string;
  readonly versions: { readonly attack: string; readonly navigator: string; readonly layer: string };
  readonly domain: Domain;
  readonly description: string;
  readonly filters?: { readonly platforms: readonly string[] };
  readonly sorting: number;
  readonly layout: {
    readonly layout: 'side';
    readonly showID: boolean;
    readonly showName: boolean;
    readonly showAggregateScores: boolean;
    readonly countUnscored: boolean;
    readonly aggregateFunction: 'max';
    readonly expandedSubtechniques: 'annotated' | 'none';
  };
  readonly hideDisabled: boolean;
  readonly techniques: readonly NavigatorTechnique[];
  readonly gradient: { readonly colors: readonly string[]; readonly minValue: number; readonly maxValue: number };
  readonly legendItems: readonly { readonly label: string; readonly color: string }[];
  readonly metadata: readonly NavigatorMetadata[];
  readonly showTacticRowBackground: boolean;
  readonly tacticRowBackground: string;
  readonly selectTechniquesAcrossTactics: boolean;
  readonly selectSubtechniquesWithParent: boolean;
  readonly selectVisibleTechniques: boolean;
}

export interface LayerOptions {
  /** The layer's domain; default: the model's first domain. */
  readonly domain?: Domain;
  readonly name?: string;
  readonly description?: string;
  /** Timestamp written into the layer's metadata; default now. */
  readonly generated?: Date;
  /** A threat profile to overlay (see above). */
  readonly profile?: ThreatProfile;
  /**
   * What a score means: the number of rules naming the technique (the default), or its strength
   * 0–5 (src/coverage/strength.ts) by technique ID, each covered technique having one.
   */
  readonly strength?: ReadonlyMap<string, number>;
  /** Colour by these telemetry states instead of the score (see above). */
  readonly telemetry?: TelemetryStates;
  /** The telemetry profile's name, for the layer's metadata. */
  readonly telemetryName?: string;
}

/** Strength scores run from 0 to 5. */
const MAX_STRENGTH = 5;

/** Colours of threat-profile gaps: no rule at all, or (a parent) rules on only some sub-techniques. @internal Exported for the layer colour tests. */
export const PROFILE_GAP_COLOR = '#fb6a4a';
/** @internal Exported for the layer colour tests. */
export const PROFILE_PARTIAL_COLOR = '#fdae6b';

/** Light yellow (one rule) to dark green (the most rules). */
const GRADIENT_COLORS: readonly string[] = ['#fff7bc', '#addd8e', '#238443'];

export function navigatorLayer(model: CoverageModel, options: LayerOptions = {}): NavigatorLayer {
  const domain = options.domain ?? model.domains[0];
  const version = model.index.domain(domain)?.version ?? '';
  const techniques: NavigatorTechnique[] = [];
  for (const id of model.referencedTechniques()) {
    const c = model.forTechnique(id);
    if (!c || c.technique.domain !== domain) continue;
    const titles = distinctTitles(c.rules);
    const entry: NavigatorTechnique = {
      techniqueID: id,
      score: options.strength ? options.strength.get(id) ?? 0 : c.rules.length,
      comment: `${options.strength ? `strength ${options.strength.get(id) ?? 0}/5, ` : ''}${c.rules.length} rule${c.rules.length === 1 ? '' : 's'}: ${titles.slice(0, MAX_TITLES).join('; ')}${titles.length > MAX_TITLES ? `; + ${titles.length - MAX_TITLES} more` : ''}`,
      enabled: true,
      metadata: [
        ...titles.slice(0, MAX_TITLES).map((t) => ({ name: 'rule', value: t })),
        ...(titles.length > MAX_TITLES ? [{ name: 'rules', value: `+ ${titles.length - MAX_TITLES} more` }] : []),
      ],
    };
    techniques.push(c.viaSubtechniques.length ? { ...entry, showSubtechniques: true } : entry);
  }
  const overlay = options.profile ? profileOverlay(model, domain, options.profile, techniques) : undefined;
  if (overlay) techniques.splice(0, techniques.length, ...overlay.techniques);
  const states = options.telemetry ? colourByState(techniques, options.telemetry, domain, { domainOf: (id) => model.index.technique(id)?.domain, coveredBelow: (id) => (model.forTechnique(id)?.viaSubtechniques.length ?? 0) > 0 }) : undefined;
  if (states) techniques.splice(0, techniques.length, ...states.techniques);
  const maxScore = options.strength ? MAX_STRENGTH : Math.max(1, ...techniques.map((t) => t.score ?? 0));
  const platforms = layerPlatforms(model, domain);
  const minValue = 0;
  return {
    name: options.name ?? 'ATT&CK Lens coverage',
    versions: { attack: version.split('.')[0] || version, navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT_VERSION },
    domain,
    description:
      (options.description ?? `Detection coverage of ${model.ruleCount} rule${model.ruleCount === 1 ? '' : 's'}: score = ${options.strength ? 'strength 0–5 (how many rules, how mature, whether their telemetry is collected)' : 'number of rules naming the technique'}.`) +
      (overlay ? ` Threat profile overlay: ${overlay.summary}.` : '') +
      (states ? ` Colours: telemetry states (${states.summary})${overlay ? '; the threat profile is in comments and metadata' : ''}.` : ''),
    ...(platforms.length ? { filters: { platforms } } : {}),
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: true, countUnscored: false, aggregateFunction: 'max', expandedSubtechniques: states ? 'none' : 'annotated' },
    hideDisabled: false,
    techniques,
    gradient: { colors: [...GRADIENT_COLORS], minValue, maxValue: maxScore },
    legendItems: states ? states.legend : [...(options.strength ? strengthLegend(minValue, maxScore) : legend(minValue, maxScore)), ...(overlay ? overlay.legend : [])],
    metadata: [
      { name: 'generator', value: 'ATT&CK Lens' },
      { name: 'generated', value: (options.generated ?? new Date()).toISOString() },
      { name: 'rules', value: String(model.ruleCount) },
      { name: 'ATT&CK', value: `${domain} ${version}` },
      ...(options.profile ? [{ name: 'threat profile', value: describeProfile(options.profile) }] : []),
      ...(states ? [{ name: 'telemetry', value: `${options.telemetryName ? `${options.telemetryName}: ` : ''}${states.summary}` }] : []),
    ],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
}

interface Overlay {
  readonly techniques: NavigatorTechnique[];
  readonly legend: { label: string; color: string }[];
  readonly summary: string;
}

/** The coverage entries with the profile's weights added, then one coloured entry per profile gap in this domain. */
function profileOverlay(model: CoverageModel, domain: Domain, profile: ThreatProfile, covered: readonly NavigatorTechnique[]): Overlay {
  const w = weights(profile);
  const label = `threat profile “${profile.name}”`;
  const techniques = covered.map((t) => {
    const weight = w.get(t.techniqueID);
    if (!weight) return t;
    return { ...t, comment: `${t.comment} | In the ${label} (weight ${weight}).`, metadata: [...t.metadata, { name: 'threat profile', value: `weight ${weight}` }] };
  });
  const gaps = rankGaps(model, profile).gaps.filter((g) => g.technique.domain === domain);
  for (const gap of gaps) {
    const actors = gap.actors.map((a) => a.name);
    const partial = gap.status === 'partial' && gap.subtechniques ? `; rules on ${gap.subtechniques.covered} of ${gap.subtechniques.total} sub-techniques only` : '';
    techniques.push({
      techniqueID: gap.technique.id,
      color: gap.status === 'partial' ? PROFILE_PARTIAL_COLOR : PROFILE_GAP_COLOR,
      comment: `Gap in the ${label}: ${gap.reason}${partial}.`,
      enabled: true,
      metadata: [
        { name: 'threat profile', value: `gap, weight ${gap.weight}` },
        ...actors.slice(0, MAX_TITLES).map((a) => ({ name: 'used by', value: a })),
        ...(actors.length > MAX_TITLES ? [{ name: 'used by', value: `+ ${actors.length - MAX_TITLES} more` }] : []),
      ],
      ...(gap.status === 'partial' ? { showSubtechniques: true } : {}),
    });
  }
  techniques.sort((a, b) => (a.techniqueID < b.techniqueID ? -1 : a.techniqueID > b.techniqueID ? 1 : 0));
  const partial = gaps.filter((g) => g.status === 'partial').length;
  return {
    techniques,
    legend: [
      { label: 'Threat profile: no rule', color: PROFILE_GAP_COLOR },
      ...(partial ? [{ label: 'Threat profile: some sub-techniques only', color: PROFILE_PARTIAL_COLOR }] : []),
    ],
    summary: `${profile.name}, ${gaps.length} gap${gaps.length === 1 ? '' : 's'} coloured (${partial} partial)`,
  };
}

/** The platform filter as Navigator spells the names (the setting is case-insensitive), only those of the domain. */
function layerPlatforms(model: CoverageModel, domain: Domain): string[] {
  if (!model.platforms.length) return [];
  const canonical = new Map<string, string>();
  for (const t of model.index.activeTechniques(domain)) for (const p of t.platforms) canonical.set(p.toLowerCase(), p);
  return [...new Set(model.platforms.map((p) => canonical.get(p.toLowerCase())).filter((p): p is string => !!p))];
}

function distinctTitles(rules: readonly RuleRef[]): string[] {
  return [...new Set(rules.map((r) => r.title))];
}

function legend(min: number, max: number): { label: string; color: string }[] {
  const points = [...new Set([1, Math.round((1 + max) / 2), max])].filter((v) => v >= 1 && v <= max);
  return points.map((v) => ({ label: `${v} rule${v === 1 ? '' : 's'}`, color: gradientColor(v, min, max) }));
}

function strengthLegend(min: number, max: number): { label: string; color: string }[] {
  return [1, 3, 5].map((v) => ({ label: `strength ${v}`, color: gradientColor(v, min, max) }));
}

/** The colour Navigator gives a score: linear interpolation between the gradient's stops. @internal Exported for the gradient end-point tests. */
export function gradientColor(score: number, min: number, max: number, colors: readonly string[] = GRADIENT_COLORS): string {
  const t = max > min ? Math.min(1, Math.max(0, (score - min) / (max - min))) : 1;
  const pos = t * (colors.length - 1);
  const i = Math.min(colors.length - 2, Math.floor(pos));
  const f = pos - i;
  const [a, b] = [hex(colors[i]), hex(colors[i + 1])];
  return '#' + a.map((x, k) => Math.round(x + (b[k] - x) * f).toString(16).padStart(2, '0')).join('');
}

function hex(c: string): number[] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
}
