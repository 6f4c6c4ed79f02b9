import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { gradientColor, MAX_TITLES, NavigatorLayer, navigatorLayer, PROFILE_GAP_COLOR, PROFILE_PARTIAL_COLOR } from '../../src/coverage/navigator';
import { profileFromActors, weights } from '../../src/coverage/profile';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { layerViolations, parseCorpusForTest } from './coverage-helpers';
import { miniIndex } from './helpers/miniAttack';

// The exported layer against the Navigator layer format 4.5 (mitre-attack/attack-navigator,
// layers/spec/v4.5/layerformat.md): field names, types, required fields, value ranges.

const root = path.resolve(__dirname, '..', '..', '..');

function rule(i: number, title: string, ids: readonly string[]): DetectionRule {
  const refs: AttackReference[] = ids.map((id, k) => ({ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(k + 3, 4, k + 3, 14), field: 'tags', ruleIndex: i }));
  return { index: i, title, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references: refs };
}

describe('coverage navigator layer on the synthetic bundle', () => {
  // test/fixtures/stix/ (see its README): Enterprise "1.0", T1059.001 PowerShell under T1059, T1027, T1003.001.
  it('scores each directly named technique with its rule count, lists the titles and names the data version', () => {
    const files: ParsedRuleFile[] = [
      { path: 'a.yml', format: 'sigma', problems: [], rules: [rule(0, 'PowerShell A', ['T1059.001', 'T1027'])] },
      { path: 'b.yml', format: 'sigma', problems: [], rules: [rule(0, 'PowerShell B', ['T1059.001']), rule(1, 'Revoked', ['T1086'])] },
    ];
    const layer = navigatorLayer(CoverageModel.build(files, miniIndex()), { generated: new Date('2026-01-01T00:00:00Z') });
    assert.deepStrictEqual(layerViolations(layer), []);
    assert.deepStrictEqual([layer.domain, layer.versions.attack], ['enterprise-attack', '1']);
    // T1086 is revoked by T1059.001: its rule counts there, and T1059 (via a sub-technique only) gets no entry.
    assert.deepStrictEqual(layer.techniques.map((t) => [t.techniqueID, t.score]), [['T1027', 1], ['T1059.001', 3]]);
    assert.strictEqual(layer.gradient.maxValue, 3);
  });

  it('caps the titles listed per technique and keeps the full count as the score', () => {
    const rules = Array.from({ length: MAX_TITLES + 2 }, (_, i) => rule(i, `Rule ${i}`, ['T1003.001']));
    const [t] = navigatorLayer(CoverageModel.build([{ path: 'x.yml', format: 'sigma', problems: [], rules }], miniIndex())).techniques;
    assert.deepStrictEqual([t.techniqueID, t.score], ['T1003.001', MAX_TITLES + 2]);
    assert.deepStrictEqual(t.metadata[t.metadata.length - 1], { name: 'rules', value: '+ 2 more' });
  });
});

