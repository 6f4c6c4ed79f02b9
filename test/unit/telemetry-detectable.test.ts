import * as assert from 'assert';
import { CoverageModel } from '../../src/coverage/model';
import { rankGaps } from '../../src/coverage/priorities';
import { collectedLogSources, detectableWithText } from '../../src/coverage/telemetryDetectable';
import { readTelemetryProfile, TelemetryProfile } from '../../src/coverage/telemetryProfile';
import { telemetryHoverMarkdown } from '../../src/editor/telemetryHover';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { enterprise18, isActiveRaw, rawStix } from './helpers/rawStix';

// Where a technique is detectable with the collected telemetry (the log sources a rule would read),
// the priority ranking it feeds (visible before blind at equal weight) and the hover line, on real
// ATT&CK 18.1. Expectations come from the raw STIX (detects → strategy → analytics → log source
// references with their channels), not from the index.

const BUNDLE = 'enterprise-attack-18.1.json';

interface RawRef {
  readonly dc: string;
  readonly name: string;
  readonly channel: string;
  readonly platforms: readonly string[];
}

/** Technique ID → its analytics' log source references, with each analytic's platforms. */
function rawRefsOf(technique: string): RawRef[] {
  const { objects, idOf } = rawStix(BUNDLE);
  const byStix = new Map(objects.map((o) => [o.id as string, o]));
  const out: RawRef[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    if (o.type !== 'relationship' || o.relationship_type !== 'detects' || !isActiveRaw(o) || idOf.get(o.target_ref as string) !== technique) continue;
    const strategy = byStix.get(o.source_ref as string);
    if (!strategy || !isActiveRaw(strategy)) continue;
    for (const ref of (strategy.x_mitre_analytic_refs as string[] | undefined) ?? []) {
      const a = byStix.get(ref);
      if (!a || seen.has(ref)) continue;
      seen.add(ref);
      for (const r of (a.x_mitre_log_source_references as { x_mitre_data_component_ref: string; name: string; channel?: string }[] | undefined) ?? []) {
        out.push({ dc: idOf.get(r.x_mitre_data_component_ref) ?? '', name: r.name, channel: r.channel ?? '', platforms: (a.x_mitre_platforms as string[] | undefined) ?? [] });
      }
    }
  }
  return out;
}

const keyOf = (r: { dataComponent?: string; dc?: string; name: string; channel: string }) => `${r.dataComponent ?? r.dc}|${r.name}|${r.channel}`;
const profileOf = (json: unknown): TelemetryProfile => readTelemetryProfile(json, enterprise18()).profile!;

