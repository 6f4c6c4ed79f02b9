import { AttackIndex } from '../attack/index';
import { ParsedRuleFile, Span } from '../rules/types';
import { finding, Finding, Fix } from './findings';
import { checkRuleFile } from './referenceChecks';
import { normalizeId } from '../attack/ids';
import { deprecationReplacements } from './suggestions';
import { TextLines } from './textLines';

// What "Check rules against ATT&CK data" reports for one rule file: every reference the loaded
// ATT&CK data no longer backs — revoked, deprecated, unknown, or written with a name ATT&CK no
// longer uses — with the fixes of the editor checks (src/checks/referenceChecks.ts).
//
// YARA-L meta often names techniques instead of IDs (`mitre_attack_technique = "Disabling
// Security Tools"`, `"T1003 - Credential Dumping"`), next to `mitre_attack_url`. The editor
// checks know the entry such a name resolves to but cannot spell a replacement; here a
// replacement is written the way the rule wrote it (a name, or ID and name), and a name the
// data does not know is read against the rule's mitre_attack_url: the technique that URL names
// is what the name meant, under its current name.

export type StaleCategory = 'revoked' | 'deprecated' | 'unknown' | 'renamed';

export const STALE_CATEGORIES: readonly StaleCategory[] = ['revoked', 'deprecated', 'unknown', 'renamed'];

export interface StaleReference {
  readonly category: StaleCategory;
  readonly finding: Finding;
}

const CATEGORY_OF: Partial<Record<Finding['code'], StaleCategory>> = {
  'attack-lens/revoked': 'revoked',
  'attack-lens/deprecated': 'deprecated',
  'attack-lens/unknown-id': 'unknown',
  'attack-lens/newer-than-data': 'unknown',
  'attack-lens/unknown-tactic': 'unknown',
  'attack-lens/name-mismatch': 'renamed',
  'attack-lens/renamed-tactic': 'renamed',
};

/** The stale references of one parsed file, in file order. */
export function staleReferences(file: ParsedRuleFile, text: string, index: AttackIndex): StaleReference[] {
  const out: StaleReference[] = [];
  for (const f of checkRuleFile(file, text, index)) {
    const category = CATEGORY_OF[f.code];
    if (!category) continue;
    out.push({ category, finding: file.format === 'yaral' ? yaralFixes(index, f) : f });
  }
  if (file.format === 'yaral') out.push(...yaralNames(file, text, index));
  return out.sort((a, b) => a.finding.span.start.line - b.finding.span.start.line || a.finding.span.start.character - b.finding.span.start.character);
}

/** A YARA-L item: a bare name, or an ID followed by a name (`T1003 - Credential Dumping`). */
function splitItem(text: string): { id?: string; separator: string; name: string } {
  const m = /^([Tt]\d{4}(?:[./_-]\d{3})?)(\s*[-:–—]\s*|\s+)(.+)$/.exec(text);
  if (m) return { id: normalizeId(m[1], 'any'), separator: m[2], name: m[3].trim() };
  return { separator: '', name: text };
}

/** The item rewritten to name `id`, in the item's own style. */
function spellItem(index: AttackIndex, itemText: string, id: string): string {
  const item = splitItem(itemText);
  if (normalizeId(itemText, 'any')) return id;
  if (item.id) return `${id}${item.separator}${index.fullName(id)}`;
  return index.fullName(id);
}

function replacement(span: Span, newText: string, title: string, isPreferred: boolean): Fix {
  return { title, edits: [{ span, newText }], ...(isPreferred ? { isPreferred } : {}) };
}

