import type * as JsYaml from 'js-yaml';
import { parseJsoncText } from '../core/jsonc';
import { AttackIndex } from '../attack/index';
import { isRecord } from '../attack/types';

// A telemetry profile: what the organisation collects, as ATT&CK data components. It is plain
// data, what the `attackLens.telemetry` workspace setting holds (a team shares it like the threat
// profile):
//   { "name"?: "SOC",
//     "dataComponents"?: ["DC0032", "Process Creation"],      IDs or names, collected everywhere
//     "logSources"?: ["WinEventLog:Sysmon"],                    ATT&CK log source names: each stands
//                                                               for the data components that list it
//     "platforms"?: { "Linux": { "dataComponents": [...], "logSources": [...] } },  collected there only
//     "quality"?: { "DC0032": { "timeliness": 5, … } } }        DeTT&CT's scores, kept as read
// A file may hold the same object (JSON or YAML), a VS Code settings file holding
// `attackLens.telemetry`, or a DeTT&CT data-source administration file (its data source names are
// ATT&CK data component names; an entry counts as collected when one of its data quality scores is
// above 0, as DeTT&CT counts it; an entry applicable to systems whose platforms are listed counts
// on those platforms only). Names ATT&CK does not know are reported by name, never dropped silently.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load: loadYaml } = require('js-yaml') as typeof JsYaml;

/** DeTT&CT's data quality dimensions (each 0–5), as its file names them. */
type DataQuality = Readonly<Record<string, number>>;

export interface TelemetryProfile {
  readonly name?: string;
  /** Data component IDs collected on every platform. */
  readonly collected: ReadonlySet<string>;
  /** Lower-cased platform → data component IDs collected on that platform only. */
  readonly byPlatform: ReadonlyMap<string, ReadonlySet<string>>;
  /** Data component ID → its data quality, when the profile came with scores (DeTT&CT). */
  readonly quality: ReadonlyMap<string, DataQuality>;
}

/** The setting's shape as JSON (every field optional: people edit settings by hand). */
interface TelemetryProfileJson {
  readonly name?: unknown;
  readonly dataComponents?: unknown;
  readonly logSources?: unknown;
  readonly platforms?: unknown;
  readonly quality?: unknown;
}

/** A profile as read, with what could not be: names ATT&CK does not know, fields of the wrong shape. */
export interface TelemetryReading {
  /** Undefined when nothing is set (no setting, or an empty one). */
  readonly profile: TelemetryProfile | undefined;
  readonly unknownDataComponents: readonly string[];
  readonly unknownLogSources: readonly string[];
  /** Fields that are not what the shape above says, each a sentence naming the field. */
  readonly problems: readonly string[];
}

interface Collector {
  readonly unknownDataComponents: string[];
  readonly unknownLogSources: string[];
  readonly problems: string[];
}

function nameList(v: unknown, field: string, c: Collector): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    c.problems.push(`${field} must be a list of names`);
    return [];
  }
  const out: string[] = [];
  for (const x of v) {
    if (typeof x === 'string' && x.trim()) out.push(x.trim());
    else c.problems.push(`${field} holds ${JSON.stringify(x)}, not a name`);
  }
  return out;
}

/** The data component IDs a list of components and log sources stands for; unknown names go to the collector. */
function resolveLists(index: AttackIndex, v: { dataComponents?: unknown; logSources?: unknown }, at: string, c: Collector): Set<string> {
  const ids = new Set<string>();
  for (const name of nameList(v.dataComponents, `${at}dataComponents`, c)) {
    const dc = index.findDataComponent(name);
    if (dc) ids.add(dc.id);
    else c.unknownDataComponents.push(name);
  }
  for (const name of nameList(v.logSources, `${at}logSources`, c)) {
    const components = index.dataComponentsForLogSource(name);
    if (components.length) for (const id of components) ids.add(id);
    else c.unknownLogSources.push(name);
  }
  return ids;
}

function qualityOf(v: unknown): DataQuality | undefined {
  if (!isRecord(v)) return undefined;
  const scores = Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]));
  return scores.length ? Object.fromEntries(scores) : undefined;
}

