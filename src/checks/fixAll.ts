import { Position } from '../rules/types';
import { Finding, FindingCode, TextEdit } from './findings';

// "Fix all": the preferred fix of every finding, as one conflict-free set of edits. When two
// fixes touch the same text the more important one wins (a revoked replacement already writes
// the canonical spelling a tag-format fix would); identical insertions (two techniques missing
// the same tactic) are made once.

// A renamed tactic's Elastic fix rewrites its whole threat block, revoked techniques included.
const PRIORITY: readonly FindingCode[] = [
  'attack-lens/renamed-tactic',
  'attack-lens/revoked',
  'attack-lens/unknown-id',
  'attack-lens/unknown-tactic',
  'attack-lens/tag-format',
  'attack-lens/malformed-id',
  'attack-lens/name-mismatch',
  'attack-lens/reference-mismatch',
  'attack-lens/missing-tactic',
];

function cmp(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export interface FixAllResult {
  readonly edits: readonly TextEdit[];
  /** The findings whose fix is in `edits`. */
  readonly fixed: readonly Finding[];
}

export function fixAllEdits(findings: readonly Finding[], accept: (f: Finding) => boolean = () => true): FixAllResult {
  const rank = (f: Finding) => {
    const i = PRIORITY.indexOf(f.code);
    return i < 0 ? PRIORITY.length : i;
  };
  const candidates = findings.filter((f) => accept(f) && f.fixes.some((x) => x.isPreferred)).sort((a, b) => rank(a) - rank(b));
  const taken = new AcceptedEdits();
  const fixed: Finding[] = [];
  let currentRank = -1;
  for (const f of candidates) {
    if (rank(f) !== currentRank) {
      currentRank = rank(f);
      taken.settle();
    }
    const fix = f.fixes.find((x) => x.isPreferred)!;
    const fresh = fix.edits.filter((e) => !taken.has(e));
    if (fresh.some((e) => taken.overlaps(e))) continue;
    for (const e of fresh) taken.add(e);
    fixed.push(f);
  }
  return { edits: taken.all(), fixed };
}

function editKey(e: TextEdit): string {
  return `${e.span.start.line}:${e.span.start.character}:${e.span.end.line}:${e.span.end.character}:${e.newText}`;
}

function isEmpty(e: TextEdit): boolean {
  return cmp(e.span.start, e.span.end) === 0;
}

/**
 * The edits taken so far, sorted, so a new edit is checked against its neighbours only: the
 * scan of every taken edit per finding was quadratic (a file with 100 000 revoked IDs).
 * Insertions (empty spans) and replacements are kept apart: taken replacements do not overlap
 * each other, so one that starts before a new edit is the only one that can reach into it.
 */
class AcceptedEdits {
  private readonly keys = new Set<string>();
  private readonly taken: TextEdit[] = [];
  private readonly insertions = new SortedEdits();
  private readonly replacements = new SortedEdits();

  has(e: TextEdit): boolean {
    return this.keys.has(editKey(e));
  }

  /** Two insertions overlap when they are at one place; a replacement overlaps what starts or is inserted strictly inside it. */
  overlaps(e: TextEdit): boolean {
    const { start, end } = e.span;
    const before = this.replacements.lastStartingBefore(start);
    if (before && cmp(before.span.end, start) > 0) return true;
    if (isEmpty(e)) {
      const same = this.insertions.firstStartingFrom(start, true);
      return same !== undefined && cmp(same.span.start, start) === 0;
    }
    const inside = this.replacements.firstStartingFrom(start, true);
    if (inside && cmp(inside.span.start, end) < 0) return true;
    const insertion = this.insertions.firstStartingFrom(start, false);
    return insertion !== undefined && cmp(insertion.span.start, end) < 0;
  }

  add(e: TextEdit): void {
    this.keys.add(editKey(e));
    this.taken.push(e);
    (isEmpty(e) ? this.insertions : this.replacements).add(e);
  }

  /** Called when the rank changes: see SortedEdits. */
  settle(): void {
    this.insertions.settle();
    this.replacements.settle();
  }

  /** In order of position; edits that start at one place in the order they were taken. */
  all(): TextEdit[] {
    return [...this.taken].sort((a, b) => cmp(a.span.start, b.span.start));
  }
}

/**
 * Edits sorted by start. Those of earlier ranks sit in `settled`; those of the rank being taken
 * in `recent`, which mostly grows at its end (findings come in file order) and merges into
 * `settled` when the rank changes, so an out-of-order edit rarely costs a shift of the lot.
 */
class SortedEdits {
  private settled: TextEdit[] = [];
  private recent: TextEdit[] = [];

  add(e: TextEdit): void {
    const r = this.recent;
    if (r.length === 0 || cmp(r[r.length - 1].span.start, e.span.start) <= 0) r.push(e);
    else r.splice(firstFrom(r, e.span.start, false), 0, e);
  }

  /** The edit with the greatest start before `p` (the latest such when several start there). */
  lastStartingBefore(p: Position): TextEdit | undefined {
    const a = this.settled[firstFrom(this.settled, p, true) - 1];
    const b = this.recent[firstFrom(this.recent, p, true) - 1];
    return !a ? b : !b ? a : cmp(a.span.start, b.span.start) >= 0 ? a : b;
  }

  /** The edit with the least start at or after `p` (`inclusive`) or after it. */
  firstStartingFrom(p: Position, inclusive: boolean): TextEdit | undefined {
    const a = this.settled[firstFrom(this.settled, p, inclusive)];
    const b = this.recent[firstFrom(this.recent, p, inclusive)];
    return !a ? b : !b ? a : cmp(a.span.start, b.span.start) <= 0 ? a : b;
  }

  settle(): void {
    if (this.recent.length === 0) return;
    const a = this.settled;
    const b = this.recent;
    const out: TextEdit[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && cmp(a[i].span.start, b[j].span.start) <= 0) ? a[i++] : b[j++]);
    this.settled = out;
    this.recent = [];
  }
}

/** Index of the first edit starting at or after `p` (`inclusive`), or strictly after it. */
function firstFrom(sorted: readonly TextEdit[], p: Position, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = cmp(sorted[mid].span.start, p);
    if (c < 0 || (!inclusive && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Applies non-overlapping edits to text (positions in UTF-16 units, lines split on \n). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const offset = (p: Position) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  // In order of position; of two insertions at one place, the later-listed comes first (as applying them from the end did).
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => cmp(a.e.span.start, b.e.span.start) || b.i - a.i);
  const parts: string[] = [];
  let done = 0;
  for (const { e } of order) {
    const from = offset(e.span.start);
    if (from > done) parts.push(text.slice(done, from));
    parts.push(e.newText);
    done = Math.max(done, offset(e.span.end));
  }
  parts.push(text.slice(done));
  return parts.join('');
}
