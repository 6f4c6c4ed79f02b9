import Fuse from 'fuse.js';
import { AttackIndex } from '../attack/index';
import { fuzzyOptions, fuzzyQuery, fuzzyRank, SearchDocument, searchDocument, searchQuery } from '../attack/search';
import { AttackEntry, EntryKind } from '../attack/types';

// Fuzzy name/alias matching for completion, within the per-keystroke budget. fuse.js over the
// whole index (AttackSearch.search, ~3 300 documents with detection strategies) takes ~20 ms
// per query; completion only needs entries VS Code will still show after its own filter, which
// keeps an item only when the typed text is a subsequence of its filterText (name, aliases,
// full name, ID) starting at a word. So: that cheap test first, then fuse.js with AttackSearch's options
// and ranking on the few documents left. fuse.js scores each document on its own, so the
// ranking is the one the full search would give.

interface Doc extends SearchDocument {
  /** Name, aliases, full name, ID and tactic shortname: what VS Code's filter sees ... */
  readonly text: string;
  /** ... and lowercase. */
  readonly haystack: string;
}

export interface FuzzyHit {
  readonly entry: AttackEntry;
  readonly score: number;
}

const KINDS: readonly EntryKind[] = ['technique', 'tactic', 'group', 'software', 'campaign', 'mitigation'];

const docsByIndex = new WeakMap<AttackIndex, readonly Doc[]>();

function documents(index: AttackIndex): readonly Doc[] {
  let docs = docsByIndex.get(index);
  if (docs) return docs;
  const out: Doc[] = [];
  for (const e of index.entries()) {
    if (!KINDS.includes(e.kind) || !index.isActive(e)) continue;
    // AttackSearch's documents, so fuse.js scores them alike.
    const doc = searchDocument(index, e);
    const shortname = e.kind === 'tactic' ? e.shortname : '';
    const text = [e.name, ...doc.aliases, doc.fullName, e.id, shortname].join(' ');
    out.push({ ...doc, text, haystack: text.toLowerCase() });
  }
  docsByIndex.set(index, (docs = out));
  return docs;
}

const ALNUM = /[A-Za-z0-9]/;
const UPPER = /[A-Z]/;

function wordStart(text: string, i: number): boolean {
  return i === 0 || !ALNUM.test(text[i - 1]) || (UPPER.test(text[i]) && !UPPER.test(text[i - 1]));
}

/**
 * Whether VS Code's completion filter can keep the document: the pattern's characters in order,
 * the first at a word start (a separator or a camelCase hump before it, as VS Code demands of
 * the first match). A superset of what VS Code keeps, never a subset.
 */
function mayShow(pattern: string, doc: Doc): boolean {
  const { haystack, text } = doc;
  let from = haystack.indexOf(pattern[0]);
  while (from >= 0 && !wordStart(text, from)) from = haystack.indexOf(pattern[0], from + 1);
  if (from < 0) return false;
  let i = 1;
  for (let j = from + 1; j < haystack.length && i < pattern.length; j++) if (haystack.charCodeAt(j) === pattern.charCodeAt(i)) i++;
  return i === pattern.length;
}

/** Active entries the query matches fuzzily by name, alias or full name, best first. */
export function fuzzyEntries(index: AttackIndex, query: string, accepts: (e: AttackEntry) => boolean, limit: number): FuzzyHit[] {
  const cut = searchQuery(query);
  const q = cut.toLowerCase();
  if (q.length < 2) return [];
  const pattern = q.replace(/\s+/g, '');
  const docs = documents(index).filter((d) => accepts(d.entry) && mayShow(pattern, d));
  if (!docs.length) return [];
  const fuzzy = fuzzyQuery(cut);
  const fuse = new Fuse(docs, fuzzyOptions(fuzzy));
  const exact = new Set(index.byExactName(cut).map((e) => e.id));
  return fuse
    .search(fuzzy, { limit: limit * 3 })
    .map((r) => ({ entry: r.item.entry, score: exact.has(r.item.entry.id) ? 0 : fuzzyRank(r.item, r.score, q) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, limit);
}
