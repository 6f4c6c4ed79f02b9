import * as assert from 'assert';
import { AttackSearch } from '../../src/attack/search';
import { parseLayer, isLayerError } from '../../src/coverage/layerImport';
import { prevalenceProfile, profileFromActors, profileFromIds, profileFromLayer, profileFromSetting, techniqueIdsIn, ThreatProfile, weights } from '../../src/coverage/profile';
import { miniIndex } from './helpers/miniAttack';
import { enterprise18, isActiveRaw, rawStix } from './helpers/rawStix';

// Threat profile weights on the synthetic bundle (test/fixtures/stix/, worked out by hand), then
// against the raw Enterprise 18.1 STIX (relationships read directly; needs ../shared).

const ENTERPRISE = 'enterprise-attack-18.1.json';

const custom = (techniques: Record<string, number>): ThreatProfile => ({ name: 'test', actors: [], techniques, source: 'ids' });

describe('threat profile on the synthetic bundle', () => {
  it('counts the actors using each technique; a revoked technique counts for its replacement, a deprecated one not at all', () => {
    // G0016 uses T1003.001, T1027, T1059.001, T1547.001; G0007 uses T1059.003, T1547.001, T1003.001,
    // the revoked T1086 (now T1059.001) and the deprecated T1064.
    const p = profileFromActors(miniIndex(), ['G0016', 'G0007']);
    assert.deepStrictEqual(p.techniques, { 'T1003.001': 2, T1027: 1, 'T1059.001': 2, 'T1059.003': 1, 'T1547.001': 2 });
    assert.deepStrictEqual(p.actors, ['G0016', 'G0007']);
    assert.strictEqual(p.name, 'APT29, APT28');
  });
});

