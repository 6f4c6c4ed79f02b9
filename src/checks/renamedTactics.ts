import { attackUrl, normalizeId, parentOf } from '../attack/ids';
import { AttackIndex } from '../attack/index';
import { changeForTactic, knownTacticChanges, TacticChange, tacticReplacements } from '../attack/tacticChanges';
import { Tactic } from '../attack/types';
import { AttackReference, Span } from '../rules/types';
import { finding, Finding, Fix, TextEdit } from './findings';
import { TextLines } from './textLines';

// `attack-lens/renamed-tactic`: a tactic written the way an older ATT&CK named it, when the
// loaded data has renamed (or split) it (src/attack/tacticRenames.ts). The fix is what
// src/attack/tacticChanges.ts decides from the rule's own techniques, written the format's way:
// a Sigma tag or a Sentinel list item per tactic, an Elastic threat block regrouped per tactic.

const SITE = 'https://attack.mitre.org';

/** The loaded data's rename of a tactic written `text` the old way, if it made one. */
export function renamedTactic(index: AttackIndex, text: string): TacticChange | undefined {
  return changeForTactic(knownTacticChanges(index), text);
}

// Memos per reference list and per change, so a rule with many renamed tactics (or a Sentinel
// list of thousands) costs linear time: each renamed reference asked for the same IDs and the
// same replacements again.
const idsOf = new WeakMap<readonly AttackReference[], readonly string[]>();
const replaced = new WeakMap<readonly string[], Map<TacticChange, readonly Tactic[]>>();
const tacticsOf = new WeakMap<readonly AttackReference[], ReadonlySet<string>>();

/** Technique IDs among references, as written (the replacement follows revocations itself). */
export function techniqueIdsOf(refs: readonly AttackReference[]): readonly string[] {
  let ids = idsOf.get(refs);
  if (!ids) idsOf.set(refs, (ids = refs.filter((r) => r.kind === 'technique' && !r.unreadable && r.id && !r.id.startsWith('TA')).map((r) => r.id!)));
  return ids;
}

/** The shortnames of the tactics among references that the loaded data knows by their text (Sentinel's `Execution`). */
export function listedTactics(index: AttackIndex, refs: readonly AttackReference[]): ReadonlySet<string> {
  let set = tacticsOf.get(refs);
  if (!set) tacticsOf.set(refs, (set = new Set(refs.filter((r) => r.kind === 'tactic').flatMap((r) => index.tactic(r.text)?.shortname ?? []))));
  return set;
}

/** tacticReplacements, once per list of IDs and change. */
export function replacementsFor(change: TacticChange, index: AttackIndex, ids: readonly string[]): readonly Tactic[] {
  let byChange = replaced.get(ids);
  if (!byChange) replaced.set(ids, (byChange = new Map()));
  let out = byChange.get(change);
  if (!out) byChange.set(change, (out = tacticReplacements(change, index, ids)));
  return out;
}

function message(index: AttackIndex, ref: AttackReference, change: TacticChange, replacements: readonly Tactic[], spell: (t: Tactic) => string): string {
  const now = change.renamedTo;
  const split = change.descendants.filter((t) => t !== now);
  const what = now ? `${change.former.name} (${change.former.id}) is ${now.name} in ${index.versionLabel}` : `${change.former.name} (${change.former.id}) is not in ${index.versionLabel}`;
  const beside = split.length ? `, with ${split.map((t) => `${t.name} (${t.id})`).join(', ')} split off` : '';
  const wanted = replacements.length ? `; for this rule's techniques: ${replacements.map(spell).join(', ')}` : '';
  return `${ref.text}: ${what}${beside}${wanted}`;
}

/**
 * The finding for a tactic list item (a Sigma tag, a Sentinel `tactics` item): the item becomes
 * the replacements not already listed (`listed`, shortnames), extra ones as items after it.
 */
export function renamedListItem(index: AttackIndex, ref: AttackReference, change: TacticChange, techniqueIds: readonly string[], listed: ReadonlySet<string>, spell: (t: Tactic) => string, lines: TextLines): Finding {
  const replacements = replacementsFor(change, index, techniqueIds);
  const fresh = replacements.filter((t) => !listed.has(t.shortname));
  const fixes: Fix[] = [];
  if (replacements.length) {
    const title = fresh.length ? `Replace with ${fresh.map(spell).join(' and ')}` : `Remove ${ref.text} (the rule lists ${replacements.map(spell).join(', ')})`;
    fixes.push({ title, edits: listItemEdits(lines, ref.span, fresh.map(spell), spell(replacements[0])), isPreferred: true });
  }
  return finding('attack-lens/renamed-tactic', message(index, ref, change, replacements, spell), ref.span, fixes, { ref });
}

