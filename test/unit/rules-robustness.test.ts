import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseRuleFile } from '../../src/rules/index';
import { ParsedRuleFile, RuleFormat } from '../../src/rules/types';
import { AttackIndex } from '../../src/attack/index';
import { projectRoot } from './helpers/attackData';
import { BOTH_INDEXES } from './helpers/miniAttack';

// Bad input: broken YAML/TOML/YARA-L gives one problem at the line that is wrong, and nothing
// a user can put in a file makes a parser throw.

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'rules');
const FORMATS: RuleFormat[] = ['sigma', 'splunk', 'elastic', 'sentinel', 'yaral', 'generic'];

function parseFixture(rel: string, index: AttackIndex): ParsedRuleFile & { lines: string[] } {
  const file = path.join(FIXTURES, rel);
  const text = fs.readFileSync(file, 'utf8');
  return { ...parseRuleFile(text, file, index), lines: text.split(/\r?\n/) };
}

function lineOf(lines: string[], prefix: string): number {
  const i = lines.findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, prefix);
  return i;
}

/** Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced. */
function randomText(seed: number, length: number): string {
  let x = seed || 1;
  let s = '';
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += String.fromCharCode((x >>> 0) % 0x3000);
  }
  return s;
}

// Bad input is bad whatever the ATT&CK data: each test runs on the synthetic bundle and on 18.1.
for (const { name, index } of BOTH_INDEXES) {
  describe(`rule parsers on bad input, on ${name}`, function () {
    this.timeout(60_000);

    it('broken YAML indentation: one problem on the misindented line, no rules', () => {
      const p = parseFixture('broken/sigma_bad_indentation.yml', index());
      assert.strictEqual(p.format, 'sigma');
      assert.strictEqual(p.rules.length, 0);
      assert.strictEqual(p.problems.length, 1);
      assert.strictEqual(p.problems[0].severity, 'error');
      assert.match(p.problems[0].message, /^Invalid YAML: /);
      assert.strictEqual(p.problems[0].span.start.line, lineOf(p.lines, '  category:'));
    });

    it('duplicate YAML key: one problem on the second key', () => {
      const p = parseFixture('broken/sigma_duplicate_key.yml', index());
      assert.strictEqual(p.problems.length, 1);
      assert.match(p.problems[0].message, /duplicated mapping key/);
      const second = p.lines.findIndex((l, i) => l.startsWith('tags:') && i > lineOf(p.lines, 'tags:'));
      assert.deepStrictEqual(p.problems[0].span, { start: { line: second, character: 0 }, end: { line: second, character: 4 } });
    });

    it('unclosed flow sequence: one problem where the parser stops, at or after the open bracket', () => {
      const p = parseFixture('broken/sigma_unclosed_flow.yml', index());
      assert.strictEqual(p.problems.length, 1);
      const open = lineOf(p.lines, 'tags: [');
      assert.ok(p.problems[0].span.start.line >= open && p.problems[0].span.start.line <= open + 1, JSON.stringify(p.problems[0]));
    });

    it('broken TOML: one problem at the bad value, with a visible span', () => {
      const p = parseFixture('broken/elastic_bad_value.toml', index());
      assert.strictEqual(p.format, 'elastic');
      assert.strictEqual(p.rules.length, 0);
      assert.strictEqual(p.problems.length, 1);
      assert.match(p.problems[0].message, /^Invalid TOML: /);
      const line = lineOf(p.lines, 'severity =');
      assert.strictEqual(p.problems[0].span.start.line, line);
      assert.ok(p.problems[0].span.end.character > p.problems[0].span.start.character);
      const q = parseFixture('broken/elastic_unterminated.toml', index());
      assert.strictEqual(q.problems.length, 1);
      assert.strictEqual(q.problems[0].span.start.line, lineOf(q.lines, 'id = "T1059'));
    });

    it('YARA-L rule without a closing brace: a problem on its header, its meta still read', () => {
      const p = parseFixture('broken/yaral_unclosed.yaral', index());
      assert.strictEqual(p.problems.length, 1);
      assert.strictEqual(p.problems[0].span.start.line, lineOf(p.lines, 'rule missing_brace'));
      assert.deepStrictEqual(p.rules[0].references.map((r) => r.id), ['T1059']);
    });

    it('TOML without a [rule] table: a warning, no rules', () => {
      const p = parseRuleFile('[metadata]\nmaturity = "production"\n', 'x.toml', index());
      assert.strictEqual(p.format, 'elastic');
      assert.deepStrictEqual([p.rules.length, p.problems.length, p.problems[0]?.severity], [0, 1, 'warning']);
    });

    it('empty files, whitespace, lone document markers and scalars never throw', () => {
      for (const text of ['', ' ', '\n\n', '---', '---\n---\n', '...', 'just a line', '- a\n- b', '{', '[[', '"', "'", '\u0000', '\ufeff', '\r', 'a: *x']) {
        for (const format of FORMATS) {
          const p = parseRuleFile(text, `x.${format}`, index(), { format });
          assert.ok(Array.isArray(p.rules) && Array.isArray(p.problems), `${format} ${JSON.stringify(text)}`);
        }
        parseRuleFile(text, 'x.yml', index());
        parseRuleFile(text, 'x.toml');
      }
    });

    it('random text in every format never throws and never yields a span outside the text', () => {
      for (let seed = 1; seed <= 40; seed++) {
        const text = randomText(seed, 2000);
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const format of FORMATS) {
          const p = parseRuleFile(text, 'random.bin', index(), { format });
          for (const s of [...p.problems.map((x) => x.span), ...p.rules.flatMap((r) => r.references.map((x) => x.span))]) {
            assert.ok(s.start.line < lineCount && s.end.line < lineCount, `${format} seed ${seed}`);
          }
        }
      }
    });

    it('binary content is reported, not parsed', () => {
      const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
      const p = parseRuleFile(bytes.toString('latin1'), 'image.yml', index(), { format: 'sigma' });
      assert.deepStrictEqual([p.rules.length, p.problems.length], [0, 1]);
      assert.match(p.problems[0].message, /binary/);
    });

    it('a 5 MB single line parses (generic finds its IDs) and an oversized file is reported', () => {
      const big = 'x'.repeat(5 * 1024 * 1024) + ' T1059.001';
      assert.deepStrictEqual(parseRuleFile(big, 'big.yml', index()).rules, []);
      assert.deepStrictEqual(parseRuleFile(big, 'big.txt', index(), { format: 'generic' }).rules[0].references.map((r) => r.id), ['T1059.001']);
      for (const format of FORMATS) parseRuleFile(big, 'big', index(), { format });
      const huge = parseRuleFile('a'.repeat(9 * 1024 * 1024), 'huge.yml', index(), { format: 'sigma' });
      assert.strictEqual(huge.problems.length, 1);
      assert.match(huge.problems[0].message, /too large/);
    });

    it('deeply nested YAML is a problem, not a stack overflow', () => {
      const deep = 'title: x\ndetection:\n  a: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
      const p = parseRuleFile(deep, 'deep.yml', index());
      assert.strictEqual(p.problems.length, 1);
    });
  });
}
