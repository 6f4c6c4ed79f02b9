import { readSigmaTag, sigmaTagFor } from '../attack/ids';
import { AttackIndex } from '../attack/index';
import { Technique } from '../attack/types';
import { AttackReference, DetectionRule, Span } from '../rules/types';
import { checkEntry, label, newerThanDataFinding, Rewrite } from './entryChecks';
import { finding, Finding, Fix, replaceFix } from './findings';
import { isNewerId, isNewerTacticName } from './newerThanData';
import { renamedListItem, renamedTactic, replacementsFor, techniqueIdsOf } from './renamedTactics';
import { closestTactics } from './suggestions';
import { TextLines } from './textLines';
import { TacticChange } from '../attack/tacticChanges';

// Sigma `tags`: canonical tag spelling (attack.t1059.001, attack.defense-evasion), tactic names,
// the IDs' status, and every technique tag having one of its tactics tagged too.

export function checkSigmaRule(index: AttackIndex, rule: DetectionRule, lines: TextLines, out: Finding[]): void {
  const tactics = new Set<string>();
  const techniques: { ref: AttackReference; technique: Technique }[] = [];
  const tagRefs = rule.references.filter((r) => r.field.startsWith('tags'));
  let tagCounts: ReadonlyMap<string, number> | undefined;
  const renamed: { ref: AttackReference; change: TacticChange }[] = [];
  for (const ref of rule.references) {
    const tag = readSigmaTag(ref.text, 'any');
    if (!tag || tag.kind === 'other') continue;
    if (tag.kind === 'bad-id') {
      out.push(finding('attack-lens/tag-format', `${ref.text} is not a technique ID (attack.t1234 or attack.t1234.001)`, ref.span, [], { ref }));
      continue;
    }
    if (tag.kind === 'tactic') {
      const t = index.tactic(tag.shortname);
      const change = t ? undefined : renamedTactic(index, tag.shortname);
      if (change) {
        renamed.push({ ref, change });
        continue;
      }
      if (!t && isNewerTacticName(index, tag.shortname)) {
        out.push(newerThanDataFinding(index, ref, `attack.${tag.shortname}`));
        if (ref.text !== `attack.${tag.shortname}`) out.push(tagFormat(ref, `attack.${tag.shortname}`));
        continue;
      }
      if (!t) {
        const close = closestTactics(index, tag.shortname, (x) => x.shortname);
        const fixes = close.map((c) => replaceFix(`Change to attack.${c.shortname}`, ref.span, `attack.${c.shortname}`, close.length === 1));
        out.push(finding('attack-lens/unknown-tactic', `"${ref.text.replace(/^attack./i, '')}" is not an ATT&CK tactic`, ref.span, fixes, { ref }));
        continue;
      }
      tactics.add(t.shortname);
      const canonical = `attack.${t.shortname}`;
      if (ref.text !== canonical) out.push(tagFormat(ref, canonical));
      continue;
    }
    if (tag.id.startsWith('TA')) {
      const t = index.tactic(tag.id);
      if (!t && isNewerId(index, tag.id)) {
        out.push(newerThanDataFinding(index, ref, tag.id));
        continue;
      }
      if (!t) {
        out.push(finding('attack-lens/unknown-id', `${tag.id} is not in ${index.versionLabel}; your data may be older than your rules`, ref.span, [], { ref }));
        continue;
      }
      tactics.add(t.shortname);
      out.push(tagFormat(ref, `attack.${t.shortname}`, `Sigma names tactics by shortname: attack.${t.shortname}`));
      continue;
    }
    const canonical = sigmaTagFor(tag.id);
    if (ref.text !== canonical) out.push(tagFormat(ref, canonical));
    const entry = checkEntry(index, ref, tag.id, (id) => rewriteTag(lines, (tagCounts ??= countTagIds(rule)), ref, id), out);
    if (entry?.kind === 'technique' && index.isActive(entry)) techniques.push({ ref, technique: entry });
  }
  if (renamed.length) {
    // A renamed tag becomes the tactics its replacement names: no technique misses those.
    const ids = techniqueIdsOf(rule.references);
    for (const { ref, change } of renamed) {
      out.push(renamedListItem(index, ref, change, ids, tactics, (t) => `attack.${t.shortname}`, lines));
      for (const t of replacementsFor(change, index, ids)) tactics.add(t.shortname);
    }
  }
  if (techniques.length === 0) return;
  const insertAt = techniques.map((t) => t.ref).concat(tagRefs.filter((r) => readSigmaTag(r.text, 'any')?.kind === 'id')).sort(byPosition)[0];
  for (const { ref, technique } of techniques) {
    if (technique.tactics.length === 0 || technique.tactics.some((t) => tactics.has(t))) continue;
    const names = technique.tactics.map((s) => index.tactic(s, technique.domain)?.name ?? s);
    const fixes: Fix[] = technique.tactics.map((s, i) => ({
      title: `Add tag attack.${s} (${names[i]})`,
      edits: [addTagEdit(lines, insertAt.span, `attack.${s}`)],
      ...(technique.tactics.length === 1 ? { isPreferred: true } : {}),
    }));
    const message = `${label(technique)} belongs to ${names.join(', ')}, but the rule has no tag for ${technique.tactics.length === 1 ? 'it' : 'any of them'}`;
    out.push(finding('attack-lens/missing-tactic', message, ref.span, fixes, { ref }));
  }
}

