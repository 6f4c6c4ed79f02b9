import { AttackIndex } from '../attack/index';
import { ID_IN_TEXT } from '../attack/ids';
import { kindOfReference, lenientId, tacticId } from './refIds';
import { baseName, inDeprecatedFolder, LineMap } from './text';
import { AttackReference, ParsedRuleFile } from './types';
import { repairedMark, repairReferenceText } from './unreadable';

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
  if (NON_ASCII.test(text)) {
    for (const r of disguisedIds(text, re, lines)) references.push(r);
    references.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
  }
  return {
    path,
    format: 'generic',
    rules: [{ index: 0, title: baseName(path), deprecated: inDeprecatedFolder(path), span: lines.span(0, 0), platforms: [], references }],
    problems: [],
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
    const id = found ? lenientId(found) : undefined;
    const kind = id ? kindOfReference(id) : undefined;
    if (!id || !kind || found !== repair.text) continue;
    const at = w.index;
    out.push({ text: word, kind, span: lines.span(at, at + word.length), field: 'text', ruleIndex: 0, unreadable: repairedMark(repair, repair.text) });
  }
  pattern.lastIndex = 0;
  return out;
}
