import { AttackIndex } from '../attack/index';
import { detectRuleFormat } from './detect';
import { parseElastic } from './elastic';
import { parseGeneric } from './generic';
import { parseSentinel } from './sentinel';
import { parseSigma } from './sigma';
import { parseSplunk } from './splunk';
import { FileLimits } from './limits';
import { LineMap, unreadableReason } from './text';
import { ParsedRuleFile, RuleFormat } from './types';
import { parseYaraL } from './yaral';

// The one entry point: what a file says about ATT&CK, whatever its format. Never throws.

export { detectRuleFormat } from './detect';
export * from './types';

export interface ParseOptions {
  /** Forces a format; `auto` (or anything that is not a RuleFormat) means detect. */
  readonly format?: RuleFormat | 'auto' | (string & {});
  /** Bare-ID pattern for the generic matcher; also makes non-rule files parse as generic. */
  readonly genericPattern?: RegExp;
  /**
   * The folder the rules live in (a prefix of `path`): only folders below it make a rule
   * deprecated (`deprecated/`, `_deprecated/`), so a checkout under ~/deprecated/ is not.
   */
  readonly root?: string;
}

const FORMATS: ReadonlySet<string> = new Set<RuleFormat>(['sigma', 'splunk', 'elastic', 'sentinel', 'yaral', 'generic']);

export function parseRuleFile(text: string, path: string, index?: AttackIndex, options?: ParseOptions): ParsedRuleFile {
  const forced = options?.format !== undefined && FORMATS.has(options.format) ? (options.format as RuleFormat) : undefined;
  const safeText = typeof text === 'string' ? text : '';
  const lines = new LineMap(safeText);
  let format: RuleFormat | undefined = forced;
  try {
    const unreadable = unreadableReason(safeText);
    if (unreadable) {
      return { path, format: forced ?? 'generic', rules: [], problems: [{ message: unreadable, severity: 'warning', span: lines.span(0, 0) }] };
    }
    format = format ?? detectRuleFormat(safeText, path) ?? (options?.genericPattern ? 'generic' : undefined);
    if (!format) return { path, format: 'generic', rules: [], problems: [] };
    const local = options?.root && path.startsWith(options.root) ? path.slice(options.root.length) : path;
    const limits = new FileLimits(lines);
    const read = parseAs(format, safeText, local, index, lines, limits, options?.genericPattern);
    const over = limits.problems();
    const parsed = over.length ? { ...read, problems: [...read.problems, ...over] } : read;
    return local === path ? parsed : { ...parsed, path };
  } catch (e) {
    // A parser bug must not stop a workspace scan: report it as the file's problem.
    const message = `ATT&CK Lens could not read this file: ${(e as Error)?.message ?? String(e)}`;
    return { path, format: format ?? 'generic', rules: [], problems: [{ message, severity: 'error', span: lines.span(0, 0) }] };
  }
}

function parseAs(format: RuleFormat, text: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits, genericPattern: RegExp | undefined): ParsedRuleFile {
  switch (format) {
    case 'sigma':
      return parseSigma(text, path, index, lines, limits);
    case 'splunk':
      return parseSplunk(text, path, index, lines, limits);
    case 'sentinel':
      return parseSentinel(text, path, index, lines, limits);
    case 'elastic':
      return parseElastic(text, path, index, lines, limits);
    case 'yaral':
      return parseYaraL(text, path, index, lines, limits);
    case 'generic':
      return parseGeneric(text, path, index, lines, limits, genericPattern);
  }
}
