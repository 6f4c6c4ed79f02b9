import * as assert from 'assert';
import { kindOfId, normalizeId, readSigmaTag, tacticShortname } from '../../src/attack/ids';
import { kindOfReference } from '../../src/rules/refIds';

// The ID spelling rules of src/attack/ids.ts, in one place for the parsers, the checks, the index
// and the search: each spelling accepts what the one before it does, and a little more.

describe('ATT&CK ID spelling', () => {
  const table: [string, string | undefined, string | undefined, string | undefined][] = [
    // text, exact, lenient, any
    ['T1059.001', 'T1059.001', 'T1059.001', 'T1059.001'],
    [' attack.t1003.001 ', 'T1003.001', 'T1003.001', 'T1003.001'],
    ['T1059/001', 'T1059.001', 'T1059.001', 'T1059.001'],
    ['ta0002', 'TA0002', 'TA0002', 'TA0002'],
    ['g0016', 'G0016', 'G0016', 'G0016'],
    ['DET0001', 'DET0001', 'DET0001', 'DET0001'],
    ['t1059_001', undefined, 'T1059.001', 'T1059.001'],
    ['T1059-001', undefined, 'T1059.001', 'T1059.001'],
    ['T1059.1', undefined, undefined, 'T1059.001'],
    ['T1059 001', undefined, undefined, 'T1059.001'],
    ['T105', undefined, undefined, undefined],
    ['T10590', undefined, undefined, 'T1059.000'],
    ['execution', undefined, undefined, undefined],
    ['DS0005', undefined, undefined, undefined],
  ];
  for (const [text, exact, lenient, any] of table) {
    it(JSON.stringify(text), () => {
      assert.strictEqual(normalizeId(text), exact, 'exact');
      assert.strictEqual(normalizeId(text, 'lenient'), lenient, 'lenient');
      assert.strictEqual(normalizeId(text, 'any'), any, 'any');
    });
  }

  it('kinds by prefix; a rule names only techniques, tactics, groups, software, campaigns and mitigations', () => {
    assert.deepStrictEqual(['T1059', 'TA0002', 'G0016', 'S0154', 'C0024', 'M1042', 'DET0001', 'AN0001', 'DC0001'].map(kindOfId), ['technique', 'tactic', 'group', 'software', 'campaign', 'mitigation', 'detection-strategy', 'analytic', 'data-component']);
    assert.deepStrictEqual(['T1059', 'TA0002', 'M1042', 'DET0001', 'DC0001'].map(kindOfReference), ['technique', 'tactic', 'mitigation', undefined, undefined]);
  });

  it('tactic shortnames from any spelling', () => {
    for (const text of ['Defense Evasion', 'DefenseEvasion', 'defense_evasion', 'Defense-Evasion', 'defense - evasion']) assert.strictEqual(tacticShortname(text), 'defense-evasion', text);
  });

  it('Sigma tags: the parser reads leniently, the checks name what a slip meant', () => {
    assert.deepStrictEqual(readSigmaTag('attack.t1059.001', 'lenient'), { kind: 'id', id: 'T1059.001' });
    assert.deepStrictEqual(readSigmaTag('attack.t1059.1', 'lenient'), { kind: 'bad-id' });
    assert.deepStrictEqual(readSigmaTag('attack.t1059.1', 'any'), { kind: 'id', id: 'T1059.001' });
    assert.deepStrictEqual(readSigmaTag('attack.defense_evasion', 'lenient'), { kind: 'tactic', shortname: 'defense-evasion' });
    assert.deepStrictEqual(readSigmaTag('attack.ds0005', 'lenient'), { kind: 'other' });
    assert.strictEqual(readSigmaTag('cve.2021-44228', 'any'), undefined);
    assert.strictEqual(readSigmaTag('attack.t1059.001.002', 'any'), undefined);
  });
});
