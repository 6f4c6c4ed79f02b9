import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './codeServer';

// ATT&CK's analytics per technique read straight from the raw STIX bundle (detection strategy
// `detects` technique → the strategy's analytics → their log source references), without the
// project's compiler or index: what the matrix tests (browser and unit) expect the side panel to list.

const stixDir = process.env.ATTACK_LENS_STIX || path.resolve(projectRoot, '..', 'shared', 'attack');

type Stix = Record<string, unknown>;

export interface RawLogSource {
  readonly dataComponent: string;
  readonly name: string;
  readonly channel: string;
}

export interface RawAnalytic {
  readonly id: string;
  readonly name: string;
  readonly logSources: readonly RawLogSource[];
}

export interface RawTechnique {
  readonly id: string;
  readonly name: string;
  readonly analytics: readonly RawAnalytic[];
}

const active = (o: Stix | undefined) => !!o && o.revoked !== true && o.x_mitre_deprecated !== true;
const attackId = (o: Stix) => ((o.external_references as { source_name: string; external_id?: string }[] | undefined) ?? []).find((r) => r.source_name === 'mitre-attack')?.external_id;

const cache = new Map<string, ReadonlyMap<string, RawTechnique>>();

/** Active techniques and sub-techniques of a bundle (`enterprise-attack-18.1.json`), by ATT&CK ID, with their analytics. */
export function rawTechniques(file: string): ReadonlyMap<string, RawTechnique> {
  const hit = cache.get(file);
  if (hit) return hit;
  const objects = (JSON.parse(fs.readFileSync(path.join(stixDir, file), 'utf8')) as { objects: Stix[] }).objects;
  const byStix = new Map(objects.map((o) => [o.id as string, o]));
  const out = new Map<string, { id: string; name: string; analytics: RawAnalytic[]; seen: Set<string> }>();
  for (const o of objects) {
    const id = attackId(o);
    if (o.type === 'attack-pattern' && active(o) && id) out.set(o.id as string, { id, name: o.name as string, analytics: [], seen: new Set() });
  }
  for (const r of objects) {
    if (r.type !== 'relationship' || r.relationship_type !== 'detects' || !active(r)) continue;
    const t = out.get(r.target_ref as string);
    const strategy = byStix.get(r.source_ref as string);
    if (!t || !active(strategy)) continue;
    for (const ref of (strategy!.x_mitre_analytic_refs as string[] | undefined) ?? []) {
      const a = byStix.get(ref);
      if (!a || t.seen.has(ref)) continue;
      t.seen.add(ref);
      const refs = (a.x_mitre_log_source_references as { x_mitre_data_component_ref: string; name: string; channel?: string }[] | undefined) ?? [];
      const logSources = refs.map((l) => ({ dataComponent: attackId(byStix.get(l.x_mitre_data_component_ref) ?? {}) ?? '', name: l.name, channel: l.channel ?? '' }));
      t.analytics.push({ id: attackId(a) ?? '', name: a.name as string, logSources });
    }
  }
  const techniques = new Map([...out.values()].map(({ id, name, analytics }) => [id, { id, name, analytics }]));
  cache.set(file, techniques);
  return techniques;
}