/**
 * Edits that turn a YAML list item into `items` (in place, then after it on lines of their own or
 * after it in a flow list); with none, the item's line goes, or in a flow list it becomes
 * `fallback`, a duplicate rather than a broken list.
 */
function listItemEdits(lines: TextLines, at: Span, items: readonly string[], fallback: string): TextEdit[] {
  const line = lines.line(at.start.line);
  const prefix = line.slice(0, at.start.character);
  const block = /^(\s*-\s*)(['"]?)$/.exec(prefix);
  const sameLine = at.start.line === at.end.line;
  if (!items.length) {
    if (block && sameLine && /^['"]?\s*(#.*)?$/.test(line.slice(at.end.character))) {
      return [{ span: { start: { line: at.start.line, character: 0 }, end: { line: at.start.line + 1, character: 0 } }, newText: '' }];
    }
    return [{ span: at, newText: fallback }];
  }
  const edits: TextEdit[] = [{ span: at, newText: items[0] }];
  if (items.length === 1) return edits;
  if (block && sameLine) {
    const end = { line: at.start.line, character: line.length };
    edits.push({ span: { start: end, end }, newText: items.slice(1).map((x) => `${lines.eol}${block[1]}${block[2]}${x}${block[2]}`).join('') });
    return edits;
  }
  const quote = /['"]$/.exec(prefix)?.[0] ?? '';
  const after = { line: at.end.line, character: at.end.character + (quote && lines.line(at.end.line)[at.end.character] === quote ? 1 : 0) };
  edits.push({ span: { start: after, end: after }, newText: items.slice(1).map((x) => `, ${quote}${x}${quote}`).join('') });
  return edits;
}

/** A tactic written by name in a single slot (YARA-L): a preferred fix only when one tactic replaces it. */
export function renamedNameSlot(index: AttackIndex, ref: AttackReference, change: TacticChange, techniqueIds: readonly string[], spell: (t: Tactic) => string): Finding {
  const replacements = replacementsFor(change, index, techniqueIds);
  const fixes = replacements.map((t) => ({ title: `Change to ${spell(t)}`, edits: [{ span: ref.span, newText: spell(t) }], ...(replacements.length === 1 ? { isPreferred: true } : {}) }));
  return finding('attack-lens/renamed-tactic', message(index, ref, change, replacements, spell), ref.span, fixes, { ref });
}

/** The loaded data's rename of an Elastic block's tactic, when the block still names it the old way. */
export function renamedElasticTactic(index: AttackIndex, ref: AttackReference, tactic: Tactic): TacticChange | undefined {
  const name = ref.context?.name?.text;
  if (name === undefined || name === tactic.name) return undefined;
  const change = renamedTactic(index, name);
  return change?.renamedTo?.id === tactic.id ? change : undefined;
}

/**
 * An Elastic `[[rule.threat]]` block whose tactic was renamed or split: the block rewritten as one
 * block per tactic its techniques now have (revoked techniques replaced, names and references
 * ATT&CK's), each technique under the descendants it belongs to, the renamed tactic for the others.
 */
export function renamedElasticBlock(index: AttackIndex, ref: AttackReference, change: TacticChange, siblings: readonly AttackReference[], lines: TextLines): Finding {
  const nameSpan = ref.context?.name?.span ?? ref.span;
  const block = threatBlockLines(lines, ref.span.start.line);
  const inBlock = block ? techniquesBetween(siblings, block.start, block.end) : [];
  const replacements = inBlock.length ? tacticReplacements(change, index, techniqueIdsOf(inBlock)) : replacementsFor(change, index, techniqueIdsOf(siblings));
  const fixes: Fix[] = [];
  if (block && change.renamedTo) {
    const ids = techniqueIdsOf(inBlock);
    const { text, tactics } = regroup(index, change, replacements, ids, lines, block);
    const revoked = ids.flatMap((id) => {
      const now = index.replacementOf(id);
      return now ? [`${id} → ${now}`] : [];
    });
    const title = `Regroup under ${tactics.map((t) => `${t.name} (${t.id})`).join(' and ')}${revoked.length ? `, with ${revoked.join(', ')}` : ''}`;
    fixes.push({ title, edits: [{ span: { start: { line: block.start, character: 0 }, end: { line: block.end, character: lines.line(block.end).length } }, newText: text }], isPreferred: true });
  }
  return finding('attack-lens/renamed-tactic', message(index, ref, change, replacements, (t) => t.name), nameSpan, fixes, { ref, related: [{ message: 'the tactic ID', span: ref.span }] });
}

const techniquesByLine = new WeakMap<readonly AttackReference[], readonly AttackReference[]>();

/** The technique references on lines start..end, found by binary search in the rule's techniques sorted by line. */
function techniquesBetween(siblings: readonly AttackReference[], start: number, end: number): readonly AttackReference[] {
  let sorted = techniquesByLine.get(siblings);
  if (!sorted) techniquesByLine.set(siblings, (sorted = siblings.filter((r) => r.kind === 'technique' && !r.unreadable).sort((a, b) => a.span.start.line - b.span.start.line)));
  const first = (line: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].span.start.line < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return sorted.slice(first(start), first(end + 1));
}

/** The lines of the `[[rule.threat]]` block holding `line`: from its header to its last non-blank line. */
function threatBlockLines(lines: TextLines, line: number): { start: number; end: number } | undefined {
  let start = line;
  while (start >= 0 && !/^\s*\[\[\s*rule\.threat\s*\]\]\s*(#.*)?$/.test(lines.line(start))) start--;
  if (start < 0) return undefined;
  let end = line;
  for (let n = line + 1; n < lines.count; n++) {
    const text = lines.line(n);
    if (/^\s*\[/.test(text) && !/^\s*\[\[?\s*rule\.threat\.(tactic|technique)/.test(text)) break;
    if (text.trim() !== '') end = n;
  }
  return { start, end };
}

function tomlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function table(header: string, id: string, name: string, eol: string): string {
  return [header, `id = ${tomlString(id)}`, `name = ${tomlString(name)}`, `reference = ${tomlString(attackUrl(id, SITE))}`].join(eol);
}

/** The new text of the block: its techniques (revocations followed) sorted into one block per replacement tactic. */
function regroup(index: AttackIndex, change: TacticChange, replacements: readonly Tactic[], techniqueIds: readonly string[], lines: TextLines, block: { start: number; end: number }): { text: string; tactics: readonly Tactic[] } {
  const eol = lines.eol;
  let framework = 'framework = "MITRE ATT&CK"';
  for (let n = block.start; n <= block.end; n++) if (/^\s*framework\s*=/.test(lines.line(n))) framework = lines.line(n).trim();
  // Parent technique → its sub-techniques, in the order the block lists them, after revocations.
  const parents = new Map<string, Set<string>>();
  for (const written of techniqueIds) {
    const now = index.resolve(written);
    const id = now?.kind === 'technique' && index.isActive(now) ? now.id : normalizeId(written, 'any') ?? written;
    const parent = parentOf(id) ?? id;
    if (!parents.has(parent)) parents.set(parent, new Set());
    if (parent !== id) parents.get(parent)!.add(id);
  }
  const under = new Map<string, string[]>(replacements.map((t) => [t.id, []]));
  for (const parent of parents.keys()) {
    const t = index.technique(parent);
    const theirs = change.descendants.filter((d) => under.has(d.id) && t?.tactics.includes(d.shortname));
    for (const d of theirs.length ? theirs : [change.renamedTo!]) (under.get(d.id) ?? under.set(d.id, []).get(d.id)!).push(parent);
  }
  const blocks: string[] = [];
  const tactics = change.descendants.filter((d) => under.has(d.id));
  for (const tactic of tactics) {
    const parts = ['[[rule.threat]]', framework];
    for (const parent of under.get(tactic.id)!) {
      parts.push(table('[[rule.threat.technique]]', parent, index.get(parent)?.name ?? parent, eol));
      for (const sub of parents.get(parent)!) parts.push(table('[[rule.threat.technique.subtechnique]]', sub, index.get(sub)?.name ?? sub, eol));
    }
    parts.push('', table('[rule.threat.tactic]', tactic.id, tactic.name, eol));
    blocks.push(parts.join(eol));
  }
  return { text: blocks.join(eol + eol), tactics };
}
