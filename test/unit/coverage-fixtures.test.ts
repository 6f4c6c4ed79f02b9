import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { renderReport } from '../../src/coverage/report';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { ParsedRuleFile } from '../../src/rules/types';
import { loadIndex, projectRoot } from './coverage-helpers';

// One small hand-written rule per format (test/fixtures/coverage/formats). The expected
// techniques are what the files say, listed by hand.

const dir = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'formats');

/** file#rule → technique IDs written in it (T1086 is revoked → T1059.001; T1999 does not exist). */
const WRITTEN: Record<string, readonly string[]> = {
  'sigma_powershell.yml#0': ['T1059.001', 'T1027'],
  'sigma_multi.yml#0': ['T1003.001', 'T1003'],
  'sigma_multi.yml#1': ['T1059.001'],
  'splunk_detection.yml#0': ['T1543.003', 'T1569.002'],
  'elastic_rule.toml#0': ['T1059', 'T1059.003', 'T1566', 'T1566.001'],
  'sentinel_rule.yaml#0': ['T1530', 'T1567'],
  'chronicle_rule.yaral#0': ['T1218.011'],
};

/** 0-based line of the first line matching, read straight from the fixture. */
function lineOf(file: string, re: RegExp): number {
  const i = fs.readFileSync(path.join(dir, file), 'utf8').split(/\r?\n/).findIndex((l) => re.test(l));
  assert.ok(i >= 0, `${re} in ${file}`);
  return i;
}

describe('coverage of one rule per format', () => {
  let index: AttackIndex;
  let files: ParsedRuleFile[];
  let model: CoverageModel;

  before(async () => {
    index = loadIndex();
    const walked = walkRuleFiles([dir]);
    const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index, f.treatment === 'yaral' ? { format: 'yaral' } : undefined) });
    files = scanned.files;
    model = CoverageModel.build(files, index);
  });

  it('recognises every format', () => {
    const formats = Object.fromEntries(files.map((f) => [path.basename(f.path), f.format]));
    assert.strictEqual(formats['sigma_powershell.yml'], 'sigma');
    assert.strictEqual(formats['splunk_detection.yml'], 'splunk');
    assert.strictEqual(formats['elastic_rule.toml'], 'elastic');
    assert.strictEqual(formats['sentinel_rule.yaml'], 'sentinel');
    assert.strictEqual(formats['chronicle_rule.yaral'], 'yaral');
  });

  it('counts each written technique for the rule that names it', () => {
    const expected = new Map<string, string[]>();
    for (const [rule, ids] of Object.entries(WRITTEN)) for (const id of ids) expected.set(id, [...(expected.get(id) ?? []), rule].sort());
    for (const [id, rules] of expected) {
      const got = model.forTechnique(id)!.rules.map((r) => `${path.basename(r.path)}#${r.ruleIndex}`).sort();
      assert.deepStrictEqual(got, rules, id);
    }
    assert.deepStrictEqual([...model.referencedTechniques()].sort(), [...expected.keys()].sort());
    assert.strictEqual(model.ruleCount, Object.keys(WRITTEN).length);
  });

  it('points each reference at its line in the file', () => {
    const ref = model.forTechnique('T1218.011')!.rules[0];
    assert.strictEqual(ref.span.start.line, lineOf('chronicle_rule.yaral', /mitre_attack_technique = "T1218\.011"/), 'the mitre_attack_technique line of the YARA-L rule');
    const sentinel = model.forTechnique('T1567')!.rules[0];
    assert.strictEqual(sentinel.span.start.line, lineOf('sentinel_rule.yaml', /^\s*- T1567$/));
    const elastic = model.forTechnique('T1059.003')!.rules[0];
    assert.strictEqual(elastic.span.start.line, lineOf('elastic_rule.toml', /^id = "T1059\.003"$/));
  });

  it('flags the revoked and the unknown reference, the broken file and the deprecated rule', () => {
    assert.deepStrictEqual(model.revoked.map((r) => [r.id, r.replacement, path.basename(r.ref.path), r.ref.span.start.line]), [['T1086', 'T1059.001', 'sigma_multi.yml', lineOf('sigma_multi.yml', /attack\.t1086/)]]);
    assert.deepStrictEqual(model.unknown.get('T1999')!.map((r) => [path.basename(r.path), r.ruleIndex]), [['sigma_multi.yml', 1]]);
    assert.deepStrictEqual([...new Set(model.problems.map((p) => path.basename(p.path)))], ['broken.yml']);
    assert.strictEqual(model.deprecatedRuleCount, 1);
    const withDeprecated = CoverageModel.build(files, index, { includeDeprecated: true });
    assert.strictEqual(withDeprecated.forTechnique('T1053.005')!.rules.length, 1);
  });

  it('renders csv with one row per in-scope technique and escapes commas', () => {
    const csv = renderReport(model, 'csv').trim().split('\r\n');
    const inScope = new Set(index.activeTechniques('enterprise-attack').map((t) => t.id));
    assert.strictEqual(csv.length - 1, inScope.size);
    const row = csv.find((l) => l.includes(',T1059.001,'))!;
    assert.match(row, /,true,2,0,/);
    assert.ok(csv.some((l) => l.includes('"Command and Scripting Interpreter"') || l.includes(',Command and Scripting Interpreter,')));
  });
});
