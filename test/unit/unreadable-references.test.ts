import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyEdits } from '../../src/checks/fixAll';
import { checkRuleFile, Finding } from '../../src/checks/referenceChecks';
import { staleReferences } from '../../src/checks/staleReferences';
import { CoverageModel } from '../../src/coverage/model';
import { jsonReport, renderReport, summaryTable } from '../../src/coverage/report';
import { parseRuleFile } from '../../src/rules/index';
import { AttackReference, ParsedRuleFile, RuleFormat } from '../../src/rules/types';
import { repairReferenceText } from '../../src/rules/unreadable';
import { AttackIndex } from '../../src/attack/index';
import { index18, projectRoot } from './helpers/attackData';
import { BOTH_INDEXES } from './helpers/miniAttack';

// Text shaped like an ATT&CK reference that cannot be read as written: every case yields a
// reference (readable, or marked unreadable with a finding), never nothing; a certain repair
// is a preferred quick fix whose result reads as the ID meant.

/** The data the running suite reads: each suite below runs on the synthetic bundle and on 18.1, setting it in its `before`. */
let index: () => AttackIndex = index18;

const ZWSP = '\u200b';

function parse(text: string, file: string, format: RuleFormat): ParsedRuleFile {
  return parseRuleFile(text, file, index(), { format });
}

function refs(file: ParsedRuleFile): AttackReference[] {
  return file.rules.flatMap((r) => r.references);
}

function unreadableFindings(text: string, file: string, format: RuleFormat): { parsed: ParsedRuleFile; findings: Finding[] } {
  const parsed = parse(text, file, format);
  return { parsed, findings: checkRuleFile(parsed, text, index()).filter((f) => f.code === 'attack-lens/unreadable-reference') };
}

/** The finding on `written`; its preferred fix applied, the text must read as `id` at that place. */
function assertRepairs(text: string, file: string, format: RuleFormat, written: string, id: string, preferred = true): void {
  const { findings } = unreadableFindings(text, file, format);
  const f = findings.find((x) => x.ref?.text === written);
  assert.ok(f, `a finding on ${JSON.stringify(written)}; got ${JSON.stringify(findings.map((x) => x.ref?.text))}`);
  assert.strictEqual(f.defaultSeverity, format === 'generic' ? 'information' : 'warning');
  assert.strictEqual(f.fixes.length, 1, `one fix for ${JSON.stringify(written)}`);
  assert.strictEqual(f.fixes[0].isPreferred === true, preferred, `fix preferred: ${preferred}`);
  const fixed = applyEdits(text, f.fixes[0].edits);
  const { line, character } = f.span.start;
  const after = refs(parse(fixed, file, format)).filter((r) => r.span.start.line === line && r.span.start.character === character);
  assert.deepStrictEqual(after.map((r) => [r.id, r.unreadable]), [[id, undefined]], `fixed line reads: ${fixed.split('\n')[line]}`);
}

function sigma(tags: string): string {
  return `title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  condition: sel\ntags:\n${tags}`;
}

