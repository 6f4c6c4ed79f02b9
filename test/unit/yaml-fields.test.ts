import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { completionCandidates } from '../../src/editor/completionCandidates';
import { parseRuleFile } from '../../src/rules/index';
import { slotAt } from '../../src/rules/slots';
import { RuleFormat } from '../../src/rules/types';
import { index18 } from './helpers/attackData';

// The YAML formats: every field a parser counts is a completion slot offering that kind of entry
// (Sentinel's subTechniques counted for coverage but had no completion).

let index: AttackIndex;
let search: AttackSearch;
/** The real ATT&CK data these tests read, loaded by the `before` of each suite that needs it. */
function loadRealData(): void {
  index = index18();
  search = new AttackSearch(index);
}

// A rule with the cursor at `§` in one ATT&CK value, the value's kind, and the value.
const CASES: [RuleFormat, string, 'tactic' | 'technique', string][] = [
  ['sigma', 'title: Encoded PowerShell\nlogsource:\n  product: windows\ndetection:\n  sel:\n    CommandLine|contains: " -enc "\n  condition: sel\ntags:\n  - attack.t1059.00§1\n', 'technique', 'attack.t1059.001'],
  ['splunk', 'name: Encoded PowerShell\nsearch: "| tstats count"\ntags:\n  analytic_story:\n  - Malicious PowerShell\n  mitre_attack_id:\n  - T1059.00§1\n', 'technique', 'T1059.001'],
  ['sentinel', 'id: 5c2f3b1e\nname: Sign-ins from a new country\nquery: SigninLogs\ntactics:\n  - InitialAc§cess\nrelevantTechniques:\n  - T1078\n', 'tactic', 'InitialAccess'],
  ['sentinel', 'id: 5c2f3b1e\nname: Sign-ins from a new country\nquery: SigninLogs\ntactics:\n  - InitialAccess\nrelevantTechniques:\n  - T107§8\n', 'technique', 'T1078'],
  ['sentinel', 'id: 5c2f3b1e\nname: Sign-ins from a new country\nquery: SigninLogs\ntactics:\n  - InitialAccess\nrelevantTechniques:\n  - T1078\nsubTechniques:\n  - T1078.00§4\n', 'technique', 'T1078.004'],
];

describe('YAML rule fields: parser and completion agree (needs ../shared)', () => {
  before(loadRealData);
  for (const [format, withCursor, kind, value] of CASES) {
    it(`${format}: ${value}`, () => {
      const at = withCursor.indexOf('§');
      const before = withCursor.slice(0, at).split('\n');
      const line = before.length - 1;
      const character = before[line].length;
      const text = withCursor.replace('§', '');
      const parsed = parseRuleFile(text, 'rules/x.yml', index, { format });
      const ref = parsed.rules.flatMap((r) => r.references).find((r) => r.text === value);
      assert.ok(ref, `${format} counts ${value}`);
      assert.strictEqual(ref.kind, kind);
      const slot = slotAt(text, { line, character }, format);
      assert.ok(slot, `${format}: ${value} is a completion slot`);
      const offered = completionCandidates(index, search, slot).items;
      assert.ok(offered.some((c) => c.entry.kind === kind && c.value === value), `${format}: offers ${value}`);
    });
  }
});
