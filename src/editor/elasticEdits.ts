import { attackUrl } from '../attack/ids';
import { AttackEntry } from '../attack/types';
import { Slot } from '../rules/slots';
import type { TextEditPlan } from './completionCandidates';

// Elastic keeps a technique's `id`, `name` and `reference` side by side in one table; choosing
// one of them in completion rewrites the other two so the table stays consistent.

/** The canonical site: Elastic rules link MITRE's own pages, whatever mirror the user browses. */
const MITRE_SITE = 'https://attack.mitre.org';

function tomlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Edits that set the table's other fields for the chosen entry: changed lines are rewritten,
 * missing ones inserted after the slot's line (at its end when it is the last line of the
 * text; through the main insertion when that one reaches the line end itself).
 */
export function elasticEdits(slot: Slot, e: AttackEntry, eol: string): { edits: TextEditPlan[]; appended: string } {
  const ctx = slot.elastic;
  if (!ctx) return { edits: [], appended: '' };
  const line = slot.range.start.line;
  const isName = slot.slot.endsWith('-name');
  const wanted: [key: 'id' | 'name' | 'reference', value: string][] = [
    isName ? ['id', e.id] : ['name', e.name],
    ['reference', attackUrl(e.id, MITRE_SITE)],
  ];
  const edits: TextEditPlan[] = [];
  const missing: string[] = [];
  for (const [key, value] of wanted) {
    const text = `${ctx.indent}${key} = ${tomlString(value)}`;
    const field = ctx.fields[key];
    if (!field) missing.push(text);
    else if (field.line !== line && field.value !== value) edits.push({ span: field.lineSpan, newText: text });
  }
  if (!missing.length) return { edits, appended: '' };
  if (ctx.endsText && line >= ctx.lastLine) {
    // The main edit reaches the line end only when it adds the closing quote itself.
    if (slot.wrap?.after) return { edits, appended: eol + missing.join(eol) };
    const end = { line, character: ctx.lineLength };
    edits.push({ span: { start: end, end }, newText: eol + missing.join(eol) });
    return { edits, appended: '' };
  }
  edits.push({ span: { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } }, newText: missing.join(eol) + eol });
  return { edits, appended: '' };
}
