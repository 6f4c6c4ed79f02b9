import { FileLimits } from './limits';
import { LineMap } from './text';
import { AttackReference, ReferenceKind } from './types';
import { YNode } from './yamlTree';

// A YAML slot for ATT&CK references (`tags`, `mitre_attack_id`, `relevantTechniques`) that
// holds something other than text: a mapping, a nested list, an alias (`tags: *common`). Such
// items are kept as unreadable references, so the checks report them and coverage notes them.

/** The items of a list slot that are not text, or the slot itself when it is not text or a list. */
function nonTextItems(node: YNode | undefined): YNode[] {
  if (!node || node.kind === 'scalar') return [];
  if (node.kind === 'seq') return node.items.filter((n) => n.kind !== 'scalar');
  return [node];
}

const MAX_QUOTED = 60;

export function nonTextReference(node: YNode, kind: ReferenceKind, field: string, ruleIndex: number, lines: LineMap): AttackReference {
  const t = lines.text;
  let start = node.start;
  let end: number;
  let reason: string;
  if (node.kind === 'alias') {
    // The alias event starts after the `*`; its name runs to a space or a flow indicator.
    start = Math.max(0, start - 1);
    end = node.start;
    while (end < t.length && end - start < MAX_QUOTED && !/[\s,[\]{}]/.test(t[end])) end++;
    reason = 'it is a YAML alias, which ATT&CK Lens does not follow: write the value out here';
  } else {
    end = Math.min(lines.lineEnd(start), start + MAX_QUOTED);
    while (end > start && /\s/.test(t[end - 1])) end--;
    reason = node.kind === 'map' ? 'it is a mapping, not text' : 'it is a nested list, not text';
  }
  return { text: t.slice(start, end), kind, span: lines.span(start, end), field, ruleIndex, unreadable: { reason } };
}

/** The unreadable references for every non-text item of a slot. */
export function nonTextReferences(node: YNode | undefined, kind: ReferenceKind, field: string, ruleIndex: number, lines: LineMap, limits: FileLimits): AttackReference[] {
  const out: AttackReference[] = [];
  for (const n of nonTextItems(node)) {
    if (!limits.reference(n.start)) break;
    out.push(nonTextReference(n, kind, field, ruleIndex, lines));
  }
  return out;
}