/** Reads the setting's object (or a file's); `undefined` or `{}` is no profile. */
export function readTelemetryProfile(json: unknown, index: AttackIndex): TelemetryReading {
  const c: Collector = { unknownDataComponents: [], unknownLogSources: [], problems: [] };
  if (json === undefined || json === null) return { profile: undefined, ...c };
  if (!isRecord(json)) return { profile: undefined, ...c, problems: ['expected an object with dataComponents, logSources or platforms'] };
  const p = json as TelemetryProfileJson;
  const collected = resolveLists(index, p, '', c);
  const byPlatform = new Map<string, Set<string>>();
  if (p.platforms !== undefined && !isRecord(p.platforms)) c.problems.push('platforms must map platform names to { dataComponents, logSources }');
  else if (p.platforms) {
    for (const [platform, lists] of Object.entries(p.platforms)) {
      if (!isRecord(lists)) {
        c.problems.push(`platforms.${platform} must be { dataComponents, logSources }`);
        continue;
      }
      const ids = resolveLists(index, lists, `platforms.${platform}.`, c);
      const key = platform.toLowerCase();
      const prev = byPlatform.get(key);
      byPlatform.set(key, prev ? new Set([...prev, ...ids]) : ids);
    }
  }
  const quality = new Map<string, DataQuality>();
  if (isRecord(p.quality)) {
    for (const [key, scores] of Object.entries(p.quality)) {
      const dc = index.findDataComponent(key);
      const q = qualityOf(scores);
      if (dc && q) quality.set(dc.id, q);
    }
  }
  const name = typeof p.name === 'string' && p.name.trim() ? p.name.trim() : undefined;
  const set = p.dataComponents !== undefined || p.logSources !== undefined || p.platforms !== undefined;
  return { profile: set ? { ...(name ? { name } : {}), collected, byPlatform, quality } : undefined, ...c };
}

/** One sentence naming what the reading could not use; undefined when everything was read. */
export function telemetryReadingMessage(r: Omit<TelemetryReading, 'profile'>, versionLabel: string): string | undefined {
  const parts: string[] = [];
  const quoted = (names: readonly string[]) => names.map((n) => `“${n}”`).join(', ');
  if (r.unknownDataComponents.length) parts.push(`${r.unknownDataComponents.length === 1 ? 'a data component' : 'data components'} not in ${versionLabel}: ${quoted(r.unknownDataComponents)}`);
  if (r.unknownLogSources.length) parts.push(`${r.unknownLogSources.length === 1 ? 'a log source' : 'log sources'} no ${versionLabel} data component lists: ${quoted(r.unknownLogSources)}`);
  parts.push(...r.problems);
  return parts.length ? parts.join('; ') : undefined;
}

/** Data component IDs collected where a technique on `platforms` runs: everywhere, or on one of them. */
export function collectedOn(profile: TelemetryProfile, platforms: readonly string[]): ReadonlySet<string> {
  if (!profile.byPlatform.size) return profile.collected;
  const out = new Set(profile.collected);
  for (const p of platforms) for (const id of profile.byPlatform.get(p.toLowerCase()) ?? []) out.add(id);
  return out;
}

/** Every data component ID the profile collects anywhere, sorted. */
export function allCollected(profile: TelemetryProfile): readonly string[] {
  const out = new Set(profile.collected);
  for (const ids of profile.byPlatform.values()) for (const id of ids) out.add(id);
  return [...out].sort();
}

