import { Position, RuleProblem, Span } from './types';

// Offsets → 0-based line/character (UTF-16 code units, as VS Code counts), with `\n`, `\r\n`
// and a lone `\r` all ending a line. Line starts are computed once per file, lookups are a
// binary search.

export class LineMap {
  private starts: number[] | undefined;
  private readonly hasCR: boolean;
  // Forward cursor for the common case (no `\r`, offsets asked in increasing order): only the
  // part of the file up to the last reference is ever scanned.
  private cursorOffset = 0;
  private cursorLine = 0;
  private cursorLineStart = 0;
  /** The first `\n` at or after the cursor's line start (-2: not looked up yet, -1: none), so a long line is not searched again per offset. */
  private cursorBreak = -2;

  constructor(readonly text: string) {
    this.hasCR = text.indexOf('\r') >= 0;
  }

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const t = this.text;
    const starts = [0];
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    return (this.starts = starts);
  }

  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    // An offset behind the cursor switches to the line table: restarting the cursor from the
    // top each time was quadratic for a parser asking in a mixed order (YARA-L: each rule's
    // tactics, then its techniques).
    if (!this.hasCR && !this.starts && at >= this.cursorOffset) {
      const t = this.text;
      let nl = this.cursorBreak === -2 ? t.indexOf('\n', this.cursorLineStart) : this.cursorBreak;
      while (nl >= 0 && nl < at) {
        this.cursorLine++;
        this.cursorLineStart = nl + 1;
        nl = t.indexOf('\n', nl + 1);
      }
      this.cursorBreak = nl;
      this.cursorOffset = at;
      return { line: this.cursorLine, character: at - this.cursorLineStart };
    }
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: at - starts[lo] };
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }

  /** Offset of a 0-based line/character (clamped to the text). */
  offset(line: number, character: number): number {
    const starts = this.lineStarts();
    if (line < 0) return 0;
    if (line >= starts.length) return this.text.length;
    return Math.min(starts[line] + Math.max(0, character), this.text.length);
  }

  /** Offset just before the line break that ends the line holding `offset`. */
  lineEnd(offset: number): number {
    const t = this.text;
    let i = Math.max(0, Math.min(offset, t.length));
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    return i;
  }
}

/** Largest file the parsers look at; detection rules are a few KB. */
const MAX_RULE_FILE_CHARS = 8 * 1024 * 1024;

/**
 * A problem from a line/column to the end of that line; when the column is at the end of the
 * line (a parser that ran out of input), the line's text instead, so the squiggle is visible.
 */
export function problemAt(lines: LineMap, line: number, column: number, message: string, severity: RuleProblem['severity'] = 'error'): RuleProblem {
  let start = lines.offset(line, column);
  const end = lines.lineEnd(start);
  if (end <= start) {
    const lineStart = lines.offset(lines.position(start).line, 0);
    const text = lines.text.slice(lineStart, end);
    start = lineStart + (text.length - text.trimStart().length);
  }
  return { message, severity, span: lines.span(Math.min(start, end), end) };
}

/** Why the text can't be a rule file at all (binary, too large), or undefined when it may be one. */
export function unreadableReason(text: string): string | undefined {
  if (text.length > MAX_RULE_FILE_CHARS) return `File is too large to be a detection rule (${Math.round(text.length / 1048576)} MB)`;
  if (text.lastIndexOf('\u0000', 8192) >= 0) return 'File looks binary (it contains NUL characters)';
  return undefined;
}

/** The file name without folders and extension. */
export function baseName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A folder (followed by a separator, so never the file's own name) called `deprecated` or `_deprecated`. */
const DEPRECATED_FOLDER = /(?:^|[\\/])_?deprecated[\\/]/i;

/** True when a folder of the path is named like `deprecated` or `_deprecated`. */
export function inDeprecatedFolder(path: string): boolean {
  return DEPRECATED_FOLDER.test(path);
}
