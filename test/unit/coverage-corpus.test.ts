import * as assert from 'assert';
import * as fs from 'fs';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { ParsedRuleFile } from '../../src/rules/types';
import { expectedCoverage, ExpectedCoverage, filesUnder, loadIndex, RuleTechniques, sigmaRules, sigmaTechniquesByRegex, splunkDetections, splunkTechniquesByRegex } from './coverage-helpers';

// Coverage of the real corpora (3 134 SigmaHQ files, 1 712 Splunk ESCU detections) against an
// independent count: technique IDs found with regular expressions over the files' tag lines,
// resolved with the index (revoked → replacement, unknown kept apart).

async function parseAll(dir: string, index: AttackIndex): Promise<ParsedRuleFile[]> {
  const walked = walkRuleFiles([dir]);
  const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index), batchSize: 256 });
  assert.deepStrictEqual(scanned.skipped, []);
  return scanned.files;
}

function assertMatches(model: CoverageModel, expected: ExpectedCoverage, index: AttackIndex): void {
  assert.strictEqual(model.ruleCount, expected.rules, 'rules counted');
  const mismatches: string[] = [];
  for (const [id, n] of expected.direct) {
    const got = model.forTechnique(id)?.rules.length;
    if (got !== n) mismatches.push(`${id}: expected ${n} direct, got ${got}`);
  }
  for (const [id, n] of expected.via) {
    const got = model.forTechnique(id)?.viaSubtechniques.length;
    if (got !== n) mismatches.push(`${id}: expected ${n} via sub-techniques, got ${got}`);
  }
  assert.deepStrictEqual(mismatches, []);
  assert.deepStrictEqual([...model.referencedTechniques()].sort(), [...expected.direct.keys()].sort(), 'the same techniques are named');
  const unknownTechniques = new Map([...model.unknown.entries()].filter(([k]) => /^T\d{4}/.test(k)).map(([k, refs]) => [k, new Set(refs.map((r) => `${r.path}#${r.ruleIndex}`)).size]));
  assert.deepStrictEqual(unknownTechniques, expected.unknown, 'unknown technique IDs');
  for (const t of model.tactics()) {
    const parents = index.techniquesForTactic(t.tactic.shortname, t.tactic.domain);
    const subs = index.techniquesForTactic(t.tactic.shortname, t.tactic.domain, true).filter((x) => x.isSubtechnique);
    const covered = parents.filter((p) => expected.direct.has(p.id) || expected.via.has(p.id)).length;
    assert.deepStrictEqual(t.techniques, { covered, total: parents.length }, t.tactic.shortname);
    assert.deepStrictEqual(t.subtechniques, { covered: subs.filter((s) => expected.direct.has(s.id)).length, total: subs.length }, `${t.tactic.shortname} sub-techniques`);
  }
}

describe('coverage of the real corpora', function () {
  this.timeout(120_000);
  let index: AttackIndex;
  before(() => {
    index = loadIndex();
  });

  it('SigmaHQ: per-technique rule counts equal a regex count of the tag lines (needs ../shared)', async () => {
    const files = filesUnder(sigmaRules, /\.ya?ml$/);
    assert.ok(files.length > 3000, `${files.length} Sigma files`);
    const expected = expectedCoverage(sigmaTechniquesByRegex(files), index);
    assert.ok(expected.direct.size > 300, `sanity: ${expected.direct.size} techniques named`);
    const model = CoverageModel.build(await parseAll(sigmaRules, index), index);
    assertMatches(model, expected, index);
    assert.deepStrictEqual(model.problems, [], 'every SigmaHQ file parses');
    assert.ok(model.percent > 30 && model.percent < 100, `${model.percent}%`);
  });

  it('Splunk ESCU: per-technique counts equal a regex count of mitre_attack_id, deprecated left out (needs ../shared)', async () => {
    const files = filesUnder(splunkDetections, /\.ya?ml$/);
    const rules: RuleTechniques = splunkTechniquesByRegex(files);
    const expected = expectedCoverage(rules, index);
    assert.ok(files.length - rules.length >= 90, `${files.length - rules.length} deprecated detections left out`);
    const parsed = await parseAll(splunkDetections, index);
    const model = CoverageModel.build(parsed, index);
    assertMatches(model, expected, index);
    const all = CoverageModel.build(parsed, index, { includeDeprecated: true });
    // Two deprecated ESCU files are not valid YAML (flow scalars continued at column 0): they are problems, not rules.
    const broken = new Set(all.problems.map((p) => p.path));
    assert.ok([...broken].every((p) => /[\\/]deprecated[\\/]/.test(p)), [...broken].join(', '));
    assert.strictEqual(all.ruleCount + broken.size, files.length, 'with deprecated rules every detection counts (or is a problem)');
  });

  it('the whole corpus in one model: a rule file changed re-counts only that file (needs ../shared)', async () => {
    const parsed = await parseAll(sigmaRules, index);
    const before = CoverageModel.build(parsed, index);
    const target = parsed.findIndex((f) => f.rules.some((r) => r.references.some((x) => x.id === 'T1059.001')));
    const path = parsed[target].path;
    const text = fs.readFileSync(path, 'utf8').replace(/attack\.t1059\.001/gi, 'attack.t1003.001');
    const after = CoverageModel.build(parsed.map((f, i) => (i === target ? parseRuleFile(text, path, index) : f)), index);
    assert.strictEqual(after.forTechnique('T1059.001')!.rules.length, before.forTechnique('T1059.001')!.rules.length - 1);
    const hadCredDump = parsed[target].rules.some((r) => r.references.some((x) => x.id === 'T1003.001'));
    assert.strictEqual(after.forTechnique('T1003.001')!.rules.length, before.forTechnique('T1003.001')!.rules.length + (hadCredDump ? 0 : 1));
  });
});
