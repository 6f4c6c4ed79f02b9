import * as assert from 'assert';
import { compileGlob, isMalformedGlob, matchesPathOrAncestor } from '../../src/core/glob';

describe('coverage globs', () => {
  const cases: [string, string, boolean][] = [
    ['**/*.{yml,yaml}', 'rules/windows/a.yml', true],
    ['**/*.{yml,yaml}', 'a.yaml', true],
    ['**/*.{yml,yaml}', 'a.toml', false],
    ['**/*.{yml,yaml}', 'rules/a.yml.bak', false],
    ['**/*.toml', 'x/y/z.toml', true],
    ['**/*.{yaral,yara-l,yaraL}', 'chronicle/r.yara-l', true],
    ['rules/*.yml', 'rules/a.yml', true],
    ['rules/*.yml', 'rules/sub/a.yml', false],
    ['rules/**', 'rules/sub/a.yml', true],
    ['**/deprecated/**', 'detections/deprecated/a.yml', true],
    ['?.yml', 'a.yml', true],
    ['[ab].yml', 'c.yml', false],
    ['a+b.yml', 'a+b.yml', true],
  ];
  for (const [glob, p, expected] of cases) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} ${p}`, () => assert.strictEqual(compileGlob(glob).test(p), expected));
  }

  it('matches a folder glob for everything below the folder', () => {
    assert.ok(matchesPathOrAncestor('**/node_modules', 'pkg/node_modules/x/rule.yml'));
    assert.ok(matchesPathOrAncestor('**/.git', '.git/config.yml'));
    assert.ok(!matchesPathOrAncestor('**/.git', 'git/config.yml'));
    assert.ok(matchesPathOrAncestor('**/node_modules/**', 'node_modules/a/b.yml'));
  });

  it('a path in the same folder as the one before, or in another, is matched from its own start', () => {
    // The automaton resumes after the folder of the path before when the next one shares it.
    const m = compileGlob('**/deprecated/**');
    const seq: [string, boolean][] = [
      ['rules/deprecated/a.yml', true],
      ['rules/deprecated/b.yml', true],
      ['rules/deprecatedx/a.yml', false],
      ['rules/a.yml', false],
      ['deprecated/a.yml', true],
      ['x/deprecated/c/d.yml', true],
      ['x/deprecated/c/e.yml', true],
      ['x/deprecatee/c/e.yml', false],
    ];
    for (const [p, expected] of seq) assert.strictEqual(m.test(p), expected, p);
    const ancestors = compileGlob('**/node_modules');
    const seqA: [string, boolean][] = [
      ['a/node_modules/x.yml', true],
      ['a/node_modules/y.yml', true],
      ['a/node_module/y.yml', false],
      ['a/b/node_modules', true],
      ['node_modules', true],
      ['x.yml', false],
    ];
    for (const [p, expected] of seqA) assert.strictEqual(ancestors.testPathOrAncestor(p), expected, p);
  });

  it('text a glob requires is looked for without the slashes beside **, which may match no folder', () => {
    assert.ok(compileGlob('**/.git/**').test('.git/config'));
    assert.ok(compileGlob('**/CVS').testPathOrAncestor('CVS/Entries'));
    assert.ok(compileGlob('rules/**').test('rules/'));
    assert.ok(compileGlob('**/*.toml').test('a.toml'));
    assert.ok(!compileGlob('**/*.toml').test('a.tom'));
    assert.ok(compileGlob('a*b*cde').test('axxbyycde'));
    assert.ok(!compileGlob('a*b*cde').test('axxbyycd'));
  });

  it('a malformed glob matches nothing instead of throwing, and is reported as malformed', () => {
    for (const glob of ['rules/{a,b', '[z-a].yml', '**/*.(yml']) {
      assert.doesNotThrow(() => compileGlob(glob));
      assert.ok(!matchesPathOrAncestor(glob, 'rules/a.yml'), glob);
    }
    assert.deepStrictEqual(['**/*.yml', 'rules/{a,b', '[z-a].yml', '**/*.(yml'].filter(isMalformedGlob), ['rules/{a,b', '[z-a].yml']);
  });
});
