import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel, RuleRef } from '../../src/coverage/model';
import { navigatorLayer, NavigatorLayer, PROFILE_GAP_COLOR } from '../../src/coverage/navigator';
import { profileFromActors } from '../../src/coverage/profile';
import { readTelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, telemetryStates } from '../../src/coverage/telemetryStates';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { ruleTelemetryLookup, shippedMappings } from '../../src/coverage/telemetry';
import { layerViolations, loadIndex, parseCorpusForTest } from './coverage-helpers';
import { rawTelemetry, RawTelemetry } from './helpers/rawTelemetry';

// A Navigator layer coloured by telemetry state (issue #12 §4): one entry per active Enterprise
// technique and sub-technique, its colour the legend's for its state, the state in its metadata,
// the scores as without states. The expected states are worked out here: covered ones from what
// the test's rules are said to read, uncovered ones from the raw 18.1 STIX relationships.

const STATES = ['detected', 'no-telemetry', 'visible', 'blind'] as const;
type State = (typeof STATES)[number];
const LEGEND_LABELS: Record<State, string> = { detected: 'Telemetry: detected', 'no-telemetry': 'Telemetry: no telemetry', visible: 'Telemetry: visible', blind: 'Telemetry: blind' };

function rule(i: number, title: string, ids: readonly string[]): DetectionRule {
  const refs: AttackReference[] = ids.map((id, k) => ({ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(k + 3, 4, k + 3, 14), field: 'tags', ruleIndex: i }));
  return { index: i, title, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references: refs };
}

// ps.yml reads Process Creation (DC0032, collected); obf.yml reads File Creation (DC0039, not collected).
const FILES: ParsedRuleFile[] = [
  { path: 'ps.yml', format: 'sigma', problems: [], rules: [rule(0, 'PowerShell A', ['T1059.001']), rule(1, 'PowerShell B', ['T1059.001'])] },
  { path: 'obf.yml', format: 'sigma', problems: [], rules: [rule(0, 'Obfuscated file', ['T1027'])] },
];
const READS: Record<string, string[]> = { 'ps.yml': ['DC0032'], 'obf.yml': ['DC0039'] };
const reads = (ref: RuleRef) => ({ dataComponents: READS[ref.path], unmapped: [] });
const COVERED: Record<string, State> = { 'T1059.001': 'detected', T1059: 'detected', T1027: 'no-telemetry' };

function expectedState(raw: RawTelemetry, id: string): State {
  if (COVERED[id]) return COVERED[id];
  return (raw.analyticsOf.get(id) ?? []).some((a) => a.refs.some(([dc]) => dc === 'DC0032')) ? 'visible' : 'blind';
}

const stateOf = (t: NavigatorLayer['techniques'][number]) => t.metadata.filter((m) => m.name === 'telemetry').map((m) => m.value);

