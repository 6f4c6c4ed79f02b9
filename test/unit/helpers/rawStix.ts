import { compileBundle } from '../../../src/attack/compile';
import { AttackIndex } from '../../../src/attack/index';
import { loadBundle, rawObjects } from './attackData';

let enterprise: AttackIndex | undefined;
/** Enterprise 18.1 alone, compiled (actors then carry exactly their Enterprise `uses`). */
export function enterprise18(): AttackIndex {
  return (enterprise ??= new AttackIndex([compileBundle(loadBundle('enterprise-attack-18.1.json'))]));
}

// Independent views of a raw STIX bundle for the profile/priority/migration tests: straight
// from the JSON objects, without the project's compiler.

export interface RawStix {
  /** STIX id → ATT&CK external ID. */
  readonly idOf: ReadonlyMap<string, string>;
  /** ATT&CK ID → the object. */
  readonly byAttackId: ReadonlyMap<string, Record<string, unknown>>;
  readonly objects: readonly Record<string, unknown>[];
  /** Active (not revoked/deprecated) source ATT&CK ID → target technique IDs of its active `uses` relationships. */
  readonly uses: ReadonlyMap<string, ReadonlySet<string>>;
  /** Revoked ATT&CK ID → the ATT&CK ID of its `revoked-by` target. */
  readonly revokedBy: ReadonlyMap<string, string>;
}

const cache = new Map<string, RawStix>();

export function isActiveRaw(o: Record<string, unknown> | undefined): boolean {
  return !!o && o.revoked !== true && o.x_mitre_deprecated !== true;
}

export function rawStix(file: string): RawStix {
  const hit = cache.get(file);
  if (hit) return hit;
  const objects = rawObjects(file);
  const idOf = new Map<string, string>();
  const byAttackId = new Map<string, Record<string, unknown>>();
  const byStix = new Map<string, Record<string, unknown>>();
  for (const o of objects) {
    byStix.set(o.id as string, o);
    const refs = (o.external_references as { source_name: string; external_id?: string }[] | undefined) ?? [];
    const ext = refs.find((r) => r.source_name === 'mitre-attack' && r.external_id)?.external_id;
    if (ext) {
      idOf.set(o.id as string, ext);
      const prev = byAttackId.get(ext);
      // Keep the active object when an ID has several (a revoked duplicate).
      if (!prev || (!isActiveRaw(prev) && isActiveRaw(o))) byAttackId.set(ext, o);
    }
  }
  const uses = new Map<string, Set<string>>();
  const revokedBy = new Map<string, string>();
  for (const o of objects) {
    if (o.type !== 'relationship' || o.revoked === true || o.x_mitre_deprecated === true) continue;
    const src = idOf.get(o.source_ref as string);
    const dst = idOf.get(o.target_ref as string);
    if (!src || !dst) continue;
    if (o.relationship_type === 'revoked-by') revokedBy.set(src, dst);
    if (o.relationship_type !== 'uses' || !(o.target_ref as string).startsWith('attack-pattern--')) continue;
    if (!isActiveRaw(byStix.get(o.source_ref as string)) || !isActiveRaw(byStix.get(o.target_ref as string))) continue;
    let s = uses.get(src);
    if (!s) uses.set(src, (s = new Set()));
    s.add(dst);
  }
  const result = { idOf, byAttackId, objects, uses, revokedBy };
  cache.set(file, result);
  return result;
}