describe('telemetry: where a technique is detectable', () => {
  it('lists the log sources of its analytics that read a collected data component, each once', () => {
    const expected = [...new Set(rawRefsOf('T1059.001').filter((r) => r.dc === 'DC0032').map(keyOf))].sort();
    assert.ok(expected.length > 0, 'ATT&CK reads Process Creation for PowerShell');
    const got = collectedLogSources(enterprise18(), enterprise18().technique('T1059.001')!, profileOf({ dataComponents: ['DC0032'] }), []);
    assert.deepStrictEqual(got.map(keyOf).sort(), expected);
    assert.ok(got.some((ls) => ls.name === 'WinEventLog:Sysmon' && ls.channel === 'EventCode=1'), JSON.stringify(got));
  });

  it('leaves out analytics for platforms outside the scope', () => {
    const refs = rawRefsOf('T1059.004').filter((r) => r.dc === 'DC0032');
    const onLinux = (r: RawRef) => !r.platforms.length || r.platforms.some((p) => p.toLowerCase() === 'linux');
    assert.ok(refs.some((r) => !onLinux(r)), 'some Process Creation analytic of T1059.004 is not for Linux');
    const got = collectedLogSources(enterprise18(), enterprise18().technique('T1059.004')!, profileOf({ dataComponents: ['DC0032'] }), ['Linux']);
    assert.deepStrictEqual(got.map(keyOf).sort(), [...new Set(refs.filter(onLinux).map(keyOf))].sort());
  });

  it('is empty when nothing it reads is collected', () => {
    const dcs = new Set(rawRefsOf('T1059.001').map((r) => r.dc));
    const { objects, idOf } = rawStix(BUNDLE);
    const other = objects.find((o) => o.type === 'x-mitre-data-component' && isActiveRaw(o) && !dcs.has(idOf.get(o.id as string) ?? ''))!;
    assert.deepStrictEqual(collectedLogSources(enterprise18(), enterprise18().technique('T1059.001')!, profileOf({ dataComponents: [idOf.get(other.id as string)] }), []), []);
  });

  it('writes one entry per data component with its log sources and channels', () => {
    const text = detectableWithText(enterprise18(), [
      { dataComponent: 'DC0032', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' },
      { dataComponent: 'DC0032', name: 'WinEventLog:Security', channel: 'EventCode=4688' },
      { dataComponent: 'DC0039', name: 'auditd:SYSCALL', channel: '' },
    ]);
    assert.deepStrictEqual(text, ['DC0032 Process Creation (WinEventLog:Sysmon EventCode=1; WinEventLog:Security EventCode=4688)', 'DC0039 File Creation (auditd:SYSCALL)']);
  });

  it('the hover says where a technique is detectable, or that it is not, escaping ATT&CK text', () => {
    const index = enterprise18();
    const yes = telemetryHoverMarkdown(index, index.technique('T1059.001')!, profileOf({ logSources: ['WinEventLog:Sysmon'] }), []);
    assert.match(yes ?? '', /Process Creation \\\(WinEventLog\\:Sysmon/, 'the text is escaped for Markdown');
    const plain = (md: string | undefined) => (md ?? '').replace(/\\(.)/g, '$1');
    assert.match(plain(yes), /^\*\*Detectable with your telemetry:\*\* .*DC0032 Process Creation \([^)]*WinEventLog:Sysmon EventCode=1/);
    const no = telemetryHoverMarkdown(index, index.technique('T1059.001')!, profileOf({ dataComponents: ['DC0082'] }), []);
    if (rawRefsOf('T1059.001').some((r) => r.dc === 'DC0082')) assert.fail('T1059.001 is expected not to read DC0082 Network Connection Creation');
    assert.match(plain(no), /^\*\*Not detectable with your telemetry:\*\* none of its data components \(DC\d{4} /);
    assert.strictEqual(telemetryHoverMarkdown(index, index.get('TA0002')!, profileOf({ dataComponents: ['DC0032'] }), []), undefined, 'a tactic has no telemetry line');
  });
});

describe('priority gaps with a telemetry profile', () => {
  const rules = (ids: string[]): ParsedRuleFile[] => {
    const references: AttackReference[] = ids.map((id, k) => ({ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(k, 0, k, 10), field: 'tags', ruleIndex: 0 }));
    return [{ path: '/rules/r0.yml', format: 'sigma', rules: [{ index: 0, title: 'Rule 0', deprecated: false, span: span(0, 0, 0, 0), platforms: [], references }], problems: [] }];
  };

  it('ranks visible gaps above blind ones of the same weight, and says through which log sources', () => {
    const model = CoverageModel.build(rules(['T1105']), enterprise18(), { domains: ['enterprise-attack'], platforms: [] });
    // Equal weights: the order would be by prevalence alone without telemetry.
    const ids = ['T1059.001', 'T1110.001', 'T1566.002', 'T1003.001', 'T1071.001', 'T1547.001'];
    const techniques = Object.fromEntries(ids.map((id) => [id, 2]));
    Object.assign(techniques, { T1190: 3 });
    const threat = { name: 't', actors: [], techniques, source: 'ids' as const };
    const telemetry = profileOf({ dataComponents: ['DC0032'] });
    const visible = new Set(['T1190', ...ids].filter((id) => rawRefsOf(id).some((r) => r.dc === 'DC0032')));
    assert.ok(visible.size >= 2 && visible.size <= ids.length, `some but not all are visible: ${[...visible]}`);
    const plain = rankGaps(model, threat).gaps;
    assert.ok(plain.every((g) => g.collectedLogSources === undefined), 'without telemetry no gap says anything about it');
    const ranked = rankGaps(model, threat, { telemetry }).gaps;
    assert.strictEqual(ranked[0].technique.id, 'T1190', 'weight still comes first');
    const rest = ranked.slice(1).map((g) => g.technique.id);
    const expected = [...rest.filter((id) => visible.has(id)), ...rest.filter((id) => !visible.has(id))];
    assert.deepStrictEqual(rest, expected);
    for (const g of ranked) assert.strictEqual((g.collectedLogSources ?? []).length > 0, visible.has(g.technique.id), g.technique.id);
    const first = ranked.find((g) => g.technique.id !== 'T1190' && visible.has(g.technique.id))!;
    assert.deepStrictEqual(first.collectedLogSources!.map(keyOf).sort(), [...new Set(rawRefsOf(first.technique.id).filter((r) => r.dc === 'DC0032').map(keyOf))].sort());
    // The same gaps either way: telemetry only reorders.
    assert.deepStrictEqual(ranked.map((g) => g.technique.id).sort(), plain.map((g) => g.technique.id).sort());
  });

  it('a partial gap (a sub-technique has rules) is covered: no visible or blind, as its tree state is detected or no-telemetry', () => {
    // T1059.001 has a rule, so T1059 is covered through it and ranks as a partial gap; T1105 has none.
    const model = CoverageModel.build(rules(['T1059.001']), enterprise18(), { domains: ['enterprise-attack'], platforms: [] });
    const threat = { name: 't', actors: [], techniques: { T1059: 2, T1105: 2 }, source: 'ids' as const };
    const ranked = rankGaps(model, threat, { telemetry: profileOf({ dataComponents: ['DC0032'] }) }).gaps;
    const partial = ranked.find((g) => g.technique.id === 'T1059');
    assert.strictEqual(partial?.status, 'partial');
    assert.strictEqual(partial.collectedLogSources, undefined);
    assert.ok(model.forTechnique('T1059')?.covered, 'the model counts it covered');
    const uncovered = ranked.find((g) => g.technique.id === 'T1105');
    assert.strictEqual(uncovered?.status, 'uncovered');
    assert.ok(uncovered.collectedLogSources !== undefined, 'an uncovered gap says visible or blind');
  });
});
