import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { displayPath } from '../../src/cli/displayPath';
import { projectRoot, stixDir } from './helpers/attackData';
import { tempDir } from './helpers/badData';

// How the CLI prints a rule file's path (as given, or relative to the working directory when
// inside it; never `../../…`), and the coverage summary naming its unknown and revoked
// references by file:line (the first ten, --verbose all).

const cli = path.join(projectRoot, 'dist', 'cli.js');

const sigma = (tags: readonly string[]) =>
  `title: Tagged\nid: 9d3c1a52-0000-4000-8000-000000000009\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: x\n    condition: selection\ntags:\n${tags.map((t) => `    - ${t}\n`).join('')}level: high\n`;

describe('CLI display paths', () => {
  it('keeps relative paths as typed, shortens absolute ones inside the working directory, keeps the others absolute', () => {
    assert.strictEqual(displayPath('rules/a.yml', '/work/repo'), 'rules/a.yml');
    assert.strictEqual(displayPath('../other/a.yml', '/work/repo'), '../other/a.yml');
    assert.strictEqual(displayPath('/work/repo/rules/a.yml', '/work/repo'), path.join('rules', 'a.yml'));
    assert.strictEqual(displayPath('/tmp/x/rules/a.yml', '/work/repo'), '/tmp/x/rules/a.yml');
    assert.strictEqual(displayPath('/work/repository/a.yml', '/work/repo'), '/work/repository/a.yml', 'a sibling that shares the prefix is outside');
    assert.strictEqual(displayPath('/work/repo', '/work/repo'), '/work/repo');
  });

  it('migrate prints an absolute path outside the working directory as given, and one inside it relative (needs ../shared)', () => {
    const dir = tempDir('display-paths');
    try {
      const rule = path.join(dir, 'rules', 'r.yml');
      fs.mkdirSync(path.dirname(rule), { recursive: true });
      fs.copyFileSync(path.join(projectRoot, 'test', 'fixtures', 'migrate', 'history_and_sandbox.yml'), rule);
      const run = (cwd: string, target: string) => spawnSync(process.execPath, [cli, 'migrate', target, '--from', '17.1', '--to', '18.1', '--json'], { cwd, encoding: 'utf8', env: { ...process.env, ATTACK_LENS_STIX: stixDir } });
      const files = (r: ReturnType<typeof run>) => {
        assert.strictEqual(r.status, 0, r.stderr);
        const json = JSON.parse(r.stdout) as Record<string, { references?: { file: string }[] }[] | unknown>;
        return [...new Set(Object.values(json).flatMap((v) => (Array.isArray(v) ? v.flatMap((x: { references?: { file: string }[] }) => (x.references ?? []).map((ref) => ref.file)) : [])))];
      };
      assert.deepStrictEqual(files(run(projectRoot, path.join(dir, 'rules'))), [rule]);
      assert.deepStrictEqual(files(run(dir, path.join(dir, 'rules'))), [path.join('rules', 'r.yml')]);
      assert.deepStrictEqual(files(run(dir, 'rules')), [path.join('rules', 'r.yml')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('attack-lens coverage: the summary names unknown and revoked references', () => {
  let dir: string;
  before(() => {
    dir = tempDir('summary-refs');
    const unknown = Array.from({ length: 12 }, (_, i) => `attack.t99${String(i + 1).padStart(2, '0')}`);
    fs.writeFileSync(path.join(dir, 'many.yml'), sigma(['attack.execution', ...unknown, 'attack.t1086']));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (...extra: string[]) => {
    const r = spawnSync(process.execPath, [cli, 'coverage', dir, ...extra], { encoding: 'utf8', cwd: projectRoot });
    assert.strictEqual(r.status, 0, r.stderr);
    return r.stdout;
  };
  const file = () => path.join(dir, 'many.yml');

  it('lists the first ten unknown references with file:line and says how many more, and the revoked one with its replacement', () => {
    const out = run();
    assert.match(out, /12 unknown references · 1 revoked reference/);
    const unknownLines = out.split('\n').filter((l) => l.includes(' is not in ATT&CK'));
    assert.strictEqual(unknownLines.length, 10);
    // `tags:` is line 11 of the rule: attack.execution on 12, then T9901 on 13 … T9912 on 24, T1086 on 25.
    assert.match(unknownLines[0], /^ {2}(.*):13: attack\.t9901: T9901 is not in ATT&CK v[\d.]+$/);
    assert.strictEqual(/^ {2}(.*):13:/.exec(unknownLines[0])![1], file());
    assert.match(out, /\n {2}… and 2 more unknown references \(--verbose lists them all\)\n/);
    assert.ok(out.includes(`  ${file()}:25: attack.t1086: T1086 is revoked, replaced by T1059.001\n`), out);
  });

  it('--verbose lists every one', () => {
    const out = run('--verbose');
    const unknownLines = out.split('\n').filter((l) => l.includes(' is not in ATT&CK'));
    assert.deepStrictEqual(unknownLines.map((l) => /:(\d+): /.exec(l)![1]), Array.from({ length: 12 }, (_, i) => String(13 + i)));
    assert.doesNotMatch(out, /more unknown references/);
  });
});