describe('coverage navigator layer', () => {
  let index: AttackIndex;
  before(() => {
    index = AttackIndex.fromJson(fs.readFileSync(path.join(root, 'dist', 'attack-index.json'), 'utf8'));
  });

  it('scores each directly named technique with its rule count and lists the titles', () => {
    const files: ParsedRuleFile[] = [
      { path: 'a.yml', format: 'sigma', problems: [], rules: [rule(0, 'PowerShell A', ['T1059.001', 'T1027'])] },
      { path: 'b.yml', format: 'sigma', problems: [], rules: [rule(0, 'PowerShell B', ['T1059.001']), rule(1, 'ICS thing', ['T0807'])] },
    ];
    const model = CoverageModel.build(files, index);
    const layer = navigatorLayer(model, { generated: new Date('2026-01-01T00:00:00Z') });
    assert.deepStrictEqual(layerViolations(layer), []);
    assert.strictEqual(layer.domain, 'enterprise-attack');
    assert.strictEqual(layer.versions.attack, index.domain('enterprise-attack')!.version.split('.')[0]);
    assert.deepStrictEqual(layer.techniques.map((t) => [t.techniqueID, t.score]), [['T1027', 1], ['T1059.001', 2]], 'T1059 (via sub-technique only) and the ICS technique get no entry');
    const ps = layer.techniques.find((t) => t.techniqueID === 'T1059.001')!;
    assert.deepStrictEqual(ps.metadata, [{ name: 'rule', value: 'PowerShell A' }, { name: 'rule', value: 'PowerShell B' }]);
    assert.match(ps.comment, /PowerShell A; PowerShell B/);
    assert.strictEqual(layer.gradient.maxValue, 2);
    const ics = navigatorLayer(CoverageModel.build(files, index, { domains: ['ics-attack'] }));
    assert.deepStrictEqual(ics.techniques.map((t) => t.techniqueID), ['T0807']);
    assert.strictEqual(ics.domain, 'ics-attack');
  });

  it('caps the titles listed per technique and keeps the full count as the score', () => {
    const rules = Array.from({ length: MAX_TITLES + 7 }, (_, i) => rule(i, `Rule ${i}`, ['T1003.001']));
    const layer: NavigatorLayer = navigatorLayer(CoverageModel.build([{ path: 'x.yml', format: 'sigma', problems: [], rules }], index));
    const t = layer.techniques[0];
    assert.strictEqual(t.score, MAX_TITLES + 7);
    assert.strictEqual(t.metadata.filter((m) => m.name === 'rule').length, MAX_TITLES);
    assert.deepStrictEqual(t.metadata[t.metadata.length - 1], { name: 'rules', value: '+ 7 more' });
  });

  it('keeps a valid gradient for an empty workspace and writes the platform filter', () => {
    const layer = navigatorLayer(CoverageModel.build([], index, { platforms: ['Windows'] }));
    assert.deepStrictEqual(layerViolations(layer), []);
    assert.deepStrictEqual(layer.filters, { platforms: ['Windows'] });
    assert.strictEqual(layer.techniques.length, 0);    // The checker itself catches what Navigator would refuse.
    const broken = { ...layer, versions: { ...layer.versions, layer: '4.4', navigator: '4.8.0' }, gradient: { colors: ['red'], minValue: 1, maxValue: 1 }, techniques: [{ techniqueID: 'T59', score: '3', extra: 1 }], surprise: true };
    assert.deepStrictEqual(layerViolations(broken).sort(), [
      'bad techniqueID T59', 'gradient maxValue must be > minValue', 'gradient.colors', 'score must be a number', 'unknown layer field surprise', 'unknown technique field extra', 'versions.layer must be "4.5"', 'versions.navigator must be at least 4.9.0',
    ]);
  });

  it('writes the platform filter as Navigator spells it, only platforms of the layer\'s domain', () => {
    const layer = navigatorLayer(CoverageModel.build([], index, { platforms: ['windows', 'LINUX', 'Android'] }));
    assert.deepStrictEqual(layer.filters, { platforms: ['Windows', 'Linux'] });
    const mobile = navigatorLayer(CoverageModel.build([], index, { domains: ['mobile-attack'], platforms: ['android'] }));
    assert.deepStrictEqual(mobile.filters, { platforms: ['Android'] });
    assert.strictEqual(navigatorLayer(CoverageModel.build([], index, { platforms: ['Android'] })).filters, undefined, 'no enterprise platform left: no filter');
  });

  it('the SigmaHQ corpus as a layer: valid 4.5, one entry per named technique, showSubtechniques only on parents (needs ../shared)', async () => {
    const model = CoverageModel.build(await parseCorpusForTest(index), index);
    const layer = navigatorLayer(model);
    assert.deepStrictEqual(layerViolations(layer), []);
    assert.deepStrictEqual(layer.techniques.map((t) => t.techniqueID), model.referencedTechniques().filter((id) => index.technique(id)!.domain === 'enterprise-attack'));
    for (const t of layer.techniques) {
      assert.strictEqual(t.score, model.forTechnique(t.techniqueID)!.rules.length, t.techniqueID);
      if (t.showSubtechniques) assert.ok(index.subtechniques(t.techniqueID).length > 0, `${t.techniqueID} has sub-techniques`);
      assert.ok(t.score! >= layer.gradient.minValue && t.score! <= layer.gradient.maxValue);
    }
    assert.strictEqual(layer.gradient.maxValue, Math.max(...layer.techniques.map((t) => t.score ?? 0)));
    assert.strictEqual(layer.legendItems[layer.legendItems.length - 1].color, layer.gradient.colors[layer.gradient.colors.length - 1], 'the top legend entry has the gradient\'s top colour');
  });

  it('overlays a threat profile: covered techniques carry their weight, every profile gap gets an unscored coloured entry', () => {
    const files: ParsedRuleFile[] = [{ path: 'a.yml', format: 'sigma', problems: [], rules: [rule(0, 'PowerShell A', ['T1059.001', 'T1027', 'T1078.004'])] }];
    const model = CoverageModel.build(files, index);
    const profile = profileFromActors(index, ['G0016']);
    const layer = navigatorLayer(model, { profile, generated: new Date('2026-01-01T00:00:00Z') });
    assert.deepStrictEqual(layerViolations(layer), []);
    const w = weights(profile);
    const byId = new Map(layer.techniques.map((t) => [t.techniqueID, t]));
    // Scored entries are exactly the covered techniques, as without a profile.
    assert.deepStrictEqual(layer.techniques.filter((t) => t.score !== undefined).map((t) => [t.techniqueID, t.score]), [['T1027', 1], ['T1059.001', 1], ['T1078.004', 1]]);
    assert.ok(w.get('T1059.001'), 'APT29 uses PowerShell');
    assert.match(byId.get('T1059.001')!.comment, /In the threat profile “APT29” \(weight 1\)/);
    assert.ok(byId.get('T1059.001')!.metadata.some((m) => m.name === 'threat profile' && m.value === 'weight 1'));
    // Every active enterprise technique of the profile that no rule names directly is a coloured gap, and nothing else is.
    const expectedGaps = Object.keys(profile.techniques).filter((id) => {
      const t = index.technique(id);
      return t && !t.revoked && !t.deprecated && t.domain === 'enterprise-attack' && model.forTechnique(id)!.rules.length === 0;
    }).sort();
    const gaps = layer.techniques.filter((t) => t.score === undefined);
    assert.ok(expectedGaps.length > 20, `APT29 has many techniques (${expectedGaps.length})`);
    assert.deepStrictEqual(gaps.map((t) => t.techniqueID), expectedGaps);
    for (const g of gaps) {
      assert.ok(g.metadata.some((m) => m.name === 'used by' && m.value === 'APT29'), g.techniqueID);
      assert.ok(g.metadata.some((m) => m.name === 'threat profile' && m.value === `gap, weight ${w.get(g.techniqueID)}`), g.techniqueID);
    }
    const accounts = byId.get('T1078')!;
    assert.strictEqual(accounts.color, PROFILE_PARTIAL_COLOR, 'APT29 uses T1078; a rule names one of its sub-techniques only');
    assert.match(accounts.comment, /rules on 1 of \d+ sub-techniques only/);
    assert.strictEqual(byId.get('T1005')?.color, PROFILE_GAP_COLOR, 'APT29 uses Data from Local System; no rule');
    assert.ok(layer.legendItems.some((l) => l.label === 'Threat profile: no rule' && l.color === PROFILE_GAP_COLOR));
    assert.match(layer.description, /Threat profile overlay: APT29/);
    assert.ok(layer.metadata.some((m) => m.name === 'threat profile' && /APT29/.test(m.value)));
    assert.strictEqual(layer.gradient.maxValue, 1, 'gap entries do not change the gradient');
    // An ICS layer of the same model has no enterprise gaps in it.
    assert.ok(navigatorLayer(CoverageModel.build(files, index, { domains: ['ics-attack'] }), { domain: 'ics-attack', profile }).techniques.every((t) => t.techniqueID.startsWith('T0')));
  });

  it('interpolates gradient colours like Navigator', () => {
    assert.strictEqual(gradientColor(0, 0, 10, ['#000000', '#ffffff']), '#000000');
    assert.strictEqual(gradientColor(10, 0, 10, ['#000000', '#ffffff']), '#ffffff');
    assert.strictEqual(gradientColor(5, 0, 10, ['#000000', '#ff0000', '#ffffff']), '#ff0000');
  });
});
