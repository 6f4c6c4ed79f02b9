import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { completionCandidates } from '../../src/editor/completionCandidates';
import { parseRuleFile } from '../../src/rules/index';
import { slotAt } from '../../src/rules/slots';
import { AttackReference, ParsedRuleFile } from '../../src/rules/types';
import { index18 } from './helpers/attackData';

// YARA-L meta conventions of public rule sets (Google's curated rules, the community rules of
// chronicle/detection-rules, older community rules with one `mitre` list): whatever the parser
// counts can be completed, and whatever completion offers is counted. The rules below are written
// for these tests in the shape those rule sets use.

let index: AttackIndex;
let search: AttackSearch;
/** The real ATT&CK data these tests read, loaded by the `before` of each suite that needs it. */
function loadRealData(): void {
  index = index18();
  search = new AttackSearch(index);
}

function rule(meta: readonly string[]): string {
  return ['rule gcp_service_account_key_from_new_country {', '  meta:', ...meta.map((m) => `    ${m}`), '  events:', '    $e.metadata.event_type = "USER_LOGIN"', '  condition:', '    $e', '}', ''].join('\n');
}

function parse(text: string): ParsedRuleFile {
  return parseRuleFile(text, 'rules/test.yaral', index, { format: 'yaral' });
}

function refs(text: string): string[] {
  return parse(text).rules.flatMap((r) => r.references).map((r: AttackReference) => `${r.kind} ${r.id ?? '-'} ${r.text} @${r.field}`);
}

/** The slot with the cursor right after `needle` on its line. */
function slotAfter(text: string, needle: string) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  return slotAt(text, { line, character: lines[line].indexOf(needle) + needle.length }, 'yaral');
}

// Keys public YARA-L rules use for ATT&CK, with a value of the kind each holds.
const ATTACK_KEYS: readonly [string, string, 'tactic' | 'technique'][] = [
  ['mitre_attack_tactic', 'Credential Access', 'tactic'],
  ['mitre_attack_tactics', 'Persistence', 'tactic'],
  ['tactic', 'TA0006', 'tactic'],
  ['mitre_tactic', 'Discovery', 'tactic'],
  ['mitre_attack_technique', 'Valid Accounts: Cloud Accounts', 'technique'],
  ['mitre_attack_techniques', 'T1078.004', 'technique'],
  ['mitre_attack_technique_id', 'T1078', 'technique'],
  ['mitre_attack_technique_ids', 'T1098.001', 'technique'],
  ['mitre_attack_subtechnique', 'T1098.003', 'technique'],
  ['mitre_attack_subtechnique_id', 'T1098.003', 'technique'],
  ['mitre_attack_id', 'T1136.003', 'technique'],
  ['technique', 'T1003.001', 'technique'],
  ['technique_id', 'T1552.001', 'technique'],
  ['mitre_technique', 'T1110', 'technique'],
  ['mitre', 'credential_access', 'tactic'],
];

describe('YARA-L meta keys: parser and completion agree (needs ../shared)', () => {
  before(loadRealData);
  it('every ATT&CK key public rule sets use is read by the parser and is a completion slot', () => {
    for (const [key, value, kind] of ATTACK_KEYS) {
      const text = rule(['author = "detection team"', `${key} = "${value}"`, 'severity = "Medium"']);
      const read = parse(text).rules[0].references;
      assert.strictEqual(read.length, 1, `${key}: parser`);
      assert.strictEqual(read[0].kind, kind, `${key}: kind`);
      assert.ok(read[0].id, `${key}: resolved`);
      const slot = slotAfter(text, `${key} = "${value.slice(0, 3)}`);
      assert.ok(slot, `${key}: completion slot`);
      const offered = completionCandidates(index, search, slot, { limit: 500 }).items.map((c) => c.entry.kind);
      assert.ok(offered.includes(kind), `${key}: completion offers a ${kind}`);
    }
  });

  it('keys without ATT&CK (the URL, the version, the description) are neither read nor completed', () => {
    const text = rule(['description = "T1078 seen from a new country"', 'mitre_attack_url = "https://attack.mitre.org/techniques/T1078/"', 'mitre_attack_version = "v14.1"', 'reference = "T1078"']);
    assert.deepStrictEqual(refs(text), []);
    for (const needle of ['description = "T10', 'mitre_attack_url = "https', 'mitre_attack_version = "v1', 'reference = "T10']) {
      assert.strictEqual(slotAfter(text, needle), undefined, needle);
    }
  });

  it('keys are read whatever their case, and several per rule', () => {
    const text = rule(['MITRE_ATTACK_TACTIC = "Persistence, Privilege Escalation"', 'Mitre_Attack_Technique_Ids = "T1098.001, T1098.003"']);
    assert.deepStrictEqual(refs(text), [
      'tactic TA0003 Persistence @meta.MITRE_ATTACK_TACTIC',
      'tactic TA0004 Privilege Escalation @meta.MITRE_ATTACK_TACTIC',
      'technique T1098.001 T1098.001 @meta.Mitre_Attack_Technique_Ids',
      'technique T1098.003 T1098.003 @meta.Mitre_Attack_Technique_Ids',
    ]);
    assert.ok(slotAfter(text, 'Mitre_Attack_Technique_Ids = "T1098.001, T10'));
  });
});

