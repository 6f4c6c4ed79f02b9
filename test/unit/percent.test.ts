import * as assert from 'assert';
import { percentOf } from '../../src/coverage/model';
import { rankGaps } from '../../src/coverage/priorities';
import { profileFromIds } from '../../src/coverage/profile';
import { profileJson, profileSummary } from '../../src/coverage/profileReport';
import { CoverageModel } from '../../src/coverage/model';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { enterprise18 } from './helpers/rawStix';

// One rounding of coverage for every surface: one decimal (the coverage tree's rows used to round
// to a whole number while its tooltip and header showed one decimal).

describe('coverage percentages', () => {
  it('one decimal, half away from zero at the first decimal, 0 for an empty scope', () => {
    const cases: [number, number, number][] = [
      [1, 3, 33.3],
      [2, 3, 66.7],
      [1, 8, 12.5],
      [1, 6, 16.7],
      [7, 7, 100],
      [0, 5, 0],
      [0, 0, 0],
      [1, 200, 0.5],
      [1, 2000, 0.1],
    ];
    for (const [covered, total, want] of cases) assert.strictEqual(percentOf({ covered, total }), want, `${covered}/${total}`);
  });

  it('the threat profile summary and JSON round the same way (needs ../shared)', () => {
    const refs: AttackReference[] = [{ text: 'T1110', kind: 'technique', id: 'T1110', span: span(0, 0, 0, 5), field: 'tags', ruleIndex: 0 }];
    const files: ParsedRuleFile[] = [{ path: '/r.yml', format: 'sigma', problems: [], rules: [{ index: 0, title: 'r', deprecated: false, span: span(0, 0, 0, 0), platforms: [], references: refs }] }];
    const model = CoverageModel.build(files, enterprise18(), { domains: ['enterprise-attack'] });
    const ranking = rankGaps(model, profileFromIds(['T1110', 'T1486', 'T1490']));
    assert.strictEqual(profileJson(ranking).percent, 33.3);
    assert.match(profileSummary(ranking), /1\/3 techniques covered \(33\.3%\)/);
  });
});
