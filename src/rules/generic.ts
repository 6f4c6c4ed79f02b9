import { AttackIndex } from '../attack/index';
import { ID_IN_TEXT } from '../attack/ids';
import { kindOfReference, lenientId, tacticId } from './refIds';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { matchUserPattern, SCAN_BUDGET_MS } from './idPattern';
import { AttackReference, ParsedRuleFile, RuleProblem } from './types';

// Any other file: bare ATT&CK IDs matched by a pattern (default: ID_IN_TEXT), one rule per file.

export function parseGeneric(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, pattern: RegExp = ID_IN_TEXT): ParsedRuleFile {
  const references: AttackReference[] = [];
  const problems: RuleProblem[] = [];
  // A pattern from settings (attackLens.generic.idPattern) scans within a time budget; past it, the built-in pattern reads the file.
  let matches = pattern === ID_IN_TEXT ? undefined : matchUserPattern(pattern, text);
  if (pattern !== ID_IN_TEXT && !matches) {
    problems.push({ message: `attackLens.generic.idPattern took longer than ${SCAN_BUDGET_MS} ms on this file; its IDs were read with the built-in pattern`, severity: 'warning', span: lines.span(0, 0) });
  }
  matches ??= matchUserPattern(ID_IN_TEXT, text, Infinity)!;
  for (const { match: m, index: matchIndex } of matches) {
    // A pattern with a capture group names the ID inside a larger match.
    const found = m[1] ?? m[0];
    const at = matchIndex + Math.max(0, m[0].indexOf(found));
    const id = lenientId(found);
    const kind = id ? kindOfReference(id) : undefined;
    if (!id || !kind) continue;
    references.push({
      text: found,
      kind,
      id: kind === 'tactic' ? tacticId(id, index) ?? id : id,
      span: lines.span(at, at + found.length),
      field: 'text',
      ruleIndex: 0,
    });
  }
  return {
    path,
    format: 'generic',
    rules: [{ index: 0, title: baseName(path), deprecated: inDeprecatedFolder(path), span: lines.span(0, 0), platforms: [], references }],
    problems,
  };
}
