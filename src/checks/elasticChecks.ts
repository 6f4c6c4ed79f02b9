import { AttackIndex } from '../attack/index';
import { attackUrl, parentOf } from '../attack/ids';
import { AttackEntry } from '../attack/types';
import { AttackReference } from '../rules/types';
import { label } from './entryChecks';
import { finding, Finding, replaceFix, TextEdit } from './findings';
import { normalizeId } from '../attack/ids';
import { TextLines } from './textLines';
import { renamedElasticBlock, renamedElasticTactic } from './renamedTactics';

// Elastic `[[rule.threat]]` blocks: each technique/tactic ID comes with a name and a reference
// URL that must agree with it, sub-techniques sit under their parent, techniques under their tactics.

const SITE = 'https://attack.mitre.org';

function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/^http:/i, 'https:').replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

function isSubtechniqueSlot(ref: AttackReference): boolean {
  return ref.context?.parentTechniqueId !== undefined || /subtechnique/i.test(ref.field);
}

/** Edits that make this reference name `newId`: the ID, and its sibling name and URL when present. */
export function elasticRewrite(index: AttackIndex, ref: AttackReference, lines: TextLines, newId: string): TextEdit[] {
  const to = index.get(newId);
  const parent = to?.kind === 'technique' ? parentOf(to.id) : undefined;
  // A technique slot revoked into a sub-technique: keep the parent in the slot and add the
  // sub-technique as its own table below, the way Elastic writes it.
  if (to && parent && !isSubtechniqueSlot(ref) && /^\s*id\s*=/.test(lines.line(ref.span.start.line))) {
    const p = index.get(parent);
    if (p) {
      const edits = slotEdits(ref, p);
      const last = [ref.span, ref.context?.name?.span, ref.context?.reference?.span].filter((s) => s !== undefined).sort((a, b) => b!.end.line - a!.end.line)[0]!;
      const end = { line: last.end.line, character: lines.line(last.end.line).length };
      const eol = lines.eol;
      edits.push({ span: { start: end, end }, newText: `${eol}${eol}[[rule.threat.technique.subtechnique]]${eol}id = "${to.id}"${eol}name = "${to.name}"${eol}reference = "${attackUrl(to.id, SITE)}"` });
      return edits;
    }
  }
  return to ? slotEdits(ref, to) : [{ span: ref.span, newText: newId }];
}

function slotEdits(ref: AttackReference, to: AttackEntry): TextEdit[] {
  const edits: TextEdit[] = [{ span: ref.span, newText: to.id }];
  if (ref.context?.name) edits.push({ span: ref.context.name.span, newText: to.name });
  if (ref.context?.reference) edits.push({ span: ref.context.reference.span, newText: attackUrl(to.id, SITE) });
  return edits;
}

/**
 * A rule's references grouped by kind and canonical ID, built once per rule: looking through
 * every sibling for each reference was quadratic in a file of many threat blocks. Each group
 * is in sibling order, with the running maximum of its lines beside it.
 */
interface SiblingGroup {
  readonly refs: readonly AttackReference[];
  readonly maxLine: readonly number[];
  /** Indexes into `refs`, by line, ties in sibling order. */
  readonly byLine: readonly number[];
}

const siblingIndexes = new WeakMap<readonly AttackReference[], Map<string, SiblingGroup>>();

function siblingGroup(siblings: readonly AttackReference[], kind: string, id: string): SiblingGroup | undefined {
  let groups = siblingIndexes.get(siblings);
  if (!groups) {
    const lists = new Map<string, AttackReference[]>();
    for (const r of siblings) {
      const key = `${r.kind} ${normalizeId(r.text, 'any') ?? ''}`;
      let list = lists.get(key);
      if (!list) lists.set(key, (list = []));
      list.push(r);
    }
    groups = new Map();
    for (const [key, refs] of lists) {
      const maxLine: number[] = [];
      for (const r of refs) maxLine.push(Math.max(maxLine[maxLine.length - 1] ?? -1, r.span.start.line));
      const byLine = refs.map((_, i) => i).sort((a, b) => refs[a].span.start.line - refs[b].span.start.line || a - b);
      groups.set(key, { refs, maxLine, byLine });
    }
    siblingIndexes.set(siblings, groups);
  }
  return groups.get(`${kind} ${id}`);
}

