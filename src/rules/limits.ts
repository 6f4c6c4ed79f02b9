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
/** TOML tables and keys read per file (an Elastic rule has a few dozen; a long query is one key). */
export const MAX_TOML_ENTRIES_PER_FILE = 5000;
/**
 * Lines of YAML (not blank) read per file. SigmaHQ's longest rule, a list of driver hashes, has
 * 4 456; js-yaml's cost grows with the nodes it builds, so a hostile 1 MB file of one-key lines
 * (65 000) would hold the editor past its budget.
 */
export const MAX_YAML_LINES_PER_FILE = 20_000;

/**
 * Log sources read per file (what the rules read: Sigma categories and EventIDs, Splunk data
 * sources, Elastic indices and event categories, Sentinel tables). A rule reads a handful.
 */
const MAX_LOG_SOURCES_PER_FILE = 1000;

type Cap = 'references' | 'rules' | 'tables' | 'lines' | 'logSources';

const CAPS: Readonly<Record<Cap, { readonly max: number; readonly message: string }>> = {
  references: { max: MAX_REFERENCES_PER_FILE, message: `This file names over ${fmt(MAX_REFERENCES_PER_FILE)} ATT&CK references; only the first ${fmt(MAX_REFERENCES_PER_FILE)} are read` },
  rules: { max: MAX_RULES_PER_FILE, message: `This file holds over ${fmt(MAX_RULES_PER_FILE)} rules or documents; only the first ${fmt(MAX_RULES_PER_FILE)} are read` },
  tables: { max: MAX_TOML_ENTRIES_PER_FILE, message: `This file has over ${fmt(MAX_TOML_ENTRIES_PER_FILE)} TOML tables and keys; only the first ${fmt(MAX_TOML_ENTRIES_PER_FILE)} are read` },
  logSources: { max: MAX_LOG_SOURCES_PER_FILE, message: `This file names over ${fmt(MAX_LOG_SOURCES_PER_FILE)} log sources; only the first ${fmt(MAX_LOG_SOURCES_PER_FILE)} are read` },
  lines: { max: MAX_YAML_LINES_PER_FILE, message: `This file has over ${fmt(MAX_YAML_LINES_PER_FILE)} lines of YAML; only the first ${fmt(MAX_YAML_LINES_PER_FILE)} are read` },
};

/** What one parse of one file has read so far against the caps; the parsers ask before each reference and rule. */
export class FileLimits {
  private readonly counts: Record<Cap, number> = { references: 0, rules: 0, tables: 0, lines: 0, logSources: 0 };
  private readonly over: RuleProblem[] = [];
  private readonly cuts = new Map<Cap, number>();

  constructor(private readonly lines: LineMap) {}

  /** Whether one more reference (at [start, end)) may be read; the first refused one is where the problem points. */
  reference(start: number, end = start): boolean {
    return this.take('references', start, end);
  }

  /** Whether references may still be read (no need to look for more once refused). */
  get referencesFull(): boolean {
    return this.counts.references > MAX_REFERENCES_PER_FILE;
  }

  /** Whether one more log source a rule reads (at `start`) may be read. */
  logSource(start: number): boolean {
    return this.take('logSources', start, start);
  }

  /** Whether one more rule (starting at [start, end)) may be read. */
  rule(start: number, end = start): boolean {
    return this.take('rules', start, end);
  }

  /**
   * A parser stops reading the text at `start` for a cap it checks on the text itself (YAML
   * documents and lines, TOML tables, counted before parsing): the file gets the cap's problem
   * there, unless a refused reference or rule already gave it one.
   */
  stoppedAt(cap: 'rules' | 'tables' | 'lines', start: number): void {
    if (!this.cuts.has(cap)) this.cuts.set(cap, start);
  }

  /** The problems for the caps this file went over (empty when it stayed under them). */
  problems(): RuleProblem[] {
    const out = [...this.over];
    for (const [cap, at] of this.cuts) {
      if (this.counts[cap] > CAPS[cap].max) continue;
      // Past the references cap nothing more is read for ATT&CK anyway: the line cut adds nothing a user needs.
      if (cap === 'lines' && this.referencesFull) continue;
      out.push(limitProblem(CAPS[cap].message, this.lines, at, this.lines.lineEnd(at)));
    }
    return out;
  }

  private take(cap: Cap, start: number, end: number): boolean {
    const n = this.counts[cap];
    if (n < CAPS[cap].max) {
      this.counts[cap] = n + 1;
      return true;
    }
    if (n === CAPS[cap].max) {
      this.counts[cap] = n + 1;
      this.over.push(limitProblem(CAPS[cap].message, this.lines, start, end));
    }
    return false;
  }
}

function limitProblem(message: string, lines: LineMap, start: number, end: number): RuleProblem {
  return { message, severity: 'warning', span: lines.span(start, Math.max(start, Math.min(end, lines.lineEnd(start)))), limit: true };
}

/** 1000 → `1 000` (toLocaleString would load ICU data for this). */
function fmt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ' ');
}
