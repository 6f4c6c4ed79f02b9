import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from './helpers/attackData';
import { tempDir } from './helpers/badData';

// The CLI as a user installs it: `npm pack` the built tree, `npm install -g` the tarball into a
// temporary prefix with npm offline and an empty cache, then run `attack-lens` from a folder
// outside this repository, without ATTACK_LENS_STIX or ATTACK_LENS_INDEX.

const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

function npm(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('attack-lens installed from its npm tarball', function () {
  this.timeout(240_000);
  let dir: string;
  let tarball: string;
  let bin: string;
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = tempDir('pack');
    env = { ...process.env, npm_config_cache: path.join(dir, 'cache'), npm_config_update_notifier: 'false', ATTACK_LENS_DEBUG: '' };
    delete env.ATTACK_LENS_STIX;
    delete env.ATTACK_LENS_INDEX;
    // The tree is built already (the unit tests run on dist/); --ignore-scripts skips prepack's production rebuild.
    const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], projectRoot, env);
    assert.strictEqual(packed.status, 0, packed.stderr);
    const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(dir, info[0].filename);
    const prefix = path.join(dir, 'prefix');
    const installed = npm(['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], dir, env);
    assert.strictEqual(installed.status, 0, installed.stderr);
    bin = path.join(prefix, 'bin', 'attack-lens');
    work = path.join(dir, 'elsewhere');
    fs.mkdirSync(path.join(work, 'rules'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'rules', 'rule.yml'),
      'title: Encoded PowerShell\nid: 9d3c1a52-0000-4000-8000-000000000002\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: " -enc "\n    condition: selection\ntags:\n    - attack.execution\n    - attack.t1086\nlevel: high\n',
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const r = spawnSync(bin, args, { cwd: work, env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('npm pack: attack-lens-<version>.tgz with the CLI bundle and the compiled index, no sources, tests or dependencies', () => {
    assert.strictEqual(path.basename(tarball), `attack-lens-${pkg.version}.tgz`);
    const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.strictEqual(list.status, 0, list.stderr);
    const files = list.stdout.split('\n').filter(Boolean).sort();
    const extra = files.filter((f) => !/^package\/(LICENSE|CHANGELOG)(\.md|\.txt)?$/.test(f));
    // Older ATT&CK releases the build found ship beside the newest, each listed in attack-versions.json.
    const older = extra.filter((f) => /^package\/dist\/attack-index-[\d.]+\.json$/.test(f));
    assert.deepStrictEqual(extra.filter((f) => !older.includes(f)), ['package/README.md', 'package/dist/attack-index.json', 'package/dist/attack-versions.json', 'package/dist/cli.js', 'package/package.json']);
    const versions = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/dist/attack-versions.json'], { encoding: 'utf8' }).stdout) as { indexes: { file: string }[] };
    assert.deepStrictEqual(versions.indexes.map((e) => `package/dist/${e.file}`).sort(), ['package/dist/attack-index.json', ...older].sort());
    const manifest = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout) as { dependencies?: object; bin: Record<string, string> };
    assert.deepStrictEqual(manifest.dependencies ?? {}, {}, 'everything is bundled: nothing to fetch at install');
    assert.strictEqual(manifest.bin['attack-lens'], './dist/cli.js');
  });

  it('--version from another folder: the tool and the ATT&CK versions it carries', () => {
    const r = run('--version');
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^attack-lens ${pkg.version.replace(/\./g, '\\.')}\\nATT&CK enterprise-attack \\d+\\.\\d+, mobile-attack \\d+\\.\\d+, ics-attack \\d+\\.\\d+\\n$`));
  });

  it('check, coverage and diff work from another folder, offline, on the shipped index', () => {
    const check = run('check', 'rules', '--format', 'json');
    assert.strictEqual(check.code, 0, `a revoked tag is a warning: ${check.stderr}`);
    const findings = (JSON.parse(check.stdout) as { findings: { file: string; code: string; line: number }[] }).findings;
    assert.deepStrictEqual(
      findings.map((f) => `${f.file}:${f.line} ${f.code}`),
      [`${path.join('rules', 'rule.yml')}:13 attack-lens/revoked`],
    );
    const coverage = run('coverage', 'rules', '--format', 'json');
    assert.strictEqual(coverage.code, 0, coverage.stderr);
    const report = JSON.parse(coverage.stdout) as { rules: number; techniques: Record<string, { rules: number }> };
    assert.strictEqual(report.rules, 1);
    assert.strictEqual(report.techniques['T1059.001']?.rules, 1, 'the revoked T1086 counts for its replacement');
    fs.mkdirSync(path.join(work, 'empty'), { recursive: true });
    const diff = run('diff', 'empty', 'rules', '--format', 'json');
    assert.strictEqual(diff.code, 0, diff.stderr);
    const changes = JSON.parse(diff.stdout) as { techniques: { gained: string[] }; rules: { added: string[] } };
    assert.deepStrictEqual(changes.techniques.gained, ['T1059', 'T1059.001']);
    assert.deepStrictEqual(changes.rules.added, ['rule.yml']);
  });
});
