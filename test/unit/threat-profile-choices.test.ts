import * as assert from 'assert';
import { AttackSearch } from '../../src/attack/search';
import { actorDetail, actorProfileName, allActors, readTechniqueList, searchActors, techniqueListMessage, typedTechniqueList } from '../../src/commands/threatProfileChoices';
import { AttackIndex } from '../../src/attack/index';
import { miniIndex } from './helpers/miniAttack';
import { enterprise18, isActiveRaw, rawStix } from './helpers/rawStix';

// The data behind "Choose threat profile"'s pickers, against the raw Enterprise 18.1 STIX.

const ENTERPRISE = 'enterprise-attack-18.1.json';

/** ATT&CK IDs of active intrusion sets / campaigns / software whose name or aliases contain the text (raw STIX, no project code). */
function rawActorsNamed(text: string): string[] {
  const raw = rawStix(ENTERPRISE);
  const out: string[] = [];
  for (const [id, o] of raw.byAttackId) {
    if (!['intrusion-set', 'campaign', 'malware', 'tool'].includes(o.type as string) || !isActiveRaw(o)) continue;
    const names = [o.name as string, ...((o.aliases as string[] | undefined) ?? []), ...((o.x_mitre_aliases as string[] | undefined) ?? [])];
    if (names.some((n) => n.toLowerCase() === text.toLowerCase())) out.push(id);
  }
  return out;
}

describe('threat profile choices (needs ../shared)', () => {
  let index: AttackIndex;
  let search: AttackSearch;
  before(() => {
    index = enterprise18();
    search = new AttackSearch(index);
  });

  it('finds actors by alias: each exact alias in the raw STIX is the first hit for it', () => {
    for (const alias of ['Cozy Bear', 'Fancy Bear', 'Carbanak', 'Sandworm Team', 'Midnight Blizzard', 'Lazarus Group', 'Wizard Spider', 'Cobalt Strike']) {
      const expected = rawActorsNamed(alias);
      assert.ok(expected.length > 0, `${alias} is an alias or name in the raw STIX`);
      const hits = searchActors(search, alias, 10).map((a) => a.id);
      assert.ok(expected.includes(hits[0]), `${alias}: first hit ${hits[0]}, expected one of ${expected.join(', ')}`);
    }
    assert.deepStrictEqual(rawActorsNamed('Cozy Bear'), ['G0016']);
    assert.strictEqual(searchActors(search, 'Cozy Bear')[0].name, 'APT29');
  });

  it('matches aliases fuzzily and lists only groups, campaigns and software', () => {
    const hits = searchActors(search, 'cozy bar', 5).map((a) => a.id);
    assert.ok(hits.includes('G0016'), `a typo still finds APT29 among the first five: ${hits.join(', ')}`);
    const mixed = searchActors(search, 'powershell', 50);
    assert.ok(mixed.length > 0);
    assert.ok(mixed.every((a) => ['group', 'campaign', 'software'].includes(a.kind)), 'no techniques in the actor picker');
    assert.ok(mixed.some((a) => a.id === 'S0194'), 'PowerSploit-like software matches by name');
    assert.deepStrictEqual(searchActors(search, 'g0016').map((a) => a.id)[0], 'G0016', 'an ID finds its actor');
  });

  it('lists every active group, then campaigns, then software, before anything is typed', () => {
    const raw = rawStix(ENTERPRISE);
    const count = (types: string[]) => [...raw.byAttackId.values()].filter((o) => types.includes(o.type as string) && isActiveRaw(o)).length;
    const all = allActors(index);
    const kinds = all.map((a) => a.kind);
    assert.strictEqual(kinds.filter((k) => k === 'group').length, count(['intrusion-set']));
    assert.strictEqual(kinds.filter((k) => k === 'campaign').length, count(['campaign']));
    assert.strictEqual(kinds.filter((k) => k === 'software').length, count(['malware', 'tool']));
    assert.strictEqual(kinds.indexOf('campaign'), kinds.lastIndexOf('group') + 1);
    assert.match(actorDetail(index.group('G0016')!), /^group · \d+ techniques · aka .*Cozy Bear/);
  });

  it('reads a typed technique list: revoked IDs replaced, unknown IDs and non-IDs rejected', () => {
    const raw = rawStix(ENTERPRISE);
    const ok = readTechniqueList(index, 'T1059.001, t1003;T1566\nT1086 T1059.001');
    assert.strictEqual(raw.revokedBy.get('T1086'), 'T1059.001');
    assert.deepStrictEqual(ok.ids, ['T1059.001', 'T1003', 'T1566']);
    assert.deepStrictEqual(ok.replaced, [{ from: 'T1086', to: 'T1059.001' }]);
    const note = techniqueListMessage(ok, index.versionLabel);
    assert.strictEqual(note?.error, false);
    assert.match(note!.message, /T1086 → T1059\.001/);
    const bad = readTechniqueList(index, 'T1059.001, T9999, powershell');
    assert.deepStrictEqual(bad.unknown, ['T9999']);
    assert.deepStrictEqual(bad.notIds, ['powershell']);
    assert.strictEqual(techniqueListMessage(bad, index.versionLabel)?.error, true);
    assert.match(techniqueListMessage(readTechniqueList(index, 'T9999'), index.versionLabel)!.message, /Not in .*T9999/);
    assert.strictEqual(techniqueListMessage(readTechniqueList(index, ''), index.versionLabel)?.error, true);
    assert.strictEqual(techniqueListMessage(readTechniqueList(index, 'T1059.001 T1003'), index.versionLabel), undefined);
    const dep = readTechniqueList(index, 'T1064');
    assert.strictEqual(raw.byAttackId.get('T1064')?.x_mitre_deprecated, true);
    assert.deepStrictEqual([dep.ids, dep.deprecated], [['T1064'], ['T1064']]);
  });
});

