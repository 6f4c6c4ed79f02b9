import type { DetectionRule, ParsedRuleFile } from '../rules/types';
import type { RuleTelemetryLookup } from './telemetryStates';
import shipped from './telemetry-mappings.json';
import { LogSourceUse, RuleTelemetry } from './telemetryTypes';

// What a rule reads, as ATT&CK data components: each value a parser found (src/rules/logSources.ts)
// looked up as `<format>:<value>` in the mappings — the shipped data file
// (src/coverage/telemetry-mappings.json, its format in README "Telemetry mappings") and what a
// user adds (attackLens.telemetry.mappings). What does not map is kept as unmapped, never dropped.

export interface TelemetryMappings {
  /** `<format>:<value>` → data component IDs; an empty list marks a container (an index, a connector) that names none by itself. */
  readonly entries: ReadonlyMap<string, readonly string[]>;
  /** Value prefixes, per format, that name containers when no entry maps them (`index:`, `connector:`). */
  readonly containers: ReadonlyMap<string, readonly string[]>;
  /** `<format>:<value>` that cannot be mapped, with why: listed as unmapped, on purpose. */
  readonly unmappable: ReadonlyMap<string, string>;
}

/** The shape of a mappings file: the shipped one, or a user's extra file (every part optional). */
interface MappingsFile {
  readonly mappings?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  readonly containers?: Readonly<Record<string, readonly string[]>>;
  readonly unmappable?: Readonly<Record<string, string>>;
}

const DC_ID = /^DC\d{4}$/;

let shippedCache: TelemetryMappings | undefined;

/** The mappings shipped with the extension and the CLI. */
export function shippedMappings(): TelemetryMappings {
  return (shippedCache ??= readMappings(shipped as MappingsFile, 'the shipped mappings').mappings);
}

/**
 * A mappings file or inline entries read into mappings, with a message per value that is not one
 * (`source` names where it came from). Inline entries are `{ "<format>:<value>": ["DC0032"] }`;
 * anything with a `mappings` key is read as a file.
 */
export function readMappings(value: unknown, source: string): { mappings: TelemetryMappings; problems: string[] } {
  const problems: string[] = [];
  const entries = new Map<string, readonly string[]>();
  const containers = new Map<string, readonly string[]>();
  const unmappable = new Map<string, string>();
  const add = (key: string, ids: unknown) => {
    const list = Array.isArray(ids) ? ids : [ids];
    const good = list.filter((id): id is string => typeof id === 'string' && DC_ID.test(id.trim())).map((id) => id.trim());
    if (good.length !== list.length || !/^[a-z]+:./.test(key)) problems.push(`${source}: "${key}" must map "<format>:<value>" to data component IDs ("DC0032"), not ${JSON.stringify(ids)}`);
    else entries.set(key, good);
  };
  const obj = record(value);
  if (!obj) problems.push(`${source}: expected an object of "<format>:<value>": ["DC…"] entries or a mappings file`);
  else if ('mappings' in obj || 'unmappable' in obj || 'containers' in obj) {
    for (const [format, table] of Object.entries(record(obj.mappings) ?? {})) for (const [v, ids] of Object.entries(record(table) ?? {})) add(`${format}:${v}`, ids);
    for (const [format, prefixes] of Object.entries(record(obj.containers) ?? {})) if (Array.isArray(prefixes)) containers.set(format, prefixes.filter((p): p is string => typeof p === 'string'));
    for (const [key, why] of Object.entries(record(obj.unmappable) ?? {})) if (typeof why === 'string') unmappable.set(key, why);
  } else for (const [key, ids] of Object.entries(obj)) add(key, ids);
  return { mappings: { entries, containers, unmappable }, problems };
}

/** `base` with `extra` on top: an entry of `extra` replaces the same key's entry of `base`. */
export function mergeMappings(base: TelemetryMappings, ...extra: readonly TelemetryMappings[]): TelemetryMappings {
  if (extra.length === 0) return base;
  const entries = new Map(base.entries);
  const containers = new Map(base.containers);
  const unmappable = new Map(base.unmappable);
  for (const m of extra) {
    for (const [k, v] of m.entries) {
      entries.set(k, v);
      unmappable.delete(k);
    }
    for (const [k, v] of m.containers) containers.set(k, [...(containers.get(k) ?? []), ...v]);
    for (const [k, v] of m.unmappable) if (!entries.has(k)) unmappable.set(k, v);
  }
  return { entries, containers, unmappable };
}

/** The key a log source is looked up by: `sigma:category:process_creation`. */
export function logSourceKey(use: LogSourceUse): string {
  return `${use.format}:${use.value}`;
}

/**
 * The data components a rule reads, and what it reads that maps to none. A container (an index
 * pattern, a connector) says no component by itself: it is unmapped only when nothing else the
 * rule reads maps, so a rule is never left with neither.
 */
export function ruleTelemetry(rule: Pick<DetectionRule, 'reads'>, mappings: TelemetryMappings): RuleTelemetry {
  // Asked for each rule by the states, the summary and the views after every change: a parse's
  // rules are new objects only when their file was read again.
  const known = perRule.get(rule);
  if (known?.mappings === mappings) return known.telemetry;
  const telemetry = mapReads(rule, mappings);
  perRule.set(rule, { mappings, telemetry });
  return telemetry;
}

const perRule = new WeakMap<Pick<DetectionRule, 'reads'>, { readonly mappings: TelemetryMappings; readonly telemetry: RuleTelemetry }>();

function mapReads(rule: Pick<DetectionRule, 'reads'>, mappings: TelemetryMappings): RuleTelemetry {
  const dataComponents: string[] = [];
  const unmapped: LogSourceUse[] = [];
  const containers: LogSourceUse[] = [];
  for (const use of rule.reads ?? []) {
    const ids = mappings.entries.get(logSourceKey(use));
    if (ids === undefined) (isContainer(use, mappings) ? containers : unmapped).push(use);
    else if (ids.length === 0) containers.push(use);
    else for (const id of ids) if (!dataComponents.includes(id)) dataComponents.push(id);
  }
  if (dataComponents.length === 0) unmapped.push(...containers);
  return { dataComponents: dataComponents.sort(), unmapped };
}

function isContainer(use: LogSourceUse, mappings: TelemetryMappings): boolean {
  return mappings.containers.get(use.format)?.some((p) => use.value.startsWith(p)) ?? false;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Each rule's telemetry, looked up by a coverage reference to it (the four states' input), from the parsed files. */
export function ruleTelemetryLookup(files: readonly ParsedRuleFile[], mappings: TelemetryMappings): RuleTelemetryLookup {
  const byPath = new Map(files.map((f) => [f.path, f]));
  return (ref) => {
    const rule = byPath.get(ref.path)?.rules.find((r) => r.index === ref.ruleIndex);
    return rule && ruleTelemetry(rule, mappings);
  };
}
