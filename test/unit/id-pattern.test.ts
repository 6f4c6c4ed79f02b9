import * as assert from 'assert';
import { ID_IN_TEXT } from '../../src/attack/ids';
import { compileIdPattern, MAX_MATCH_CHARS, MAX_PATHS } from '../../src/rules/idPattern';
import { parseRuleFile } from '../../src/rules';

// attackLens.generic.idPattern is compiled only when no input can make it slow: each refusal names
// its reason, and what is accepted keeps working as an ID pattern.

const refused = (source: string) => {
  const r = compileIdPattern(source);
  return 'error' in r ? r.error : undefined;
};

describe('generic ID pattern guard', () => {
  it('accepts the built-in pattern and ordinary custom ones', () => {
    for (const ok of [ID_IN_TEXT.source, 'mitre:(T\\d{4}(?:\\.\\d{3})?)', '(?<id>T\\d{4})', 'T\\d{1,8}(?:[./]\\d{1,3})?', '[Tt](?:A)?\\d{4}']) {
      assert.strictEqual(refused(ok), undefined, ok);
    }
  });

  it('refuses the classic catastrophic shapes with the reason', () => {
    const cases: [string, RegExp][] = [
      ['(a+)+$', /unbounded repeat/],
      ['(\\w+\\s?)*$', /unbounded repeat/],
      ['\\w*\\w*\\w*x', /unbounded repeat/],
      ['T\\d{4,}', /unbounded repeat/],
      ['((a|aa){1,20}){1,20}$', /nested quantifiers/],
      ['(?:(?:\\d{2}){3})', /nested quantifiers/],
      ['(T\\d{4})\\1', /backreference/],
      ['(?<x>a)\\k<x>', /backreference/],
      ['T\\d{4}(?=\\.)', /lookahead or lookbehind/],
      ['(?<!x)T\\d{4}', /lookahead or lookbehind/],
      ['[a-z]{0,9}[a-z]{0,9}[a-z]{0,9}X', new RegExp(`more than ${MAX_PATHS} ways`)],
      [`x{${MAX_MATCH_CHARS + 1}}`, new RegExp(`more than ${MAX_MATCH_CHARS} characters`)],
      ['T\\d{4}|'.repeat(200), /longer than 500/],
      ['(', /not a valid regular expression/],
      ['^$', /only empty text/],
    ];
    for (const [source, reason] of cases) assert.match(refused(source) ?? 'accepted', reason, source);
  });

  it('an accepted pattern finds IDs, its capture group naming the ID, on a 1 MB adversarial line', () => {
    const r = compileIdPattern('mitre:(T\\d{1,4}(?:\\.\\d{1,3})?)');
    assert.ok('re' in r);
    const text = `${'mitre:T1'.repeat(120_000)} mitre:T1059.001\n`;
    const parsed = parseRuleFile(text, 'notes.txt', undefined, { format: 'generic', genericPattern: r.re });
    const ids = parsed.rules[0].references.map((x) => x.id);
    assert.strictEqual(ids[ids.length - 1], 'T1059.001');
  });
});