// The same pickers on the synthetic bundle (its README: T1086 revoked by T1059.001, T1064
// deprecated, G0016 APT29 alias Cozy Bear, G0007 APT28 alias Fancy Bear, G0099 deprecated).
describe('threat profile choices on the synthetic bundle', () => {
  it('finds an actor by alias and by ID', () => {
    const search = new AttackSearch(miniIndex());
    assert.strictEqual(searchActors(search, 'Cozy Bear')[0].id, 'G0016');
    assert.strictEqual(searchActors(search, 'Fancy Bear')[0].name, 'APT28');
    assert.strictEqual(searchActors(search, 'g0007')[0].id, 'G0007');
  });

  it('lists the active groups, then the campaign, then the software', () => {
    assert.deepStrictEqual(allActors(miniIndex()).map((a) => `${a.kind} ${a.id}`).sort(), ['campaign C0024', 'group G0007', 'group G0016', 'software S0002']);
    const kinds = allActors(miniIndex()).map((a) => a.kind);
    assert.deepStrictEqual(kinds, ['group', 'group', 'campaign', 'software']);
  });

  it('reads a typed technique list: revoked IDs replaced, unknown IDs and non-IDs rejected', () => {
    const index = miniIndex();
    const ok = readTechniqueList(index, 'T1059.001, t1003;T1027\nT1086 T1059.001');
    assert.deepStrictEqual(ok.ids, ['T1059.001', 'T1003', 'T1027']);
    assert.deepStrictEqual(ok.replaced, [{ from: 'T1086', to: 'T1059.001' }]);
    assert.match(techniqueListMessage(ok, index.versionLabel)!.message, /T1086 → T1059\.001/);
    const bad = readTechniqueList(index, 'T1059.001, T1566, powershell');
    assert.deepStrictEqual(bad.unknown, ['T1566'], 'T1566 is real ATT&CK but not in the fixture');
    assert.deepStrictEqual(bad.notIds, ['powershell']);
    assert.strictEqual(techniqueListMessage(bad, index.versionLabel)?.error, true);
    const dep = readTechniqueList(index, 'T1064');
    assert.deepStrictEqual([dep.ids, dep.deprecated], [['T1064'], ['T1064']]);
  });
});

describe('threat profile choices on the synthetic bundle: names and typed lists', () => {
  it('names a profile after up to three actors, keeps the name when the same actors are chosen again, and asks beyond three', () => {
    const index = miniIndex();
    const actor = (id: string) => {
      const e = index.resolve(id);
      assert.ok(e && (e.kind === 'group' || e.kind === 'campaign' || e.kind === 'software'), id);
      return e;
    };
    const [apt29, apt28, mimikatz, c0024] = ['G0016', 'G0007', 'S0002', 'C0024'].map(actor);
    assert.deepStrictEqual(actorProfileName([apt29]), { name: 'APT29' });
    assert.deepStrictEqual(actorProfileName([apt29, apt28, mimikatz]), { name: `APT29, APT28, ${mimikatz.name}` });
    assert.deepStrictEqual(actorProfileName([apt29, apt28], { name: 'Russian services', actors: ['G0016', 'G0007'] }), { name: 'Russian services' });
    assert.deepStrictEqual(actorProfileName([apt29], { name: 'Russian services', actors: ['G0016', 'G0007'] }), { name: 'APT29' }, 'other actors: named after them');
    assert.deepStrictEqual(actorProfileName([apt29, apt28, mimikatz, c0024]), { name: `APT29, APT28, ${mimikatz.name} + 1 more`, ask: true });
  });

  it('reads typed text as a technique list only when it holds nothing but known technique IDs', () => {
    const index = miniIndex();
    assert.deepStrictEqual(typedTechniqueList(index, 'T1059.001, t1003')?.ids, ['T1059.001', 'T1003']);
    assert.deepStrictEqual(typedTechniqueList(index, 'T1086')?.ids, ['T1059.001'], 'revoked: its replacement');
    for (const text of ['cozy bear', 'G0016', 'T1059.001 cozy', 'T9999', 'APT29']) assert.strictEqual(typedTechniqueList(index, text), undefined, text);
  });
});
