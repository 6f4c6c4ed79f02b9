import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { buildMatrix } from '../../src/coverage/matrixData';
import { CoverageModel } from '../../src/coverage/model';
import { rankGaps } from '../../src/coverage/priorities';
import { profileFromIds } from '../../src/coverage/profile';
import { groupRankedGaps, renderReport } from '../../src/coverage/report';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { enterprise18 } from './helpers/rawStix';

// One definition of a gap for the report, the matrix and the Priority gaps ranking: a parent
// technique that only some of its sub-techniques' rules cover is a partial gap everywhere; one
// whose every sub-technique has a rule is covered everywhere; a rule naming a technique ends the gap.

function rules(ids: readonly string[]): ParsedRuleFile[] {
  const references: AttackReference[] = ids.map((id, k) => ({ text: id, kind: 'technique', id, span: span(k, 0, k, id.length), field: 'tags', ruleIndex: 0 }));
  return [{ path: '/rules/r.yml', format: 'sigma', rules: [{ index: 0, title: 'Rule', deprecated: false, span: span(0, 0, 0, 0), platforms: [], references }], problems: [] }];
}

describe('gaps: one definition (needs ../shared)', () => {
  let index: AttackIndex;
  let model: CoverageModel;
  let allSubs: string[];
  before(() => {
    index = enterprise18();
    // T1003 (OS Credential Dumping) has several sub-techniques: one has a rule. Every
    // sub-technique of T1011 (Exfiltration Over Other Network Medium) has one. T1110 has its own rule.
    allSubs = index.subtechniques('T1011').map((s) => s.id);
    assert.ok(allSubs.length >= 1 && index.subtechniques('T1003').length > 1);
    model = CoverageModel.build(rules(['T1003.001', ...allSubs, 'T1110']), index, { domains: ['enterprise-attack'] });
  });

  const profile = () => profileFromIds(['T1003', 'T1003.002', 'T1011', ...allSubs, 'T1110', 'T1486']);

  it('the Priority gaps ranking', () => {
    const r = rankGaps(model, profile());
    assert.deepStrictEqual(Object.fromEntries(r.gaps.map((g) => [g.technique.id, g.status])), { T1003: 'partial', 'T1003.002': 'uncovered', T1486: 'uncovered' });
    assert.strictEqual(r.covered, 2 + allSubs.length, 'T1011, its sub-techniques and T1110 are covered');
  });

  it('the report and the matrix by ATT&CK groups', () => {
    const gaps = new Map(groupRankedGaps(model, Number.MAX_SAFE_INTEGER).map((g) => [g.technique.id, g.status]));
    assert.strictEqual(gaps.get('T1003'), 'partial');
    assert.strictEqual(gaps.get('T1003.002'), 'uncovered');
    assert.strictEqual(gaps.get('T1486'), 'uncovered');
    for (const id of ['T1003.001', 'T1011', ...allSubs, 'T1110']) assert.ok(!gaps.has(id), id);
    const md = renderReport(model, 'markdown', { topGaps: 1000 });
    assert.match(md, /\| T1003 \| OS Credential Dumping \| credential-access \| \d+ \| partial \|/);
    assert.match(md, /\| T1003\.002 \| OS Credential Dumping: Security Account Manager \| credential-access \| \d+ \| no rules \|/);
    assert.doesNotMatch(md, /\| T1011 \|/);
    const matrix = buildMatrix(model, { topGaps: 1000 }).topGaps.map((g) => g.id);
    assert.ok(matrix.includes('T1003') && !matrix.includes('T1011') && !matrix.includes('T1110'));
  });

  it('the matrix ranked by a profile', () => {
    const ranked = rankGaps(model, profile());
    const gaps = [...ranked.gaps.map((g) => ({ id: g.technique.id, score: g.weight })), { id: 'T1011', score: 1 }, { id: 'T1110', score: 1 }];
    assert.deepStrictEqual(buildMatrix(model, { gaps, topGaps: 10 }).topGaps.map((g) => g.id).sort(), ['T1003', 'T1003.002', 'T1486']);
  });
});