/** Revoked/deprecated YARA-L names: fixes that write the replacement as a name (the editor checks leave them empty). */
function yaralFixes(index: AttackIndex, f: Finding): Finding {
  const ref = f.ref;
  if (!ref || normalizeId(ref.text, 'any') || !ref.id || (f.code !== 'attack-lens/revoked' && f.code !== 'attack-lens/deprecated')) return f;
  const entry = index.get(ref.id);
  if (!entry) return f;
  const targets = f.code === 'attack-lens/revoked' ? [index.replacementOf(entry.id)].filter((x): x is string => !!x) : deprecationReplacements(index, entry);
  const fixes = targets.map((id) => replacement(ref.span, spellItem(index, ref.text, id), `Replace with ${spellItem(index, ref.text, id)} (${id})`, f.code === 'attack-lens/revoked'));
  return { ...f, fixes };
}

/** `mitre_attack_url` values of each rule, by rule index: the technique IDs they link to. */
function urlTechniques(file: ParsedRuleFile, text: string): Map<number, string[]> {
  const lines = new TextLines(text);
  const lineCount = text.split('\n').length;
  const out = new Map<number, string[]>();
  file.rules.forEach((rule, i) => {
    const end = Math.min(lineCount, file.rules[i + 1]?.span.start.line ?? lineCount);
    const ids: string[] = [];
    for (let n = rule.span.start.line; n < end; n++) {
      // The key is read whole, then tested for `url`: `\w*url\w*` backtracked quadratically on a long word.
      const m = /^\s*(\w+)\s*=\s*"[^"]*\/techniques\/(T\d{4})(?:\/(\d{3}))?\/?"/i.exec(lines.line(n));
      if (m && /url/i.test(m[1])) ids.push(m[3] ? `${m[2]}.${m[3]}` : m[2]);
    }
    out.set(rule.index, ids);
  });
  return out;
}

/** Technique names that differ from ATT&CK's name for the technique they mean. */
function yaralNames(file: ParsedRuleFile, text: string, index: AttackIndex): StaleReference[] {
  const out: StaleReference[] = [];
  let urls: Map<number, string[]> | undefined;
  for (const rule of file.rules) {
    for (const ref of rule.references) {
      if (ref.kind !== 'technique' || ref.unreadable || normalizeId(ref.text, 'any')) continue;
      const item = splitItem(ref.text);
      if (item.id) {
        // `T1003 - Credential Dumping`: the ID decides; the name should be the ID's.
        const e = index.get(item.id);
        if (!e || e.kind !== 'technique' || !index.isActive(e)) continue;
        const want = index.fullName(e.id);
        if (item.name === want || item.name === e.name) continue;
        const fixed = `${e.id}${item.separator}${want}`;
        out.push({
          category: 'renamed',
          finding: finding('attack-lens/name-mismatch', `${e.id} is "${want}" in ${index.versionLabel}, not "${item.name}"`, ref.span, [replacement(ref.span, fixed, `Change to "${fixed}"`, true)], { ref }),
        });
        continue;
      }
      if (ref.id) continue; // A name the data knows: its status is checked above.
      if (index.byExactName(ref.text).filter((e) => e.kind === 'technique').length > 1) continue; // Ambiguous: the parser's warning lists the candidates.
      urls ??= urlTechniques(file, text);
      const linked = (urls.get(rule.index) ?? []).map((id) => index.get(id)).filter((e) => e !== undefined && e.kind === 'technique');
      const meant = linked.length === 1 ? linked[0]! : undefined;
      const current = meant ? (meant.revoked ? index.get(index.replacementOf(meant.id) ?? '') : meant) : undefined;
      if (current && index.isActive(current)) {
        const want = index.fullName(current.id);
        out.push({
          category: 'renamed',
          finding: finding(
            'attack-lens/name-mismatch',
            `"${ref.text}" is not a technique name in ${index.versionLabel}; the rule's URL links ${meant!.id}${current !== meant ? ` (revoked, now ${current.id})` : ''}, named "${want}" now`,
            ref.span,
            [replacement(ref.span, want, `Change to "${want}" (${current.id})`, true)],
            { ref },
          ),
        });
      } else {
        out.push({ category: 'unknown', finding: finding('attack-lens/unknown-id', `"${ref.text}" is not a technique name in ${index.versionLabel}`, ref.span, [], { ref }) });
      }
    }
  }
  return out;
}
