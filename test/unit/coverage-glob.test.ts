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

  it('a malformed glob matches nothing instead of throwing, and is reported as malformed', () => {
    for (const glob of ['rules/{a,b', '[z-a].yml', '**/*.(yml']) {
      assert.doesNotThrow(() => compileGlob(glob));
      assert.ok(!matchesPathOrAncestor(glob, 'rules/a.yml'), glob);
    }
    assert.deepStrictEqual(['**/*.yml', 'rules/{a,b', '[z-a].yml', '**/*.(yml'].filter(isMalformedGlob), ['rules/{a,b', '[z-a].yml']);
  });
});
