import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_FILE } from '../../src/node/parseCache';
import { bundlePath, projectRoot } from './helpers/attackData';
import { tempDir } from './helpers/badData';

// `--cache DIR`. A hit is shown by editing the cached parse by hand: a run that prints the
// edited technique used the cache, one that prints the file's own technique parsed the file.

const cli = path.join(projectRoot, 'dist', 'cli.js');

const sigma = (id: string, technique: string) =>
  `title: Rule ${id}\nid: 9d3c1a52-0000-4000-8000-00000000000${id}\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: x\n    condition: selection\ntags:\n    - attack.execution\n    - attack.${technique.toLowerCase()}\nlevel: high\n`;

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Covered techniques and the files naming each, from `coverage --format json`. */
function covered(stdout: string): Record<string, string[]> {
  const j = JSON.parse(stdout) as { techniques: Record<string, { rules: number; files: string[] }> };
  return Object.fromEntries(
    Object.entries(j.techniques)
      .filter(([, t]) => t.rules > 0)
      .map(([id, t]) => [id, t.files]),
  );
}

/** The cache file with every cached T1059.001 turned into T1027 (what a hit then reports). */
function tamper(cacheDir: string): void {
  const file = path.join(cacheDir, CACHE_FILE);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes('T1059.001'), 'the cache holds the parse');
  fs.writeFileSync(file, text.replace(/T1059\.001/g, 'T1027').replace(/t1059\.001/g, 't1027'));
}

