import { AttackIndex } from '../../../src/attack/index';
import { fixAllEdits } from '../../../src/checks/fixAll';
import { Finding } from '../../../src/checks/findings';
import { checkRuleFile } from '../../../src/checks/referenceChecks';
import { StaleReference, staleReferences } from '../../../src/checks/staleReferences';
import { CoverageModel } from '../../../src/coverage/model';
import { detectRuleFormat, parseRuleFile } from '../../../src/rules/index';
import { linesOf, Slot, slotAt } from '../../../src/rules/slots';
import { ParsedRuleFile, RuleFormat } from '../../../src/rules/types';
import { AdversarialFile } from './adversarialCorpus';

// What the editor, the scan and the CLI do with one file, end to end: detect its format,
// parse it, check it (diagnostics), list its stale references ("Check rules"), plan "fix all
// revoked", count it in a coverage model, and read the completion slot at its last line and
// at its middle. The bench times this; the unit suite checks it returns.

export interface PipelineResult {
  readonly detected: RuleFormat | undefined;
  readonly parsed: ParsedRuleFile;
  readonly findings: readonly Finding[];
  readonly stale: readonly StaleReference[];
  readonly fixedRevoked: number;
  readonly ruleCount: number;
  readonly slots: readonly (Slot | undefined)[];
}

export function runPipeline(file: AdversarialFile, index: AttackIndex, options: { slots?: boolean } = {}): PipelineResult {
  const detected = detectRuleFormat(file.text, file.path);
  // Generic files are read only when the user says so (`attackLens.files` or the CLI's --format).
  const parsed = parseRuleFile(file.text, file.path, index, file.format === 'generic' ? { format: 'generic' } : {});
  const findings = checkRuleFile(parsed, file.text, index);
  const stale = staleReferences(parsed, file.text, index);
  const fixedRevoked = fixAllEdits(findings, (f) => f.code === 'attack-lens/revoked').fixed.length;
  const model = CoverageModel.build([parsed], index);
  const slots: (Slot | undefined)[] = [];
  if (options.slots !== false) {
    const lines = linesOf(file.text);
    for (const line of [lines.lineCount - 1, lines.lineCount >> 1]) {
      const character = Math.min(lines.lineAt(line).length, 4096);
      slots.push(slotAt(lines, { line, character }, parsed.format));
    }
  }
  return { detected, parsed, findings, stale, fixedRevoked, ruleCount: model.ruleCount, slots };
}
