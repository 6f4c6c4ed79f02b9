import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel, RuleRef } from '../../src/coverage/model';
import { readTelemetryProfile, TelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, stateCountsForTactic, TELEMETRY_STATES, telemetryStates } from '../../src/coverage/telemetryStates';
import { TelemetryState } from '../../src/coverage/telemetryTypes';
import { AttackReference, DetectionRule, ParsedRuleFile, span } from '../../src/rules/types';
import { enterprise18, rawStix } from './helpers/rawStix';
import { rawTelemetry, RawTelemetry } from './helpers/rawTelemetry';

// The four telemetry states on real ATT&CK 18.1. Every expectation is recomputed here from the raw
// STIX (detects → strategy → analytics → log source references; the components' own log source
// lists), and coverage from the rules below, not from the index, the model or the code under test.

const BUNDLE = 'enterprise-attack-18.1.json';

/** Each rule: the IDs it names and the data components (by name) it reads. */
const RULES: readonly { readonly ids: readonly string[]; readonly reads: readonly string[] }[] = [
  { ids: ['T1059.001'], reads: ['Process Creation'] },
  { ids: ['T1078.004'], reads: ['Cloud Service Modification'] },
  // Revoked: counts for its replacement, T1564.003.
  { ids: ['T1143'], reads: ['Process Creation', 'Command Execution'] },
  { ids: ['T1003'], reads: [] },
  { ids: ['T1547.001', 'T1112'], reads: ['Windows Registry Key Modification'] },
];

function parsedRules(): ParsedRuleFile[] {
  return RULES.map((r, i) => {
    const references: AttackReference[] = r.ids.map((id, line) => ({ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(line, 0, line, 10), field: 'tags', ruleIndex: 0 }));
    const rule: DetectionRule = { index: 0, title: `rule ${i}`, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references };
    return { path: `r${i}.yml`, format: 'sigma', rules: [rule], problems: [] };
  });
}

function readsOf(raw: RawTelemetry): (ref: RuleRef) => { dataComponents: string[]; unmapped: [] } {
  return (ref) => ({ dataComponents: RULES[Number(ref.path.slice(1, -4))].reads.map((n) => raw.componentByName.get(n.toLowerCase())!), unmapped: [] });
}

/** Active techniques a rule names (revoked → replacement) and the parents of named sub-techniques, with what their rules read. */
function expectedCoverage(raw: RawTelemetry, inScope: (id: string) => boolean): Map<string, Set<string>> {
  const { revokedBy } = rawStix(BUNDLE);
  const covered = new Map<string, Set<string>>();
  const add = (id: string, reads: readonly string[]) => {
    if (!covered.has(id)) covered.set(id, new Set());
    for (const n of reads) covered.get(id)!.add(raw.componentByName.get(n.toLowerCase())!);
  };
  for (const r of RULES) {
    for (const written of r.ids) {
      const id = raw.activeTechniques.has(written) ? written : revokedBy.get(written);
      if (!id || !raw.activeTechniques.has(id)) continue;
      add(id, r.reads);
      // A sub-technique outside the platform scope says nothing about its parent.
      if (id.includes('.') && inScope(id)) add(id.split('.')[0], r.reads);
    }
  }
  return covered;
}

/** The expected state of every active technique, `collectedOn(platforms)` giving the collected data components there. */
function expectedStates(
  raw: RawTelemetry,
  inScope: (id: string) => boolean,
  collectedOn: (platforms: readonly string[]) => ReadonlySet<string>,
  scope: readonly string[],
): Map<string, TelemetryState> {
  const covered = expectedCoverage(raw, inScope);
  const lower = (ps: readonly string[]) => ps.filter((p) => !scope.length || scope.some((s) => s.toLowerCase() === p.toLowerCase()));
  const out = new Map<string, TelemetryState>();
  for (const id of raw.activeTechniques) {
    if (!inScope(id)) continue;
    const platforms = lower(raw.techniquePlatforms.get(id) ?? []);
    const reads = covered.get(id);
    if (reads) {
      const c = collectedOn(platforms);
      out.set(id, [...reads].some((dc) => c.has(dc)) ? 'detected' : 'no-telemetry');
      continue;
    }
    const visible = (raw.analyticsOf.get(id) ?? []).some((a) => {
      if (a.platforms.length && scope.length && !lower(a.platforms).length) return false;
      const c = collectedOn(a.platforms.length ? lower(a.platforms) : platforms);
      return a.refs.some(([dc]) => c.has(dc));
    });
    out.set(id, visible ? 'visible' : 'blind');
  }
  return out;
}

function profileOf(json: unknown, index: AttackIndex): TelemetryProfile {
  const r = readTelemetryProfile(json, index);
  assert.deepStrictEqual([r.unknownDataComponents, r.unknownLogSources, r.problems], [[], [], []]);
  return r.profile!;
}

