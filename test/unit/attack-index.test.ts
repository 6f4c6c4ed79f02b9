import * as assert from 'assert';
import { compileBundle, stripCitations } from '../../src/attack/compile';
import { AttackIndex, normalizeId, tacticShortname, attackUrl } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { readStixBundle } from '../../src/attack/stix';
import { AttackDataError } from '../../src/attack/types';
import { index18, loadBundle, rawObjects } from './helpers/attackData';

type Raw = Record<string, any>;
const mitreId = (o: Raw): string | undefined =>
  (o.external_references ?? []).find((r: Raw) => String(r.source_name).startsWith('mitre') && r.external_id)?.external_id;

describe('ATT&CK index on the real Enterprise 18.1 bundle (needs ../shared)', () => {
  let index: AttackIndex;
  let raw: Raw[];
  before(() => {
    index = index18();
    raw = rawObjects('enterprise-attack-18.1.json');
  });

  it('reads the domain and version', () => {
    const d = index.domain('enterprise-attack');
    assert.ok(d);
    assert.strictEqual(d.version, '18.1');
    assert.strictEqual(index.versionLabel, 'ATT&CK v18.1');
  });

  it('names a sub-technique with its parent, as the ATT&CK site does, from the raw STIX names', () => {
    const named = (id: string) => raw.find((o) => mitreId(o) === id && o.type === 'attack-pattern')!.name as string;
    assert.strictEqual(index.fullName('T1059.001'), `${named('T1059')}: ${named('T1059.001')}`);
    assert.strictEqual(index.fullName('attack.t1059'), named('T1059'));
    assert.strictEqual(index.fullName('TA0002'), 'Execution');
    assert.strictEqual(index.fullName('T9999'), 'T9999');
  });

  it('has 216 active techniques, 475 active sub-techniques and 14 tactics', () => {
    const active = index.activeTechniques('enterprise-attack');
    assert.strictEqual(active.filter((t) => !t.isSubtechnique).length, 216);
    assert.strictEqual(active.filter((t) => t.isSubtechnique).length, 475);
    assert.strictEqual(index.tactics('enterprise-attack').length, 14);
  });

  it('counts active techniques the same way as a direct read of the STIX', () => {
    const expected = raw.filter((o) => o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated).length;
    assert.strictEqual(index.activeTechniques('enterprise-attack').length, expected);
  });

  it('orders tactics as the matrix does', () => {
    const matrix = raw.find((o) => o.type === 'x-mitre-matrix')!;
    const byStix = new Map(raw.filter((o) => o.type === 'x-mitre-tactic').map((o) => [o.id, o.x_mitre_shortname]));
    assert.deepStrictEqual(
      index.tactics('enterprise-attack').map((t) => t.shortname),
      matrix.tactic_refs.map((r: string) => byStix.get(r)),
    );
    assert.strictEqual(index.tactics()[0].shortname, 'reconnaissance');
    assert.strictEqual(index.tactics()[13].id, 'TA0040');
  });

  it('resolves T1086 to T1059.001 and T1574.002 to T1574.001', () => {
    assert.strictEqual(index.technique('T1086')?.revoked, true);
    assert.strictEqual(index.replacementOf('T1086'), 'T1059.001');
    assert.strictEqual(index.replacementOf('T1574.002'), 'T1574.001');
    assert.strictEqual(index.replacementOf('T1059.001'), undefined);
  });

  it('resolves every revocation chain to an active entry', () => {
    const revoked = [...index.entries()].filter((e) => e.revoked && e.revokedBy);
    assert.ok(revoked.length > 100, `expected many revoked entries, got ${revoked.length}`);
    const chained: string[] = [];
    for (const e of revoked) {
      const end = index.resolve(e.id);
      assert.ok(end && !end.revoked, `${e.id} does not resolve to an active entry`);
      if (index.get(e.revokedBy!)?.revoked) chained.push(e.id);
    }
    // 18.1 has two-step chains: T1073 → T1574.002 → T1574.001.
    assert.ok(chained.includes('T1073'), `chains found: ${chained.join(', ')}`);
    assert.strictEqual(index.get('T1073')?.revokedBy, 'T1574.002');
    assert.strictEqual(index.replacementOf('T1073'), 'T1574.001');
  });

  it('follows a multi-step revocation chain', () => {
    // Built by hand: A revoked by B, B revoked by C.
    const b = loadBundle('enterprise-attack-18.1.json');
    const tech = (id: string, revoked: boolean) => ({
      type: 'attack-pattern',
      id: `attack-pattern--${id}`,
      name: id,
      revoked,
      external_references: [{ source_name: 'mitre-attack', external_id: id }],
    });
    const rel = (from: string, to: string) => ({
      type: 'relationship',
      id: `relationship--${from}-${to}`,
      relationship_type: 'revoked-by',
      source_ref: `attack-pattern--${from}`,
      target_ref: `attack-pattern--${to}`,
    });
    const bundle = readStixBundle(
      JSON.stringify({ type: 'bundle', id: 'bundle--x', objects: [...b.objects.filter((o) => o.type === 'x-mitre-matrix' || o.type === 'x-mitre-tactic'), tech('T9001', true), tech('T9002', true), tech('T9003', false), rel('T9001', 'T9002'), rel('T9002', 'T9003')] }),
      'chain-test.json',
    );
    const small = new AttackIndex([compileBundle(bundle)]);
    assert.strictEqual(small.replacementOf('T9001'), 'T9003');
    assert.strictEqual(small.resolve('t9001')?.id, 'T9003');
  });

  it('looks up IDs in any spelling', () => {
    for (const s of ['T1059.001', 't1059.001', 'attack.t1059.001', 'ATTACK.T1059.001', 'T1059/001', ' T1059.001 ']) {
      assert.strictEqual(index.get(s)?.name, 'PowerShell', s);
    }
    assert.strictEqual(index.get('T1059.1'), undefined);
    assert.strictEqual(index.get('attack.execution'), undefined);
  });

  it('looks up exact names, including Parent: Sub names and aliases', () => {
    assert.ok(index.byExactName('PowerShell').some((e) => e.id === 'T1059.001'));
    assert.deepStrictEqual(
      index.byExactName('Command and Scripting Interpreter: PowerShell').map((e) => e.id),
      ['T1059.001'],
    );
    assert.ok(index.byExactName('cozy bear').some((e) => e.id === 'G0016'));
  });

  it('finds tactics by ID, shortname, display name and Sentinel spelling', () => {
    for (const s of ['TA0005', 'defense-evasion', 'Defense Evasion', 'DefenseEvasion']) {
      assert.strictEqual(index.tactic(s)?.id, 'TA0005', s);
    }
    assert.strictEqual(index.tactic('CommandAndControl')?.id, 'TA0011');
    assert.strictEqual(index.tactic('execution')?.id, 'TA0002');
    assert.strictEqual(index.tactic('execution', 'ics-attack')?.id, 'TA0104');
    assert.strictEqual(index.tactic('not-a-tactic'), undefined);
  });

  it('keeps technique details: parent, tactics, platforms, URL, citations removed', () => {
    const t = index.technique('T1059.001')!;
    assert.strictEqual(t.parent, 'T1059');
    assert.deepStrictEqual(t.tactics, ['execution']);
    assert.ok(t.platforms.includes('Windows'));
    assert.strictEqual(t.url, 'https://attack.mitre.org/techniques/T1059/001');
    assert.ok(!/\(Citation:/.test(t.description));
    const rawT = raw.find((o) => mitreId(o) === 'T1059.001')!;
    assert.ok(/\(Citation:/.test(rawT.description), 'the raw description had citations to remove');
    assert.ok(index.subtechniques('T1059').some((s) => s.id === 'T1059.001'));
  });

  it('links groups, software, campaigns and mitigations to techniques as the relationships say', () => {
    const apt29 = index.group('G0016')!;
    assert.ok(apt29.aliases.includes('Cozy Bear'));
    const stixId = raw.find((o) => mitreId(o) === 'G0016')!.id;
    const byStix = new Map(raw.map((o) => [o.id, mitreId(o)]));
    const expected = new Set(
      raw
        .filter((o) => o.type === 'relationship' && o.relationship_type === 'uses' && o.source_ref === stixId && !o.revoked && !o.x_mitre_deprecated && String(o.target_ref).startsWith('attack-pattern--'))
        .map((o) => byStix.get(o.target_ref)),
    );
    assert.deepStrictEqual(new Set(apt29.techniques), expected);
    assert.ok(index.groupsUsing('T1059.001').some((g) => g.id === 'G0016'));
    assert.ok(index.mitigationsFor('T1059.001').length > 0);
  });

  it('says how a technique is detected (v18 detection strategies, analytics, data components)', () => {
    const strategies = index.detectionStrategiesFor('T1059.001');
    assert.ok(strategies.length >= 1);
    assert.ok(strategies.every((s) => s.id.startsWith('DET')));
    assert.ok(index.analyticsFor('T1059.001').length >= 1);
    assert.ok(index.dataComponentsFor('T1059.001').every((c) => c.id.startsWith('DC')));
    assert.ok(index.dataComponentsFor('T1059.001').length >= 1);
  });
});

describe('ATT&CK search (needs ../shared)', () => {
  let search: AttackSearch;
  before(() => (search = new AttackSearch(index18())));

  it('finds PowerShell from "powersh" first among techniques', () => {
    const hits = search.search('powersh', { kinds: ['technique'], limit: 5 });
    assert.strictEqual(hits[0]?.entry.id, 'T1059.001');
  });

  it('finds APT29 from "cozy" and from "Cozy Bear"', () => {
    assert.ok(search.search('cozy', { kinds: ['group'], limit: 5 }).some((h) => h.entry.id === 'G0016'));
    assert.strictEqual(search.search('Cozy Bear', { limit: 3 })[0]?.entry.id, 'G0016');
  });

  it('lists ID-prefix matches with the parent before its sub-techniques and no revoked entries', () => {
    const ids = search.byIdPrefix('T1059').map((e) => e.id);
    assert.strictEqual(ids[0], 'T1059');
    assert.ok(ids.includes('T1059.001'));
    assert.ok(ids.every((id) => id.startsWith('T1059')));
    assert.ok(!search.byIdPrefix('T108').some((e) => e.id === 'T1086'), 'revoked T1086 offered');
    assert.ok(!search.byIdPrefix('T').some((e) => e.id.startsWith('TA')));
  });
});

describe('ATT&CK ids and bundles', () => {
  it('normalizes and rejects ID spellings', () => {
    assert.strictEqual(normalizeId('attack.t1003.001'), 'T1003.001');
    assert.strictEqual(normalizeId('ta0002'), 'TA0002');
    assert.strictEqual(normalizeId('T10590'), undefined);
    assert.strictEqual(normalizeId('execution'), undefined);
  });

  it('spells tactic shortnames and URLs', () => {
    assert.strictEqual(tacticShortname('CommandAndControl'), 'command-and-control');
    assert.strictEqual(tacticShortname('Defense Evasion'), 'defense-evasion');
    assert.strictEqual(attackUrl('T1059.001'), 'https://attack.mitre.org/techniques/T1059/001/');
    assert.strictEqual(attackUrl('G0016', 'https://mirror.example/attack/'), 'https://mirror.example/attack/groups/G0016/');
  });

  it('strips citation markers', () => {
    assert.strictEqual(stripCitations('Foo.(Citation: A B)(Citation: C) Bar. (Citation: D)'), 'Foo. Bar.');
  });

  it('rejects broken and foreign bundles with a clear AttackDataError', () => {
    assert.throws(() => readStixBundle('{not json', 'x.json'), (e: unknown) => e instanceof AttackDataError && /not valid JSON/.test((e as Error).message));
    assert.throws(() => readStixBundle('{"type":"report"}', 'x.json'), /not a STIX bundle/);
    assert.throws(() => readStixBundle('{"type":"bundle"}', 'x.json'), /no "objects" array/);
    assert.throws(
      () => readStixBundle('{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","id":"indicator--1"}]}', 'x.json'),
      /not MITRE ATT&CK data/,
    );
  });

  it('reads Mobile and ICS with their own tactics and version (needs ../shared)', () => {
    const index = index18();
    assert.strictEqual(index.domain('mobile-attack')?.version, '18.1');
    assert.strictEqual(index.domain('ics-attack')?.version, '18.1');
    assert.ok(index.tactics('ics-attack').some((t) => t.shortname === 'inhibit-response-function'));
    assert.strictEqual(index.technique('T0800')?.domain, 'ics-attack');
  });

  it('reads STIX 2.1 bundles (spec_version on objects, x-mitre-collection version) (needs ../shared)', () => {
    const b = loadBundle('ics-attack-18.1.json');
    const objects = b.objects.map((o) => ({ ...o, spec_version: '2.1' }));
    const collection = { type: 'x-mitre-collection', id: 'x-mitre-collection--1', spec_version: '2.1', name: 'ICS ATT&CK', x_mitre_version: '18.1' };
    const parsed = readStixBundle(JSON.stringify({ type: 'bundle', id: 'bundle--2', objects: [collection, ...objects] }), 'no-version-in-name.json');
    assert.strictEqual(parsed.version, '18.1');
    assert.strictEqual(parsed.domain, 'ics-attack');
    assert.strictEqual(compileBundle(parsed).techniques.length, compileBundle(b).techniques.length);
  });
});
