import * as assert from 'assert';
import { ID_IN_TEXT } from '../../src/attack/ids';
import { compileIdPattern, matchUserPattern, MAX_MATCH_CHARS, MAX_PATHS, SCAN_WINDOW_CHARS } from '../../src/rules/idPattern';
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

  it('scanning in windows finds exactly what one scan of the whole text finds, across window edges', () => {
    const parts: string[] = [];
    for (let i = 0, length = 0; length < SCAN_WINDOW_CHARS * 4; i++, length += parts[parts.length - 1].length) parts.push(i % 7 === 0 ? 'xT1059.001' : i % 5 === 0 ? ' T1027 ' : i % 3 === 0 ? 'TA0002\n' : 'word ');
    // Put IDs right on each window edge and one character either side.
    let text = parts.join('');
    for (let w = 1; w <= 3; w++) for (const d of [-3, -1, 0, 1]) text = text.slice(0, w * SCAN_WINDOW_CHARS + d) + ' T1003 ' + text.slice(w * SCAN_WINDOW_CHARS + d);
    for (const source of [ID_IN_TEXT.source, '^T\\d{4}', 'T\\d{4}$', '\\bT(\\d{4})\\b', 'mitre:(T\\d{4})']) {
      const re = new RegExp(source, 'g');
      const whole = [...text.matchAll(re)].map((m) => `${m.index}:${m[0]}`);
      const windowed = matchUserPattern(re, text, Infinity)!.map((m) => `${m.index}:${m.match[0]}`);
      assert.deepStrictEqual(windowed, whole, source);
    }
  });

  it('a pattern the guard lets through but that is slow on a hostile file gives way to the built-in one, with a warning', () => {
    const r = compileIdPattern('[a-z]{0,9}[a-z]{0,9}X');
    assert.ok('re' in r, 'the shape check lets it through');
    const text = `${'a'.repeat(1_000_000)} T1027\n`;
    const parsed = parseRuleFile(text, 'notes.txt', undefined, { format: 'generic', genericPattern: r.re });
    assert.match(parsed.problems.map((p) => p.message).join('\n'), /attackLens\.generic\.idPattern took longer than 50 ms on this file; its IDs were read with the built-in pattern/);
    assert.deepStrictEqual(parsed.rules[0].references.map((x) => x.id), ['T1027']);
  });
});