for (const data of BOTH_INDEXES) {
  describe(`unreadable ATT&CK references, on ${data.name}`, function () {
    before(() => (index = data.index));
    this.timeout(60_000);

    describe('repairReferenceText', () => {
      const cases: [string, string, RegExp, boolean][] = [
        ['T1059.001.', 'T1059.001', /trailing "\."/, true],
        [`T${ZWSP}1059`, 'T1059', /zero-width character \(U\+200B\)/, true],
        ['T\u2060\ufeff1059', 'T1059', /zero-width characters \(U\+2060, U\+FEFF\)/, true],
        ['ｔ１０５９', 't1059', /full-width/, true],
        ['T١٠٥٩', 'T1059', /non-ASCII digits/, true],
        ['T۱۰۵۹.۰۰۱', 'T1059.001', /non-ASCII digits/, true],
        ['T१०५९', 'T1059', /non-ASCII digits/, true],
        // The second of two back-to-back runs of ten digits (U+116D0…U+116E3).
        ['T\u{116DB}\u{116DA}\u{116DF}\u{116E3}', 'T1059', /non-ASCII digits/, true],
        ['\u04221059', 'T1059', /look-alike letter \(Т U\+0422\)/, false],
        ['T1059 .001', 'T1059.001', /space/, false],
      ];
      for (const [raw, want, reason, certain] of cases) {
        it(`${JSON.stringify(raw)} → ${want}`, () => {
          const r = repairReferenceText(raw);
          assert.ok(r);
          assert.strictEqual(r.text, want);
          assert.match(r.reasons.join('; '), reason);
          assert.strictEqual(r.certain, certain);
        });
      }
      it('leaves readable and overlong text alone', () => {
        assert.strictEqual(repairReferenceText('T1059.001'), undefined);
        assert.strictEqual(repairReferenceText('attack.defense-evasion'), undefined);
        assert.strictEqual(repairReferenceText(`T${ZWSP}1059`.padEnd(500, ' x')), undefined);
      });
    });

    describe('Sigma tags', () => {
      const text = sigma(
        [
          '  - attack.t1059.001.',
          `  - attack.t${ZWSP}1003`,
          '  - attack.ｔ１０５５',
          '  - attack.t١٠٤٧',
          '  - attack.\u04221021',
          '  - T1053.005',
          `  - attack.exe${ZWSP}cution`,
          '  - attack.t1059!',
          '  - {attack.t1059: x}',
          '  - attack.ds0005',
          '  - cve.2021-44228',
          '  - attack.persistence',
        ].join('\n') + '\n',
      );
      it('keeps every attack.* tag and bare ID as a reference; only retired kinds and other namespaces are not', () => {
        const parsed = parse(text, 'r.yml', 'sigma');
        const all = refs(parsed);
        assert.deepStrictEqual(
          all.map((r) => [r.text, !!r.unreadable]),
          [
            ['attack.t1059.001.', true],
            [`attack.t${ZWSP}1003`, true],
            ['attack.ｔ１０５５', true],
            ['attack.t١٠٤٧', true],
            ['attack.\u04221021', true],
            ['T1053.005', true],
            [`attack.exe${ZWSP}cution`, true],
            ['attack.t1059!', true],
            ['{attack.t1059: x}', true],
            ['attack.persistence', false],
          ],
        );
      });
      it('reports each with a fix that makes the tag read as the ID meant', () => {
        assertRepairs(text, 'r.yml', 'sigma', 'attack.t1059.001.', 'T1059.001');
        assertRepairs(text, 'r.yml', 'sigma', `attack.t${ZWSP}1003`, 'T1003');
        assertRepairs(text, 'r.yml', 'sigma', 'attack.ｔ１０５５', 'T1055');
        assertRepairs(text, 'r.yml', 'sigma', 'attack.t١٠٤٧', 'T1047');
        assertRepairs(text, 'r.yml', 'sigma', 'attack.\u04221021', 'T1021', false);
        assertRepairs(text, 'r.yml', 'sigma', 'T1053.005', 'T1053.005');
        assertRepairs(text, 'r.yml', 'sigma', `attack.exe${ZWSP}cution`, 'TA0002');
      });
      it('names invisible characters in the message and gives no fix where nothing reads', () => {
        const { findings } = unreadableFindings(text, 'r.yml', 'sigma');
        assert.match(findings.find((f) => f.ref?.text === `attack.t${ZWSP}1003`)!.message, /^attack\.t<U\+200B>1003 cannot be read as an ATT&CK reference: it has a zero-width character \(U\+200B\)$/);
        for (const t of ['attack.t1059!', '{attack.t1059: x}']) assert.deepStrictEqual(findings.find((f) => f.ref?.text === t)?.fixes, [], t);
        assert.strictEqual(findings.length, 9);
      });
      it('an alias where the tag list belongs, and aliases inside it, are reported', () => {
        const aliased = `x: &common\n  - attack.t1059\n${sigma('  - *one\n  - attack.t1003\n').replace('title: T', 'title: T\nid: &one attack.t1047')}`;
        const whole = `x: &common\n  - attack.t1059\n${sigma('').replace(/tags:\n$/, 'tags: *common\n')}`;
        for (const [t, written] of [[aliased, '*one'], [whole, '*common']]) {
          const { parsed, findings } = unreadableFindings(t, 'a.yml', 'sigma');
          assert.deepStrictEqual(parsed.problems, []);
          assert.deepStrictEqual(findings.map((f) => [f.ref?.text, f.span.start.line]), [[written, t.split('\n').findIndex((l) => l.includes(written))]]);
          assert.match(findings[0].message, /YAML alias/);
        }
      });
    });

    describe('ID slots of the other formats', () => {
      it('Splunk mitre_attack_id: a trailing dot, a space, a number, a mapping, an alias', () => {
        const text = 'name: R\nid: 1\nx: &t T1003\ntags:\n  mitre_attack_id:\n  - T1059.001.\n  - T1047 .001\n  - 1059\n  - {id: T1059}\n  - *t\n  - T1021\nsearch: x\n';
        const all = refs(parse(text, 'r.yml', 'splunk'));
        assert.deepStrictEqual(all.map((r) => [r.text, r.id, !!r.unreadable]), [
          ['T1059.001.', undefined, true],
          ['T1047 .001', undefined, true],
          ['1059', undefined, true],
          ['T1021', 'T1021', false],
          ['{id: T1059}', undefined, true],
          ['*t', undefined, true],
        ]);
        assertRepairs(text, 'r.yml', 'splunk', 'T1059.001.', 'T1059.001');
        assertRepairs(text, 'r.yml', 'splunk', 'T1047 .001', 'T1047.001', false);
        assert.strictEqual(unreadableFindings(text, 'r.yml', 'splunk').findings.length, 5);
      });
      it('Sentinel relevantTechniques and tactics', () => {
        const text = `id: 1\nname: R\nseverity: High\nquery: x\ntactics:\n  - Exe${ZWSP}cution\n  - {a: b}\nrelevantTechniques:\n  - ｔ１０５９\n  - T1003.\n`;
        const all = refs(parse(text, 'r.yaml', 'sentinel'));
        assert.ok(all.every((r) => r.unreadable), JSON.stringify(all.map((r) => r.text)));
        assert.strictEqual(all.length, 4);
        assertRepairs(text, 'r.yaml', 'sentinel', `Exe${ZWSP}cution`, 'TA0002');
        assertRepairs(text, 'r.yaml', 'sentinel', 'ｔ１０５９', 'T1059');
        assertRepairs(text, 'r.yaml', 'sentinel', 'T1003.', 'T1003');
      });
      it('Elastic threat ids', () => {
        const text = `[rule]\nname = "R"\nrule_id = "1"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1059.001."\nname = "PowerShell"\n[[rule.threat.technique]]\nid = "T${ZWSP}1003"\nname = "OS Credential Dumping"\n[rule.threat.tactic]\nid = "TA0002 "\nname = "Execution"\n`;
        assert.strictEqual(refs(parse(text, 'r.toml', 'elastic')).length, 3);
        const numbers = text.replace('id = "T1059.001."', 'id = 1059 # a number').replace('id = "TA0002 "', 'id = ["TA0002"]');
        const { findings } = unreadableFindings(numbers, 'r.toml', 'elastic');
        assert.deepStrictEqual(findings.map((f) => [f.ref?.text, f.ref?.kind, f.message.replace(/:.*/, '')]), [
          ['1059', 'technique', '1059 cannot be read as an ATT&CK reference'],
          [`T${ZWSP}1003`, 'technique', 'T<U+200B>1003 cannot be read as an ATT&CK reference'],
          ['["TA0002"]', 'tactic', '["TA0002"] cannot be read as an ATT&CK reference'],
        ]);
        assertRepairs(text, 'r.toml', 'elastic', 'T1059.001.', 'T1059.001');
        assertRepairs(text, 'r.toml', 'elastic', `T${ZWSP}1003`, 'T1003');
      });
      it('YARA-L meta: a space must not make T1047 .001 read as T1047', () => {
        const text = 'rule r {\n  meta:\n    mitre_attack_technique = "T1047 .001"\n    mitre_attack_tactic = "TA0002."\n  events:\n    $e.x = 1\n  condition:\n    $e\n}\n';
        const all = refs(parse(text, 'r.yaral', 'yaral'));
        assert.deepStrictEqual(all.map((r) => [r.text, r.id, !!r.unreadable]), [['T1047 .001', undefined, true], ['TA0002.', undefined, true]]);
        assertRepairs(text, 'r.yaral', 'yaral', 'T1047 .001', 'T1047.001', false);
        assertRepairs(text, 'r.yaral', 'yaral', 'TA0002.', 'TA0002');
      });
      it('YARA-L: "Check rules against ATT&CK data" does not read an unreadable item as an ID and a name', () => {
        const text = 'rule r {\n  meta:\n    mitre_attack_technique = "T1047 .001"\n  events:\n    $e.x = 1\n  condition:\n    $e\n}\n';
        assert.deepStrictEqual(staleReferences(parse(text, 'r.yaral', 'yaral'), text, index()), []);
      });
      it('generic text: disguised IDs are notes, sentence punctuation is not', () => {
        const text = `We detect Ｔ１０５９ and T${ZWSP}1003 and T1047. Fine.\n`;
        const all = refs(parse(text, 'notes.md', 'generic'));
        assert.deepStrictEqual(all.map((r) => [r.text, r.id ?? null, !!r.unreadable]), [['Ｔ１０５９', null, true], [`T${ZWSP}1003`, null, true], ['T1047', 'T1047', false]]);
        assertRepairs(text, 'notes.md', 'generic', 'Ｔ１０５９', 'T1059');
      });
    });

    describe('coverage', () => {
      it('lists unreadable references, counts them for nothing, and names them in every report', () => {
        const text = sigma('  - attack.t1059.001.\n  - attack.t1003\n');
        const model = CoverageModel.build([parse(text, '/rules/r.yml', 'sigma')], index());
        assert.deepStrictEqual(model.unreadable.map((u) => [u.ref.text, u.repaired]), [['attack.t1059.001.', 'attack.t1059.001']]);
        assert.strictEqual(model.forTechnique('T1059.001')?.covered, false);
        assert.strictEqual(model.forTechnique('T1003')?.covered, true);
        assert.deepStrictEqual(jsonReport(model).unreadable, [{ file: '/rules/r.yml', line: 9, text: 'attack.t1059.001.', reason: 'it has a trailing "."', repaired: 'attack.t1059.001' }]);
        assert.match(summaryTable(model), /1 unreadable reference \(counted for nothing\)\n {2}\/rules\/r\.yml:9: attack\.t1059\.001\. cannot be read/);
        assert.match(renderReport(model, 'markdown'), /## Unreadable references[\s\S]*\| attack\.t1059\.001\. \|/);
      });
      it('a __proto__ key in the unknown references is written to JSON', () => {
        const text = 'id: 1\nname: R\nseverity: High\nquery: x\ntactics:\n  - __proto__\n  - constructor\n';
        const model = CoverageModel.build([parse(text, 'r.yaml', 'sentinel')], index());
        const json = JSON.parse(JSON.stringify(jsonReport(model))) as { unknown: Record<string, number> };
        assert.deepStrictEqual(Object.entries(json.unknown), [['__proto__', 1], ['constructor', 1]]);
      });
    });

    describe('attack-lens coverage', () => {
      let dir: string;
      before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-unreadable-'));
        fs.writeFileSync(path.join(dir, 'sigma.yml'), sigma(`  - attack.t1059.001.\n  - attack.t${ZWSP}1003\n`));
        fs.writeFileSync(path.join(dir, 'sentinel.yaml'), 'id: 1\nname: R\nseverity: High\nquery: x\ntactics:\n  - __proto__\nrelevantTechniques:\n  - T1047\n');
      });
      after(() => fs.rmSync(dir, { recursive: true, force: true }));
      const run = (...args: string[]) => spawnSync(process.execPath, [path.join(projectRoot, 'dist', 'cli.js'), 'coverage', dir, ...args], { encoding: 'utf8' });

      it('--format json keeps a __proto__ unknown key and lists the unreadable references', () => {
        const r = run('--format', 'json');
        assert.strictEqual(r.status, 0, r.stderr);
        const j = JSON.parse(r.stdout) as { unknown: Record<string, number>; unreadable: { file: string; text: string; repaired: string }[] };
        assert.deepStrictEqual(Object.entries(j.unknown), [['__proto__', 1]]);
        assert.deepStrictEqual(j.unreadable.map((u) => [path.basename(u.file), u.text, u.repaired]), [['sigma.yml', 'attack.t1059.001.', 'attack.t1059.001'], ['sigma.yml', `attack.t${ZWSP}1003`, 'attack.t1003']]);
      });
      it('the summary notes them with where they are, invisible characters made visible', () => {
        const r = run();
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /2 unreadable references \(counted for nothing\)/);
        assert.ok(r.stdout.includes(`${path.join(dir, 'sigma.yml')}:10: attack.t<U+200B>1003 cannot be read as an ATT&CK reference: it has a zero-width character (U+200B) (meant attack.t1003?)`), r.stdout);
      });
    });
  });
}