/** The setting's value for a profile (IDs, the name and quality kept; per-platform lists by ID). @internal Exported for the test that reads it back. */
export function telemetryProfileToSetting(profile: TelemetryProfile): Record<string, unknown> {
  const platforms = Object.fromEntries([...profile.byPlatform.entries()].map(([p, ids]) => [p, { dataComponents: [...ids].sort() }]));
  return {
    ...(profile.name ? { name: profile.name } : {}),
    dataComponents: [...profile.collected].sort(),
    ...(profile.byPlatform.size ? { platforms } : {}),
    ...(profile.quality.size ? { quality: Object.fromEntries([...profile.quality.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) } : {}),
  };
}

/** A file that cannot be read as a telemetry profile: a message naming what is wrong. */
export class TelemetryFileError extends Error {}

const SETTING_KEY = 'attackLens.telemetry';

/**
 * A telemetry profile file's text as the setting's object: the object itself (JSON or YAML), a VS Code
 * settings or .code-workspace file's `attackLens.telemetry`, or a DeTT&CT data-source administration
 * file turned into that object (quality scores kept). Throws TelemetryFileError when it is none of them.
 */
export function telemetryJsonFromText(text: string, fileName: string): Record<string, unknown> {
  const data = parseText(text.replace(/^\uFEFF/, ''), fileName);
  if (!isRecord(data)) throw new TelemetryFileError('expected an object (dataComponents, logSources), a settings file with attackLens.telemetry, or a DeTT&CT data-source administration file');
  if (isRecord(data.settings) && SETTING_KEY in data.settings) return settingValue(data.settings[SETTING_KEY]);
  if (SETTING_KEY in data) return settingValue(data[SETTING_KEY]);
  if (data.file_type === 'data-source-administration' || Array.isArray(data.data_sources)) return fromDettect(data);
  if ('dataComponents' in data || 'logSources' in data || 'platforms' in data) return data;
  throw new TelemetryFileError('has none of dataComponents, logSources, platforms, attackLens.telemetry or DeTT&CT data_sources');
}

function settingValue(v: unknown): Record<string, unknown> {
  if (!isRecord(v)) throw new TelemetryFileError('attackLens.telemetry must be an object with dataComponents, logSources or platforms');
  return v;
}

function parseText(text: string, fileName: string): unknown {
  const jsonLike = /\.(json|jsonc|code-workspace)$/i.test(fileName) || /^\s*[{[]/.test(text);
  if (jsonLike) {
    const parsed = parseJsoncText(text);
    if ('error' in parsed) throw new TelemetryFileError(parsed.error);
    return parsed.value;
  }
  try {
    return loadYaml(text);
  } catch (e) {
    throw new TelemetryFileError(`not valid YAML (${((e as Error).message ?? String(e)).split('\n')[0]})`);
  }
}

const ALL = 'all';

/**
 * DeTT&CT's file as the setting's object. Entries (`data_source` items, or the data source itself in
 * files of the older flat form) with every data quality score 0 are not collected. `applicable_to`
 * names systems; when every system an entry applies to lists its platforms (`systems[].platform`),
 * the entry counts on those platforms only, else everywhere.
 */
function fromDettect(data: Record<string, unknown>): Record<string, unknown> {
  const systems = new Map<string, string[]>();
  for (const s of Array.isArray(data.systems) ? data.systems : []) {
    if (!isRecord(s)) continue;
    const platforms = asNames(s.platform);
    for (const name of asNames(s.applicable_to)) systems.set(name.toLowerCase(), platforms);
  }
  const everywhere = new Set<string>();
  const platforms = new Map<string, Set<string>>();
  const quality: Record<string, DataQuality> = {};
  for (const ds of Array.isArray(data.data_sources) ? data.data_sources : []) {
    if (!isRecord(ds) || typeof ds.data_source_name !== 'string' || !ds.data_source_name.trim()) continue;
    const name = ds.data_source_name.trim();
    const entries = Array.isArray(ds.data_source) ? ds.data_source.filter(isRecord) : [ds];
    for (const entry of entries) {
      const q = qualityOf(entry.data_quality);
      if (!q || !Object.values(q).some((n) => n > 0)) continue;
      const best = quality[name];
      if (!best || total(q) > total(best)) quality[name] = q;
      const on = platformsOf(asNames(entry.applicable_to), systems);
      if (!on) everywhere.add(name);
      else for (const p of on) (platforms.get(p) ?? platforms.set(p, new Set()).get(p)!).add(name);
    }
  }
  const perPlatform = Object.fromEntries([...platforms.entries()].map(([p, names]) => [p, { dataComponents: [...names].filter((n) => !everywhere.has(n)) }]));
  return {
    ...(typeof data.name === 'string' ? { name: data.name } : {}),
    dataComponents: [...everywhere],
    ...(platforms.size ? { platforms: perPlatform } : {}),
    quality,
  };
}

function asNames(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The platforms an entry applies to, or undefined for everywhere. */
function platformsOf(applicableTo: readonly string[], systems: ReadonlyMap<string, readonly string[]>): readonly string[] | undefined {
  if (!applicableTo.length || applicableTo.some((a) => a.toLowerCase() === ALL)) return undefined;
  const out = new Set<string>();
  for (const a of applicableTo) {
    const ps = systems.get(a.toLowerCase());
    if (!ps?.length || ps.some((p) => p.toLowerCase() === ALL)) return undefined;
    for (const p of ps) out.add(p);
  }
  return [...out];
}

function total(q: DataQuality): number {
  return Object.values(q).reduce((a, b) => a + b, 0);
}
