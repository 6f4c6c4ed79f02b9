import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel, percentOf } from '../../src/coverage/model';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { miniIndex } from './helpers/miniAttack';

// The model's semantics on hand-built parser output, against the synthetic bundle in
// test/fixtures/stix/ and again against the real ATT&CK index (which needs ../shared: dist/ is
// built from it). The multi-domain case needs the real data's ICS domain.

const root = path.resolve(__dirname, '..', '..', '..');
let index: AttackIndex;

function ref(text: string, line: number, ruleIndex = 0, kind: AttackReference['kind'] = 'technique'): AttackReference {
  const m = /t(\d{4}(?:\.\d{3})?)$/i.exec(text);
  return { text, kind, id: m ? 'T' + m[1] : undefined, span: span(line, 4, line, 4 + text.length), field: 'tags', ruleIndex };
}

function rule(index: number, title: string, refs: readonly AttackReference[], deprecated = false): DetectionRule {
  return { index, title, deprecated, span: span(0, 0, 0, 0), platforms: [], references: refs };
}

function file(p: string, rules: readonly DetectionRule[], problems: ParsedRuleFile['problems'] = []): ParsedRuleFile {
  return { path: p, format: 'sigma', rules, problems };
}

const realIndex = () => AttackIndex.fromJson(fs.readFileSync(path.join(root, 'dist', 'attack-index.json'), 'utf8'));

for (const [data, load] of [
  ['the synthetic bundle', miniIndex],
  ['the real ATT&CK data (needs ../shared)', realIndex],
] as const) describe(`coverage model on ${data}`, () => {
  before(() => {
    index = load();
  });

  it('counts a sub-technique rule for its parent via sub-technique, not the other way round', () => {
    const m = CoverageModel.build([file('a.yml', [rule(0, 'PS', [ref('attack.t1059.001', 3)])]), file('b.yml', [rule(0, 'CSI', [ref('attack.t1059', 5)])])], index);
    const parent = m.forTechnique('T1059')!;
    assert.deepStrictEqual(parent.rules.map((r) => r.path), ['b.yml']);
    assert.deepStrictEqual(parent.viaSubtechniques.map((r) => r.path), ['a.yml']);
    assert.strictEqual(parent.ruleCount, 2);
    assert.ok(parent.covered);
    const sub = m.forTechnique('t1059.001')!;
    assert.deepStrictEqual(sub.rules.map((r) => [r.path, r.span.start.line, r.text]), [['a.yml', 3, 'attack.t1059.001']]);
    assert.strictEqual(m.forTechnique('T1059.003')!.covered, false, 'a rule on T1059 does not cover its sub-techniques');
    assert.strictEqual(m.ruleCount, 2);
  });

  it('counts a rule once per technique however often it names it', () => {
    const m = CoverageModel.build([file('a.yml', [rule(0, 'x', [ref('attack.t1003', 1), ref('T1003', 9), ref('attack.t1003.001', 2), ref('attack.t1003.002', 3)])])], index);
    assert.strictEqual(m.forTechnique('T1003')!.rules.length, 1);
    assert.strictEqual(m.forTechnique('T1003')!.viaSubtechniques.length, 1);
    assert.strictEqual(m.forTechnique('T1003')!.ruleCount, 1);
  });

  it('lists unknown IDs and unresolved names instead of dropping them', () => {
    const m = CoverageModel.build([file('a.yml', [rule(0, 'x', [ref('attack.t9999', 1), { ...ref('attack.stealthy', 2, 0, 'tactic'), id: undefined }, ref('attack.t1059', 3)])])], index);
    assert.deepStrictEqual([...m.unknown.keys()].sort(), ['T9999', 'attack.stealthy']);
    assert.strictEqual(m.unknown.get('T9999')![0].span.start.line, 1);
    assert.ok(m.forTechnique('T1059')!.covered);
  });

  it('counts revoked references for their replacement and flags them', () => {
    const revoked = [...index.entries()].find((e) => e.kind === 'technique' && e.revoked && index.replacementOf(e.id))!;
    const replacement = index.replacementOf(revoked.id)!;
    const m = CoverageModel.build([file('r.yml', [rule(0, 'old', [ref(`attack.${revoked.id.toLowerCase()}`, 4)])])], index);
    assert.deepStrictEqual(m.revoked.map((r) => [r.id, r.replacement, r.ref.span.start.line]), [[revoked.id, replacement, 4]]);
    assert.strictEqual(m.forTechnique(replacement)!.rules.length, 1);
    assert.strictEqual(m.forTechnique(revoked.id)!.rules.length, 0);
    assert.strictEqual(m.unknown.size, 0);
  });

  it('leaves deprecated rules out unless asked', () => {
    const files = [file('d.yml', [rule(0, 'old', [ref('attack.t1059.001', 1)], true), rule(1, 'new', [ref('attack.t1003', 1)])])];
    const m = CoverageModel.build(files, index);
    assert.strictEqual(m.forTechnique('T1059.001')!.covered, false);
    assert.strictEqual(m.ruleCount, 1);
    assert.strictEqual(m.deprecatedRuleCount, 1);
    const all = CoverageModel.build(files, index, { includeDeprecated: true });
    assert.strictEqual(all.forTechnique('T1059.001')!.covered, true);
    assert.strictEqual(all.ruleCount, 2);
  });

  it('totals each tactic against the index, in matrix order, sub-techniques separately', () => {
    const m = CoverageModel.build([file('a.yml', [rule(0, 'PS', [ref('attack.t1059.001', 3)])])], index);
    const tactics = m.tactics();
    assert.deepStrictEqual(tactics.map((t) => t.tactic.shortname), index.tactics('enterprise-attack').map((t) => t.shortname));
    const execution = m.forTactic('execution')!;
    const expectedParents = index.techniquesForTactic('execution', 'enterprise-attack').length;
    const expectedSubs = index.techniquesForTactic('execution', 'enterprise-attack', true).length - expectedParents;
    assert.deepStrictEqual(execution.techniques, { covered: 1, total: expectedParents });
    assert.deepStrictEqual(execution.subtechniques, { covered: 1, total: expectedSubs });
    assert.strictEqual(m.forTactic('persistence')!.techniques.covered, 0);
    const activeParents = index.activeTechniques('enterprise-attack').filter((t) => !t.isSubtechnique).length;
    assert.deepStrictEqual(m.total.techniques, { covered: 1, total: activeParents });
  });

  it('counts a parent via a sub-technique only when that sub-technique is in scope', () => {
    // A parent on Linux whose sub-technique is not: a rule on that sub-technique says nothing about Linux.
    const parent = index.activeTechniques('enterprise-attack').find((t) => !t.isSubtechnique && t.platforms.includes('Linux') && index.subtechniques(t.id).some((s) => !s.platforms.includes('Linux') && index.isActive(s)))!;
    const offLinux = index.subtechniques(parent.id).find((s) => !s.platforms.includes('Linux') && index.isActive(s))!;
    const files = [file('a.yml', [rule(0, 'x', [ref('attack.' + offLinux.id.toLowerCase(), 1)])])];
    const linux = CoverageModel.build(files, index, { platforms: ['linux'] });
    assert.strictEqual(linux.forTechnique(parent.id)!.covered, false, `${offLinux.id} is not a Linux technique`);
    assert.strictEqual(linux.total.techniques.covered, 0);
    const everywhere = CoverageModel.build(files, index);
    assert.strictEqual(everywhere.forTechnique(parent.id)!.covered, true);
    const onLinuxToo = index.subtechniques(parent.id).find((s) => s.platforms.includes('Linux') && index.isActive(s));
    if (onLinuxToo) {
      const both = [file('a.yml', [rule(0, 'x', [ref('attack.' + offLinux.id.toLowerCase(), 1), ref('attack.' + onLinuxToo.id.toLowerCase(), 2)])])];
      assert.deepStrictEqual(CoverageModel.build(both, index, { platforms: ['linux'] }).forTechnique(parent.id)!.viaSubtechniques.map((r) => r.text), ['attack.' + onLinuxToo.id.toLowerCase()]);
    }
  });

  it('gates on unrounded coverage: just under a threshold does not meet it', () => {
    const parents = index.activeTechniques('enterprise-attack').filter((t) => !t.isSubtechnique);
    const m = CoverageModel.build([file('a.yml', [rule(0, 'x', parents.slice(0, 3).map((t, i) => ref('attack.' + t.id.toLowerCase(), i)))])], index);
    const exact = (3 * 100) / parents.length;
    assert.ok(m.meets(exact) && m.meets(Math.floor(exact * 10) / 10));
    assert.ok(!m.meets(exact + 1e-9), `${exact}% does not meet a hair above it`);
    assert.ok(!m.meets(m.percent) || m.percent <= exact, 'a rounded-up percent is not met');
    assert.ok(m.meets(0) && !m.meets(100));
  });

  it('keeps parse errors as problems with their line', () => {
    const m = CoverageModel.build([file('bad.yml', [], [{ message: 'bad indentation', severity: 'error', span: span(7, 2, 7, 3) }])], index);
    assert.deepStrictEqual(m.problems, [{ path: 'bad.yml', line: 7, character: 2, message: 'bad indentation' }]);
  });
});

