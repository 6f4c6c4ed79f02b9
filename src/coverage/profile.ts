import { AttackIndex } from '../attack/index';
import { normalizeId, parentOf } from '../attack/ids';
import { Actor, Domain } from '../attack/types';
import type { ImportedLayer } from './layerImport';

// Threat profiles: which techniques matter to this team, and how much. A profile is plain data
// (it is what the `attackLens.threatProfile` workspace setting holds, so a team shares it):
// a name, the actors it was built from, and a weight per technique ID.
//
// Weights, by source:
// - actors (groups, software, campaigns): weight = how many of the selected actors `use` the
//   technique, from ATT&CK's direct `uses` relationships only. A group does NOT inherit the
//   techniques of the software it uses — the same rule ATT&CK Navigator's group layers follow;
//   pick the software too to count them. Revoked techniques count for their replacement.
// - a Navigator layer: weight = the entry's score when positive, else 1. Entries with
//   `enabled: false` are left out (Navigator greys them out: "not relevant"). An entry that only
//   expands its sub-techniques (`showSubtechniques`, no score/colour/comment/metadata) while some
//   of its sub-techniques are listed is left out: attack.mitre.org's group layers write such
//   entries for display only. A technique listed under several tactics takes its highest weight.
// - a technique ID list: weight 1 each.
// - no profile: "prevalence", weight = the number of active ATT&CK groups using the technique.
//
// `techniques` holds weights as given (sub-techniques separately). `weights()` also gives every
// parent the MAX of its own weight and its sub-techniques' weights, so a parent whose
// sub-techniques matter is shown as mattering (the matrix overlay does the same).

type ThreatProfileSource = 'actors' | 'layer' | 'ids' | 'prevalence';

export interface ThreatProfile {
  readonly name: string;
  /** ATT&CK IDs of the groups/software/campaigns it was built from (empty for layers, ID lists, prevalence). */
  readonly actors: readonly string[];
  /** Canonical technique ID → weight (> 0), as given by the source. */
  readonly techniques: Readonly<Record<string, number>>;
  /** How it was made: `actors`, `layer` (`layer: <file>` also accepted when read back), `ids`, `prevalence`. */
  readonly source: ThreatProfileSource;
  /** Where it came from, for people: the layer's file name, "3 groups", … */
  readonly detail?: string;
}

/** The setting's shape as JSON (every field optional: people edit settings by hand). */
export interface ThreatProfileJson {
  readonly name?: unknown;
  readonly actors?: unknown;
  readonly techniques?: unknown;
  readonly source?: unknown;
  readonly detail?: unknown;
}

/** A profile from selected actors (any mix of G/S/C IDs); unknown or non-actor IDs are ignored. */
export function profileFromActors(index: AttackIndex, ids: readonly string[], name?: string): ThreatProfile {
  const actors = resolveActors(index, ids);
  const techniques: Record<string, number> = {};
  for (const actor of actors) {
    const used = new Set<string>();
    for (const tid of actor.techniques) {
      const t = index.technique(tid);
      if (!t) continue;
      const target = t.revoked ? index.replacementOf(t.id) : t.deprecated ? undefined : t.id;
      if (target) used.add(target);
    }
    for (const id of used) techniques[id] = (techniques[id] ?? 0) + 1;
  }
  return {
    name: name ?? (actors.map((a) => a.name).join(', ') || 'No actors'),
    actors: actors.map((a) => a.id),
    techniques: sortedRecord(techniques),
    source: 'actors',
    detail: describeActors(actors),
  };
}

