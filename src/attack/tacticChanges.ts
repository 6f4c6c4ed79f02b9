import { AttackIndex } from './index';
import { tacticShortname } from './ids';
import { KNOWN_TACTIC_RENAMES } from './tacticRenames';
import { Domain, Tactic } from './types';

// Tactics renamed or removed between two ATT&CK versions, and what replaces a rule's reference
// to one. A tactic is the same across versions when its STIX id is (its TA ID when an index
// lacks STIX ids); it is renamed when that tactic's shortname changed, removed when it is gone
// or retired. What replaces it is decided by the rule's own techniques, never by the nearest
// name: the tactics they have in the newer data (revocations followed) among those that descend
// from the old tactic (the renamed one, and tactics new in the newer version); the renamed
// tactic when none of them does.

export interface TacticChange {
  readonly domain: Domain;
  /** The tactic as the older version had it. */
  readonly former: { readonly id: string; readonly shortname: string; readonly name: string };
  /** The same tactic in the newer version, under its new shortname; absent when it was removed. */
  readonly renamedTo?: Tactic;
  /** Tactics of the newer version descending from the former one, in matrix order. */
  readonly descendants: readonly Tactic[];
}

const isActive = (t: Tactic) => !t.deprecated && !t.revoked;

function sameTactic(a: Tactic, b: Tactic): boolean {
  return a.stixId && b.stixId ? a.stixId === b.stixId : a.id === b.id;
}

function matrixOrder(index: AttackIndex, domain: Domain, tactics: readonly (Tactic | undefined)[]): Tactic[] {
  const ids = new Set(tactics.filter((t) => t !== undefined).map((t) => t.id));
  return index.tactics(domain).filter((t) => ids.has(t.id));
}

/** The tactics of `from` renamed or removed in `to`, in `from`'s matrix order. */
export function tacticChanges(from: AttackIndex, to: AttackIndex, domain: Domain): TacticChange[] {
  const before = from.domain(domain)?.tactics ?? [];
  const after = to.domain(domain)?.tactics ?? [];
  const fresh = after.filter((t) => isActive(t) && !before.some((b) => sameTactic(b, t)));
  const out: TacticChange[] = [];
  for (const old of before) {
    if (!isActive(old)) continue;
    const counterpart = after.find((t) => sameTactic(old, t));
    if (counterpart && isActive(counterpart) && counterpart.shortname === old.shortname) continue;
    let now = counterpart && isActive(counterpart) ? counterpart : undefined;
    if (!now && counterpart?.revoked) {
      const end = to.resolve(counterpart.id);
      if (end?.kind === 'tactic' && isActive(end)) now = end;
    }
    out.push({
      domain,
      former: { id: old.id, shortname: old.shortname, name: old.name },
      ...(now ? { renamedTo: now } : {}),
      descendants: matrixOrder(to, domain, [now, ...fresh]),
    });
  }
  return out;
}

const known = new WeakMap<AttackIndex, readonly TacticChange[]>();

/** The renames of KNOWN_TACTIC_RENAMES that the loaded data has made. */
export function knownTacticChanges(index: AttackIndex): readonly TacticChange[] {
  let changes = known.get(index);
  if (changes) return changes;
  const out: TacticChange[] = [];
  for (const r of KNOWN_TACTIC_RENAMES) {
    const loaded = index.domain(r.domain)?.tactics ?? [];
    const now = loaded.find((t) => isActive(t) && (t.stixId ? t.stixId === r.stixId : t.id === r.id));
    if (!now || now.shortname === r.formerShortname || loaded.some((t) => isActive(t) && t.shortname === r.formerShortname)) continue;
    const split = r.splitInto.map((id) => loaded.find((t) => t.id === id && isActive(t)));
    out.push({ domain: r.domain, former: { id: r.id, shortname: r.formerShortname, name: r.formerName }, renamedTo: now, descendants: matrixOrder(index, r.domain, [now, ...split]) });
  }
  known.set(index, (changes = out));
  return changes;
}

/**
 * The change a tactic written the old way belongs to (a shortname, a name, Sentinel's
 * `DefenseEvasion`), among `changes`; the primary domain's when the domain is not given.
 */
export function changeForTactic(changes: readonly TacticChange[], text: string, domain?: Domain): TacticChange | undefined {
  const shortname = tacticShortname(text);
  const matches = changes.filter((c) => c.former.shortname === shortname || c.former.id === text.trim().toUpperCase());
  return matches.find((c) => c.domain === (domain ?? 'enterprise-attack')) ?? matches[0];
}

/** What replaces a reference to the changed tactic, given the technique IDs the rule names (as written, resolved in `index`, the newer data). */
export function tacticReplacements(change: TacticChange, index: AttackIndex, techniqueIds: Iterable<string>): readonly Tactic[] {
  const theirs = new Set<string>();
  for (const id of techniqueIds) {
    const e = index.resolve(id);
    if (e?.kind !== 'technique' || !index.isActive(e) || e.domain !== change.domain) continue;
    for (const s of e.tactics) theirs.add(s);
  }
  const picked = change.descendants.filter((t) => theirs.has(t.shortname));
  if (picked.length) return picked;
  return change.renamedTo ? [change.renamedTo] : [];
}