describe('YARA-L: one `mitre` list of tactics and techniques (needs ../shared)', () => {
  before(loadRealData);
  it('reads tactics by name or shortname and techniques, groups and software by ID, in any order', () => {
    const text = rule(['mitre = "execution, t1204, t1059.001, Command and Control"', 'mitre_extra = "t1071"']);
    assert.deepStrictEqual(refs(text), [
      'tactic TA0002 execution @meta.mitre',
      'technique T1204 t1204 @meta.mitre',
      'technique T1059.001 t1059.001 @meta.mitre',
      'tactic TA0011 Command and Control @meta.mitre',
    ]);
    assert.deepStrictEqual(refs(rule(['mitre = "t1003, defense_evasion, g0016, s0029"'])), [
      'technique T1003 t1003 @meta.mitre',
      'tactic TA0005 defense_evasion @meta.mitre',
      'group G0016 g0016 @meta.mitre',
      'software S0029 s0029 @meta.mitre',
    ]);
  });

  it('skips other vocabularies, reads a technique named in snake case, and leaves an unknown word to the checks as a tactic', () => {
    const text = rule(['mitre = "privilege_escalation, car.2013-05-009, cve.2018-2894, process_injection, executon"']);
    assert.deepStrictEqual(refs(text), [
      'tactic TA0004 privilege_escalation @meta.mitre',
      'technique T1055 process_injection @meta.mitre',
      'tactic - executon @meta.mitre',
    ]);
    const findings = checkRuleFile(parse(text), text, index);
    assert.deepStrictEqual(
      findings.map((f) => f.code),
      ['attack-lens/unknown-tactic'],
    );
    assert.ok(findings[0].fixes.some((f) => f.title.includes('Execution')), 'suggests Execution');
  });

  it('a misspelt ID in the list keeps its kind: the checks offer the spelling, not a tactic', () => {
    const text = rule(['mitre = "execution, T1059.1"']);
    assert.deepStrictEqual(refs(text), ['tactic TA0002 execution @meta.mitre', 'technique - T1059.1 @meta.mitre']);
    const findings = checkRuleFile(parse(text), text, index);
    assert.deepStrictEqual(
      findings.map((f) => [f.code, f.fixes.map((x) => x.title)]),
      [['attack-lens/malformed-id', ['Change to T1059.001']]],
    );
  });

  it('completion offers tactics and techniques in the list, tactics by name, techniques by ID', () => {
    const text = rule(['mitre = "execution, t1204, Cred"']);
    const slot = slotAfter(text, ', Cred');
    assert.ok(slot);
    assert.strictEqual(slot.prefix, 'Cred');
    const items = completionCandidates(index, search, slot).items;
    assert.strictEqual(items[0].value, 'Credential Access');
    const byId = completionCandidates(index, search, slotAfter(rule(['mitre = "execution, T1059.00"']), 'T1059.00')!).items;
    assert.ok(byId.length > 0);
    assert.ok(byId.every((c) => /^T1059\.00\d$/.test(c.value)), byId.map((c) => c.value).join());
    const tacticById = completionCandidates(index, search, slotAfter(rule(['mitre = "TA000"']), 'TA000')!).items;
    assert.ok(tacticById.some((c) => c.value === 'TA0002'));
  });
});
