import * as assert from 'assert';
import { CoverageModel } from '../../src/coverage/model';
import { gapStatusText, gapTelemetry, matrixGaps, rankGaps } from '../../src/coverage/priorities';
import { profileFromActors, ThreatProfile } from '../../src/coverage/profile';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { miniIndex } from './helpers/miniAttack';
import { enterprise18 } from './helpers/rawStix';
import { isActiveRaw, rawStix } from './helpers/rawStix';

// Ranked gaps: order, ties, partial coverage and scope, on the synthetic bundle in
// test/fixtures/stix/ and on the real Enterprise 18.1 index (needs ../shared), with small
// synthetic rule sets (one rule per ID list) so every expectation is written out by hand.

const ENTERPRISE = 'enterprise-attack-18.1.json';

function rules(...perRule: string[][]): ParsedRuleFile[] {
  return perRule.map((ids, i) => {
    const references: AttackReference[] = ids.map((id, k) => ({ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(k, 0, k, 10), field: 'tags', ruleIndex: 0 }));
    return { path: `/rules/r${i}.yml`, format: 'sigma', rules: [{ index: 0, title: `Rule ${i}`, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references }], problems: [] };
  });
}

const model = (files: ParsedRuleFile[], platforms: string[] = []) => CoverageModel.build(files, enterprise18(), { domains: ['enterprise-attack'], platforms });
const profile = (techniques: Record<string, number>, actors: string[] = []): ThreatProfile => ({ name: 'test', actors, techniques, source: actors.length ? 'actors' : 'ids' });

/** Active sub-techniques of a parent, counted in the raw STIX. */
function rawSubCount(parent: string): number {
  const raw = rawStix(ENTERPRISE);
  return [...raw.byAttackId].filter(([id, o]) => id.startsWith(parent + '.') && o.type === 'attack-pattern' && isActiveRaw(o)).length;
}

describe('priority gaps on the synthetic bundle', () => {
  it('ranks by weight, uncovered before partial, then by ID; a parent takes its sub-technique\'s weight; covered techniques drop out', () => {
    // T1059 has 3 sub-techniques there, one covered here; T1547's one sub-technique is not.
    const m = CoverageModel.build(rules(['T1059.003'], ['T1003.001']), miniIndex(), { domains: ['enterprise-attack'] });
    const r = rankGaps(m, profile({ 'T1059.001': 2, T1059: 1, 'T1003.001': 2, T1547: 3, T1204: 1 }));
    assert.deepStrictEqual(r.gaps.map((g) => [g.technique.id, g.weight, g.status]), [
      ['T1547', 3, 'uncovered'],
      ['T1059.001', 2, 'uncovered'],
      ['T1059', 2, 'partial'],
      ['T1204', 1, 'uncovered'],
    ]);
    assert.strictEqual(gapStatusText(r.gaps[2]), 'partial: 1/3 sub-techniques');
    assert.strictEqual(r.interest, 5);
    assert.strictEqual(r.covered, 1);
  });
});

