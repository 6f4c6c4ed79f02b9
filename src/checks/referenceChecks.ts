import { AttackIndex } from '../attack/index';
import { AttackReference, DetectionRule, ParsedRuleFile, RuleFormat, RuleProblem, Unreadable } from '../rules/types';
import { visibleText } from '../rules/unreadable';
import { checkElasticSlot, elasticRewrite } from './elasticChecks';
import { checkEntry, newerThanDataFinding } from './entryChecks';
import { isNewerTacticName } from './newerThanData';
import { finding, Finding, FindingCode, replaceFix } from './findings';
import { checkSigmaRule } from './sigmaChecks';
import { normalizeId } from '../attack/ids';
import { sentinelTacticName } from './spelling';
import { listedTactics, renamedListItem, renamedNameSlot, renamedTactic, techniqueIdsOf } from './renamedTactics';
import { closestTactics } from './suggestions';
import { TextLines } from './textLines';

export * from './findings';

// The ATT&CK checks for one parsed rule file: every reference against the loaded ATT&CK data
// and the format's conventions. No vscode here: the editor, the "Check rules" command and the
// CLI all call checkRuleFile. Findings come back sorted by position.

export function checkRuleFile(file: ParsedRuleFile, text: string, index: AttackIndex): Finding[] {
  const out: Finding[] = file.problems.map(problemFinding);
  const lines = new TextLines(text);
  for (const whole of file.rules) {
    const rule = readableOnly(whole, out);
    if (file.format === 'sigma') {
      checkSigmaRule(index, rule, lines, out);
      continue;
    }
    for (const ref of rule.references) checkReference(index, file.format, ref, rule.references, lines, out);
  }
  // Bare IDs in prose (generic files) can be part numbers or tickets: an unknown one is a note, not an error.
  const findings = file.format === 'generic' ? out.map((f) => (NOTES_IN_PROSE.has(f.code) ? { ...f, defaultSeverity: 'information' as const } : f)) : out;
  return findings.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
}

const NOTES_IN_PROSE: ReadonlySet<FindingCode> = new Set<FindingCode>(['attack-lens/unknown-id', 'attack-lens/unreadable-reference']);

/** Reports the rule's unreadable references and returns the rule with the others, for the format's checks. */
function readableOnly(rule: DetectionRule, out: Finding[]): DetectionRule {
  const readable = rule.references.filter((r) => !r.unreadable);
  if (readable.length === rule.references.length) return rule;
  for (const ref of rule.references) if (ref.unreadable) out.push(unreadableFinding(ref, ref.unreadable));
  return { ...rule, references: readable };
}

function unreadableFinding(ref: AttackReference, u: Unreadable): Finding {
  const fixes = u.repaired !== undefined && u.repaired !== ref.text ? [replaceFix(`Change to ${u.repaired}`, ref.span, u.repaired, u.certain === true)] : [];
  return finding('attack-lens/unreadable-reference', `${visibleText(ref.text)} cannot be read as an ATT&CK reference: ${u.reason}`, ref.span, fixes, { ref });
}

function problemFinding(p: RuleProblem): Finding {
  return { ...finding(p.severity === 'error' ? 'attack-lens/parse-error' : 'attack-lens/rule-problem', p.message, p.span), defaultSeverity: p.severity };
}

function checkReference(index: AttackIndex, format: RuleFormat, ref: AttackReference, siblings: readonly AttackReference[], lines: TextLines, out: Finding[]): void {
  const spelled = normalizeId(ref.text, 'any');
  if (!spelled) {
    if (ref.kind === 'tactic') checkTacticName(index, format, ref, siblings, lines, out);
    // A name the parser resolved (YARA-L meta may say "PowerShell"): only its status matters.
    else if (ref.id) checkEntry(index, ref, ref.id, () => [], out);
    return;
  }
  if (spelled !== ref.text) {
    out.push(finding('attack-lens/malformed-id', `ATT&CK IDs are written ${spelled}`, ref.span, [replaceFix(`Change to ${spelled}`, ref.span, spelled, true)], { ref }));
  }
  const rewrite = format === 'elastic' ? (id: string) => elasticRewrite(index, ref, lines, id) : (id: string) => [{ span: ref.span, newText: id }];
  const entry = checkEntry(index, ref, spelled, rewrite, out);
  if (entry && entry.kind !== ref.kind) {
    out.push(finding('attack-lens/wrong-kind', `${entry.id} is ${article(entry.kind)} ${entry.kind} (${entry.name}), but this field takes ${article(ref.kind)} ${ref.kind}`, ref.span, [], { ref }));
    return;
  }
  if (format === 'elastic' && entry && !entry.revoked) checkElasticSlot(index, ref, entry, siblings, lines, out);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** Tactics written as names: Sentinel's `DefenseEvasion`, YARA-L's `Defense Evasion`. */
function checkTacticName(index: AttackIndex, format: RuleFormat, ref: AttackReference, siblings: readonly AttackReference[], lines: TextLines, out: Finding[]): void {
  const sentinel = format === 'sentinel';
  if (sentinel && ref.text === 'PreAttack') return; // Sentinel's own tactic for pre-compromise activity.
  const spell = sentinel ? (name: string) => sentinelTacticName(name) : (name: string) => name;
  const tactic = index.tactic(ref.text);
  if (tactic) {
    const want = spell(tactic.name);
    if (sentinel && ref.text !== want) {
      out.push(finding('attack-lens/malformed-id', `Sentinel writes this tactic as ${want}`, ref.span, [replaceFix(`Change to ${want}`, ref.span, want, true)], { ref }));
    }
    if (tactic.deprecated || tactic.revoked) checkEntry(index, ref, tactic.id, () => [], out);
    return;
  }
  const change = renamedTactic(index, ref.text);
  if (change) {
    const ids = techniqueIdsOf(siblings);
    const spellTactic = (t: { name: string }) => spell(t.name);
    if (sentinel) {
      out.push(renamedListItem(index, ref, change, ids, listedTactics(index, siblings), spellTactic, lines));
    } else out.push(renamedNameSlot(index, ref, change, ids, spellTactic));
    return;
  }
  if (isNewerTacticName(index, ref.text)) {
    out.push(newerThanDataFinding(index, ref, ref.text));
    return;
  }
  const close = closestTactics(index, ref.text.replace(/[\s_-]+/g, sentinel ? '' : ' '), (t) => spell(t.name));
  const fixes = close.map((t) => replaceFix(`Change to ${spell(t.name)}`, ref.span, spell(t.name), close.length === 1));
  out.push(finding('attack-lens/unknown-tactic', `"${ref.text}" is not an ATT&CK tactic`, ref.span, fixes, { ref }));
}
