import { AttackIndex } from '../attack/index';
import { AttackEntry, Domain, Tactic } from '../attack/types';
import { kindOfId, parentOf } from '../attack/ids';
import { editDistance } from './spelling';

// "Did you mean": replacements the checks offer. Only close ones — a suggestion a user would
// have to second-guess is worse than none.

export interface Suggestion {
  readonly id: string;
  readonly why: string;
  /** Strong enough to be the one obvious fix. */
  readonly strong: boolean;
}

/** At most this many one-digit-off IDs are offered; with more, none is the obvious typo. */
const MAX_DIGIT_NEIGHBOURS = 2;

/**
 * Known, active entries close to an unknown ID: the entry the sibling name names, the parent of
 * an unknown sub-technique, and IDs one digit (or one adjacent swap) away when there are few.
 */
export function closestIds(index: AttackIndex, unknownId: string, siblingName?: string): readonly Suggestion[] {
  let perIndex = suggestionCache.get(index);
  if (!perIndex || perIndex.size >= MAX_CACHED_SUGGESTIONS) suggestionCache.set(index, (perIndex = new Map()));
  const key = `${unknownId}\u0000${siblingName ?? ''}`;
  let found = perIndex.get(key);
  if (!found) perIndex.set(key, (found = computeClosestIds(index, unknownId, siblingName)));
  return found;
}

// Suggestions per index, by unknown ID and sibling name: a file naming the same unknown ID many
// times (or thousands of unknown IDs, each again on every keystroke) looks each up once.
const suggestionCache = new WeakMap<AttackIndex, Map<string, readonly Suggestion[]>>();
const MAX_CACHED_SUGGESTIONS = 50_000;

function computeClosestIds(index: AttackIndex, unknownId: string, siblingName?: string): Suggestion[] {
  const kind = kindOfId(unknownId);
  const out: Suggestion[] = [];
  const add = (s: Suggestion) => {
    if (!out.some((o) => o.id === s.id)) out.push(s);
  };
  if (siblingName) {
    const named = index.byExactName(siblingName).filter((e) => e.kind === kind && index.isActive(e));
    if (named.length === 1) add({ id: named[0].id, why: `named "${named[0].name}"`, strong: true });
  }
  const parent = parentOf(unknownId);
  if (parent) {
    const p = index.get(parent);
    if (p && index.isActive(p)) add({ id: p.id, why: `its parent technique, ${p.name}`, strong: false });
  }
  const neighbours = digitNeighbours(index, unknownId);
  if (neighbours.length <= MAX_DIGIT_NEIGHBOURS) for (const e of neighbours) add({ id: e.id, why: e.name, strong: false });
  if (out.length === 1 && !out[0].strong && neighbours.length === 1 && out[0].id === neighbours[0].id) {
    return [{ ...out[0], strong: true }];
  }
  return out;
}

/** Active entries whose ID differs from `id` by one digit or one adjacent swap of digits. */
function digitNeighbours(index: AttackIndex, id: string): AttackEntry[] {
  const candidates = new Set<string>();
  const digitAt = [...id].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
  for (const i of digitAt) {
    for (let d = 0; d <= 9; d++) candidates.add(id.slice(0, i) + d + id.slice(i + 1));
  }
  for (let k = 0; k + 1 < digitAt.length; k++) {
    const [i, j] = [digitAt[k], digitAt[k + 1]];
    if (j === i + 1) candidates.add(id.slice(0, i) + id[j] + id[i] + id.slice(j + 1));
  }
  candidates.delete(id);
  const out: AttackEntry[] = [];
  for (const c of candidates) {
    const e = index.get(c);
    if (e && e.id === c && index.isActive(e)) out.push(e);
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The most edits a misspelt tactic name is from the one it meant: 2, or a quarter of its length. */
export function typoDistance(text: string): number {
  return Math.max(2, Math.floor(text.length / 4));
}

/** Active tactics whose spelling (as `spell` writes it) is closest to text, when close enough. */
export function closestTactics(index: AttackIndex, text: string, spell: (t: Tactic) => string, domains?: readonly Domain[]): Tactic[] {
  const want = text.toLowerCase();
  const limit = typoDistance(want);
  let best = limit + 1;
  let found: Tactic[] = [];
  const seen = new Set<string>();
  for (const d of index.domains) {
    if (domains && !domains.includes(d.domain)) continue;
    for (const t of index.tactics(d.domain)) {
      const spelled = spell(t);
      if (seen.has(spelled)) continue;
      seen.add(spelled);
      const dist = editDistance(want, spelled.toLowerCase(), limit);
      if (dist < best) {
        best = dist;
        found = [t];
      } else if (dist === best) found.push(t);
    }
  }
  return best <= limit ? found : [];
}

/** The techniques a deprecated entry's description tells people to use instead ("Please use [X](…/T1571)"). */
export function deprecationReplacements(index: AttackIndex, entry: AttackEntry): string[] {
  const head = entry.description.split(/\n\s*\n/)[0] ?? '';
  if (!/deprecated/i.test(head) || !/\buse\b/i.test(head)) return [];
  const ids: string[] = [];
  for (const m of head.matchAll(/attack\.mitre\.org\/(?:techniques|tactics|software|groups)\/([A-Z]+\d{4})(?:\/(\d{3}))?/g)) {
    const id = m[2] ? `${m[1]}.${m[2]}` : m[1];
    const e = index.get(id);
    if (e && index.isActive(e) && e.id !== entry.id && !ids.includes(e.id)) ids.push(e.id);
  }
  return ids;
}