/** The actors among `ids` (canonical, each once, in the given order); revoked actors resolve to their replacement. */
function resolveActors(index: AttackIndex, ids: readonly string[]): Actor[] {
  const out: Actor[] = [];
  const seen = new Set<string>();
  for (const raw of ids) {
    const e = index.resolve(raw);
    if (!e || (e.kind !== 'group' && e.kind !== 'software' && e.kind !== 'campaign') || seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out;
}

function describeActors(actors: readonly Actor[]): string {
  const counts = { group: 0, software: 0, campaign: 0 };
  for (const a of actors) counts[a.kind]++;
  const parts: string[] = [];
  if (counts.group) parts.push(`${counts.group} group${counts.group === 1 ? '' : 's'}`);
  if (counts.software) parts.push(`${counts.software} software`);
  if (counts.campaign) parts.push(`${counts.campaign} campaign${counts.campaign === 1 ? '' : 's'}`);
  return parts.join(', ') || 'no actors';
}

/** A profile from an imported Navigator layer (see the weighting rules above). */
export function profileFromLayer(layer: ImportedLayer, fileName?: string): ThreatProfile {
  // Parents of the listed sub-techniques, gathered once (a search of the whole list per entry was quadratic: 40 000 entries took 27 s).
  const parentsOfListed = new Set<string>();
  for (const t of layer.techniques) {
    const parent = t.enabled ? parentOf(t.techniqueID) : undefined;
    if (parent) parentsOfListed.add(parent);
  }
  const techniques: Record<string, number> = {};
  for (const t of layer.techniques) {
    if (!t.enabled) continue;
    const annotated = t.score !== undefined || t.color !== undefined || t.comment !== undefined || t.metadataCount > 0;
    if (!annotated && t.showSubtechniques && parentsOfListed.has(t.techniqueID)) continue;
    const weight = t.score !== undefined && t.score > 0 ? t.score : 1;
    techniques[t.techniqueID] = Math.max(techniques[t.techniqueID] ?? 0, weight);
  }
  return { name: layer.name, actors: [], techniques: sortedRecord(techniques), source: 'layer', detail: fileName ?? layer.name };
}

/** A profile from technique IDs in any spelling, or free text containing them (`T1059.001, t1003`); weight 1 each. */
export function profileFromIds(ids: readonly string[] | string, name = 'Technique list'): ThreatProfile {
  const techniques: Record<string, number> = {};
  for (const id of techniqueIdsIn(ids)) techniques[id] = 1;
  const n = Object.keys(techniques).length;
  return { name, actors: [], techniques: sortedRecord(techniques), source: 'ids', detail: `${n} technique${n === 1 ? '' : 's'}` };
}

/** Canonical technique IDs found in a list or a text (`T1059.001`, `attack.t1003`, `T1059/001`), each once, in order. @internal Exported for the tests of pasted-ID parsing. */
export function techniqueIdsIn(ids: readonly string[] | string): string[] {
  const tokens = typeof ids === 'string' ? ids.split(/[\s,;|"'`]+/) : ids.flatMap((x) => x.split(/[\s,;|"'`]+/));
  const out = new Set<string>();
  for (const token of tokens) {
    if (!token) continue;
    const id = normalizeId(token);
    if (id && /^T\d{4}(?:\.\d{3})?$/.test(id)) out.add(id);
  }
  return [...out];
}

const prevalenceCache = new WeakMap<AttackIndex, Map<string, ThreatProfile>>();

/**
 * Weight by prevalence: each active technique of the domain(s) gets the number of active ATT&CK
 * groups whose `uses` name it (techniques no group uses are left out). Cached per index.
 */
export function prevalenceProfile(index: AttackIndex, domain: Domain | readonly Domain[] = index.primary?.domain ?? 'enterprise-attack'): ThreatProfile {
  const domains = typeof domain === 'string' ? [domain] : [...domain];
  const key = domains.join(',');
  let perIndex = prevalenceCache.get(index);
  if (!perIndex) prevalenceCache.set(index, (perIndex = new Map()));
  const cached = perIndex.get(key);
  if (cached) return cached;
  const techniques: Record<string, number> = {};
  const groups = new Set<string>();
  for (const d of domains) {
    for (const g of index.domain(d)?.groups ?? []) if (index.isActive(g)) groups.add(g.id);
    for (const t of index.activeTechniques(d)) {
      const n = index.groupsUsing(t.id).length;
      if (n > 0) techniques[t.id] = n;
    }
  }
  const profile: ThreatProfile = {
    name: `prevalence across ${groups.size} ATT&CK groups`,
    actors: [],
    techniques: sortedRecord(techniques),
    source: 'prevalence',
    detail: `${groups.size} groups`,
  };
  perIndex.set(key, profile);
  return profile;
}

const weightCache = new WeakMap<ThreatProfile, ReadonlyMap<string, number>>();

/**
 * Technique ID → weight: the profile's own weights, plus every parent of a weighted
 * sub-technique with max(own weight, its sub-techniques' weights). Cached per profile object.
 */
export function weights(profile: ThreatProfile): ReadonlyMap<string, number> {
  const cached = weightCache.get(profile);
  if (cached) return cached;
  const out = new Map<string, number>();
  for (const [id, w] of Object.entries(profile.techniques)) if (w > 0) out.set(id, Math.max(out.get(id) ?? 0, w));
  for (const [id, w] of [...out]) {
    const parent = parentOf(id);
    if (parent) out.set(parent, Math.max(out.get(parent) ?? 0, w));
  }
  weightCache.set(profile, out);
  return out;
}

/**
 * The profile a setting describes, or undefined when it names nothing (the setting's default
 * `{}`). Techniques in the setting are used as written; a setting with actors but no techniques
 * (written by hand) gets them from the index.
 */
export function profileFromSetting(setting: ThreatProfileJson | undefined, index?: AttackIndex): ThreatProfile | undefined {
  if (!setting || typeof setting !== 'object') return undefined;
  const actors = Array.isArray(setting.actors) ? setting.actors.filter((a): a is string => typeof a === 'string') : [];
  const techniques: Record<string, number> = {};
  if (setting.techniques && typeof setting.techniques === 'object' && !Array.isArray(setting.techniques)) {
    for (const [raw, w] of Object.entries(setting.techniques as Record<string, unknown>)) {
      const id = normalizeId(raw);
      const weight = typeof w === 'number' && Number.isFinite(w) ? w : typeof w === 'string' && Number.isFinite(Number(w)) ? Number(w) : 1;
      if (id && /^T\d{4}(?:\.\d{3})?$/.test(id) && weight > 0) techniques[id] = Math.max(techniques[id] ?? 0, weight);
    }
  }
  const name = typeof setting.name === 'string' && setting.name.trim() ? setting.name.trim() : undefined;
  if (Object.keys(techniques).length === 0) {
    if (actors.length && index) return profileFromActors(index, actors, name);
    return undefined;
  }
  const rawSource = typeof setting.source === 'string' ? setting.source : '';
  const source: ThreatProfileSource = rawSource.startsWith('layer') ? 'layer' : rawSource === 'ids' ? 'ids' : actors.length ? 'actors' : 'ids';
  const detail = typeof setting.detail === 'string' ? setting.detail : undefined;
  return { name: name ?? 'Threat profile', actors, techniques: sortedRecord(techniques), source, ...(detail ? { detail } : {}) };
}

/** The JSON written to the `attackLens.threatProfile` setting. */
export function profileToSetting(profile: ThreatProfile): { name: string; actors: string[]; techniques: Record<string, number>; source: string; detail?: string } {
  return { name: profile.name, actors: [...profile.actors], techniques: { ...profile.techniques }, source: profile.source, ...(profile.detail ? { detail: profile.detail } : {}) };
}

/** One line for headers and tooltips: "Threat profile “APT29” (1 group): 45 techniques". */
export function describeProfile(profile: ThreatProfile): string {
  if (profile.source === 'prevalence') return `Prevalence across ${profile.detail ?? 'ATT&CK groups'}`;
  const n = Object.keys(profile.techniques).length;
  return `Threat profile “${profile.name}”${profile.detail ? ` (${profile.detail})` : ''}: ${n} technique${n === 1 ? '' : 's'}`;
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k];
  return out;
}
