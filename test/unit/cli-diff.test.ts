import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './helpers/attackData';
import { tempDir } from './helpers/badData';

// `attack-lens diff BASE HEAD` on two folders (and two commits) written here: one rule retagged, one removed, one
// added, with the gains and losses worked out by hand.

const cli = path.join(projectRoot, 'dist', 'cli.js');

const sigma = (id: string, tags: readonly string[]) =>
  `title: Rule ${id}\nid: 9d3c1a52-0000-4000-8000-00000000000${id}\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: x\n    condition: selection\ntags:\n${tags.map((t) => `    - ${t}\n`).join('')}level: high\n`;

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'diff', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('attack-lens diff', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = tempDir('diff');
    for (const side of ['base', 'head']) fs.mkdirSync(path.join(dir, side, 'rules'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'base', 'rules', 'a.yml'), sigma('1', ['attack.execution', 'attack.t1059.001']));
    fs.writeFileSync(path.join(dir, 'base', 'rules', 'b.yml'), sigma('2', ['attack.credential-access', 'attack.t1003.001']));
    fs.writeFileSync(path.join(dir, 'head', 'rules', 'a.yml'), sigma('1', ['attack.execution', 'attack.t1059.001', 'attack.defense-evasion', 'attack.t1027']));
    fs.writeFileSync(path.join(dir, 'head', 'rules', 'c.yml'), sigma('3', ['attack.execution', 'attack.t1059.001']));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--format json: gained, lost, every changed count, rules added, removed and retagged', () => {
    const r = run(dir, 'base', 'head', '--format', 'json');
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepStrictEqual(Object.keys(j).slice(0, 4), ['base', 'head', 'techniques', 'rules']);
    assert.deepStrictEqual([j.base.rules, j.head.rules], [2, 2]);
    assert.deepStrictEqual(j.techniques.gained, ['T1027']);
    // The parent T1003 was covered only through T1003.001: both are lost.
    assert.deepStrictEqual(j.techniques.lost, ['T1003', 'T1003.001']);
    assert.deepStrictEqual(j.techniques.changed, {
      T1003: { before: 1, after: 0 },
      'T1003.001': { before: 1, after: 0 },
      T1027: { before: 0, after: 1 },
      T1059: { before: 1, after: 2 },
      'T1059.001': { before: 1, after: 2 },
    });
    assert.deepStrictEqual(j.rules, { added: ['rules/c.yml'], removed: ['rules/b.yml'], retagged: ['rules/a.yml'] });
    assert.strictEqual(j.tactics['defense-evasion'].before, 0);
    assert.ok(j.tactics['defense-evasion'].after > 0);
    assert.ok(j.tactics['credential-access'].before > 0);
    assert.strictEqual(j.tactics['credential-access'].after, 0);
    assert.strictEqual(j.tactics['execution'].before, j.tactics['execution'].after);
    assert.strictEqual(j.head.techniques.covered, j.base.techniques.covered, 'one parent gained (T1027), one lost (T1003)');
  });

  it('--format markdown: the headline, then tables', () => {
    const r = run(dir, 'base', 'head', '--format', 'markdown');
    const lines = r.stdout.split('\n');
    assert.strictEqual(lines[0], '### ATT&CK coverage: +1 technique, −2 techniques, 1 rule added, 1 rule removed, 1 rule retagged');
    assert.ok(lines.includes('| T1027 | Obfuscated Files or Information | 0 → 1 |'), r.stdout);
    assert.ok(lines.includes('| T1003.001 | OS Credential Dumping: LSASS Memory | 1 → 0 |'), r.stdout);
    assert.ok(lines.includes('- rules/c.yml'));
    assert.match(r.stdout, /<details><summary>Tactics<\/summary>/);
  });

  it('--format navigator: gained, lost and unchanged in a colour each, with a legend', () => {
    const layer = JSON.parse(run(dir, 'base', 'head', '--format', 'navigator').stdout);
    const colour = (id: string) => layer.techniques.find((t: { techniqueID: string }) => t.techniqueID === id)?.color;
    const legend = Object.fromEntries(layer.legendItems.map((l: { label: string; color: string }) => [l.label, l.color]));
    assert.strictEqual(colour('T1027'), legend.gained);
    assert.strictEqual(colour('T1003.001'), legend.lost);
    assert.strictEqual(colour('T1059.001'), legend['covered before and after']);
    assert.strictEqual(new Set([legend.gained, legend.lost, legend['covered before and after']]).size, 3);
    assert.strictEqual(colour('T1046'), undefined, 'never covered: no entry');
  });

  it('--fail-on-loss: exit 1 naming the lost techniques; 0 when nothing is lost', () => {
    const lost = run(dir, 'base', 'head', '--fail-on-loss');
    assert.strictEqual(lost.code, 1);
    assert.strictEqual(lost.stderr, 'attack-lens: 2 techniques lost: T1003, T1003.001\n');
    const same = run(dir, 'base', 'base', '--fail-on-loss');
    assert.strictEqual(same.code, 0, same.stderr);
    assert.match(same.stdout, /^ATT&CK coverage base → base: no coverage change\n/);
  });

  it("--profile: the profile's gaps opened and closed; --fail-on-loss then counts only its techniques", () => {
    const r = run(dir, 'base', 'head', '--format', 'json', '--profile', 'T1003.001,T1046,T1027');
    assert.strictEqual(r.code, 0, r.stderr);
    const { name, ...change } = JSON.parse(r.stdout).profile;
    assert.ok(typeof name === 'string' && name.length > 0);
    assert.deepStrictEqual(change, { opened: ['T1003.001'], closed: ['T1027'], lost: ['T1003.001'] });
    const md = run(dir, 'base', 'head', '--format', 'markdown', '--profile', 'T1003.001,T1046,T1027').stdout;
    assert.match(md, /^#### Threat profile .+: 1 gap opened, 1 closed$/m);
    const hit = run(dir, 'base', 'head', '--profile', 'T1003.001,T1046', '--fail-on-loss');
    assert.strictEqual(hit.code, 1);
    assert.strictEqual(hit.stderr, 'attack-lens: 1 threat-profile technique lost: T1003.001\n');
    const spared = run(dir, 'base', 'head', '--profile', 'T1046,T1059.001', '--fail-on-loss');
    assert.strictEqual(spared.code, 0, 'T1003 and T1003.001 are lost, but the profile does not name them');
  });

  it('--git BASE HEAD -- PATHS: two commits read with git, the working tree and the index untouched', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'rules'), { recursive: true });
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      return r.stdout;
    };
    git('init', '-q');
    for (const f of ['a.yml', 'b.yml']) fs.copyFileSync(path.join(dir, 'base', 'rules', f), path.join(repo, 'rules', f));
    fs.writeFileSync(path.join(repo, 'outside.yml'), sigma('4', ['attack.t1046']));
    git('add', '-A');
    git('commit', '-qm', 'base');
    fs.rmSync(path.join(repo, 'rules', 'b.yml'));
    for (const f of ['a.yml', 'c.yml']) fs.copyFileSync(path.join(dir, 'head', 'rules', f), path.join(repo, 'rules', f));
    fs.rmSync(path.join(repo, 'outside.yml'));
    git('add', '-A');
    git('commit', '-qm', 'head');
    // Uncommitted changes stay as they are and count for nothing.
    fs.writeFileSync(path.join(repo, 'rules', 'c.yml'), sigma('3', ['attack.t1003.001']));
    const status = git('status', '--porcelain');
    const r = run(repo, '--git', 'HEAD~1', 'HEAD', '--format', 'json', '--', 'rules/');
    assert.strictEqual(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepStrictEqual(j.techniques.gained, ['T1027']);
    assert.deepStrictEqual(j.techniques.lost, ['T1003', 'T1003.001'], 'outside.yml (T1046) is outside -- rules/');
    assert.deepStrictEqual(j.rules, { added: ['rules/c.yml'], removed: ['rules/b.yml'], retagged: ['rules/a.yml'] });
    assert.strictEqual(git('status', '--porcelain'), status);
    assert.strictEqual(fs.readFileSync(path.join(repo, 'rules', 'c.yml'), 'utf8'), sigma('3', ['attack.t1003.001']));
    const whole = JSON.parse(run(repo, '--git', 'HEAD~1', 'HEAD', '--format', 'json').stdout);
    assert.deepStrictEqual(whole.techniques.lost, ['T1003', 'T1003.001', 'T1046'], 'without paths: the whole tree');

    const bad = run(repo, '--git', 'no-such-rev', 'HEAD');
    assert.strictEqual(bad.code, 2);
    assert.strictEqual(bad.stderr, 'attack-lens: --git: the revision "no-such-rev" does not resolve to a commit or tree in this repository\n');
    const outside = run(path.join(dir, 'base'), '--git', 'HEAD~1', 'HEAD');
    assert.strictEqual(outside.code, 2);
    assert.match(outside.stderr, /^attack-lens: --git: .+ is not in a git repository\n$/);
  });

  it('bad input: exit 2 and one line', () => {
    for (const [args, why] of [
      [['base', 'nowhere'], /^attack-lens: no such folder: nowhere\n$/],
      [['base', 'head/rules/a.yml'], /^attack-lens: head\/rules\/a\.yml: not a folder/],
      [['base'], /^attack-lens: usage: attack-lens diff BASE HEAD/],
    ] as const) {
      const r = run(dir, ...args);
      assert.strictEqual(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
    }
  });
});