describe('coverage model across domains, on the real ATT&CK data (needs ../shared)', () => {
  before(() => {
    index = realIndex();
  });

  it('filters by platform and domain', () => {
    const files = [file('a.yml', [rule(0, 'PS', [ref('attack.t1059.001', 3)])])];
    const linux = CoverageModel.build(files, index, { platforms: ['linux'] });
    const expected = index.techniquesForTactic('execution', 'enterprise-attack').filter((t) => t.platforms.includes('Linux')).length;
    assert.strictEqual(linux.forTactic('execution')!.techniques.total, expected);
    assert.ok(expected < index.techniquesForTactic('execution', 'enterprise-attack').length);
    const both = CoverageModel.build(files, index, { domains: ['enterprise-attack', 'ics-attack'] });
    assert.strictEqual(both.tactics().length, index.tactics('enterprise-attack').length + index.tactics('ics-attack').length);
    assert.strictEqual(both.forTactic('execution', 'ics-attack')!.tactic.domain, 'ics-attack');
    assert.strictEqual(both.forTactic('execution', 'ics-attack')!.techniques.covered, 0);
  });
});

describe('percentOf', () => {
  it('rounds a share to one decimal, half up, with hand-worked values', () => {
    const shown = (covered: number, total: number) => percentOf({ covered, total });
    assert.deepStrictEqual(
      [shown(1, 3), shown(2, 3), shown(1, 8), shown(1, 16), shown(3, 16), shown(0, 0), shown(7, 7)],
      [33.3, 66.7, 12.5, 6.3, 18.8, 0, 100],
    );
  });
});
