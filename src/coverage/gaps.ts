import { TechniqueCoverage } from './model';

// What a gap is, for every list of gaps (the report's and the matrix's group-ranked gaps, the
// Priority gaps view and its ranking, the matrix's ranked gaps). Coverage counts a parent covered
// through any of its sub-techniques; a detection engineer still has work there while some of its
// sub-techniques have no rule, so such a parent is a partial gap, not a covered technique.

export type GapStatus =
  /** No rule names the technique, nor (for a parent) any of its sub-techniques. */
  | 'uncovered'
  /** A parent no rule names directly, covered through some but not all of its in-scope sub-techniques. */
  | 'partial';

/** How a technique is a gap, or undefined when it is not one (a rule names it, or every in-scope sub-technique has a rule). */
export function gapStatus(c: TechniqueCoverage): GapStatus | undefined {
  if (c.rules.length > 0) return undefined;
  if (c.viaSubtechniques.length === 0) return 'uncovered';
  return c.subtechniques.every((s) => s.covered) ? undefined : 'partial';
}
