import { AttackIndex } from '../attack/index';
import { ID_IN_TEXT } from '../attack/ids';
import { kindOfReference, lenientId, tacticId } from './refIds';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, ParsedRuleFile } from './types';

// Any other file: bare ATT&CK IDs matched by a pattern (default: ID_IN_TEXT), one rule per file.

export function parseGeneric(text: string, path: string, index: AttackIndex | undefined, lines: LineMap, pattern: RegExp = ID_IN_TEXT): ParsedRuleFile {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  const references: AttackReference[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    // A pattern with a capture group names the ID inside a larger match.
    const found = m[1] ?? m[0];
    const at = m.index + Math.max(0, m[0].indexOf(found));
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
    problems: [],
  };
}
