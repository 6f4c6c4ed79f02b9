import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, fixAllEdits } from '../../src/checks/fixAll';
import { checkRuleFile, Finding, FINDING_CODES } from '../../src/checks/referenceChecks';
import { parseRuleFile } from '../../src/rules/index';
import { RuleFormat } from '../../src/rules/types';
import { stubParse } from './checks/stubParser';
import { AttackIndex } from '../../src/attack/index';
import { index18, projectRoot } from './helpers/attackData';
import { miniIndex } from './helpers/miniAttack';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'checks');

function check(rel: string, format: RuleFormat, index: AttackIndex = index18(), edit: (text: string) => string = (t) => t): { text: string; findings: Finding[] } {
  const text = edit(fs.readFileSync(path.join(FIXTURES, rel), 'utf8'));
  return { text, findings: checkRuleFile(stubParse(text, rel, format), text, index) };
}

// The checks whose fixtures name only what the synthetic bundle holds (its README: T1059 and its
// sub-techniques, T1003, T1086 revoked by T1059.001, T1064 deprecated, tactics TA0002 Execution to
// TA0006) run on it and on the real ATT&CK 18.1; the rest need T1078, T1486 and friends from 18.1.
const DATA: readonly { name: string; index: () => AttackIndex; version: string }[] = [
  { name: 'the synthetic bundle', index: miniIndex, version: 'v1.0' },
  { name: 'ATT&CK 18.1 (needs ../shared)', index: index18, version: 'v18.1' },
];


function one(findings: readonly Finding[], code: string, refText: string): Finding {
  const hits = findings.filter((f) => f.code === code && f.ref?.text === refText);
  assert.strictEqual(hits.length, 1, `expected one ${code} on ${refText}, got ${JSON.stringify(findings.map((f) => [f.code, f.ref?.text]))}`);
  return hits[0];
}

function fixed(text: string, f: Finding, which = 0): string {
  return applyEdits(text, f.fixes[which].edits);
}