describe('threat profile (needs ../shared)', () => {
  it('weights an actor profile with the actor’s direct `uses` relationships from the raw STIX', () => {
    const raw = rawStix(ENTERPRISE);
    const expected = [...raw.uses.get('G0016')!].sort();
    assert.ok(expected.length > 30, 'APT29 uses many techniques');
    const p = profileFromActors(enterprise18(), ['G0016']);
    assert.deepStrictEqual(Object.keys(p.techniques), expected);
    assert.ok(Object.values(p.techniques).every((w) => w === 1));
    assert.deepStrictEqual(p.actors, ['G0016']);
    assert.strictEqual(p.name, 'APT29');
    assert.strictEqual(p.source, 'actors');
  });

  it('counts how many selected actors use each technique', () => {
    const raw = rawStix(ENTERPRISE);
    const ids = ['G0016', 'G0007', 'G0032'];
    const p = profileFromActors(enterprise18(), ids);
    const count = new Map<string, number>();
    for (const g of ids) for (const t of raw.uses.get(g)!) count.set(t, (count.get(t) ?? 0) + 1);
    assert.deepStrictEqual(new Map(Object.entries(p.techniques)), new Map([...count].sort()));
    assert.ok([...count.values()].includes(3), 'some technique is used by all three');
    assert.strictEqual(p.detail, '3 groups');
  });

  it('does not give a group the techniques of the software it uses', () => {
    const raw = rawStix(ENTERPRISE);
    const direct = raw.uses.get('G0016')!;
    const software = enterprise18().group('G0016')!.software;
    const viaSoftware = new Set(software.flatMap((s) => [...(raw.uses.get(s) ?? [])]).filter((t) => !direct.has(t)));
    assert.ok(viaSoftware.size > 0, 'APT29’s software uses techniques APT29 itself is not linked to');
    const p = profileFromActors(enterprise18(), ['G0016']);
    for (const t of viaSoftware) assert.strictEqual(p.techniques[t], undefined, t);
    const withSoftware = profileFromActors(enterprise18(), ['G0016', software[0]]);
    for (const t of raw.uses.get(software[0]) ?? []) assert.ok(withSoftware.techniques[t] >= 1);
  });

  it('ignores IDs that are not actors and finds actors by alias through the search', () => {
    const p = profileFromActors(enterprise18(), ['T1059', 'G9999', 'g0016', 'G0016']);
    assert.deepStrictEqual(p.actors, ['G0016']);
    const hit = new AttackSearch(enterprise18()).search('Cozy Bear', { kinds: ['group'], limit: 5 });
    assert.strictEqual(hit[0].entry.id, 'G0016');
  });

  it('gives a parent the max of its own and its sub-techniques’ weights, sub-techniques as given', () => {
    const w = weights(custom({ 'T1059.001': 3, 'T1059.003': 1, T1059: 2, 'T1003.001': 1, T1003: 4, 'T1021.002': 2 }));
    assert.strictEqual(w.get('T1059'), 3);
    assert.strictEqual(w.get('T1059.001'), 3);
    assert.strictEqual(w.get('T1059.003'), 1);
    assert.strictEqual(w.get('T1003'), 4);
    assert.strictEqual(w.get('T1003.001'), 1);
    assert.strictEqual(w.get('T1021'), 2, 'a parent only its sub-technique names');
    assert.strictEqual(w.size, 7);
  });

  it('reads technique IDs from lists and free text', () => {
    assert.deepStrictEqual(techniqueIdsIn('T1059.001, attack.t1003 t1059/001\nTA0002 G0016 foo T1566.002;T1566.002'), ['T1059.001', 'T1003', 'T1566.002']);
    const p = profileFromIds(['T1059.001', 'T1003']);
    assert.deepStrictEqual(p.techniques, { T1003: 1, 'T1059.001': 1 });
    assert.strictEqual(p.source, 'ids');
  });

  it('weights by prevalence: the number of active groups using each technique, from the raw STIX', () => {
    const raw = rawStix(ENTERPRISE);
    const counts = new Map<string, number>();
    let groups = 0;
    for (const [id, o] of raw.byAttackId) {
      if (o.type !== 'intrusion-set' || !isActiveRaw(o)) continue;
      groups++;
      for (const t of raw.uses.get(id) ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const p = prevalenceProfile(enterprise18(), 'enterprise-attack');
    assert.strictEqual(p.name, `prevalence across ${groups} ATT&CK groups`);
    assert.deepStrictEqual(new Map(Object.entries(p.techniques)), new Map([...counts].sort()));
    const top = [...counts].sort((a, b) => b[1] - a[1])[0];
    assert.ok(top[1] > 50, `the most used technique (${top[0]}) is used by many groups`);
    assert.strictEqual(prevalenceProfile(enterprise18(), 'enterprise-attack'), p, 'cached');
  });

  it('reads the setting: empty → none, actors only → from the index, bad entries dropped', () => {
    assert.strictEqual(profileFromSetting({}), undefined);
    assert.strictEqual(profileFromSetting(undefined), undefined);
    const fromActors = profileFromSetting({ actors: ['G0016'] }, enterprise18())!;
    assert.deepStrictEqual(fromActors.techniques, profileFromActors(enterprise18(), ['G0016']).techniques);
    const p = profileFromSetting({ name: 'Red team plan', techniques: { 't1059.001': 2, T1003: '3', TA0002: 1, T1021: -1, nonsense: 4 }, source: 'layer: plan.json' })!;
    assert.deepStrictEqual(p.techniques, { T1003: 3, 'T1059.001': 2 });
    assert.strictEqual(p.source, 'layer');
    assert.strictEqual(p.name, 'Red team plan');
  });

  it('weights a layer by score; unscored listed entries count 1, disabled and expand-only entries do not', () => {
    const layer = parseLayer({
      name: 'APT plan',
      versions: { layer: '4.5', attack: '18', navigator: '5.1.0' },
      domain: 'enterprise-attack',
      techniques: [
        { techniqueID: 'T1059', showSubtechniques: true },
        { techniqueID: 'T1059.001', score: 3, color: '#ff6666' },
        { techniqueID: 'T1003', tactic: 'credential-access', score: 0, comment: 'dump' },
        { techniqueID: 'T1021', tactic: 'lateral-movement' },
        { techniqueID: 'T1547.001', tactic: 'persistence', score: 2 },
        { techniqueID: 'T1547.001', tactic: 'privilege-escalation', score: 5 },
        { techniqueID: 'T1566', score: 4, enabled: false },
      ],
    });
    assert.ok(!isLayerError(layer), String(layer));
    const p = profileFromLayer(layer, 'plan.json');
    assert.deepStrictEqual(p.techniques, { T1003: 1, T1021: 1, 'T1059.001': 3, 'T1547.001': 5 });
    assert.strictEqual(p.name, 'APT plan');
    assert.strictEqual(p.detail, 'plan.json');
  });

  it('reads a list of layers (a multi-domain export): the one for the wanted domain, else the first; a bad one is named', () => {
    const one = (domain: string, id: string) => ({ name: domain, versions: { layer: '4.5' }, domain, techniques: [{ techniqueID: id }] });
    const list = [one('enterprise-attack', 'T1059'), one('ics-attack', 'T0807')];
    const ics = parseLayer(list, 'ics-attack');
    assert.ok(!isLayerError(ics), String(ics));
    assert.deepStrictEqual([ics.domain, ics.techniques.map((t) => t.techniqueID)], ['ics-attack', ['T0807']]);
    const fallback = parseLayer(list, 'mobile-attack');
    assert.ok(!isLayerError(fallback) && fallback.domain === 'enterprise-attack');
    const bad = parseLayer([one('enterprise-attack', 'T1059'), { ...one('ics-attack', 'T0807'), techniques: [{ score: 1 }] }]);
    assert.ok(isLayerError(bad));
    assert.strictEqual(bad.field, '[1].techniques[0].techniqueID');
    assert.match(bad.message, /^layer 2 of 2: techniques\[0\]\.techniqueID is missing/);
    assert.ok(isLayerError(parseLayer([])));
  });
});
