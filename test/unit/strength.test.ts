import * as assert from 'assert';
import { DEFAULT_STRENGTH_WEIGHTS, maturityRank, readStrengthWeights, strengthScore } from '../../src/coverage/strength';

// The strength score (README "Strength score"), recomputed here from the documented formula.

function documented(ranks: number[], collected: boolean[] | undefined, w = DEFAULT_STRENGTH_WEIGHTS): number {
  const n = ranks.length;
  const rules = Math.min(1, Math.log(1 + n) / Math.log(1 + w.saturation));
  const best = [...ranks].sort((a, b) => b - a).slice(0, Math.min(n, w.saturation));
  const maturity = best.reduce((a, b) => a + b, 0) / best.length / 3;
  const telemetry = collected ? collected.filter(Boolean).length / collected.length : 0;
  const sum = w.rules + w.maturity + (collected ? w.telemetry : 0);
  return Math.round(((5 * (w.rules * rules + w.maturity * maturity + (collected ? w.telemetry * telemetry : 0))) / sum) * 10) / 10;
}

describe('strength score', () => {
  it('follows the documented formula, with and without a telemetry profile', () => {
    const cases: [number[], boolean[] | undefined][] = [
      [[3], undefined],
      [[3, 1], undefined],
      [[1, 1, 2, 0, 3, 3, 2], undefined],
      [[3, 3], [true, false]],
      [[2], [false]],
    ];
    for (const [ranks, collected] of cases) assert.strictEqual(strengthScore(ranks, collected), documented(ranks, collected), JSON.stringify([ranks, collected]));
  });

  it('is 0 without rules, 5 for saturation-many stable rules on collected telemetry, and between otherwise', () => {
    assert.strictEqual(strengthScore([], undefined), 0);
    assert.strictEqual(strengthScore([3, 3, 3, 3, 3], [true, true, true, true, true]), 5);
    assert.strictEqual(strengthScore([3, 3, 3, 3, 3], undefined), 5);
    for (let n = 1; n < 12; n++) {
      const s = strengthScore(Array(n).fill(1), Array(n).fill(false));
      assert.ok(s > 0 && s < 5, `${n} rules: ${s}`);
    }
  });

  it('rises with more rules, more mature rules and collected telemetry', () => {
    assert.ok(strengthScore([2, 2], undefined) > strengthScore([2], undefined));
    assert.ok(strengthScore([3], undefined) > strengthScore([1], undefined));
    assert.ok(strengthScore([2, 2], [true, true]) > strengthScore([2, 2], [true, false]));
    assert.ok(strengthScore([2, 2], [true, false]) > strengthScore([2, 2], [false, false]));
  });

  it('takes its weights from the setting; bad fields keep their defaults and are named', () => {
    const only = readStrengthWeights({ rules: 0, maturity: 1, telemetry: 0 });
    assert.deepStrictEqual(only.problems, []);
    assert.strictEqual(strengthScore([3], [false], only.weights), 5, 'maturity alone: a stable rule is full strength');
    assert.strictEqual(strengthScore([0], [true], only.weights), 0);
    const bad = readStrengthWeights({ rules: -1, saturation: 0, maturity: 'x' });
    assert.strictEqual(bad.problems.length, 3);
    assert.deepStrictEqual(bad.weights, DEFAULT_STRENGTH_WEIGHTS);
    assert.strictEqual(readStrengthWeights([1]).problems.length, 1);
  });

  it("ranks each format's maturity words", () => {
    const rank = (...m: [string, string][]) => maturityRank(m.map(([field, value]) => ({ field, value })));
    assert.strictEqual(rank(['status', 'stable'], ['level', 'high']), 3);
    assert.strictEqual(rank(['status', 'test']), 2);
    assert.strictEqual(rank(['status', 'experimental']), 1);
    assert.strictEqual(rank(['status', 'stable'], ['level', 'informational']), 1, 'Sigma informational rules are for hunting');
    assert.strictEqual(rank(['status', 'production']), 3, 'Splunk');
    assert.strictEqual(rank(['maturity', 'development']), 1, 'Elastic');
    assert.strictEqual(rank(['status', 'Available'], ['enabled', 'false']), 0, 'Sentinel, disabled');
    assert.strictEqual(rank(['status', 'deprecated']), 0);
    assert.strictEqual(rank(), 1, 'unstated');
  });
});
