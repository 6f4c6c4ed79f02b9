import * as assert from 'assert';
import { changeForTactic, knownTacticChanges, tacticChanges, tacticReplacements } from '../../src/attack/tacticChanges';
import { KNOWN_TACTIC_RENAMES } from '../../src/attack/tacticRenames';
import { index18 } from './helpers/attackData';
import { indexOfObjects, rawV19Objects, v19Index } from './helpers/stixV19';

// Tactics renamed or removed between two versions, on the hand-written 18.1 → 19.0 pair.

type Raw = Record<string, unknown>;
const extId = (o: Raw) => (o.external_references as { external_id?: string }[] | undefined)?.[0]?.external_id;

describe('tactic renames and splits', () => {
  const before = v19Index('18.1');
  const after = v19Index('19.0');

  it('finds Defense Evasion renamed Stealth (same STIX id), with Defense Impairment new beside it', () => {
    const changes = tacticChanges(before, after, 'enterprise-attack');
    assert.strictEqual(changes.length, 1);
    const [c] = changes;
    assert.deepStrictEqual(c.former, { id: 'TA0005', shortname: 'defense-evasion', name: 'Defense Evasion' });
    assert.strictEqual(c.renamedTo?.shortname, 'stealth');
    assert.strictEqual(c.renamedTo?.stixId, before.tactic('defense-evasion')?.stixId, 'the same STIX object');
    assert.deepStrictEqual(c.descendants.map((t) => t.shortname), ['stealth', 'defense-impairment']);
    assert.deepStrictEqual(tacticChanges(before, before, 'enterprise-attack'), [], 'a version against itself changes nothing');
  });

  it('replaces the old tactic by the tactics the rule\'s techniques have now, revocations followed', () => {
    const [c] = tacticChanges(before, after, 'enterprise-attack');
    const of = (...ids: string[]) => tacticReplacements(c, after, ids).map((t) => t.shortname);
    assert.deepStrictEqual(of('T1685'), ['defense-impairment']);
    assert.deepStrictEqual(of('T1027'), ['stealth']);
    assert.deepStrictEqual(of('T1685', 'T1027'), ['stealth', 'defense-impairment']);
    assert.deepStrictEqual(of('T1562.001'), ['defense-impairment'], 'T1562.001 is revoked by T1685');
    assert.deepStrictEqual(of('T1070.001', 'T1059.001'), ['defense-impairment'], 'execution does not descend from Defense Evasion');
    assert.deepStrictEqual(of('T1497'), ['stealth'], 'T1497 left the tactic: the renamed tactic, not a guess');
    assert.deepStrictEqual(of(), ['stealth']);
  });

  it('a removed tactic is replaced only by tactics new in the newer version', () => {
    const discovery = rawV19Objects('18.1').find((o) => o.type === 'x-mitre-tactic' && extId(o) === 'TA0007')!;
    const objects = rawV19Objects('19.0')
      .filter((o) => !(o.type === 'x-mitre-tactic' && extId(o) === 'TA0007'))
      .map((o) => (o.type === 'x-mitre-matrix' ? { ...o, tactic_refs: (o.tactic_refs as string[]).filter((r) => r !== discovery.id) } : o));
    const removed = indexOfObjects(objects);
    const change = tacticChanges(before, removed, 'enterprise-attack').find((c) => c.former.shortname === 'discovery')!;
    assert.ok(change, 'discovery is reported removed');
    assert.strictEqual(change.renamedTo, undefined);
    assert.deepStrictEqual(change.descendants.map((t) => t.shortname), ['defense-impairment']);
    assert.deepStrictEqual(tacticReplacements(change, removed, ['T1497']).map((t) => t.shortname), [], 'nothing descends: no replacement, no guess');
    assert.deepStrictEqual(tacticReplacements(change, removed, ['T1685']).map((t) => t.shortname), ['defense-impairment']);
  });

  it('with only the newer data loaded, the known rename applies (and not to data that has not made it)', () => {
    const known = knownTacticChanges(after);
    assert.deepStrictEqual(known.map((c) => [c.former.shortname, c.renamedTo?.shortname, c.descendants.map((t) => t.shortname)]), [['defense-evasion', 'stealth', ['stealth', 'defense-impairment']]]);
    assert.deepStrictEqual(knownTacticChanges(before), []);
    for (const text of ['defense-evasion', 'Defense Evasion', 'DefenseEvasion', 'defense_evasion']) assert.strictEqual(changeForTactic(known, text)?.former.id, 'TA0005', text);
    assert.strictEqual(changeForTactic(known, 'stealth'), undefined);
    // The table matches the loaded tactic by STIX id: the fixture uses the real one.
    assert.strictEqual(after.tactic('stealth')?.stixId, KNOWN_TACTIC_RENAMES[0].stixId);
  });

  it('ATT&CK 18.1 has made no known rename (needs ../shared)', () => {
    assert.deepStrictEqual(knownTacticChanges(index18()), []);
    assert.strictEqual(index18().tactic('defense-evasion')?.stixId, KNOWN_TACTIC_RENAMES[0].stixId, 'the table names the real TA0005');
  });
});
