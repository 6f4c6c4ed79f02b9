import { Position, Span } from '../rules/types';
import { Finding, FindingCode, TextEdit } from './findings';

// "Fix all": the preferred fix of every finding, as one conflict-free set of edits. When two
// fixes touch the same text the more important one wins (a revoked replacement already writes
// the canonical spelling a tag-format fix would); identical insertions (two techniques missing
// the same tactic) are made once.

const PRIORITY: readonly FindingCode[] = [
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

function overlaps(a: Span, b: Span): boolean {
  const aEmpty = cmp(a.start, a.end) === 0;
  const bEmpty = cmp(b.start, b.end) === 0;
  if (aEmpty && bEmpty) return cmp(a.start, b.start) === 0;
  return cmp(a.start, b.end) < 0 && cmp(b.start, a.end) < 0;
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
  const edits: TextEdit[] = [];
  const fixed: Finding[] = [];
  for (const f of candidates) {
    const fix = f.fixes.find((x) => x.isPreferred)!;
    const fresh = fix.edits.filter((e) => !edits.some((d) => cmp(d.span.start, e.span.start) === 0 && cmp(d.span.end, e.span.end) === 0 && d.newText === e.newText));
    if (fresh.some((e) => edits.some((d) => overlaps(d.span, e.span)))) continue;
    edits.push(...fresh);
    fixed.push(f);
  }
  return { edits: edits.sort((a, b) => cmp(a.span.start, b.span.start)), fixed };
}

/** Applies non-overlapping edits to text (positions in UTF-16 units, lines split on \n). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const offset = (p: Position) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  let result = text;
  for (const e of [...edits].sort((a, b) => cmp(b.span.start, a.span.start))) {
    result = result.slice(0, offset(e.span.start)) + e.newText + result.slice(offset(e.span.end));
  }
  return result;
}
