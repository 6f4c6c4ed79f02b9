import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { buildMatrix, MatrixCell, matrixDetail } from '../../src/coverage/matrixData';
import { MATRIX_STATE_KEYS } from '../../src/coverage/matrixTelemetry';
import { CoverageModel, RuleRef } from '../../src/coverage/model';
import { collectedLogSources } from '../../src/coverage/telemetryDetectable';
import { readTelemetryProfile, TelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, TELEMETRY_STATES, telemetryStates, TelemetryStates } from '../../src/coverage/telemetryStates';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { RawAnalytic, rawTechniques } from '../host/rawAnalytics';
import { enterprise18, rawStix } from './helpers/rawStix';

// The coverage matrix's telemetry mode on real ATT&CK 18.1: the cells and columns carry the states
// telemetryStates.ts gives (the states themselves are proven in telemetry-states.test.ts), and the
// side panel says what each covering rule reads (collected or not) and, for a gap, which of
// ATT&CK's analytics read a collected log source. The analytics, their log sources and channels,
// and the data component names are read here straight from the raw STIX, not from the index.

const BUNDLE = 'enterprise-attack-18.1.json';
const PROFILE = { name: 'SOC', dataComponents: ['DC0032'] };

/** Each rule: the technique it names and the data components it reads. */
const RULES: readonly { readonly id: string; readonly reads: readonly string[] }[] = [
  { id: 'T1059.001', reads: ['DC0032'] },
  { id: 'T1547.001', reads: ['DC0063'] },
  { id: 'T1003', reads: [] },
];

function parsedRules(): ParsedRuleFile[] {
  return RULES.map((r, i) => {
    const references: AttackReference[] = [{ text: `attack.${r.id.toLowerCase()}`, kind: 'technique', id: r.id, span: span(0, 0, 0, 10), field: 'tags', ruleIndex: 0 }];
    const rule: DetectionRule = { index: 0, title: `rule ${i}`, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references };
    return { path: `r${i}.yml`, format: 'sigma', rules: [rule], problems: [] };
  });
}

const readsOf = (ref: RuleRef) => ({ dataComponents: [...RULES[Number(ref.path.slice(1, -4))].reads], unmapped: [] });

/** Technique ID → the analytics of the active detection strategies that `detect` it, from the raw bundle. */
function rawAnalyticsOf(technique: string): readonly RawAnalytic[] {
  return rawTechniques(BUNDLE).get(technique)?.analytics ?? [];
}

/** Data component ID → name, from the raw bundle. */
function rawComponentName(id: string): string {
  const o = rawStix(BUNDLE).byAttackId.get(id);
  assert.ok(o && o.type === 'x-mitre-data-component', `${id} is a data component in the bundle`);
  return o.name as string;
}

function allCells(cells: readonly MatrixCell[]): MatrixCell[] {
  return cells.flatMap((c) => [c, ...c.subtechniques]);
}

