import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, fixAllEdits } from '../../src/checks/fixAll';
import { checkRuleFile, Finding } from '../../src/checks/referenceChecks';
import { staleReferences } from '../../src/checks/staleReferences';
import { parseRuleFile } from '../../src/rules/index';
import { projectRoot } from './helpers/attackData';
import { tempDir } from './helpers/badData';
import { STIX_V19_DIR, STIX_V19_RULES, v19Index } from './helpers/stixV19';

// `attack-lens/renamed-tactic` with only ATT&CK 19.0 loaded (the hand-written bundle): the rules
// of test/fixtures/stix-v19/rules still say Defense Evasion.

function checked(file: string, version: '18.1' | '19.0' = '19.0') {
  const p = path.join(STIX_V19_RULES, file);
  const text = fs.readFileSync(p, 'utf8');
  const index = v19Index(version);
  const parsed = parseRuleFile(text, p, index);
  return { text, parsed, index, findings: checkRuleFile(parsed, text, index) };
}

const renamed = (findings: readonly Finding[]) => findings.filter((f) => f.code === 'attack-lens/renamed-tactic');

/** The file's lines after Fix all. */
function fixedLines(file: string): string[] {
  const { text, findings } = checked(file);
  return applyEdits(text, fixAllEdits(findings).edits).split('\n');
}

/** The lines of `lines` from the one equal to `first` up to (not including) the next blank one. */
function from(lines: readonly string[], first: string): string[] {
  const at = lines.indexOf(first);
  assert.ok(at >= 0, `no line ${first}`);
  const end = lines.findIndex((l, i) => i > at && l.trim() === '');
  return lines.slice(at, end < 0 ? undefined : end);
}

