import { AttackIndex } from '../attack/index';
import { ID_IN_TEXT, normalizeId } from '../attack/ids';
import { kindInProse, tacticId } from './refIds';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, ParsedRuleFile, RuleProblem } from './types';
import { repairedMark, repairReferenceText } from './unreadable';
import { matchUserPattern, SCAN_BUDGET_MS } from './idPattern';
import { FileLimits, MAX_REFERENCES_PER_FILE } from './limits';

// Any other file: bare ATT&CK IDs matched by a pattern (default: ID_IN_TEXT), one rule per file.

export function parseGeneric(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, limits: FileLimits, pattern: RegExp = ID_IN_TEXT): ParsedRuleFile {
  const references: AttackReference[] = [];
  const problems: RuleProblem[] = [];
  // A pattern from settings (attackLens.generic.idPattern) scans within a time budget; past it, the built-in pattern reads the file.
  let matches = pattern === ID_IN_TEXT ? undefined : matchUserPattern(pattern, text);
  if (pattern !== ID_IN_TEXT && !matches) {
    problems.push({ message: `attackLens.generic.idPattern took longer than ${SCAN_BUDGET_MS} ms on this file; its IDs were read with the built-in pattern`, severity: 'warning', span: lines.span(0, 0) });
  }
  const used = matches ? pattern : ID_IN_TEXT;
  // Every match of the built-in pattern is an ID: one past the cap is enough to know the file is over it.
  matches ??= matchUserPattern(ID_IN_TEXT, text, Infinity, MAX_REFERENCES_PER_FILE + 1)!;
  for (const { match: m, index: matchIndex } of matches) {
    // A pattern with a capture group names the ID inside a larger match.
    const found = m[1] ?? m[0];
    const at = matchIndex + Math.max(0, m[0].indexOf(found));
    const id = normalizeId(found, 'lenient');
    const kind = id ? kindInProse(id, index) : undefined;
    if (!id || !kind) continue;
    if (!limits.reference(at, at + found.length)) break;
    references.push({
      text: found,
      kind,
      id: kind === 'tactic' ? tacticId(id, index) ?? id : id,
      span: lines.span(at, at + found.length),
      field: 'text',
      ruleIndex: 0,
    });
  }
  if (!limits.referencesFull && NON_ASCII.test(text)) {
    for (const r of disguisedIds(text, used, lines)) {
      if (!limits.reference(lines.offset(r.span.start.line, r.span.start.character))) break;
      references.push(r);
    }
    references.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
  }
  return {
    path,
    format: 'generic',
    rules: [{ index: 0, title: baseName(path), deprecated: inDeprecatedFolder(path), span: lines.span(0, 0), platforms: [], references }],
    problems,
  };
}

const NON_ASCII = /[^\x00-\x7f]/;
const WORD = /[^\s,;:()[\]{}<>"'`|*]+/gu;

/**
 * Words with non-ASCII characters that read as an ID once repaired (`Ｔ１０５９`, `T\u200b1059`,
 * Arabic-Indic digits, a Cyrillic Т): kept as unreadable references. Linear: one pass over the
 * words, each tried once.
 */
function disguisedIds(text: string, pattern: RegExp, lines: LineMap): AttackReference[] {
  const out: AttackReference[] = [];
  for (const w of text.matchAll(WORD)) {
    const word = w[0];
    if (!NON_ASCII.test(word)) continue;
    const repair = repairReferenceText(word);
    if (!repair) continue;
    pattern.lastIndex = 0;
    if (pattern.test(word)) continue;
    pattern.lastIndex = 0;
    const m = pattern.exec(repair.text);
    const found = m ? m[1] ?? m[0] : undefined;
    const id = found ? normalizeId(found, 'lenient') : undefined;
    const kind = id ? kindInProse(id, undefined) : undefined;
    if (!id || !kind || found !== repair.text) continue;
    const at = w.index;
    out.push({ text: word, kind, span: lines.span(at, at + word.length), field: 'text', ruleIndex: 0, unreadable: repairedMark(repair, repair.text) });
  }
  pattern.lastIndex = 0;
  return out;
}