describe('coverage matrix telemetry mode on ATT&CK 18.1 (needs ../shared)', function () {
  this.timeout(60_000);
  let index: AttackIndex;
  let model: CoverageModel;
  let profile: TelemetryProfile;
  let states: TelemetryStates;
  before(() => {
    index = enterprise18();
    model = CoverageModel.build(parsedRules(), index);
    profile = readTelemetryProfile(PROFILE, index).profile!;
    states = telemetryStates(model, profile, componentsReadByCoveringRules(model, readsOf));
  });

  it('gives every cell its state and every column its four counts, with a legend of four lettered states', () => {
    const vm = buildMatrix(model, { telemetry: { states, profileName: 'SOC' } });
    assert.deepStrictEqual(
      vm.telemetry?.legend.map((k) => k.state),
      [...TELEMETRY_STATES],
    );
    assert.strictEqual(vm.telemetry?.profileName, 'SOC');
    assert.strictEqual(new Set(vm.telemetry!.legend.map((k) => k.mark)).size, 4, 'four distinct letters');
    let cells = 0;
    for (const col of vm.columns) {
      const counts = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0 };
      for (const c of allCells(col.cells)) {
        assert.strictEqual(c.telemetry, states.byTechnique.get(c.id), c.id);
        counts[c.telemetry!]++;
        cells++;
      }
      assert.deepStrictEqual(col.states, counts, col.name);
    }
    assert.ok(cells > 500, `${cells} cells`);
    const seen = new Set(vm.columns.flatMap((col) => allCells(col.cells).map((c) => c.telemetry)));
    assert.deepStrictEqual([...seen].sort(), [...TELEMETRY_STATES].sort(), 'all four states appear');
  });

  it('has no telemetry mode, states or counts without a telemetry profile', () => {
    const vm = buildMatrix(model, {});
    assert.strictEqual(vm.telemetry, undefined);
    for (const col of vm.columns) {
      assert.strictEqual(col.states, undefined);
      for (const c of allCells(col.cells)) assert.strictEqual(c.telemetry, undefined, c.id);
    }
  });

  it('lists, for a visible gap, the analytics whose log sources are collected, with log source names and channels', () => {
    // A gap ATT&CK detects with Process Creation: the raw analytics reading DC0032.
    const id = 'T1059.003';
    const expected = rawAnalyticsOf(id)
      .map((a) => ({
        id: a.id,
        name: a.name,
        logSources: a.logSources
          .filter((r) => r.dataComponent === 'DC0032')
          .map((r) => `${r.name}|${r.channel}`)
          .sort(),
      }))
      .filter((a) => a.logSources.length);
    assert.ok(expected.length > 0, 'ATT&CK reads Process Creation for the Windows command shell');
    const d = matrixDetail(model, id, { telemetry: { profile, states, readsOf } })!;
    assert.strictEqual(d.count, 0);
    assert.strictEqual(d.telemetry?.state, 'visible');
    assert.match(d.telemetry.sentence, /visible/);
    const got = d.telemetry.analytics.map((a) => ({ id: a.id, name: a.name, logSources: a.logSources.map((ls) => `${ls.name}|${ls.channel}`).sort() }));
    assert.deepStrictEqual(
      [...got].sort((a, b) => a.id.localeCompare(b.id)),
      [...expected].sort((a, b) => a.id.localeCompare(b.id)),
    );
    for (const a of d.telemetry.analytics) for (const ls of a.logSources) assert.deepStrictEqual([ls.dataComponent, ls.dataComponentName], ['DC0032', rawComponentName('DC0032')]);
    // The same log sources the hover and the gaps name (telemetryDetectable.ts), grouped by analytic.
    const flat = new Set(d.telemetry.analytics.flatMap((a) => a.logSources.map((ls) => `${ls.dataComponent}|${ls.name}|${ls.channel}`)));
    assert.deepStrictEqual(flat, new Set(collectedLogSources(index, index.technique(id)!, profile, []).map((ls) => `${ls.dataComponent}|${ls.name}|${ls.channel}`)));
  });

  it('says a blind gap has no collected analytics and names the data components that would feed it', () => {
    const id = [...states.lists.blind].find((t) => rawAnalyticsOf(t).some((a) => a.logSources.length));
    assert.ok(id, 'some blind technique has analytics');
    assert.ok(
      rawAnalyticsOf(id).every((a) => a.logSources.every((r) => r.dataComponent !== 'DC0032')),
      `${id}: no analytic reads Process Creation`,
    );
    const d = matrixDetail(model, id, { telemetry: { profile, states, readsOf } })!;
    assert.strictEqual(d.telemetry?.state, 'blind');
    assert.deepStrictEqual(d.telemetry.analytics, []);
    assert.deepStrictEqual(new Set(d.dataComponents.map((c) => c.id)), new Set(rawAnalyticsOf(id).flatMap((a) => a.logSources.map((r) => r.dataComponent))));
  });

  it('lists for a covered technique what each of its rules reads, and whether it is collected', () => {
    const ps = matrixDetail(model, 'T1059.001', { telemetry: { profile, states, readsOf } })!;
    assert.strictEqual(ps.telemetry?.state, 'detected');
    assert.deepStrictEqual(ps.rules[0].reads, { dataComponents: [{ id: 'DC0032', name: rawComponentName('DC0032'), collected: true }], unmapped: [] });
    const parent = matrixDetail(model, 'T1059', { telemetry: { profile, states, readsOf } })!;
    assert.deepStrictEqual(
      parent.viaSubtechniques.map((r) => r.reads?.dataComponents.map((c) => c.id)),
      [['DC0032']],
    );
    const run = matrixDetail(model, 'T1547.001', { telemetry: { profile, states, readsOf } })!;
    assert.strictEqual(run.telemetry?.state, 'no-telemetry');
    assert.deepStrictEqual(run.rules[0].reads?.dataComponents, [{ id: 'DC0063', name: rawComponentName('DC0063'), collected: false }]);
    const dump = matrixDetail(model, 'T1003', { telemetry: { profile, states, readsOf } })!;
    assert.deepStrictEqual(dump.rules[0].reads, { dataComponents: [], unmapped: [] });
    assert.strictEqual(dump.telemetry?.state, 'no-telemetry');
  });

  it('without a profile lists what the rules read but no state and nothing collected', () => {
    const d = matrixDetail(model, 'T1059.001', { telemetry: { readsOf } })!;
    assert.strictEqual(d.telemetry, undefined);
    assert.deepStrictEqual(d.rules[0].reads?.dataComponents, [{ id: 'DC0032', name: rawComponentName('DC0032'), collected: undefined }]);
    assert.strictEqual(matrixDetail(model, 'T1059.001')!.rules[0].reads, undefined, 'no lookup, no reads');
  });

  it('words the legend as the tree does, one letter per state', () => {
    assert.deepStrictEqual(
      MATRIX_STATE_KEYS.map((k) => `${k.mark}:${k.label}`),
      ['D:detected', 'N:no telemetry', 'V:visible', 'B:blind'],
    );
  });
});
