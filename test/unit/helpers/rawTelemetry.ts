import { isActiveRaw, rawStix } from './rawStix';

// ATT&CK's telemetry relations read straight from a raw STIX bundle, without the project's
// compiler or index: detection strategy `detects` technique, the strategy's analytics, each
// analytic's log source references (data component, log source name), and each data
// component's own log source list. The telemetry tests recompute their expectations from this.

export interface RawAnalytic {
  readonly id: string;
  readonly platforms: readonly string[];
  /** [data component ID, log source name] pairs. */
  readonly refs: readonly (readonly [string, string])[];
}

export interface RawTelemetry {
  /** Active technique IDs (T…), parents and sub-techniques. */
  readonly activeTechniques: ReadonlySet<string>;
  readonly techniquePlatforms: ReadonlyMap<string, readonly string[]>;
  /** Technique ID → the analytics of the active strategies that detect it. */
  readonly analyticsOf: ReadonlyMap<string, readonly RawAnalytic[]>;
  /** Data component name (lower-case) → ID, active components. */
  readonly componentByName: ReadonlyMap<string, string>;
  /** Log source name (lower-case) → data component IDs that list it (analytic refs and components' own lists). */
  readonly componentsOfLogSource: ReadonlyMap<string, ReadonlySet<string>>;
}

const cache = new Map<string, RawTelemetry>();

export function rawTelemetry(file: string): RawTelemetry {
  const hit = cache.get(file);
  if (hit) return hit;
  const { objects, idOf } = rawStix(file);
  const byStix = new Map(objects.map((o) => [o.id as string, o]));
  const activeTechniques = new Set<string>();
  const techniquePlatforms = new Map<string, string[]>();
  const componentByName = new Map<string, string>();
  const componentsOfLogSource = new Map<string, Set<string>>();
  const addLogSource = (name: string, dc: string) => {
    // Names are compared trimmed: 18.1 writes some with a trailing blank (`networkconfig `).
    const key = name.trim().toLowerCase();
    if (!componentsOfLogSource.has(key)) componentsOfLogSource.set(key, new Set());
    componentsOfLogSource.get(key)!.add(dc);
  };
  const analytics = new Map<string, RawAnalytic>();
  for (const o of objects) {
    const id = idOf.get(o.id as string);
    if (!id) continue;
    if (o.type === 'attack-pattern' && isActiveRaw(o) && /^T\d{4}(\.\d{3})?$/.test(id)) {
      activeTechniques.add(id);
      techniquePlatforms.set(id, (o.x_mitre_platforms as string[] | undefined) ?? []);
    }
    if (o.type === 'x-mitre-data-component' && isActiveRaw(o)) {
      componentByName.set(String(o.name).toLowerCase(), id);
      for (const ls of (o.x_mitre_log_sources as { name: string }[] | undefined) ?? []) addLogSource(ls.name, id);
    }
    if (o.type === 'x-mitre-analytic') {
      const refs = ((o.x_mitre_log_source_references as { x_mitre_data_component_ref: string; name: string }[] | undefined) ?? [])
        .map((r) => [idOf.get(r.x_mitre_data_component_ref) ?? '', r.name] as const)
        .filter((r) => r[0]);
      analytics.set(o.id as string, { id, platforms: (o.x_mitre_platforms as string[] | undefined) ?? [], refs });
      if (isActiveRaw(o)) for (const [dc, name] of refs) addLogSource(name, dc);
    }
  }
  const analyticsOf = new Map<string, RawAnalytic[]>();
  for (const o of objects) {
    if (o.type !== 'relationship' || o.relationship_type !== 'detects' || !isActiveRaw(o)) continue;
    const strategy = byStix.get(o.source_ref as string);
    const technique = idOf.get(o.target_ref as string);
    if (!strategy || !isActiveRaw(strategy) || !technique) continue;
    const list = analyticsOf.get(technique) ?? [];
    for (const ref of (strategy.x_mitre_analytic_refs as string[] | undefined) ?? []) {
      const a = analytics.get(ref);
      if (a && !list.some((x) => x.id === a.id)) list.push(a);
    }
    analyticsOf.set(technique, list);
  }
  const out: RawTelemetry = { activeTechniques, techniquePlatforms, analyticsOf, componentByName, componentsOfLogSource };
  cache.set(file, out);
  return out;
}
