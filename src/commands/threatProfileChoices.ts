import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { AttackSearch } from '../attack/search';
import { Actor } from '../attack/types';

// The data behind "Choose threat profile"'s pickers, without vscode (unit-tested on the real
// index): which actors a query finds (names and aliases, fuzzily: `Cozy Bear` → APT29), how an
// actor is described, and what a typed list of technique IDs holds.

const ACTOR_KINDS = ['group', 'campaign', 'software'] as const;

/** Active groups, campaigns and software matching the query (ID, name or alias), best first. */
export function searchActors(search: AttackSearch, query: string, limit = 50): Actor[] {
  return search
    .search(query, { kinds: ACTOR_KINDS, limit })
    .map((h) => h.entry)
    .filter((e): e is Actor => e.kind === 'group' || e.kind === 'campaign' || e.kind === 'software');
}

/** Every active group, then campaigns, then software, each by name: the list before anything is typed. */
export function allActors(index: AttackIndex): Actor[] {
  const byName = (a: Actor, b: Actor) => a.name.localeCompare(b.name);
  const out: Actor[] = [];
  for (const kind of ACTOR_KINDS) {
    const seen = new Set<string>();
    const list: Actor[] = [];
    for (const d of index.domains) {
      const entries: readonly Actor[] = kind === 'group' ? d.groups : kind === 'campaign' ? d.campaigns : d.software;
      for (const e of entries) {
        if (!index.isActive(e) || seen.has(e.id)) continue;
        seen.add(e.id);
        list.push(e);
      }
    }
    out.push(...list.sort(byName));
  }
  return out;
}

/** "group · 45 techniques · aka Cozy Bear, The Dukes, …" (every alias: the picker matches its detail too). */
export function actorDetail(actor: Actor): string {
  const kind = actor.kind === 'software' ? actor.softwareType : actor.kind;
  const aliases = actor.aliases.filter((a) => a !== actor.name);
  const n = actor.techniques.length;
  return [kind, `${n} technique${n === 1 ? '' : 's'}`, aliases.length ? `aka ${aliases.join(', ')}` : ''].filter(Boolean).join(' · ');
}

export interface TechniqueListReading {
  /** Canonical, current technique IDs, each once, in order (revoked ones replaced). */
  readonly ids: readonly string[];
  /** Tokens that are not technique IDs at all. */
  readonly notIds: readonly string[];
  /** Technique IDs the index does not know. */
  readonly unknown: readonly string[];
  /** Revoked IDs and what they were replaced with. */
  readonly replaced: readonly { readonly from: string; readonly to: string }[];
  /** Deprecated techniques (kept: the user asked for them). */
  readonly deprecated: readonly string[];
}

/** Reads `T1059.001, T1003 t1566` (commas, spaces, semicolons, new lines) against the index. */
export function readTechniqueList(index: AttackIndex, text: string): TechniqueListReading {
  const ids: string[] = [];
  const notIds: string[] = [];
  const unknown: string[] = [];
  const replaced: { from: string; to: string }[] = [];
  const deprecated: string[] = [];
  for (const token of text.split(/[\s,;|"'`]+/)) {
    if (!token) continue;
    const id = normalizeId(token.replace(/^(T\d{4})[-_](\d{3})$/i, '$1.$2'));
    if (!id || !/^T\d{4}(?:\.\d{3})?$/.test(id)) {
      notIds.push(token);
      continue;
    }
    const t = index.technique(id);
    if (!t) {
      unknown.push(id);
      continue;
    }
    let target = t.id;
    if (t.revoked) {
      const to = index.replacementOf(t.id);
      if (!to) {
        unknown.push(id);
        continue;
      }
      replaced.push({ from: t.id, to });
      target = to;
    } else if (t.deprecated) deprecated.push(t.id);
    if (!ids.includes(target)) ids.push(target);
  }
  return { ids, notIds, unknown, replaced, deprecated };
}

/** The validation message for a typed list: an error blocks saving, a note does not. */
export function techniqueListMessage(r: TechniqueListReading, versionLabel: string): { readonly error: boolean; readonly message: string } | undefined {
  if (r.notIds.length) return { error: true, message: `Not technique IDs: ${r.notIds.slice(0, 5).join(', ')}${r.notIds.length > 5 ? ', …' : ''}` };
  if (r.unknown.length) return { error: true, message: `Not in ${versionLabel}: ${r.unknown.slice(0, 5).join(', ')}${r.unknown.length > 5 ? ', …' : ''}` };
  if (!r.ids.length) return { error: true, message: 'Type at least one technique ID, e.g. T1059.001, T1003' };
  const notes: string[] = [];
  if (r.replaced.length) notes.push(`revoked, saved as their replacements: ${r.replaced.map((x) => `${x.from} → ${x.to}`).join(', ')}`);
  if (r.deprecated.length) notes.push(`deprecated: ${r.deprecated.join(', ')}`);
  return notes.length ? { error: false, message: `${r.ids.length} techniques; ${notes.join('; ')}` } : undefined;
}

/** Actors with more than this many names would make a long profile name: the picker asks for one then. */
const NAMED_BY_SELECTION = 3;

/**
 * The profile name for chosen actors: the current name when the same actors were chosen again,
 * else their names (`APT29, APT28`). `ask` holds a suggestion when the selection is too long to
 * name itself (`APT29, APT28, FIN7 + 2 more`): saving then asks for a name.
 */
export function actorProfileName(actors: readonly Actor[], current?: { readonly name: string; readonly actors: readonly string[] }): { readonly name: string; readonly ask?: true } {
  if (current && current.actors.join() === actors.map((a) => a.id).join()) return { name: current.name };
  const names = actors.map((a) => a.name);
  if (names.length <= NAMED_BY_SELECTION) return { name: names.join(', ') };
  return { name: `${names.slice(0, NAMED_BY_SELECTION).join(', ')} + ${names.length - NAMED_BY_SELECTION} more`, ask: true };
}

/** Whether text typed in the picker reads as a technique list (only IDs, at least one, all known): then it is offered as one. */
export function typedTechniqueList(index: AttackIndex, text: string): TechniqueListReading | undefined {
  if (!/\d/.test(text)) return undefined;
  const reading = readTechniqueList(index, text);
  return reading.ids.length && !reading.notIds.length && !reading.unknown.length ? reading : undefined;
}