describe('renamed tactics against the newer data only', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  it('Sigma: Defense Evasion becomes the tactics the rule\'s techniques have in v19, not the closest name', () => {
    const { findings } = checked('sigma_split.yml');
    const hits = renamed(findings);
    assert.strictEqual(hits.length, 4, 'one per rule');
    assert.deepStrictEqual(findings.filter((f) => f.code === 'attack-lens/unknown-tactic' || f.code === 'attack-lens/missing-tactic'), [], 'no unknown tactic, and no tactic missing once renamed');
    assert.deepStrictEqual(hits.map((f) => f.fixes.map((x) => x.title)), [
      ['Replace with attack.defense-impairment'],
      ['Replace with attack.stealth'],
      ['Replace with attack.stealth and attack.defense-impairment'],
      ['Replace with attack.stealth'],
    ]);
    assert.ok(hits.every((f) => f.fixes[0].isPreferred && f.defaultSeverity === 'warning'));
    assert.match(hits[0].message, /Defense Evasion \(TA0005\) is Stealth in ATT&CK v19\.0, with Defense Impairment \(TA0112\) split off; for this rule's techniques: attack\.defense-impairment/);
    const lines = fixedLines('sigma_split.yml');
    assert.deepStrictEqual(from(lines, 'tags:').slice(0, 3), ['tags:', '  - attack.defense-impairment', '  - attack.t1685'], 'the revoked T1562.001 follows to T1685 in the same pass');
    assert.ok(lines.includes("tags: ['attack.stealth', 'attack.defense-impairment', 'attack.t1027', 'attack.t1685.005']"), lines.join('\n'));
    assert.deepStrictEqual(lines.filter((l) => /attack\.(defense-evasion|stealth|discovery)$/.test(l)), ['  - attack.stealth', '  - attack.stealth', '  - attack.discovery']);
  });

  it('Sigma: a replacement the rule already has is not added twice; the old tag goes', () => {
    const { parsed, index } = checked('sigma_split.yml');
    const text = 'title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: 1\n  condition: sel\ntags:\n  - attack.defense-impairment\n  - attack.defense-evasion\n  - attack.t1685\n';
    const p = parseRuleFile(text, parsed.path, index);
    const findings = checkRuleFile(p, text, index);
    const [f] = renamed(findings);
    assert.strictEqual(f.fixes[0].title, 'Remove attack.defense-evasion (the rule lists attack.defense-impairment)');
    assert.strictEqual(applyEdits(text, fixAllEdits(findings).edits), text.replace('  - attack.defense-evasion\n', ''));
  });

  it('Sentinel: DefenseEvasion becomes DefenseImpairment, the Sentinel spelling', () => {
    const { findings } = checked('sentinel_split.yaml');
    const [f] = renamed(findings);
    assert.strictEqual(f.ref?.text, 'DefenseEvasion');
    assert.strictEqual(f.fixes[0].title, 'Replace with DefenseImpairment');
    assert.deepStrictEqual(from(fixedLines('sentinel_split.yaml'), 'tactics:'), ['tactics:', '  - DefenseImpairment', '  - Execution', 'relevantTechniques:', '  - T1685', '  - T1059.001', 'query: |', '  SecurityEvent | where EventID == 5001']);
  });

  it('YARA-L: one tactic slot gets a preferred fix only when one tactic replaces it', () => {
    const index = v19Index('19.0');
    const rule = (technique: string) => `rule r {\n  meta:\n    mitre_attack_tactic = "Defense Evasion"\n    mitre_attack_technique = "${technique}"\n  condition:\n    $e\n}\n`;
    const fixesOf = (text: string) => renamed(checkRuleFile(parseRuleFile(text, 'r.yaral', index), text, index)).map((f) => f.fixes.map((x) => [x.title, x.isPreferred ?? false]));
    assert.deepStrictEqual(fixesOf(rule('T1027')), [[['Change to Stealth', true]]]);
    assert.deepStrictEqual(fixesOf(rule('T1070.001')), [[['Change to Defense Impairment', true]]]);
  });

  it('Elastic: the Defense Evasion block is regrouped into Stealth and Defense Impairment blocks', () => {
    const { findings } = checked('elastic_split.toml');
    const [f] = renamed(findings);
    assert.strictEqual(f.ref?.text, 'TA0005');
    assert.strictEqual(f.fixes[0].title, 'Regroup under Stealth (TA0005) and Defense Impairment (TA0112), with T1562 → T1685, T1562.001 → T1685');
    assert.ok(!findings.some((x) => x.code === 'attack-lens/name-mismatch' && x.ref?.text === 'TA0005'), 'the tactic name is the regroup\'s, not a rename to Stealth alone');
    const lines = fixedLines('elastic_split.toml');
    const blocks = lines.slice(lines.indexOf('[[rule.threat]]'));
    assert.deepStrictEqual(blocks, [
      '[[rule.threat]]',
      'framework = "MITRE ATT&CK"',
      '[[rule.threat.technique]]',
      'id = "T1027"',
      'name = "Obfuscated Files or Information"',
      'reference = "https://attack.mitre.org/techniques/T1027/"',
      '',
      '[rule.threat.tactic]',
      'id = "TA0005"',
      'name = "Stealth"',
      'reference = "https://attack.mitre.org/tactics/TA0005/"',
      '',
      '[[rule.threat]]',
      'framework = "MITRE ATT&CK"',
      '[[rule.threat.technique]]',
      'id = "T1685"',
      'name = "Disable or Modify Tools"',
      'reference = "https://attack.mitre.org/techniques/T1685/"',
      '',
      '[rule.threat.tactic]',
      'id = "TA0112"',
      'name = "Defense Impairment"',
      'reference = "https://attack.mitre.org/tactics/TA0112/"',
      '',
      '[[rule.threat]]',
      'framework = "MITRE ATT&CK"',
      '[[rule.threat.technique]]',
      'id = "T1059"',
      'name = "Command and Scripting Interpreter"',
      'reference = "https://attack.mitre.org/techniques/T1059/"',
      '',
      '[rule.threat.tactic]',
      'id = "TA0002"',
      'name = "Execution"',
      'reference = "https://attack.mitre.org/tactics/TA0002/"',
      '',
    ]);
    const again = checkRuleFile(parseRuleFile(lines.join('\n'), 'x.toml', v19Index('19.0')), lines.join('\n'), v19Index('19.0'));
    assert.deepStrictEqual(again.map((x) => x.code), [], 'the regrouped rule is clean');
  });

  it('"Check rules against ATT&CK data" lists it as renamed; the older data reports nothing of the kind', () => {
    const { parsed, text, index } = checked('sigma_split.yml');
    const stale = staleReferences(parsed, text, index).filter((s) => s.finding.code === 'attack-lens/renamed-tactic');
    assert.deepStrictEqual(stale.map((s) => s.category), ['renamed', 'renamed', 'renamed', 'renamed']);
    for (const file of ['sigma_split.yml', 'sentinel_split.yaml', 'elastic_split.toml']) assert.deepStrictEqual(renamed(checked(file, '18.1').findings), [], file);
  });

  it('attack-lens check --fix applies it with the revocation fixes, and a second run has nothing left', () => {
    const dir = tempDir('renamed-tactic');
    dirs.push(dir);
    fs.cpSync(STIX_V19_RULES, path.join(dir, 'rules'), { recursive: true });
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(projectRoot, 'dist', 'cli.js'), 'check', 'rules', '--stix', path.join(STIX_V19_DIR, 'enterprise-attack-19.0.json'), ...args], { cwd: dir, encoding: 'utf8' });
    const r = run('--fix', '--fail-on', 'never');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^rules\/sentinel_split\.yaml: fixed 2\n {2}line 11: Replace with DefenseImpairment \(attack-lens\/renamed-tactic\)\n {2}line 14: Replace with T1685 .*\(attack-lens\/revoked\)\n/m);
    assert.match(r.stdout, /^ {2}line 36: Replace with attack\.stealth and attack\.defense-impairment \(attack-lens\/renamed-tactic\)$/m);
    assert.match(r.stdout, /^ {2}line 36: Regroup under Stealth \(TA0005\) and Defense Impairment \(TA0112\), with T1562 → T1685, T1562\.001 → T1685 \(attack-lens\/renamed-tactic\)$/m);
    const sentinel = fs.readFileSync(path.join(dir, 'rules', 'sentinel_split.yaml'), 'utf8');
    assert.match(sentinel, /\ntactics:\n {2}- DefenseImpairment\n {2}- Execution\nrelevantTechniques:\n {2}- T1685\n/);
    const all = ['sigma_split.yml', 'sentinel_split.yaml', 'elastic_split.toml'].map((f) => fs.readFileSync(path.join(dir, 'rules', f), 'utf8')).join('\n');
    assert.doesNotMatch(all, /attack\.defense-evasion|- DefenseEvasion|name = "Defense Evasion"|T1562/);
    const again = run('--format', 'json', '--fail-on', 'never');
    assert.deepStrictEqual(JSON.parse(again.stdout).findings, [], 'nothing left to report');
  });
});