describe('ATT&CK reference checks', () => {
  describe('Sigma tags', () => {
    for (const { name: data, index } of DATA) it(`rewrites uppercase and malformed tags to canonical form on ${data}`, () => {
      const { text, findings } = check('sigma/tags.yml', 'sigma', index());
      const expect: [string, string][] = [
        ['attack.Execution', 'attack.execution'],
        ['attack.defense_evasion', 'attack.defense-evasion'],
        ['attack.T1059', 'attack.t1059'],
        ['attack.t1059.1', 'attack.t1059.001'],
        ['attack.t1059-001', 'attack.t1059.001'],
        ['attack.ta0002', 'attack.execution'],
      ];
      for (const [bad, good] of expect) {
        const f = one(findings, 'attack-lens/tag-format', bad);
        assert.strictEqual(f.defaultSeverity, 'warning');
        assert.strictEqual(f.fixes.length, 1);
        assert.ok(f.fixes[0].isPreferred);
        const line = text.split('\n').findIndex((l) => l.endsWith(bad));
        assert.deepStrictEqual(f.span, { start: { line, character: 6 }, end: { line, character: 6 + bad.length } });
        assert.strictEqual(fixed(text, f).split('\n')[line], `    - ${good}`);
      }
      assert.deepStrictEqual(findings.filter((f) => f.code !== 'attack-lens/tag-format'), [], 'the tactics are tagged, the IDs exist');
    });

    for (const { name, index, version } of DATA) it(`flags revoked, deprecated and unknown techniques and unknown tactics, naming the data version, on ${name}`, () => {
      const { text, findings } = check('sigma/status.yml', 'sigma', index());
      const revoked = one(findings, 'attack-lens/revoked', 'attack.t1086');
      assert.strictEqual(revoked.defaultSeverity, 'warning');
      assert.strictEqual(revoked.fixes[0].edits[0].newText, 'attack.t1059.001');
      assert.ok(revoked.fixes[0].isPreferred);
      assert.match(fixed(text, revoked), /\n {4}- attack\.t1059\.001\n/);

      const deprecated = one(findings, 'attack-lens/deprecated', 'attack.t1064');
      assert.strictEqual(deprecated.defaultSeverity, 'warning');
      assert.deepStrictEqual(deprecated.fixes.map((x) => x.edits[0].newText), ['attack.t1059'], 'the description says "Please use Command and Scripting Interpreter"');
      assert.ok(!deprecated.fixes[0].isPreferred);

      // T1999 lies far above the highest technique of either data set: a typo, not a newer release's ID (test/unit/newer-than-data.test.ts).
      const unknown = one(findings, 'attack-lens/unknown-id', 'attack.t1999');
      assert.strictEqual(unknown.defaultSeverity, 'error');
      assert.strictEqual(unknown.message, `T1999 is not in ATT&CK ${version}; your data may be older than your rules`);

      const unknownSub = one(findings, 'attack-lens/unknown-id', 'attack.t1059.019');
      const titles = unknownSub.fixes.map((x) => x.edits[0].newText);
      assert.ok(titles.includes('attack.t1059'), `parent offered: ${titles}`);
      assert.ok(titles.length <= 3, `few suggestions: ${titles}`);

      const tactic = one(findings, 'attack-lens/unknown-tactic', 'attack.defence-evasion');
      assert.strictEqual(tactic.defaultSeverity, 'error');
      assert.deepStrictEqual(tactic.fixes.map((x) => x.edits[0].newText), ['attack.defense-evasion']);
      assert.ok(tactic.fixes[0].isPreferred);
    });

    for (const { name: data, index } of DATA) it(`removes a revoked tag whose replacement is already tagged instead of doubling it on ${data}`, () => {
      const { text, findings } = check('sigma/already-tagged.yml', 'sigma', index());
      const revoked = one(findings, 'attack-lens/revoked', 'attack.t1086');
      assert.ok(fixed(text, revoked).endsWith('tags:\n    - attack.execution\n    - attack.t1059.001\n'));
    });

    for (const { name: data, index } of DATA) it(`titles that fix as a removal, naming the tag already there, on ${data}`, () => {
      const { findings } = check('sigma/already-tagged.yml', 'sigma', index());
      const revoked = one(findings, 'attack-lens/revoked', 'attack.t1086');
      assert.deepStrictEqual(
        revoked.fixes.map((f) => f.title),
        ['Remove attack.t1086 (its replacement attack.t1059.001 is already tagged)'],
      );
      // Without the replacement tagged, the fix replaces, and says so.
      const lone = check('sigma/already-tagged.yml', 'sigma', index(), (t) => t.replace('    - attack.t1059.001\n', ''));
      assert.match(one(lone.findings, 'attack-lens/revoked', 'attack.t1086').fixes[0].title, /^Replace with T1059\.001 \(PowerShell\)$/);
    });

    it('suggests only close IDs for unknown ones (needs ../shared)', () => {
      const index = index18();
      const { findings } = check('sigma/status.yml', 'sigma');
      for (const f of findings.filter((x) => x.code === 'attack-lens/unknown-id')) {
        const written = f.ref!.text.slice(7).toUpperCase();
        for (const fix of f.fixes) {
          const to = fix.edits[0].newText.slice(7).toUpperCase();
          const e = index.get(to);
          assert.ok(e && !e.revoked && !e.deprecated, `${to} is active`);
          const digitsOff = [...written.replace(/\D/g, '')].filter((c, i) => c !== to.replace(/\D/g, '')[i]).length;
          assert.ok(written.startsWith(`${to}.`) || (to.length === written.length && digitsOff <= 2), `${to} is close to ${written}`);
        }
      }
    });

    it('adds the missing tactic tag with the list\'s indentation, one fix per tactic (needs ../shared)', () => {
      const { text, findings } = check('sigma/missing-tactic.yml', 'sigma');
      const missing = findings.filter((f) => f.code === 'attack-lens/missing-tactic');
      assert.deepStrictEqual(missing.map((f) => [f.ref!.text, f.ref!.ruleIndex]), [
        ['attack.t1003.001', 0],
        ['attack.t1003.002', 0],
        ['attack.t1078', 0],
        ['attack.t1003.001', 1],
      ]);
      assert.ok(missing.every((f) => f.defaultSeverity === 'information'));
      const cred = missing[0];
      assert.strictEqual(cred.fixes.length, 1);
      assert.ok(cred.fixes[0].isPreferred);
      const lines = fixed(text, cred).split('\n');
      assert.deepStrictEqual(lines.slice(10, 14), ['tags:', '  - attack.execution', '  - attack.credential-access', '  - attack.t1059.001']);
      const scheduled = missing[2];
      const index = index18();
      assert.deepStrictEqual(scheduled.fixes.map((x) => x.title.split(' ')[2]), index.technique('T1078')!.tactics.map((t) => `attack.${t}`));
      assert.ok(scheduled.fixes.length > 1 && scheduled.fixes.every((x) => !x.isPreferred));
      const flow = fixed(text, missing[3]);
      assert.match(flow, /\ntags: \['attack\.credential-access', 'attack\.t1003\.001'\]\n/);
    });

    it('keeps CRLF line endings and quotes when adding a tag (needs ../shared)', () => {
      const { text, findings } = check('sigma/crlf.yml', 'sigma');
      const f = one(findings, 'attack-lens/missing-tactic', 'attack.t1486');
      assert.match(fixed(text, f), /tags:\r\n {4}- "attack\.impact"\r\n {4}- "attack\.t1486"\r\n/);
    });

    it('fix all applies each preferred fix once and leaves nothing fixable behind (needs ../shared)', () => {
      for (const rel of ['sigma/tags.yml', 'sigma/status.yml', 'sigma/missing-tactic.yml']) {
        const { text, findings } = check(rel, 'sigma');
        const after = applyEdits(text, fixAllEdits(findings).edits);
        const again = checkRuleFile(stubParse(after, rel, 'sigma'), after, index18());
        assert.deepStrictEqual(again.filter((f) => f.fixes.some((x) => x.isPreferred)).map((f) => [f.code, f.ref?.text]), [], rel);
      }
      const { text, findings } = check('sigma/missing-tactic.yml', 'sigma');
      const after = applyEdits(text, fixAllEdits(findings).edits);
      assert.strictEqual(after.split('attack.credential-access').length - 1, 2, 'one tag per rule, not one per technique');
    });
  });

  describe('Splunk and Sentinel', () => {
    for (const { name: data, index } of DATA) it(`fixes malformed IDs and flags revoked ones in Splunk mitre_attack_id on ${data}`, () => {
      const { text, findings } = check('splunk/malformed.yml', 'splunk', index());
      for (const [bad, good] of [['T1059.1', 'T1059.001'], ['t1059', 'T1059'], ['T1059-001', 'T1059.001']]) {
        const f = one(findings, 'attack-lens/malformed-id', bad);
        assert.ok(f.fixes[0].isPreferred);
        assert.ok(fixed(text, f).includes(`  - ${good}\n`));
      }
      assert.strictEqual(one(findings, 'attack-lens/revoked', 'T1086').fixes[0].edits[0].newText, 'T1059.001');
      assert.strictEqual(findings.length, 4);
    });

    for (const { name: data, index } of DATA) it(`flags unknown Sentinel tactic names with the closest fix, and non-Sentinel spellings on ${data}`, () => {
      const { text, findings } = check('sentinel/tactics.yaml', 'sentinel', index());
      const unknown = one(findings, 'attack-lens/unknown-tactic', 'DefenceEvasion');
      assert.strictEqual(unknown.defaultSeverity, 'error');
      assert.deepStrictEqual(unknown.fixes.map((x) => x.edits[0].newText), ['DefenseEvasion']);
      assert.ok(fixed(text, unknown).includes('  - DefenseEvasion\n  - Defense Evasion\n'));
      assert.strictEqual(one(findings, 'attack-lens/malformed-id', 'Defense Evasion').fixes[0].edits[0].newText, 'DefenseEvasion');
      assert.strictEqual(one(findings, 'attack-lens/malformed-id', 't1003').fixes[0].edits[0].newText, 'T1003');
      one(findings, 'attack-lens/revoked', 'T1086');
      assert.strictEqual(findings.length, 4, JSON.stringify(findings.map((f) => f.code)));
    });
  });

  describe('Elastic threat blocks', () => {
    for (const { name: data, index } of DATA) it(`checks names, references, parents and tactics on ${data}`, () => {
      const { text, findings } = check('elastic/threat.toml', 'elastic', index());
      const lines = text.split('\n');
      const lineOf = (s: string, from = 0) => lines.findIndex((l, i) => i >= from && l === s);

      const name = findings.find((f) => f.code === 'attack-lens/name-mismatch' && f.ref?.text === 'T1059')!;
      assert.strictEqual(name.span.start.line, lineOf('name = "Command Interpreter"'));
      assert.ok(fixed(text, name).includes('name = "Command and Scripting Interpreter"\n'));

      const ref = findings.find((f) => f.code === 'attack-lens/reference-mismatch' && f.ref?.text === 'T1059.001')!;
      assert.ok(fixed(text, ref).includes('reference = "https://attack.mitre.org/techniques/T1059/001/"\n'));

      const parent = one(findings, 'attack-lens/wrong-parent', 'T1059.003');
      assert.strictEqual(parent.defaultSeverity, 'warning');
      assert.match(parent.message, /sub-technique of T1059 .*not of T1003/);
      assert.deepStrictEqual(parent.related?.map((r) => r.span.start.line), [lineOf('id = "T1003"')]);

      const tactic = one(findings, 'attack-lens/wrong-tactic', 'T1003');
      assert.match(tactic.message, /not a Execution technique; its tactics: Credential Access/);
      assert.deepStrictEqual(tactic.related?.map((r) => r.span.start.line), [lineOf('id = "TA0002"')]);
      assert.strictEqual(findings.filter((f) => f.code === 'attack-lens/wrong-tactic').length, 1, 'T1059.003 is an Execution technique');

      const tacticName = findings.find((f) => f.code === 'attack-lens/name-mismatch' && f.ref?.text === 'TA0002')!;
      assert.ok(fixed(text, tacticName).includes('name = "Execution"\nreference = "https://attack.mitre.org/tactics/TA0003/"'));
      const tacticRef = findings.find((f) => f.code === 'attack-lens/reference-mismatch' && f.ref?.text === 'TA0002')!;
      assert.ok(fixed(text, tacticRef).includes('reference = "https://attack.mitre.org/tactics/TA0002/"'));
      assert.deepStrictEqual(findings.map((f) => f.code).sort(), [
        'attack-lens/name-mismatch',
        'attack-lens/name-mismatch',
        'attack-lens/reference-mismatch',
        'attack-lens/reference-mismatch',
        'attack-lens/revoked',
        'attack-lens/wrong-parent',
        'attack-lens/wrong-tactic',
      ]);
    });

    for (const { name: data, index } of DATA) it(`replaces a revoked technique by its parent plus a sub-technique table on ${data}`, () => {
      const { text, findings } = check('elastic/threat.toml', 'elastic', index());
      const revoked = one(findings, 'attack-lens/revoked', 'T1086');
      const after = fixed(text, revoked);
      assert.ok(
        after.includes(
          'id = "T1059"\nname = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"\n\n[[rule.threat.technique.subtechnique]]\nid = "T1059.001"\nname = "PowerShell"\nreference = "https://attack.mitre.org/techniques/T1059/001/"\n\n[rule.threat.tactic]',
        ),
        after,
      );
      const again = checkRuleFile(stubParse(after, 'x.toml', 'elastic'), after, index());
      assert.deepStrictEqual(again.filter((f) => f.span.start.line > 40), [], 'the rewritten block is clean');
    });
  });

  for (const { name: data, index } of DATA) it(`says a broken technique tag is not an ID rather than an unknown tactic on ${data}`, () => {
    const text = 'title: x\nlogsource:\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1059.0001\n';
    const findings = checkRuleFile(parseRuleFile(text, 'x.yml', index(), { format: 'sigma' }), text, index());
    assert.deepStrictEqual(findings.map((f) => [f.code, f.span.start.line, f.fixes.length]), [['attack-lens/tag-format', 9, 0]]);
  });

  for (const { name: data, index } of DATA) it(`flags an ID of the wrong kind in a technique slot on ${data}`, () => {
    const text = '[rule]\nname = "x"\nrule_id = "x"\ntype = "query"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "TA0002"\nname = "Execution"\nreference = "https://attack.mitre.org/tactics/TA0002/"\n\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\nreference = "https://attack.mitre.org/tactics/TA0002/"\n';
    const findings = checkRuleFile(parseRuleFile(text, 'x.toml', index(), { format: 'elastic' }), text, index());
    assert.deepStrictEqual(findings.map((f) => [f.code, f.span.start.line, f.message]), [['attack-lens/wrong-kind', 8, 'TA0002 is a tactic (Execution), but this field takes a technique']]);
  });

  for (const { name: data, index } of DATA) it(`flags a group or tactic ID in Splunk's mitre_attack_id and Sentinel's relevantTechniques as wrong-kind on ${data}`, () => {
    const splunk = 'name: x\nsearch: y\ntags:\n  mitre_attack_id:\n  - G0016\n  - TA0002\n  - T1059.001\n';
    const g = index().group('G0016');
    const findings = checkRuleFile(parseRuleFile(splunk, 'x.yml', index(), { format: 'splunk' }), splunk, index());
    assert.deepStrictEqual(findings.map((f) => [f.code, f.span.start.line, f.message]), [
      ['attack-lens/wrong-kind', 4, `G0016 is a group (${g!.name}), but this field takes a technique`],
      ['attack-lens/wrong-kind', 5, 'TA0002 is a tactic (Execution), but this field takes a technique'],
    ]);
    const sentinel = 'name: x\nquery: y\ntactics:\n  - Execution\nrelevantTechniques:\n  - G0016\n';
    const inSentinel = checkRuleFile(parseRuleFile(sentinel, 'x.yaml', index(), { format: 'sentinel' }), sentinel, index());
    assert.deepStrictEqual(inSentinel.map((f) => [f.code, f.span.start.line]), [['attack-lens/wrong-kind', 5]]);
  });

  describe('YARA-L meta', () => {
    for (const { name: data, index } of DATA) it(`checks IDs in meta fields on ${data}`, () => {
      const { findings } = check('yaral/meta.yaral', 'yaral', index());
      assert.deepStrictEqual(findings.map((f) => [f.code, f.ref?.text]), [
        ['attack-lens/revoked', 'T1086'],
        ['attack-lens/malformed-id', 'T1059.1'],
      ]);
    });
  });

  describe('generic files', () => {
    for (const { name: data, index } of DATA) it(`flags revoked bare IDs and notes unknown ones as information only on ${data}`, () => {
      const text = 'Detects T1086 usage.\nSee also T1999 and T1059.001.\n';
      const findings = checkRuleFile(parseRuleFile(text, 'notes.md', index(), { format: 'generic' }), text, index());
      assert.deepStrictEqual(findings.map((f) => [f.code, f.defaultSeverity, f.span.start.line, f.span.start.character]), [
        ['attack-lens/revoked', 'warning', 0, 8],
        ['attack-lens/unknown-id', 'information', 1, 9],
      ]);
      assert.strictEqual(applyEdits(text, findings[0].fixes[0].edits), 'Detects T1059.001 usage.\nSee also T1999 and T1059.001.\n');
    });
  });

  describe('parse problems', () => {
    for (const { name: data, index } of DATA) it(`turns each parser problem into one finding at its position on ${data}`, () => {
      const problem = { message: 'bad indentation of a mapping entry (3:5)', span: { start: { line: 2, character: 4 }, end: { line: 2, character: 5 } }, severity: 'error' as const };
      const findings = checkRuleFile({ path: 'x.yml', format: 'sigma', rules: [], problems: [problem] }, 'a\nb\n    c: [', index());
      assert.deepStrictEqual(findings, [{ code: 'attack-lens/parse-error', defaultSeverity: 'error', message: problem.message, span: problem.span, fixes: [] }]);
    });
  });

  describe('with the real parsers', () => {
    const cases: [string, RuleFormat][] = [
      ['sigma/tags.yml', 'sigma'],
      ['sigma/status.yml', 'sigma'],
      ['sigma/missing-tactic.yml', 'sigma'],
      ['sigma/crlf.yml', 'sigma'],
      ['sigma/already-tagged.yml', 'sigma'],
      ['splunk/malformed.yml', 'splunk'],
      ['sentinel/tactics.yaml', 'sentinel'],
      ['elastic/threat.toml', 'elastic'],
      ['yaral/meta.yaral', 'yaral'],
    ];
    for (const [rel, format] of cases) {
      for (const { name: data, index } of DATA) it(`gives the same findings on ${rel} as the contract fixtures, on ${data}`, () => {
        const { text, findings } = check(rel, format, index());
        const parsed = parseRuleFile(text, rel, index());
        assert.strictEqual(parsed.format, format, 'format detected from content');
        const real = checkRuleFile(parsed, text, index());
        const strip = (fs: readonly Finding[]) => fs.map((f) => ({ code: f.code, message: f.message, span: f.span, fixes: f.fixes }));
        assert.deepStrictEqual(strip(real), strip(findings));
      });
    }
  });

  it('documents every code it emits', () => {
    for (const code of Object.keys(FINDING_CODES)) assert.match(code, /^attack-lens\/[a-z-]+$/);
  });
});