/** The sibling of that kind and ID on the nearest line above `ref` (the first listed of those on that line). */
function nearestBefore(siblings: readonly AttackReference[], ref: AttackReference, kind: string, id: string): AttackReference | undefined {
  const g = siblingGroup(siblings, kind, id);
  if (!g) return undefined;
  const line = ref.span.start.line;
  let lo = firstIndex(g.byLine.length, (i) => g.refs[g.byLine[i]].span.start.line >= line);
  if (lo === 0) return undefined;
  const best = g.refs[g.byLine[lo - 1]].span.start.line;
  while (lo > 1 && g.refs[g.byLine[lo - 2]].span.start.line === best) lo--;
  return g.refs[g.byLine[lo - 1]];
}

/** The first sibling (in sibling order) of that kind and ID on a line below `ref`. */
function firstAfter(siblings: readonly AttackReference[], ref: AttackReference, kind: string, id: string): AttackReference | undefined {
  const g = siblingGroup(siblings, kind, id);
  if (!g) return undefined;
  const line = ref.span.start.line;
  return g.refs[firstIndex(g.maxLine.length, (i) => g.maxLine[i] > line)];
}

/** The first index in [0, n) where `reached` holds, for a `reached` that stays true once true; n when it never does. */
function firstIndex(n: number, reached: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reached(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Name, URL, parent and tactic agreement for one Elastic ID whose entry is known and current. */
export function checkElasticSlot(index: AttackIndex, ref: AttackReference, entry: AttackEntry, siblings: readonly AttackReference[], lines: TextLines, out: Finding[]): void {
  const ctx = ref.context;
  if (!ctx) return;
  const what = entry.kind === 'tactic' ? 'tactic' : 'technique';
  const renamed = entry.kind === 'tactic' ? renamedElasticTactic(index, ref, entry) : undefined;
  if (renamed) out.push(renamedElasticBlock(index, ref, renamed, siblings, lines));
  else if (ctx.name && ctx.name.text !== entry.name) {
    out.push(
      finding('attack-lens/name-mismatch', `${entry.id} is "${entry.name}" in ${index.versionLabel}, not "${ctx.name.text}"`, ctx.name.span, [replaceFix(`Change ${what} name to "${entry.name}"`, ctx.name.span, entry.name, true)], {
        ref,
        related: [{ message: `the ${what} ID`, span: ref.span }],
      }),
    );
  }
  const url = attackUrl(entry.id, SITE);
  if (ctx.reference && !sameUrl(ctx.reference.text, url)) {
    out.push(
      finding('attack-lens/reference-mismatch', `The reference for ${entry.id} should be ${url}`, ctx.reference.span, [replaceFix(`Change reference to ${url}`, ctx.reference.span, url, true)], {
        ref,
        related: [{ message: `the ${what} ID`, span: ref.span }],
      }),
    );
  }
  if (entry.kind !== 'technique') return;
  const declaredParent = ctx.parentTechniqueId ? normalizeId(ctx.parentTechniqueId, 'any') : undefined;
  const realParent = entry.parent ?? parentOf(entry.id);
  if (declaredParent && realParent && declaredParent !== realParent) {
    const p = index.get(realParent);
    const under = nearestBefore(siblings, ref, 'technique', declaredParent);
    const related = under ? [{ message: `the technique it is listed under, ${declaredParent}`, span: under.span }] : undefined;
    out.push(finding('attack-lens/wrong-parent', `${label(entry)} is a sub-technique of ${p ? label(p) : realParent}, not of ${declaredParent}`, ref.span, [], { ref, related }));
  }
  const tactic = ctx.tacticId ? index.tactic(ctx.tacticId) : undefined;
  if (!tactic || entry.tactics.length === 0 || entry.tactics.includes(tactic.shortname)) return;
  if (isSubtechniqueSlot(ref)) {
    // Reported on the parent when the parent is out of place too.
    const parent = index.technique(declaredParent ?? realParent ?? '');
    if (!parent || !parent.tactics.includes(tactic.shortname)) return;
  }
  const names = entry.tactics.map((s) => index.tactic(s, entry.domain)?.name ?? s).join(', ');
  const block = firstAfter(siblings, ref, 'tactic', tactic.id) ?? nearestBefore(siblings, ref, 'tactic', tactic.id);
  const related = block ? [{ message: `the tactic of this threat block, ${tactic.id} (${tactic.name})`, span: block.span }] : undefined;
  out.push(finding('attack-lens/wrong-tactic', `${label(entry)} is not a ${tactic.name} technique; its tactics: ${names}`, ref.span, [], { ref, related }));
}
