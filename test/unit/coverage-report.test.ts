import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { groupRankedGaps, jsonReport, renderReport, summaryTable } from '../../src/coverage/report';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { loadIndex } from './coverage-helpers';

// Reports from hand-built parser output: the json shape, markdown escaping, gap ranking, csv quoting.

function rule(i: number, title: string, ids: readonly string[]): DetectionRule {
  const refs: AttackReference[] = ids.map((id, k) => ({ text: id, kind: 'technique', id, span: span(k + 2, 4, k + 2, 4 + id.length), field: 'tags', ruleIndex: i }));
  return { index: i, title, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references: refs };
}

describe('coverage reports', () => {
  let index: AttackIndex;
  let model: CoverageModel;
  before(() => {
    index = loadIndex();
    const files: ParsedRuleFile[] = [
      { path: '/ws/rules/a|b.yml', format: 'sigma', problems: [], rules: [rule(0, 'Pipe | and *stars*', ['T1059.001', 'T1086', 'T1685'])] },
      { path: '/ws/rules/c.yml', format: 'sigma', problems: [{ message: 'bad YAML', severity: 'error', span: span(4, 0, 4, 1) }], rules: [] },
    ];
    model = CoverageModel.build(files, index, { skipped: [{ path: '/ws/big.yml', reason: 'larger than 1 MB' }] });
  });

  it('json: the CLI shape with 1-based lines and display paths', () => {
    const j = jsonReport(model, { displayPath: (p) => p.replace('/ws/', '') });
    assert.strictEqual(j.rules, 1);
    assert.deepStrictEqual(j.techniques['T1059.001'], { rules: 1, viaSubtechniques: 0, files: ['rules/a|b.yml'] });
    assert.deepStrictEqual(j.techniques['T1059'], { rules: 0, viaSubtechniques: 1, files: [] });
    assert.deepStrictEqual(j.unknown, { T1685: 1 });
    assert.deepStrictEqual(j.problems, [{ file: 'rules/c.yml', line: 5, message: 'bad YAML' }]);
    assert.deepStrictEqual(j.skipped, [{ file: 'big.yml', reason: 'larger than 1 MB' }]);
    assert.deepStrictEqual(j.revoked, [{ file: 'rules/a|b.yml', line: 4, id: 'T1086', replacement: 'T1059.001' }]);
    assert.strictEqual(j.tactics['execution'].total, index.techniquesForTactic('execution', 'enterprise-attack').length);
    assert.strictEqual(j.tactics['execution'].covered, 1);
  });

  it('ranks gaps by the number of ATT&CK groups using them', () => {
    const gaps = groupRankedGaps(model, 15);
    assert.strictEqual(gaps.length, 15);
    const counts = gaps.map((g) => g.groups);
    assert.deepStrictEqual(counts, [...counts].sort((a, b) => b - a));
    // A gap: no rule of its own, and (for a parent) not every sub-technique covered (src/coverage/gaps.ts).
    const isGap = (id: string) => {
      const c = model.forTechnique(id)!;
      return c.rules.length === 0 && (!c.covered || c.subtechniques.some((s) => !s.covered));
    };
    for (const g of gaps) {
      assert.strictEqual(g.groups, index.groupsUsing(g.technique.id).length);
      assert.ok(isGap(g.technique.id), g.technique.id);
      assert.strictEqual(g.status, model.forTechnique(g.technique.id)!.covered ? 'partial' : 'uncovered', g.technique.id);
    }
    const best = Math.max(...index.activeTechniques('enterprise-attack').filter((t) => isGap(t.id)).map((t) => index.groupsUsing(t.id).length));
    assert.strictEqual(counts[0], best);
  });

  it('markdown escapes rule-derived text in table cells', () => {
    const md = renderReport(model, 'markdown', { displayPath: (p) => p.replace('/ws/', '') });
    assert.match(md, /\| T1685 \| 1 \| rules\/a\\\|b\.yml:5 \|/);
    assert.match(md, /## Revoked references[\s\S]*\| T1086 \| T1059\.001 \|/);
    assert.match(md, /## Files that could not be parsed\n\n- rules\/c\.yml:5: bad YAML/);
    const header = md.split('\n').find((l) => l.startsWith('| Reference | Rules |'))!;
    const row = md.split('\n').find((l) => l.startsWith('| T1685 '))!;
    assert.strictEqual(row.replace(/\\\|/g, '').split('|').length, header.split('|').length, 'the escaped pipe does not add a cell');
  });

  it('csv quotes fields with commas and the summary names every tactic', () => {
    const csv = renderReport(model, 'csv').split('\r\n');
    // No ATT&CK 18.1 technique name has a comma, but the file list does: a path with one is quoted.
    const quoted = renderReport(CoverageModel.build([{ path: 'x,y.yml', format: 'sigma', problems: [], rules: [rule(0, 'r', ['T1003'])] }], index), 'csv').split('\r\n');
    assert.ok(quoted.some((l) => l.endsWith(',"x,y.yml"') && l.includes(',T1003,')), 'a field with a comma is quoted');
    const formula = renderReport(CoverageModel.build([{ path: '=HYPERLINK("http://x").yml', format: 'sigma', problems: [], rules: [rule(0, 'r', ['T1003'])] }], index), 'csv').split('\r\n');
    assert.ok(formula.some((l) => l.endsWith(`,"'=HYPERLINK(""http://x"").yml"`)), 'a cell that would be a spreadsheet formula is defused');
    assert.strictEqual(csv[0], 'domain,tactics,technique_id,name,subtechnique,covered,rules,via_subtechniques,files');
    const text = summaryTable(model);
    for (const t of index.tactics('enterprise-attack')) assert.ok(text.includes(t.name));
    assert.match(text, /1 unknown reference · 1 revoked reference · 1 parse problem · 1 skipped file/);
    assert.doesNotMatch(text, /deprecated techniques/);
  });

  it('the summary says how many references name deprecated techniques, and heads each domain', () => {
    const deprecated = [...index.entries()].find((e) => e.kind === 'technique' && e.domain === 'enterprise-attack' && e.deprecated && !e.revoked)!;
    assert.ok(deprecated, 'ATT&CK 18.1 has deprecated techniques');
    const m = CoverageModel.build([{ path: 'd.yml', format: 'sigma', problems: [], rules: [rule(0, 'old', [deprecated.id, 'T1059.001']), rule(1, 'older', [deprecated.id])] }], index, { domains: ['enterprise-attack', 'ics-attack'] });
    assert.deepStrictEqual(m.deprecatedReferences().map((r) => [r.text, r.rule]), [[deprecated.id, 0], [deprecated.id, 1]]);
    const text = summaryTable(m);
    assert.match(text, /2 references to deprecated techniques \(counted for nothing\)/);
    const headings = text.split('\n').filter((l) => /ATT&CK \d/.test(l));
    assert.deepStrictEqual(headings, [`Enterprise ATT&CK ${index.domain('enterprise-attack')!.version}`, `ICS ATT&CK ${index.domain('ics-attack')!.version}`]);
    assert.ok(text.indexOf(headings[1]) < text.lastIndexOf('Execution'), 'ICS tactics come under their heading');
  });
});