/**
 * How many of the rule's references are ID tags of each ID, counted once per rule: looking
 * through every reference for each revoked tag was quadratic (4 000 revoked tags: 2.9 s).
 */
function countTagIds(rule: DetectionRule): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const r of rule.references) {
    const id = tagId(r);
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function tagId(ref: AttackReference): string | undefined {
  const tag = readSigmaTag(ref.text, 'any');
  return tag?.kind === 'id' ? tag.id : undefined;
}

/** Edits that make a tag name `id`; when the rule already has that tag, the line goes instead of doubling it. */
function rewriteTag(lines: TextLines, tagCounts: ReadonlyMap<string, number>, ref: AttackReference, id: string): ReturnType<Rewrite> {
  const tagged = (tagCounts.get(id) ?? 0) - (tagId(ref) === id ? 1 : 0) > 0;
  const line = lines.line(ref.span.start.line);
  if (tagged && ref.span.start.line === ref.span.end.line && /^\s*-\s*['"]?$/.test(line.slice(0, ref.span.start.character)) && /^['"]?\s*(#.*)?$/.test(line.slice(ref.span.end.character))) {
    return { edits: [{ span: { start: { line: ref.span.start.line, character: 0 }, end: { line: ref.span.start.line + 1, character: 0 } }, newText: '' }], alreadyThere: sigmaTagFor(id) };
  }
  return [{ span: ref.span, newText: sigmaTagFor(id) }];
}

function tagFormat(ref: AttackReference, canonical: string, message = `Sigma ATT&CK tags are written ${canonical}`): Finding {
  return finding('attack-lens/tag-format', message, ref.span, [replaceFix(`Change to ${canonical}`, ref.span, canonical, true)], { ref });
}

function byPosition(a: AttackReference, b: AttackReference): number {
  return a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character;
}

/**
 * An edit adding `tag` just before the tag at `before`: a new `- tag` line with the list's
 * indentation and quoting in a block list, or `tag, ` inside a flow list (`tags: [a, b]`).
 */
function addTagEdit(lines: TextLines, before: Span, tag: string): { span: Span; newText: string } {
  const line = lines.line(before.start.line);
  const prefix = line.slice(0, before.start.character);
  const block = /^(\s*-\s*)(['"]?)$/.exec(prefix);
  if (block) {
    const at = { line: before.start.line, character: 0 };
    return { span: { start: at, end: at }, newText: `${block[1]}${block[2]}${tag}${block[2]}${lines.eol}` };
  }
  const quote = /['"]$/.exec(prefix)?.[0] ?? '';
  const at = { line: before.start.line, character: before.start.character - quote.length };
  return { span: { start: at, end: at }, newText: `${quote}${tag}${quote}, ` };
}
