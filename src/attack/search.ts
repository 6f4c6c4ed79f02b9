import Fuse, { FuseIndex, IFuseOptions } from 'fuse.js';
import { AttackIndex } from './index';
import { normalizeId } from './ids';
import { AttackEntry, EntryKind } from './types';

// Fuzzy search over names and aliases (fuse.js), with exact-ID and ID-prefix matches first.
// The Fuse index is built lazily on the first search, so loading ATT&CK stays cheap.

/** How names and aliases are matched fuzzily (here and in completion, which must rank alike). */
export const FUZZY_OPTIONS = {
  keys: [
    { name: 'name', weight: 3 },
    { name: 'aliases', weight: 2 },
    { name: 'fullName', weight: 1 },
  ],
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.35,
  minMatchCharLength: 2,
} as const satisfies IFuseOptions<unknown>;

/**
 * Longest query looked up by ID and exact name; longer ones are cut (the longest ATT&CK name, a
 * detection strategy's, is 124 characters). A 10 KB query pasted into the search box took 17 s.
 * @internal Exported so tests build queries at the limit.
 */
export const MAX_QUERY_LENGTH = 128;
/**
 * Longest query matched fuzzily. fuse.js's bitap costs about as much per query character, and
 * per typo it allows, as one search of every name (CPU on the shared machine, default
 * threshold: one word 46 ms, 16 characters 82 ms, 24: 128 ms, 32: 210 ms). Longer names are
 * still found by their first 24 characters, and by their whole name exactly.
 */
const MAX_FUZZY_QUERY_LENGTH = 24;
/**
 * Most typos a fuzzy match may have: 35 % of the query (fuse.js's threshold), and never more
 * than 4, so that a long query costs little more than a short one (24 characters allowing 8
 * typos: 128 ms; allowing 4: 76 ms).
 */
const MAX_FUZZY_ERRORS = 4;

/** The fuse.js options for matching this (fuzzyQuery'd) query: FUZZY_OPTIONS, its typos capped at MAX_FUZZY_ERRORS. */
export function fuzzyOptions(query: string): typeof FUZZY_OPTIONS {
  // fuse.js (ignoreLocation) matches when typos / length ≤ threshold.
  const threshold = Math.min(FUZZY_OPTIONS.threshold, (MAX_FUZZY_ERRORS + 0.5) / Math.max(1, query.length));
  return threshold === FUZZY_OPTIONS.threshold ? FUZZY_OPTIONS : ({ ...FUZZY_OPTIONS, threshold } as typeof FUZZY_OPTIONS);
}

/** The query as searched: trimmed and cut to MAX_QUERY_LENGTH. The one place queries are bounded, for search and completion alike. */
export function searchQuery(text: string): string {
  return cut(text.trim(), MAX_QUERY_LENGTH);
}

/** The part of a (searchQuery'd) query that is matched fuzzily. */
export function fuzzyQuery(query: string): string {
  return cut(query, MAX_FUZZY_QUERY_LENGTH);
}

/** At most `max` characters, never ending inside a surrogate pair. */
function cut(t: string, max: number): string {
  if (t.length <= max) return t;
  const end = /[\uD800-\uDBFF]/.test(t[max - 1]) ? max - 1 : max;
  return t.slice(0, end).trim();
}

export interface SearchOptions {
  readonly kinds?: readonly EntryKind[];
  readonly limit?: number;
  /** Include revoked and deprecated entries (off by default: nobody should be offered them). */
  readonly includeInactive?: boolean;
}

export interface SearchHit {
  readonly entry: AttackEntry;
  /** 0 is a perfect match, 1 no match (fuse.js scale). */
  readonly score: number;
}

const DEFAULT_KINDS: readonly EntryKind[] = ['technique', 'tactic', 'group', 'software', 'campaign', 'mitigation'];

// Ties between kinds go to what rules are tagged with most: techniques, then tactics, then actors.
const KIND_PENALTY: Record<EntryKind, number> = {
  technique: 0,
  tactic: 0.01,
  group: 0.02,
  campaign: 0.03,
  software: 0.04,
  mitigation: 0.05,
  'detection-strategy': 0.06,
  analytic: 0.07,
  'data-component': 0.07,
};

/** What fuse.js matches for an entry: its name, aliases and full name (a parent's full name is its name). */
export interface SearchDocument {
  readonly entry: AttackEntry;
  readonly name: string;
  readonly fullName: string;
  readonly aliases: readonly string[];
}

export function searchDocument(index: AttackIndex, e: AttackEntry): SearchDocument {
  return { entry: e, name: e.name, fullName: index.fullName(e.id), aliases: 'aliases' in e ? e.aliases.filter((a) => a !== e.name) : [] };
}