describe('attack-lens --cache', function () {
  this.timeout(300_000);
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = tempDir('cache');
    cache = path.join(dir, 'cache');
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(path.join(dir, 'rules', 'a.yml'), sigma('1', 'T1059.001'));
    fs.writeFileSync(path.join(dir, 'rules', 'b.yml'), sigma('2', 'T1059.001'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a warm coverage run takes unchanged files from the cache and re-parses a changed one', () => {
    const cold = run(dir, 'coverage', 'rules', '--format', 'json', '--cache', 'cache');
    assert.strictEqual(cold.code, 0, cold.stderr);
    assert.strictEqual(cold.stderr, '');
    assert.deepStrictEqual(covered(cold.stdout)['T1059.001'], ['rules/a.yml', 'rules/b.yml']);
    assert.deepStrictEqual(fs.readdirSync(cache), [CACHE_FILE], 'no temporary file is left');

    tamper(cache);
    const tampered = fs.readFileSync(path.join(cache, CACHE_FILE), 'utf8');
    const warm = covered(run(dir, 'coverage', 'rules', '--format', 'json', '--cache', 'cache').stdout);
    assert.strictEqual(fs.readFileSync(path.join(cache, CACHE_FILE), 'utf8'), tampered, 'a run that parsed nothing does not rewrite the cache');
    assert.deepStrictEqual(warm.T1027, ['rules/a.yml', 'rules/b.yml'], 'both parses came from the cache');
    assert.strictEqual(warm['T1059.001'], undefined);

    fs.appendFileSync(path.join(dir, 'rules', 'a.yml'), '# edited\n');
    const changed = covered(run(dir, 'coverage', 'rules', '--format', 'json', '--cache', 'cache').stdout);
    assert.deepStrictEqual(changed['T1059.001'], ['rules/a.yml'], 'the changed file was parsed');
    assert.deepStrictEqual(changed.T1027, ['rules/b.yml'], 'the unchanged one was not');
  });

  it('check caches its findings', () => {
    fs.writeFileSync(path.join(dir, 'rules', 'a.yml'), sigma('1', 'T1086'));
    const first = run(dir, 'check', 'rules', '--format', 'json', '--cache', 'cache', '--fail-on', 'never');
    assert.strictEqual(first.code, 0, first.stderr);
    const file = path.join(cache, CACHE_FILE);
    const text = fs.readFileSync(file, 'utf8');
    const message = /"message":"([^"]*T1086[^"]*)"/.exec(text)?.[1];
    assert.ok(message, 'the findings are in the cache');
    fs.writeFileSync(file, text.split(message).join('edited in the cache'));
    const warm = run(dir, 'check', 'rules', '--format', 'json', '--cache', 'cache', '--fail-on', 'never');
    assert.ok(warm.stdout.includes('edited in the cache'), warm.stdout);
    assert.deepStrictEqual(JSON.parse(warm.stdout).files.length, JSON.parse(first.stdout).files.length);
  });

  it('a cache made with other ATT&CK data is not used (needs ../shared)', function () {
    const first = run(dir, 'coverage', 'rules', '--format', 'json', '--cache', 'cache');
    assert.strictEqual(first.code, 0, first.stderr);
    tamper(cache);
    const other = run(dir, 'coverage', 'rules', '--format', 'json', '--cache', 'cache', '--stix', bundlePath('enterprise-attack-17.1.json'));
    assert.strictEqual(other.code, 0, other.stderr);
    const techniques = covered(other.stdout);
    assert.deepStrictEqual(techniques['T1059.001'], ['rules/a.yml', 'rules/b.yml']);
    assert.strictEqual(techniques.T1027, undefined);
    assert.ok(fs.readFileSync(path.join(cache, CACHE_FILE), 'utf8').includes('ATT&CK enterprise-attack 17.1'), 'rebuilt for the data used');
  });

  for (const [name, content, why] of [
    ['a corrupt cache file', '{"kind": "attack-lens parse cache", "schema": 1, "entr', /corrupt/],
    ['a foreign cache file', JSON.stringify({ name: 'some other tool', entries: [1, 2] }), /not an attack-lens cache/],
    ['a cache of another tool or data version', JSON.stringify({ kind: 'attack-lens parse cache', schema: 1, stamp: 'x', entries: { k: 1 } }), undefined],
  ] as const) {
    it(`${name} is ignored (one line on stderr) and rebuilt`, () => {
      const plain = run(dir, 'coverage', 'rules', '--format', 'json');
      fs.mkdirSync(cache);
      fs.writeFileSync(path.join(cache, CACHE_FILE), content);
      const r = run(dir, 'coverage', 'rules', '--format', 'json', '--cache', 'cache');
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stdout, plain.stdout);
      if (why) {
        assert.strictEqual(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, why);
      }
      const rebuilt = JSON.parse(fs.readFileSync(path.join(cache, CACHE_FILE), 'utf8')) as { kind: string; entries: Record<string, unknown> };
      assert.strictEqual(rebuilt.kind, 'attack-lens parse cache');
      assert.strictEqual(Object.keys(rebuilt.entries).length, 2);
    });
  }

  it('a cache folder that cannot be written is a one-line note; the run succeeds uncached', () => {
    const plain = run(dir, 'check', 'rules', '--format', 'sarif');
    fs.writeFileSync(path.join(dir, 'not-a-folder'), 'x');
    for (const command of [
      ['check', 'rules', '--format', 'sarif'],
      ['coverage', 'rules', '--format', 'json'],
    ]) {
      const r = run(dir, ...command, '--cache', 'not-a-folder/cache');
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^attack-lens: --cache: cannot write .*not-a-folder.*this run was not cached$/m);
      if (command[0] === 'check') assert.strictEqual(r.stdout, plain.stdout);
    }
    assert.strictEqual(fs.readFileSync(path.join(dir, 'not-a-folder'), 'utf8'), 'x');
  });

  it('diff --git with --cache reports what it reports without', () => {
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
    };
    git('init', '-q');
    git('add', 'rules');
    git('commit', '-qm', 'base');
    fs.writeFileSync(path.join(dir, 'rules', 'b.yml'), sigma('2', 'T1027'));
    git('commit', '-qam', 'head');
    const plain = run(dir, 'diff', '--git', 'HEAD~1', 'HEAD', '--format', 'json');
    assert.strictEqual(plain.code, 0, plain.stderr);
    assert.deepStrictEqual(JSON.parse(plain.stdout).techniques.gained, ['T1027']);
    for (let i = 0; i < 2; i++) {
      const cached = run(dir, 'diff', '--git', 'HEAD~1', 'HEAD', '--format', 'json', '--cache', 'cache');
      assert.strictEqual(cached.stdout, plain.stdout, cached.stderr);
    }
    // One parse per distinct file content: a.yml, b.yml before and after.
    assert.strictEqual(Object.keys((JSON.parse(fs.readFileSync(path.join(cache, CACHE_FILE), 'utf8')) as { entries: object }).entries).length, 3);
  });
});
