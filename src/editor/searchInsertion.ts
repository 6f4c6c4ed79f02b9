import { AttackIndex } from '../attack/index';
import { AttackEntry } from '../attack/types';
import { LineSource, Slot, slotAt } from '../rules/slots';
import { Position, RuleFormat } from '../rules/types';
import { TextEditPlan, completionCandidateFor } from './completionCandidates';

// What "Search ATT&CK" inserts for a chosen entry at the cursor: the slot's spelling when the
// cursor is in an ATT&CK slot that can hold the entry (a new list item below a filled YAML
// item), the plain ID anywhere else. No vscode import: tested directly and through the command.

export interface InsertionPlan {
  readonly edits: readonly TextEditPlan[];
  /** What was inserted as the value (for messages and tests). */
  readonly value: string;
}

const YAML_LIST_SLOTS: ReadonlySet<Slot['slot']> = new Set(['sigma-tag', 'splunk-technique', 'sentinel-tactic', 'sentinel-technique']);

export function insertionFor(index: AttackIndex, lines: LineSource, position: Position, format: RuleFormat | undefined, entry: AttackEntry, eol = '\n'): InsertionPlan {
  const slot = format ? slotAt(lines, position, format) : undefined;
  const fits = slot ? completionCandidateFor(index, slot, entry, eol) : undefined;
  if (!slot || !fits) return { value: entry.id, edits: [{ span: { start: position, end: position }, newText: entry.id }] };
  const empty = slot.range.start.character === slot.range.end.character;
  const line = lines.lineAt(slot.range.start.line);
  const blockItem = /^\s*-(\s|$)/.test(line) && YAML_LIST_SLOTS.has(slot.slot);
  if (!empty && blockItem) {
    // Keep the value under the cursor; add the entry as the next item of the same list.
    const dash = line.indexOf('-');
    const end = { line: slot.range.start.line, character: line.length };
    return { value: fits.value, edits: [{ span: { start: end, end }, newText: `${eol}${line.slice(0, dash)}- ${fits.value}` }] };
  }
  const flowEnd = !empty && YAML_LIST_SLOTS.has(slot.slot) ? flowElementEnd(line, slot.range.start.character, slot.range.end.character) : undefined;
  if (flowEnd !== undefined) {
    // `tags: [attack.t1059|]`: the same, as the next element of the flow list.
    const at = { line: slot.range.start.line, character: flowEnd };
    return { value: fits.value, edits: [{ span: { start: at, end: at }, newText: `, ${fits.value}` }] };
  }
  return { value: fits.value, edits: [{ span: slot.range, newText: fits.insertText }, ...fits.additionalEdits] };
}

/** Where a filled element of a one-line YAML flow list ends (after its closing quote), or undefined when it is not one. */
function flowElementEnd(line: string, start: number, end: number): number | undefined {
  let before = start - 1;
  if (before >= 0 && (line[before] === '"' || line[before] === "'")) before--;
  while (before >= 0 && line[before] === ' ') before--;
  if (line[before] !== '[' && line[before] !== ',') return undefined;
  let after = end;
  if (line[after] === '"' || line[after] === "'") after++;
  let next = after;
  while (line[next] === ' ') next++;
  return line[next] === ',' || line[next] === ']' ? after : undefined;
}