describe('coverage navigator layer coloured by telemetry state (needs ../shared)', () => {
  let index: AttackIndex;
  let raw: RawTelemetry;
  let model: CoverageModel;
  let states: ReturnType<typeof telemetryStates>;
  before(() => {
    index = loadIndex();
    raw = rawTelemetry('enterprise-attack-18.1.json');
    model = CoverageModel.build(FILES, index);
    const profile = readTelemetryProfile({ dataComponents: ['DC0032'] }, index).profile!;
    states = telemetryStates(model, profile, componentsReadByCoveringRules(model, reads));
  });

  it('gives every active technique one entry coloured as the legend says for its state, the state in its metadata', () => {
    const layer = navigatorLayer(model, { telemetry: states, telemetryName: 'SOC', generated: new Date('2026-01-01T00:00:00Z') });
    assert.deepStrictEqual(layerViolations(layer), []);
    const ids = layer.techniques.map((t) => t.techniqueID);
    assert.strictEqual(ids.length, new Set(ids).size, 'one entry per technique');
    assert.deepStrictEqual(new Set(ids), raw.activeTechniques);
    assert.deepStrictEqual(layer.legendItems.map((l) => l.label), STATES.map((s) => LEGEND_LABELS[s]), 'the legend is the four states, nothing about rule counts');
    const colour = new Map(layer.legendItems.map((l) => [l.label, l.color]));
    assert.strictEqual(new Set(colour.values()).size, 4, 'four distinct colours');
    const seen = new Set<State>();
    for (const t of layer.techniques) {
      const state = expectedState(raw, t.techniqueID);
      seen.add(state);
      assert.deepStrictEqual(stateOf(t), [state], t.techniqueID);
      assert.strictEqual(t.color, colour.get(LEGEND_LABELS[state]), `${t.techniqueID} colour`);
      assert.match(t.comment, new RegExp(`Telemetry: ${state.replace('-', ' ')} —`));
    }
    assert.deepStrictEqual([...seen].sort(), [...STATES].sort(), 'the layer shows all four states');
    assert.deepStrictEqual(layer.metadata.find((m) => m.name === 'telemetry')?.value, `SOC: ${states.lists.detected.length} detected · 1 no telemetry · ${states.lists.visible.length} visible · ${states.lists.blind.length} blind`);
    assert.match(layer.description, /Colours: telemetry states \(2 detected · 1 no telemetry · \d+ visible · \d+ blind\)/);
  });

  it('keeps the scores: rule counts on the directly named techniques only, or the strength; parents covered below stay expanded', () => {
    const plain = navigatorLayer(model);
    const byState = navigatorLayer(model, { telemetry: states });
    const scored = (l: NavigatorLayer) => l.techniques.filter((t) => t.score !== undefined).map((t) => [t.techniqueID, t.score]);
    assert.deepStrictEqual(scored(byState), [['T1027', 1], ['T1059.001', 2]]);
    assert.deepStrictEqual(scored(byState), scored(plain));
    assert.deepStrictEqual(byState.gradient, plain.gradient, 'the gradient still means rule counts (Navigator paints the state colour over it)');
    const byId = new Map(byState.techniques.map((t) => [t.techniqueID, t]));
    assert.deepStrictEqual(byId.get('T1059.001')!.metadata.filter((m) => m.name === 'rule').map((m) => m.value), ['PowerShell A', 'PowerShell B']);
    assert.strictEqual(byId.get('T1059')!.showSubtechniques, true, 'PowerShell under Command and Scripting Interpreter shows');
    assert.strictEqual(byState.layout.expandedSubtechniques, 'none', 'every sub-technique is annotated: "annotated" would expand them all');
    assert.ok(byState.techniques.filter((t) => t.showSubtechniques).every((t) => t.techniqueID === 'T1059'));

    const strength = new Map([['T1059.001', 4], ['T1027', 1]]);
    const strong = navigatorLayer(model, { telemetry: states, strength });
    assert.deepStrictEqual(strong.techniques.filter((t) => t.score !== undefined).map((t) => [t.techniqueID, t.score]), [['T1027', 1], ['T1059.001', 4]]);
    assert.strictEqual(strong.gradient.maxValue, 5);
    assert.deepStrictEqual(strong.techniques.map((t) => t.color), byState.techniques.map((t) => t.color), 'the colours are the states whatever the score means');
    assert.deepStrictEqual(layerViolations(strong), []);
  });

  it('keeps a threat profile in comments and metadata; its gaps take their state colour', () => {
    const profile = profileFromActors(index, ['G0016']);
    const layer = navigatorLayer(model, { telemetry: states, profile });
    assert.deepStrictEqual(layerViolations(layer), []);
    const local = layer.techniques.find((t) => t.techniqueID === 'T1005')!;
    assert.ok(local.metadata.some((m) => m.name === 'threat profile' && /^gap, weight \d+$/.test(m.value)), 'APT29 uses Data from Local System');
    assert.ok(local.metadata.some((m) => m.name === 'used by' && m.value === 'APT29'));
    assert.deepStrictEqual(stateOf(local), [expectedState(raw, 'T1005')]);
    assert.notStrictEqual(local.color, PROFILE_GAP_COLOR);
    assert.ok(layer.legendItems.every((l) => l.label.startsWith('Telemetry: ')));
    assert.match(layer.description, /Threat profile overlay: APT29.*the threat profile is in comments and metadata/);
    assert.strictEqual(new Set(layer.techniques.map((t) => t.techniqueID)).size, layer.techniques.length, 'a gap and its state are one entry');
  });

  it('the SigmaHQ corpus with what its rules read: a valid 4.5 layer, every technique once, the scores as without states', async () => {
    const files = await parseCorpusForTest(index);
    const sigma = CoverageModel.build(files, index);
    const profile = readTelemetryProfile({ logSources: ['WinEventLog:Sysmon'] }, index).profile!;
    const s = telemetryStates(sigma, profile, componentsReadByCoveringRules(sigma, ruleTelemetryLookup(files, shippedMappings())));
    const layer = navigatorLayer(sigma, { telemetry: s });
    assert.deepStrictEqual(layerViolations(layer), []);
    assert.deepStrictEqual(new Set(layer.techniques.map((t) => t.techniqueID)), raw.activeTechniques);
    assert.strictEqual(layer.techniques.length, raw.activeTechniques.size);
    const scored = (l: NavigatorLayer) => l.techniques.filter((t) => t.score !== undefined).map((t) => `${t.techniqueID}=${t.score}`);
    assert.deepStrictEqual(scored(layer), scored(navigatorLayer(sigma)));
    const counts = new Map<string, number>();
    for (const t of layer.techniques) counts.set(stateOf(t)[0], (counts.get(stateOf(t)[0]) ?? 0) + 1);
    for (const st of STATES) assert.ok(counts.get(st)! > 0, `${st}: ${JSON.stringify([...counts])}`);
  });

  it('a layer of another domain takes only that domain’s states', () => {
    const both = CoverageModel.build(FILES, index, { domains: ['enterprise-attack', 'ics-attack'] });
    const profile = readTelemetryProfile({ dataComponents: ['DC0032'] }, index).profile!;
    const s = telemetryStates(both, profile, componentsReadByCoveringRules(both, reads));
    const ics = navigatorLayer(both, { domain: 'ics-attack', telemetry: s });
    assert.deepStrictEqual(layerViolations(ics), []);
    const expected = [...s.byTechnique.keys()].filter((id) => index.technique(id)!.domain === 'ics-attack').sort();
    assert.ok(expected.length > 50);
    assert.deepStrictEqual(ics.techniques.map((t) => t.techniqueID), expected);
    assert.ok(ics.techniques.every((t) => stateOf(t)[0] === s.byTechnique.get(t.techniqueID)));
  });
});