function assertPartition(states: ReturnType<typeof telemetryStates>, expected: ReadonlyMap<string, TelemetryState>): void {
  const listed = TELEMETRY_STATES.flatMap((s) => states.lists[s]);
  assert.strictEqual(listed.length, new Set(listed).size, 'each technique is in one list only');
  assert.deepStrictEqual(new Set(listed), new Set(expected.keys()), 'every active in-scope technique and sub-technique is listed');
  const wrong = [...expected].filter(([id, s]) => states.byTechnique.get(id) !== s).map(([id, s]) => `${id}: expected ${s}, got ${states.byTechnique.get(id)}`);
  assert.deepStrictEqual(wrong.slice(0, 10), []);
  for (const s of TELEMETRY_STATES)
    assert.deepStrictEqual(
      states.lists[s],
      [...expected]
        .filter(([, x]) => x === s)
        .map(([id]) => id)
        .sort(),
      s,
    );
}

describe('telemetry states on ATT&CK 18.1 (needs ../shared)', function () {
  this.timeout(60_000);
  let index: AttackIndex;
  let raw: RawTelemetry;
  let model: CoverageModel;
  before(() => {
    index = enterprise18();
    raw = rawTelemetry(BUNDLE);
    model = CoverageModel.build(parsedRules(), index);
  });

  it('detected / no-telemetry / visible / blind for every active technique, as the raw relationships give them', () => {
    const profile = profileOf({ dataComponents: ['Process Creation', 'DC0039'], logSources: ['WinEventLog:Sysmon'] }, index);
    const collected = new Set([raw.componentByName.get('process creation')!, 'DC0039', ...raw.componentsOfLogSource.get('wineventlog:sysmon')!]);
    assert.deepStrictEqual(new Set(profile.collected), collected);
    const states = telemetryStates(model, profile, componentsReadByCoveringRules(model, readsOf(raw)));
    const expected = expectedStates(
      raw,
      () => true,
      () => collected,
      [],
    );
    assertPartition(states, expected);
    for (const s of TELEMETRY_STATES) assert.ok(states.lists[s].length > 0, `some technique is ${s}`);
    assert.strictEqual(states.byTechnique.get('T1059'), 'detected', 'a parent covered through its sub-technique takes its rules');
    assert.strictEqual(states.byTechnique.get('T1564.003'), 'detected', 'the revoked T1143 counts for its replacement');
    assert.strictEqual(states.byTechnique.get('T1003'), 'no-telemetry');
    assert.strictEqual(states.byTechnique.has('T1143'), false);
  });

  it('per-platform telemetry counts only on that platform, and the platform scope narrows the list', () => {
    const profile = profileOf({ platforms: { Linux: { logSources: ['auditd:SYSCALL'] } } }, index);
    const auditd = raw.componentsOfLogSource.get('auditd:syscall')!;
    const onLinux = (platforms: readonly string[]) => (platforms.some((p) => p.toLowerCase() === 'linux') ? auditd : new Set<string>());
    const all = telemetryStates(model, profile, componentsReadByCoveringRules(model, readsOf(raw)));
    assertPartition(
      all,
      expectedStates(raw, () => true, onLinux, []),
    );
    assert.ok(all.lists.visible.length > 0 && all.lists.blind.length > 0);

    const windows = CoverageModel.build(parsedRules(), index, { platforms: ['windows'] });
    const onWindows = telemetryStates(windows, profile, componentsReadByCoveringRules(windows, readsOf(raw)));
    const inScope = (id: string) => (raw.techniquePlatforms.get(id) ?? []).includes('Windows');
    assertPartition(onWindows, expectedStates(raw, inScope, onLinux, ['Windows']));
    assert.deepStrictEqual(onWindows.lists.visible, [], 'Linux telemetry makes nothing visible on Windows');

    // Collected everywhere, but read by a Linux-only analytic: that analytic says nothing about Windows.
    const mixed = profileOf({ dataComponents: ['Process Creation'], platforms: { Linux: { logSources: ['auditd:SYSCALL'] } } }, index);
    const processCreation = raw.componentByName.get('process creation')!;
    const withGlobal = (platforms: readonly string[]) => new Set([processCreation, ...onLinux(platforms)]);
    assertPartition(telemetryStates(windows, mixed, componentsReadByCoveringRules(windows, readsOf(raw))), expectedStates(raw, inScope, withGlobal, ['Windows']));
  });

  it('counts the four states per tactic over its techniques and sub-techniques', () => {
    const profile = profileOf({ dataComponents: ['Process Creation'] }, index);
    const states = telemetryStates(model, profile, componentsReadByCoveringRules(model, readsOf(raw)));
    const { objects } = rawStix(BUNDLE);
    const ofTactic = new Set<string>();
    for (const o of objects) {
      const phases = (o.kill_chain_phases as { phase_name: string }[] | undefined) ?? [];
      const id = (o.external_references as { external_id?: string }[] | undefined)?.[0]?.external_id;
      if (o.type === 'attack-pattern' && id && raw.activeTechniques.has(id) && phases.some((p) => p.phase_name === 'execution')) ofTactic.add(id);
    }
    const expected: Record<TelemetryState, number> = { detected: 0, 'no-telemetry': 0, visible: 0, blind: 0 };
    for (const id of ofTactic) expected[states.byTechnique.get(id)!]++;
    assert.deepStrictEqual(stateCountsForTactic(model, 'execution', 'enterprise-attack', states), expected);
    assert.ok(expected.detected > 0 && expected.visible > 0);
  });
});
