// attackLens.generic.idPattern, compiled only when it cannot hang the extension host. JavaScript's
// backtracking engine can take exponential or high-polynomial time on a hostile pattern; a linear
// engine (re2) is native and does not build here, and re2-wasm copies the text on every exec
// (quadratic for a global scan), so instead a pattern must be provably cheap: no backreferences or
// lookarounds, no unbounded or nested repeats, few ways to match from one position and a short
// longest match. Then every match attempt reads at most MAX_MATCH_CHARS characters and tries at most
// MAX_PATHS ways, so a scan costs time linear in the file. No vscode import.

const MAX_PATTERN_CHARS = 500;
/** Ways a pattern may match from one position (the product of its repeat widths, summed over alternatives). @internal Exported so tests name the limit in expected messages. */
export const MAX_PATHS = 100;
/** Longest text one match may cover: the input any one attempt sees. @internal Exported so tests name the limit in expected messages. */
export const MAX_MATCH_CHARS = 256;

export type IdPatternResult = { readonly re: RegExp } | { readonly error: string };

interface Shape {
  readonly paths: number;
  readonly maxLen: number;
  /** Holds a repeat (a quantifier allowing more than one). */
  readonly repeats: boolean;
}

class Rejected extends Error {}

const CAP = 1e9;
const cap = (n: number) => Math.min(n, CAP);

/** Checks the pattern's shape; throws Rejected with the reason. Assumes `new RegExp(source)` accepted it. */
function shapeOf(source: string): Shape {
  let i = 0;
  const peek = (s: string) => source.startsWith(s, i);

  const alternation = (): Shape => {
    const branches = [sequence()];
    while (source[i] === '|') {
      i++;
      branches.push(sequence());
    }
    return { paths: cap(branches.reduce((n, b) => n + b.paths, 0)), maxLen: Math.max(...branches.map((b) => b.maxLen)), repeats: branches.some((b) => b.repeats) };
  };

  const sequence = (): Shape => {
    let paths = 1;
    let maxLen = 0;
    let repeats = false;
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const item = quantified(atom());
      paths = cap(paths * item.paths);
      maxLen = cap(maxLen + item.maxLen);
      repeats ||= item.repeats;
    }
    return { paths, maxLen, repeats };
  };

  const atom = (): Shape => {
    const c = source[i];
    if (c === '(') {
      i++;
      if (peek('?=') || peek('?!') || peek('?<=') || peek('?<!')) throw new Rejected('uses a lookahead or lookbehind');
      if (peek('?<')) i = source.indexOf('>', i) + 1;
      else if (source[i] === '?') i = source.indexOf(':', i) + 1; // (?: and (?i: groups
      const inner = alternation();
      i++; // ')'
      return inner;
    }
    if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++; // a leading ] is literal
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      return { paths: 1, maxLen: 1, repeats: false };
    }
    if (c === '\\') {
      const e = source[i + 1];
      if (/[1-9]/.test(e) || (e === 'k' && source[i + 2] === '<')) throw new Rejected('uses a backreference');
      if (e === 'b' || e === 'B') {
        i += 2;
        return { paths: 1, maxLen: 0, repeats: false };
      }
      const escape = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[pP]\{[^}]*\}|0|[\s\S])/.exec(source.slice(i));
      i += escape ? escape[0].length : 2;
      return { paths: 1, maxLen: 1, repeats: false };
    }
    i++;
    return c === '^' || c === '$' ? { paths: 1, maxLen: 0, repeats: false } : { paths: 1, maxLen: 1, repeats: false };
  };

  const quantified = (a: Shape): Shape => {
    let min: number;
    let max: number;
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    if (source[i] === '*' || source[i] === '+' || (braces && braces[2] !== undefined && braces[3] === '')) throw new Rejected('has an unbounded repeat (*, + or {n,}); write a bounded one such as {1,8}');
    if (source[i] === '?') [min, max] = [0, 1];
    else if (braces) [min, max] = [Number(braces[1]), braces[3] !== undefined ? Number(braces[3]) : Number(braces[1])];
    else return a;
    i += source[i] === '?' ? 1 : braces![0].length;
    if (source[i] === '?') i++; // lazy
    if (max > 1 && a.repeats) throw new Rejected('repeats a part that repeats itself (nested quantifiers)');
    let paths = 0;
    if (a.paths === 1) paths = max - min + 1;
    else for (let k = min, ways = a.paths ** min; k <= max && paths < CAP; k++, ways = cap(ways * a.paths)) paths = cap(paths + ways);
    return { paths: cap(paths), maxLen: cap(a.maxLen * max), repeats: max > 1 || a.repeats };
  };

  const shape = alternation();
  if (i < source.length) throw new Rejected('could not be read');
  return shape;
}

/** The pattern as a global RegExp, or why it is refused. An empty source is an error too (the caller uses the built-in pattern). */
export function compileIdPattern(source: string): IdPatternResult {
  if (source.length > MAX_PATTERN_CHARS) return { error: `is longer than ${MAX_PATTERN_CHARS} characters` };
  let re: RegExp;
  try {
    re = new RegExp(source, 'g');
  } catch (e) {
    return { error: `is not a valid regular expression (${(e as Error).message})` };
  }
  try {
    const shape = shapeOf(source);
    if (shape.maxLen === 0) return { error: 'matches only empty text' };
    if (shape.paths > MAX_PATHS) return { error: `can match in more than ${MAX_PATHS} ways from one position (too many or too wide repeats)` };
    if (shape.maxLen > MAX_MATCH_CHARS) return { error: `can match more than ${MAX_MATCH_CHARS} characters at once` };
  } catch (e) {
    if (e instanceof Rejected) return { error: e.message };
    throw e;
  }
  return { re };
}

/** A user pattern scans the text in windows of this many characters, checking its time budget between them. @internal Exported so tests put IDs across window borders. */
export const SCAN_WINDOW_CHARS = 8192;
/** Time one file's scan with a user pattern may take before the built-in pattern takes over. */
export const SCAN_BUDGET_MS = 50;

export interface PatternMatch {
  /** Offset of the match in the whole text. */
  readonly index: number;
  readonly match: RegExpExecArray;
}

/**
 * Every match of a user pattern in `text`, or undefined when the scan ran past `budgetMs` (a pattern
 * the guard let through can still cost a few microseconds per position on hostile text). The text
 * is read in windows with one character before (for \b and ^) and MAX_MATCH_CHARS + 1 after (for a
 * match that crosses into the next window, and for $), so results equal one scan of the whole text.
 * At most `maxMatches` are returned (the first ones).
 */
export function matchUserPattern(pattern: RegExp, text: string, budgetMs = SCAN_BUDGET_MS, maxMatches = Infinity): PatternMatch[] | undefined {
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
  const started = performance.now();
  const out: PatternMatch[] = [];
  let lastEnd = 0;
  for (let s = 0; s < text.length; s += SCAN_WINDOW_CHARS) {
    const from = Math.max(0, s - 1);
    const acceptBefore = s + SCAN_WINDOW_CHARS;
    const window = text.slice(from, acceptBefore + MAX_MATCH_CHARS + 1);
    re.lastIndex = Math.max(s, lastEnd) - from;
    for (let m = re.exec(window); m; m = re.exec(window)) {
      const at = from + m.index;
      if (at >= acceptBefore) break;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out.push({ index: at, match: m });
      if (out.length >= maxMatches) return out;
      lastEnd = at + m[0].length;
    }
    if (performance.now() - started > budgetMs) return undefined;
  }
  return out;
}