describe('priority gaps (needs ../shared)', () => {
  it('with one actor every gap weighs 1, ranked by how many groups and campaigns use it, then by tactic order', () => {
    const index = enterprise18();
    const r = rankGaps(model([]), profileFromActors(index, ['G0016']));
    assert.ok(r.gaps.length > 20);
    assert.ok(r.gaps.every((g) => g.weight === 1));
    // Prevalence from the raw STIX: active groups (G) and campaigns (C) whose `uses` name the technique (a parent: or one of its sub-techniques).
    const raw = rawStix(ENTERPRISE);
    const users = (id: string) => [...raw.uses].filter(([actor, ts]) => /^[GC]\d{4}$/.test(actor) && [...ts].some((t) => t === id || (!id.includes('.') && t.startsWith(`${id}.`)))).length;
    const order = index.tactics('enterprise-attack').map((t) => t.shortname);
    const firstTactic = (id: string) => Math.min(...(index.technique(id)?.tactics ?? []).map((t) => order.indexOf(t)));
    const keyed = r.gaps.filter((g) => g.status === 'uncovered').map((g) => [users(g.technique.id), firstTactic(g.technique.id), g.technique.id] as const);
    for (let i = 1; i < keyed.length; i++) {
      const [pa, ta] = keyed[i - 1];
      const [pb, tb] = keyed[i];
      assert.ok(pa > pb || (pa === pb && ta <= tb), `${keyed[i - 1].join('/')} before ${keyed[i].join('/')}`);
    }
    assert.ok(keyed[0][0] > keyed[keyed.length - 1][0], 'not in ID order: the most used come first');
  });

  it('ranks by weight, uncovered before partial, then by ID; covered techniques drop out', () => {
    const m = model(rules(['T1059.003'], ['T1003.001'], ['T1021.001'], ['T1110']));
    const r = rankGaps(m, profile({ 'T1059.001': 2, T1059: 1, 'T1003.001': 2, T1021: 3, T1110: 1, 'T1566.001': 2 }));
    assert.deepStrictEqual(r.gaps.map((g) => g.technique.id), ['T1021', 'T1059.001', 'T1566.001', 'T1059']);
    assert.deepStrictEqual(r.gaps.map((g) => g.weight), [3, 2, 2, 2], 'T1059 takes the weight of T1059.001');
    assert.deepStrictEqual(r.gaps.map((g) => g.status), ['partial', 'uncovered', 'uncovered', 'partial']);
    assert.strictEqual(r.interest, 6);
    assert.strictEqual(r.covered, 2);
    assert.strictEqual(r.mode, 'profile');
  });

  it('reports partial coverage with the sub-technique count from the raw STIX', () => {
    const m = model(rules(['T1059.003', 'T1059.001'], ['T1059.005']));
    const gap = rankGaps(m, profile({ T1059: 1 })).gaps[0];
    assert.strictEqual(gap.status, 'partial');
    const total = rawSubCount('T1059');
    assert.ok(total >= 9);
    assert.deepStrictEqual(gap.subtechniques, { covered: 3, total });
    assert.strictEqual(gapStatusText(gap), `partial: 3/${total} sub-techniques`);
    const none = rankGaps(model([]), profile({ T1059: 1 })).gaps[0];
    assert.strictEqual(gapStatusText(none), 'no rules');
    assert.deepStrictEqual(none.subtechniques, { covered: 0, total });
  });

  it('breaks weight ties among partial gaps by the share of covered sub-techniques', () => {
    // Cover 1 of T1003's sub-techniques and 3 of T1021's, then the other way round.
    const m = model(rules(['T1003.001'], ['T1021.001', 'T1021.002', 'T1021.003']));
    const r = rankGaps(m, profile({ T1003: 1, T1021: 1 }));
    assert.deepStrictEqual(r.gaps.map((g) => g.technique.id), ['T1003', 'T1021']);
    const r2 = rankGaps(model(rules(['T1003.001', 'T1003.002', 'T1003.003', 'T1003.004'], ['T1021.001'])), profile({ T1003: 1, T1021: 1 }));
    assert.deepStrictEqual(r2.gaps.map((g) => g.technique.id), ['T1021', 'T1003']);
  });

  it('notes when a sub-technique’s parent has rules of its own', () => {
    const gap = rankGaps(model(rules(['T1059'])), profile({ 'T1059.001': 1 })).gaps[0];
    assert.strictEqual(gap.technique.id, 'T1059.001');
    assert.strictEqual(gap.parentRules, 1);
    assert.strictEqual(gapStatusText(gap), 'no rules (parent T1059 has 1)');
  });

  it('follows revoked IDs, lists unknown ones and leaves out-of-scope techniques out', () => {
    const r = rankGaps(model([], ['Windows']), profile({ T1086: 1, T9999: 1, 'T1547.009': 1, 'T1543.001': 1 }));
    assert.deepStrictEqual(r.unknown, ['T9999']);
    // T1086 (PowerShell) was revoked by T1059.001; T1543.001 (Launch Agent) is macOS only.
    assert.deepStrictEqual(r.gaps.map((g) => g.technique.id).sort(), ['T1059.001', 'T1547.009']);
    assert.deepStrictEqual(r.outOfScope, ['T1543.001']);
  });

  it('lists the profile’s actors per gap, or without a profile the ATT&CK groups', () => {
    const raw = rawStix(ENTERPRISE);
    const p = profileFromActors(enterprise18(), ['G0016', 'G0007']);
    const r = rankGaps(model([]), p);
    for (const g of r.gaps) {
      assert.ok(g.actors.length >= 1 && g.actors.every((a) => a.id === 'G0016' || a.id === 'G0007'), g.technique.id);
      assert.strictEqual(g.reason, `used by ${g.actors.length} of 2 actors`);
    }
    const both = [...raw.uses.get('G0016')!].filter((t) => raw.uses.get('G0007')!.has(t));
    assert.deepStrictEqual(r.gaps.filter((g) => g.weight === 2 && g.technique.isSubtechnique).map((g) => g.technique.id).sort(), both.filter((t) => t.includes('.')).sort());

    const prevalence = rankGaps(model([]));
    assert.strictEqual(prevalence.mode, 'prevalence');
    const sub = prevalence.gaps.find((g) => g.technique.id === 'T1059.001')!;
    const rawGroups = [...raw.uses].filter(([id, ts]) => id.startsWith('G') && ts.has('T1059.001')).map(([id]) => id).sort();
    assert.deepStrictEqual(sub.actors.map((a) => a.id).sort(), rawGroups);
    assert.strictEqual(sub.weight, rawGroups.length);
  });

  it('ranks every group-used technique in prevalence mode, in non-increasing weight', () => {
    const raw = rawStix(ENTERPRISE);
    const used = new Set<string>();
    for (const [id, ts] of raw.uses) if (id.startsWith('G') && isActiveRaw(raw.byAttackId.get(id))) for (const t of ts) used.add(t);
    const r = rankGaps(model(rules(['T1105'])));
    const ids = r.gaps.map((g) => g.technique.id);
    assert.deepStrictEqual([...ids].sort(), [...used].filter((t) => t !== 'T1105').sort());
    for (let i = 1; i < r.gaps.length; i++) assert.ok(r.gaps[i - 1].weight >= r.gaps[i].weight);
    assert.strictEqual(rankGaps(model([]), undefined, { limit: 5 }).gaps.length, 5);
    assert.deepStrictEqual(matrixGaps(rankGaps(model([]), undefined, { limit: 2 })).map((g) => g.id), rankGaps(model([])).gaps.slice(0, 2).map((g) => g.technique.id));
  });

  it('gives the detection strategies and data components a rule would need', () => {
    const t = gapTelemetry(enterprise18(), 'T1059.001');
    assert.ok(t.strategies.length >= 1 && t.strategies.every((s) => s.techniques.includes('T1059.001')));
    assert.ok(t.dataComponents.length >= 1);
  });
});