/** Whether a name or alias starts with the (lower-case) query, or has a word that does. */
function startsWord(doc: SearchDocument, q: string): boolean {
  return [doc.name, ...doc.aliases].some((n) => {
    const l = n.toLowerCase();
    return l.startsWith(q) || l.includes(' ' + q);
  });
}

/** The rank of a fuse.js match (lower is better), for search and completion alike: halved when a name starts with the lower-case query, then the kind's tie-break. */
export function fuzzyRank(doc: SearchDocument, fuseScore: number | undefined, lowerQuery: string): number {
  return (fuseScore ?? 1) * (startsWord(doc, lowerQuery) ? 0.5 : 1) + KIND_PENALTY[doc.entry.kind];
}

export class AttackSearch {
  private fuse?: Fuse<SearchDocument>;
  /** The Fuse index of the documents, shared by the Fuse per threshold (fuzzyOptions). */
  private fuseIndex?: FuseIndex<SearchDocument>;
  private docs?: SearchDocument[];
  private readonly byThreshold = new Map<number, Fuse<SearchDocument>>();
  private sortedIds?: AttackEntry[];

  constructor(private readonly index: AttackIndex) {}

  private build(): Fuse<SearchDocument> {
    if (this.fuse) return this.fuse;
    const docs: SearchDocument[] = [];
    for (const e of this.index.entries()) {
      if (!DEFAULT_KINDS.includes(e.kind) && e.kind !== 'detection-strategy' && e.kind !== 'data-component') continue;
      docs.push(searchDocument(this.index, e));
    }
    this.sortedIds = docs.map((d) => d.entry).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.docs = docs;
    this.fuseIndex = Fuse.createIndex(FUZZY_OPTIONS.keys, docs);
    this.fuse = new Fuse(docs, FUZZY_OPTIONS, this.fuseIndex);
    return this.fuse;
  }

  /** The Fuse that matches `query` (a long query allows fewer typos than 35 % of it). */
  private fuseFor(query: string): Fuse<SearchDocument> {
    const fuse = this.build();
    const options = fuzzyOptions(query);
    if (options === FUZZY_OPTIONS) return fuse;
    let capped = this.byThreshold.get(options.threshold);
    if (!capped) this.byThreshold.set(options.threshold, (capped = new Fuse(this.docs!, options, this.fuseIndex)));
    return capped;
  }

  private accepts(e: AttackEntry, opts: SearchOptions): boolean {
    const kinds = opts.kinds ?? DEFAULT_KINDS;
    return kinds.includes(e.kind) && (opts.includeInactive || this.index.isActive(e));
  }

  /**
   * Entries whose ID starts with the text (`T1059` → T1059, T1059.001, …), parents before
   * their sub-techniques, in ID order.
   */
  byIdPrefix(text: string, opts: SearchOptions = {}): AttackEntry[] {
    let prefix = text.trim().toUpperCase();
    if (prefix.startsWith('ATTACK.')) prefix = prefix.slice(7);
    if (!/^(T|TA|G|S|C|M|DET|DC)\d{0,4}(\.\d{0,3})?$/.test(prefix)) return [];
    this.build();
    const ids = this.sortedIds!;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid].id < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: AttackEntry[] = [];
    const limit = opts.limit ?? Infinity;
    for (let i = lo; i < ids.length && ids[i].id.startsWith(prefix) && out.length < limit; i++) {
      const e = ids[i];
      // `T10` must not offer tactics (TA…) just because both start with T.
      if (prefix.startsWith('T') && !prefix.startsWith('TA') && e.id.startsWith('TA')) continue;
      if (this.accepts(e, opts)) out.push(e);
    }
    return out;
  }

  /** Best matches first: the exact ID, ID-prefix matches, exact names, then fuzzy name/alias matches. */
  search(text: string, opts: SearchOptions = {}): SearchHit[] {
    const query = searchQuery(text);
    if (!query) return [];
    const limit = opts.limit ?? 20;
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    const take = (entry: AttackEntry, score: number) => {
      if (seen.has(entry.id) || !this.accepts(entry, opts)) return;
      seen.add(entry.id);
      hits.push({ entry, score });
    };
    const id = normalizeId(query);
    if (id) {
      const e = this.index.get(id);
      if (e) take(e, 0);
    }
    for (const e of this.byIdPrefix(query, { ...opts, limit })) take(e, 0.001);
    for (const e of this.index.byExactName(query)) take(e, 0.002);
    if (hits.length < limit && query.length >= 2) {
      const q = query.toLowerCase();
      const fuzzy = fuzzyQuery(query);
      const ranked = this.fuseFor(fuzzy)
        .search(fuzzy, { limit: limit * 3 })
        .map((r) => ({ entry: r.item.entry, score: fuzzyRank(r.item, r.score, q) }))
        .sort((a, b) => a.score - b.score);
      for (const r of ranked) {
        take(r.entry, r.score);
        if (hits.length >= limit) break;
      }
    }
    return hits.slice(0, limit);
  }
}
