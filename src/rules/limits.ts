import { LineMap } from './text';
import { RuleProblem } from './types';

// Per-file caps on what a parser reads. Real rule files name a few dozen ATT&CK references at
// most (SigmaHQ's most: 20, Splunk ESCU's: 8) in one rule, a YARA-L file a handful of rules; a
// generated or hostile file can name 170 000 in 1 MB, and checking each costs time the editor
// does not have. Past a cap the rest of the file is not read for ATT&CK, and the file gets one
// problem saying so (a diagnostic in the editor, a note in the CLI) — never silently.

/** ATT&CK references read per file. */
export const MAX_REFERENCES_PER_FILE = 1000;
/** Rules read per file (YAML documents, YARA-L rules). */
export const MAX_RULES_PER_FILE = 500;

/** What one parse of one file has read so far against the caps; the parsers ask before each reference and rule. */
export class FileLimits {
  private references = 0;
  private rules = 0;
  private readonly over: RuleProblem[] = [];

  constructor(private readonly lines: LineMap) {}

  /** Whether one more reference (at [start, end)) may be read; the first refused one is where the problem points. */
  reference(start: number, end = start): boolean {
    if (this.references < MAX_REFERENCES_PER_FILE) {
      this.references++;
      return true;
    }
    if (this.references === MAX_REFERENCES_PER_FILE) {
      this.references++;
      this.over.push(limitProblem(`This file names over ${fmt(MAX_REFERENCES_PER_FILE)} ATT&CK references; only the first ${fmt(MAX_REFERENCES_PER_FILE)} are read`, this.lines, start, end));
    }
    return false;
  }

  /** Whether references may still be read (no need to look for more once refused). */
  get referencesFull(): boolean {
    return this.references > MAX_REFERENCES_PER_FILE;
  }

  /** Whether one more rule (starting at [start, end)) may be read. */
  rule(start: number, end = start): boolean {
    if (this.rules < MAX_RULES_PER_FILE) {
      this.rules++;
      return true;
    }
    if (this.rules === MAX_RULES_PER_FILE) {
      this.rules++;
      this.over.push(limitProblem(`This file holds over ${fmt(MAX_RULES_PER_FILE)} rules; only the first ${fmt(MAX_RULES_PER_FILE)} are read`, this.lines, start, end));
    }
    return false;
  }

  /** The problems for the caps this file went over (empty when it stayed under them). */
  problems(): RuleProblem[] {
    return this.over;
  }
}

function limitProblem(message: string, lines: LineMap, start: number, end: number): RuleProblem {
  return { message, severity: 'warning', span: lines.span(start, Math.max(start, Math.min(end, lines.lineEnd(start)))), limit: true };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, ' ');
}
