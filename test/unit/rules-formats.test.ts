import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { detectRuleFormat, parseRuleFile } from '../../src/rules/index';
import { AttackReference, ParsedRuleFile, RuleFormat } from '../../src/rules/types';
import { AttackIndex } from '../../src/attack/index';
import { index18, projectRoot } from './helpers/attackData';
import { BOTH_INDEXES } from './helpers/miniAttack';

// Every format on hand-written fixtures (test/fixtures/rules/): what each rule says, and each
// reference's kind, ID, field and exact position, checked against the fixture's own text. The
// tests whose rules resolve no name the synthetic bundle lacks also run on it.

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'rules');

function read(rel: string): { text: string; file: string } {
  const file = path.join(FIXTURES, rel);
  return { text: fs.readFileSync(file, 'utf8'), file };
}

/** Parsed on the given data: 18.1 unless a test also runs on the synthetic bundle (BOTH_INDEXES). */
function parse(rel: string, format?: RuleFormat, index: AttackIndex = index18()): ParsedRuleFile & { text: string } {
  const { text, file } = read(rel);
  return { ...parseRuleFile(text, file, index, format ? { format } : undefined), text };
}

/** Position of the n-th occurrence of `needle` in the text, as line/character. */
function whereIs(text: string, needle: string, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" #${nth} not in fixture`);
  }
  const before = text.slice(0, at).split(/\r\n|\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function refs(p: ParsedRuleFile): AttackReference[] {
  return p.rules.flatMap((r) => r.references);
}

function summary(p: ParsedRuleFile): string[] {
  return refs(p).map((r) => `${r.ruleIndex} ${r.kind} ${r.id ?? '-'} ${r.text} @${r.field}`);
}

function assertSpansOnText(p: ParsedRuleFile & { text: string }): void {
  const lines = p.text.split(/\r\n|\r|\n/);
  for (const r of refs(p)) {
    assert.strictEqual(lines[r.span.start.line].slice(r.span.start.character, r.span.end.character), r.text, `${p.path}: ${r.text}`);
  }
}

describe('rule parsers on fixtures', () => {
  describe('Sigma', () => {
    for (const { name: data, index } of BOTH_INDEXES) it(`reads tags of every kind, quoted or not, and ignores non-ATT&CK tags on ${data}`, () => {
      const p = parse('sigma/proc_creation_win_powershell_encoded.yml', undefined, index());
      assert.strictEqual(p.format, 'sigma');
      assert.deepStrictEqual(p.problems, []);
      assert.deepStrictEqual(summary(p), [
        '0 tactic TA0002 attack.execution @tags',
        '0 technique T1059.001 attack.t1059.001 @tags',
        '0 tactic TA0005 attack.defense-evasion @tags',
        '0 technique T1027 attack.t1027 @tags',
        '0 group G0016 attack.g0016 @tags',
        '0 software S0154 attack.s0154 @tags',
      ]);
      const quoted = refs(p)[1];
      const at = whereIs(p.text, "'attack.t1059.001'");
      assert.deepStrictEqual(quoted.span, { start: { line: at.line, character: at.character + 1 }, end: { line: at.line, character: at.character + 1 + 'attack.t1059.001'.length } });
      assertSpansOnText(p);
      const rule = p.rules[0];
      assert.deepStrictEqual(
        [rule.id, rule.title, rule.status, rule.level, rule.deprecated, rule.platforms],
        ['ca2092a1-c273-4878-9b4b-0d60115bf5ea', 'Suspicious Encoded PowerShell Command Line', 'test', 'high', false, ['windows', 'process_creation']],
      );
      assert.strictEqual(rule.span.start.line, 0);
    });

    it('reads flow-sequence tags in a CRLF file at the right columns (needs ../shared)', () => {
      const p = parse('sigma/registry_run_key_crlf.yml');
      assert.ok(p.text.includes('\r\n'));
      assert.deepStrictEqual(summary(p), ['0 tactic TA0003 attack.persistence @tags', '0 technique T1547.001 attack.t1547.001 @tags', '0 tactic TA0004 attack.privilege-escalation @tags']);
      const at = whereIs(p.text, 'attack.privilege-escalation');
      assert.deepStrictEqual(refs(p)[2].span.start, at);
      assertSpansOnText(p);
      assert.deepStrictEqual(p.rules[0].platforms, ['windows', 'sysmon']);
    });

    it('tolerates tabs and comments around tags (needs ../shared)', () => {
      const p = parse('sigma/tabs_comments.yml');
      assert.deepStrictEqual(p.problems, []);
      assert.deepStrictEqual(summary(p), ['0 tactic TA0007 attack.discovery @tags', '0 technique T1082 attack.t1082 @tags']);
      assertSpansOnText(p);
    });

    it('makes one rule per document of a multi-document file, the global title shared (needs ../shared)', () => {
      const p = parse('sigma/multi_document.yml');
      assert.deepStrictEqual(
        p.rules.map((r) => [r.index, r.title]),
        [
          [0, 'Scheduled Task Creation Via Schtasks'],
          [1, 'Scheduled Task Creation Via Schtasks'],
          [2, 'Scheduled Task Created In Security Log'],
        ],
      );
      assert.deepStrictEqual(summary(p), [
        '0 tactic TA0002 attack.execution @tags',
        '0 technique T1053.005 attack.t1053.005 @tags',
        '1 tactic TA0003 attack.persistence @tags',
        '2 tactic TA0004 attack.privilege-escalation @tags',
        '2 technique T1053.005 attack.t1053.005 @tags',
      ]);
      assert.deepStrictEqual(refs(p)[4].span.start, whereIs(p.text, 'attack.t1053.005', 1));
      assert.strictEqual(p.rules[2].span.start.line, whereIs(p.text, 'title: Scheduled Task Created').line);
      assertSpansOnText(p);
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`reads correlation rules next to their base rule on ${data}`, () => {
      const p = parse('sigma/correlation_bruteforce.yml', undefined, index());
      assert.strictEqual(detectRuleFormat(p.text, 'x.yml'), 'sigma');
      assert.deepStrictEqual(p.rules.map((r) => r.title), ['Failed Logon', 'Many Failed Logons From One Source']);
      assert.deepStrictEqual(summary(p), ['0 tactic TA0006 attack.credential-access @tags', '1 tactic TA0006 attack.credential-access @tags', '1 technique T1110 attack.t1110 @tags']);
      const correlationOnly = 'title: Brute force\ncorrelation:\n  type: event_count\n  rules: [a]\ntags:\n  - attack.t1110\n';
      assert.strictEqual(detectRuleFormat(correlationOnly, 'c.yml'), 'sigma');
      assert.strictEqual(parseRuleFile(correlationOnly, 'c.yml').rules[0].references[0].id, 'T1110');
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`flags deprecated rules by status and by a deprecated/ folder on ${data}`, () => {
      assert.strictEqual(parse('sigma/status_deprecated.yml', undefined, index()).rules[0].deprecated, true);
      assert.strictEqual(parse('sigma/deprecated/proc_creation_win_old_rule.yml', undefined, index()).rules[0].deprecated, true);
      const text = read('sigma/deprecated/proc_creation_win_old_rule.yml').text.replace('status: deprecated', 'status: test');
      assert.strictEqual(parseRuleFile(text, 'rules/deprecated/x.yml').rules[0].deprecated, true);
      assert.strictEqual(parseRuleFile(text, 'rules/windows/x.yml').rules[0].deprecated, false);
    });

    it('leaves tactic IDs unresolved without an index, and still classifies every tag', () => {
      const { text, file } = read('sigma/proc_creation_win_powershell_encoded.yml');
      const p = parseRuleFile(text, file);
      assert.deepStrictEqual(
        refs(p).map((r) => [r.kind, r.id]),
        [['tactic', undefined], ['technique', 'T1059.001'], ['tactic', undefined], ['technique', 'T1027'], ['group', 'G0016'], ['software', 'S0154']],
      );
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`keeps misspelt attack.* tags as references for the checks to flag on ${data}`, () => {
      const text = 'title: t\nlogsource:\n  product: windows\ndetection:\n  condition: x\ntags:\n  - attack.T1059.001\n  - attack.defence-evasion\n  - attack.ds0009\n  - attack.t1059-001\n';
      const p = parseRuleFile(text, 'x.yml', index());
      assert.deepStrictEqual(summary(p), ['0 technique T1059.001 attack.T1059.001 @tags', '0 tactic - attack.defence-evasion @tags', '0 technique T1059.001 attack.t1059-001 @tags']);
    });
  });

  describe('Splunk ESCU', () => {
    for (const { name: data, index } of BOTH_INDEXES) it(`reads tags.mitre_attack_id, block and quoted on ${data}`, () => {
      const p = parse('splunk/windows_powershell_encoded.yml', undefined, index());
      assert.strictEqual(p.format, 'splunk');
      assert.deepStrictEqual(summary(p), ['0 technique T1027 T1027 @tags.mitre_attack_id', '0 technique T1059.001 T1059.001 @tags.mitre_attack_id']);
      assertSpansOnText(p);
      const rule = p.rules[0];
      assert.deepStrictEqual(
        [rule.id, rule.title, rule.status, rule.deprecated, rule.platforms],
        ['c4db14d9-7909-48b4-a054-aa14d89dbb19', 'Malicious PowerShell Process - Encoded Command', 'production', false, ['Sysmon EventID 1', 'Windows Event Log Security 4688']],
      );
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`reads a flow list and flags deprecated/ folders and status on ${data}`, () => {
      const p = parse('splunk/deprecated/old_splunk_detection.yml', undefined, index());
      assert.deepStrictEqual(summary(p), ['0 technique T1547.001 T1547.001 @tags.mitre_attack_id', '0 technique T1112 T1112 @tags.mitre_attack_id']);
      assert.deepStrictEqual(refs(p)[1].span.start, whereIs(p.text, 'T1112'));
      assert.strictEqual(p.rules[0].deprecated, true);
      assert.strictEqual(parse('splunk/status_deprecated.yml', undefined, index()).rules[0].deprecated, true);
    });
  });

  describe('Elastic TOML', () => {
    for (const { name: data, index } of BOTH_INDEXES) it(`reads every threat block: tactic, technique, sub-technique with sibling name/reference and context on ${data}`, () => {
      const p = parse('elastic/execution_suspicious_powershell_encoded.toml', undefined, index());
      assert.strictEqual(p.format, 'elastic');
      assert.deepStrictEqual(p.problems, []);
      assert.deepStrictEqual(summary(p), [
        '0 tactic TA0002 TA0002 @threat.tactic.id',
        '0 technique T1059 T1059 @threat.technique.id',
        '0 technique T1059.001 T1059.001 @threat.technique.subtechnique.id',
        '0 tactic TA0005 TA0005 @threat.tactic.id',
        '0 technique T1027 T1027 @threat.technique.id',
        '0 technique T1027.010 T1027.010 @threat.technique.subtechnique.id',
      ]);
      assertSpansOnText(p);
      const sub = refs(p)[2];
      assert.deepStrictEqual(sub.span.start, { ...whereIs(p.text, 'id = "T1059.001"'), character: 6 });
      assert.strictEqual(sub.context?.name?.text, 'PowerShell');
      assert.deepStrictEqual(sub.context?.name?.span.start, { ...whereIs(p.text, 'name = "PowerShell"'), character: 8 });
      assert.strictEqual(sub.context?.reference?.text, 'https://attack.mitre.org/techniques/T1059/001/');
      assert.strictEqual(sub.context?.tacticId, 'TA0002');
      assert.strictEqual(sub.context?.parentTechniqueId, 'T1059');
      assert.strictEqual(refs(p)[4].context?.tacticId, 'TA0005');
      assert.strictEqual(refs(p)[3].context?.name?.text, 'Defense Evasion');
      const rule = p.rules[0];
      assert.deepStrictEqual(
        [rule.id, rule.title, rule.status, rule.level, rule.deprecated, rule.platforms],
        ['2c2ea3c0-7d3e-4f1a-9a6f-6b0b5c4f1d21', 'Suspicious PowerShell Encoded Command', 'production', 'medium', false, ['winlogbeat-*', 'logs-endpoint.events.process-*', 'logs-windows.sysmon_operational-*']],
      );
      assert.strictEqual(rule.span.start.line, whereIs(p.text, 'name = "Suspicious').line);
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`ignores header-like lines inside multi-line strings and other frameworks, and reads indented tables on ${data}`, () => {
      const p = parse('elastic/persistence_query_with_brackets.toml', undefined, index());
      assert.deepStrictEqual(p.problems, []);
      assert.deepStrictEqual(summary(p), ['0 tactic TA0003 TA0003 @threat.tactic.id', '0 technique T1547 T1547 @threat.technique.id', '0 technique T1547.001 T1547.001 @threat.technique.subtechnique.id']);
      assertSpansOnText(p);
      assert.deepStrictEqual(p.rules[0].platforms, ['esql']);
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`reads threat entries written as inline tables, each value at its place in the text on ${data}`, () => {
      const p = parse('elastic/inline_threat.toml', undefined, index());
      assert.deepStrictEqual(p.problems, []);
      assert.deepStrictEqual(summary(p), ['0 tactic TA0002 TA0002 @threat.tactic.id', '0 technique T1059 T1059 @threat.technique.id', '0 technique T1059.001 T1059.001 @threat.technique.subtechnique.id']);
      assertSpansOnText(p);
      const sub = refs(p)[2];
      assert.deepStrictEqual([sub.context?.name?.text, sub.context?.tacticId, sub.context?.parentTechniqueId], ['PowerShell', 'TA0002', 'T1059']);
      assert.deepStrictEqual(sub.context?.name?.span.start, { ...whereIs(p.text, '"PowerShell"'), character: whereIs(p.text, '"PowerShell"').character + 1 });
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`flags deprecated rules by maturity and by a _deprecated/ folder on ${data}`, () => {
      const byMaturity = parse('elastic/maturity_deprecated.toml', undefined, index());
      assert.deepStrictEqual([byMaturity.rules[0].deprecated, byMaturity.rules[0].status], [true, 'deprecated']);
      assert.deepStrictEqual(summary(byMaturity), ['0 tactic TA0011 TA0011 @threat.tactic.id']);
      const byFolder = parse('elastic/_deprecated/credential_access_old.toml', undefined, index());
      assert.deepStrictEqual([byFolder.rules[0].deprecated, byFolder.rules[0].status], [true, 'production']);
    });

    it('detects .toml rules by their tables, not other TOML files', () => {
      assert.strictEqual(detectRuleFormat(read('elastic/maturity_deprecated.toml').text, 'a.toml'), 'elastic');
      assert.strictEqual(detectRuleFormat('[package]\nname = "x"\n', 'Cargo.toml'), undefined);
    });
  });

  describe('Sentinel analytics', () => {
    it('reads tactics by Sentinel name, relevantTechniques, severity, kind and data connectors (needs ../shared)', () => {
      const p = parse('sentinel/SuspiciousPowerShellDownload.yaml');
      assert.strictEqual(p.format, 'sentinel');
      assert.deepStrictEqual(summary(p), [
        '0 tactic TA0002 Execution @tactics',
        '0 tactic TA0011 CommandAndControl @tactics',
        '0 tactic TA0005 DefenseEvasion @tactics',
        '0 technique T1059.001 T1059.001 @relevantTechniques',
        '0 technique T1105 T1105 @relevantTechniques',
        '0 technique T1027 T1027 @relevantTechniques',
      ]);
      assertSpansOnText(p);
      const rule = p.rules[0];
      assert.deepStrictEqual([rule.title, rule.level, rule.deprecated, rule.platforms], ['Suspicious PowerShell download cradle', 'Medium', false, ['SecurityEvents', 'MicrosoftThreatProtection']]);
    });

    it('reads flow lists and flags [Deprecated] names (needs ../shared)', () => {
      const p = parse('sentinel/DeprecatedNRT.yaml');
      assert.deepStrictEqual(summary(p), ['0 tactic TA0001 InitialAccess @tactics', '0 tactic TA0003 Persistence @tactics', '0 technique T1078 T1078 @relevantTechniques', '0 technique T1098 T1098 @relevantTechniques']);
      assert.deepStrictEqual(refs(p)[1].span.start, whereIs(p.text, 'Persistence'));
      assert.strictEqual(p.rules[0].deprecated, true);
    });
  });

  describe('Chronicle YARA-L', () => {
    it('reads several rules, comma-separated values each with its own span, names and Parent: Sub names (needs ../shared)', () => {
      const p = parse('yaral/powershell_rules.yaral');
      assert.strictEqual(p.format, 'yaral');
      assert.deepStrictEqual(p.problems, []);
      assert.deepStrictEqual(p.rules.map((r) => r.title), ['suspicious_encoded_powershell', 'scheduled_task_creation', 'no_attack_meta']);
      assert.deepStrictEqual(summary(p), [
        '0 tactic TA0002 Execution @meta.mitre_attack_tactic',
        '0 tactic TA0005 Defense Evasion @meta.mitre_attack_tactic',
        '0 technique T1059.001 Command and Scripting Interpreter: PowerShell @meta.mitre_attack_technique',
        '0 technique T1027 Obfuscated Files or Information @meta.mitre_attack_technique',
        '0 technique T1059.001 T1059.001 @meta.mitre_attack_technique_id',
        '0 technique T1027 T1027 @meta.mitre_attack_technique_id',
        '1 tactic TA0003 Persistence @meta.tactic',
        '1 technique T1053.005 Scheduled Task @meta.technique',
        '1 technique T1053.005 T1053.005 @meta.mitre_attack_id',
      ]);
      assertSpansOnText(p);
      assert.deepStrictEqual(refs(p)[5].span.start, whereIs(p.text, 'T1027"'));
      assert.deepStrictEqual([p.rules[0].level, p.rules[0].platforms, p.rules[1].deprecated, p.rules[0].deprecated], ['High', ['Windows'], true, false]);
      assert.strictEqual(p.rules[1].span.start.line, whereIs(p.text, 'rule scheduled_task_creation').line);
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`keeps names it cannot resolve, without an ID on ${data}`, () => {
      const p = parse('yaral/unnamed_values.yaral', undefined, index());
      assert.deepStrictEqual(summary(p), [
        '0 technique - Totally Made Up Technique @meta.mitre_attack_technique',
        '0 technique T1059.001 PowerShell @meta.mitre_attack_technique',
        '0 tactic TA0005 Defense Evasion @meta.mitre_attack_tactic',
        '0 tactic - Not A Tactic @meta.mitre_attack_tactic',
      ]);
      assertSpansOnText(p);
    });

    it('reads a brace on the next line, skips comments, and narrows shared sub-technique names by the rule\'s tactics (needs ../shared)', () => {
      const p = parse('yaral/layout_and_comments.yaral');
      assert.deepStrictEqual(p.rules.map((r) => r.title), ['brace_on_next_line', 'ambiguous_names']);
      assert.deepStrictEqual(summary(p), [
        '0 tactic TA0003 Persistence @meta.tactic',
        '0 technique T1136.003 Cloud Account @meta.technique',
        '1 technique - Spearphishing Link @meta.technique',
        '1 technique - DNS @meta.technique',
      ]);
      assertSpansOnText(p);
      assert.deepStrictEqual(
        p.problems.map((x) => [x.severity, x.span.start]),
        [
          ['warning', whereIs(p.text, 'Spearphishing Link')],
          ['warning', whereIs(p.text, 'DNS"')],
        ],
      );
      assert.match(p.problems[0].message, /names 2 techniques: T1566\.002 \(Phishing: Spearphishing Link\), T1598\.003 \(Phishing for Information: Spearphishing Link\)/);
      assert.match(p.problems[1].message, /T1071\.004 .*T1590\.002/);
    });

    it('is detected by extension and by content', () => {
      assert.strictEqual(detectRuleFormat('', 'x.yaral'), 'yaral');
      assert.strictEqual(detectRuleFormat(read('yaral/powershell_rules.yaral').text, 'rules/x.txt'), 'yaral');
    });
  });

  describe('generic', () => {
    for (const { name: data, index } of BOTH_INDEXES) it(`finds bare IDs with the default pattern when asked on ${data}`, () => {
      const p = parse('generic/threat_model_notes.md', 'generic', index());
      assert.strictEqual(p.format, 'generic');
      assert.strictEqual(p.rules.length, 1);
      assert.deepStrictEqual(summary(p), [
        '0 technique T1059.001 T1059.001 @text',
        '0 technique T1027 T1027 @text',
        '0 group G0016 G0016 @text',
        '0 software S0154 S0154 @text',
        '0 tactic TA0002 TA0002 @text',
      ]);
      assertSpansOnText(p);
    });

    for (const { name: data, index } of BOTH_INDEXES) it(`uses a custom pattern (capture group = the ID) and applies to non-rule files only when a pattern is given on ${data}`, () => {
      const { text, file } = read('generic/threat_model_notes.md');
      assert.deepStrictEqual(parseRuleFile(text, file, index()).rules, []);
      const line = 'covers mitre:T1003 and mitre:T1059.001, not T1027\n';
      const custom = parseRuleFile(line, 'notes.txt', index(), { genericPattern: /mitre:(T\d{4}(?:\.\d{3})?)/ });
      assert.strictEqual(custom.format, 'generic');
      assert.deepStrictEqual(summary(custom), ['0 technique T1003 T1003 @text', '0 technique T1059.001 T1059.001 @text']);
      const at = line.indexOf('T1059.001');
      assert.deepStrictEqual(custom.rules[0].references[1].span, { start: { line: 0, character: at }, end: { line: 0, character: at + 9 } });
    });
  });

  describe('format detection', () => {
    for (const { name: data, index } of BOTH_INDEXES) it(`returns undefined for YAML that is not a rule, and options.format forces a parser on ${data}`, () => {
      const { text, file } = read('not_a_rule.yml');
      assert.strictEqual(detectRuleFormat(text, file), undefined);
      const p = parseRuleFile(text, file, index());
      assert.deepStrictEqual([p.rules.length, p.problems.length], [0, 0]);
      assert.strictEqual(parseRuleFile(text, file, index(), { format: 'sigma' }).format, 'sigma');
      assert.strictEqual(parseRuleFile(read('sigma/status_deprecated.yml').text, 'x.yml', undefined, { format: 'auto' }).format, 'sigma');
    });

    it('tells the YAML formats apart by content', () => {
      assert.strictEqual(detectRuleFormat(read('sigma/multi_document.yml').text, 'a.yml'), 'sigma');
      assert.strictEqual(detectRuleFormat(read('splunk/status_deprecated.yml').text, 'a.yml'), 'splunk');
      assert.strictEqual(detectRuleFormat(read('sentinel/DeprecatedNRT.yaml').text, 'a.yaml'), 'sentinel');
    });
  });
});
