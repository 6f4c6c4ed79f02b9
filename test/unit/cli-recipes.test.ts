import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { projectRoot } from './helpers/attackData';
import { tempDir } from './helpers/badData';

// The README's CI recipes and .pre-commit-hooks.yaml, run as written on a rule repository with
// two commits: the commands are read from the README, so the README cannot drift from what works.
// `attack-lens` on PATH is dist/cli.js; the `npm install -g` line is the tarball test's
// (cli-package.test.ts), so here it is only checked to name the tarball.

const cli = path.join(projectRoot, 'dist', 'cli.js');

const sigma = (id: string, tags: readonly string[]) =>
  `title: Rule ${id}\nid: 9d3c1a52-0000-4000-8000-00000000000${id}\nstatus: test\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains: x\n    condition: selection\ntags:\n${tags.map((t) => `    - ${t}\n`).join('')}level: high\n`;

/** The README's yaml block whose first line is `first` (or that holds `first`), parsed. */
function readmeYaml(first: string): Record<string, unknown> {
  const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.startsWith(first)) ?? blocks.find((b) => b.includes(first));
  assert.ok(block, `the README has a yaml block with ${first}`);
  return parse(block) as Record<string, unknown>;
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('CI recipes (README) and pre-commit hooks', function () {
  this.timeout(300_000);
  let repo: string;
  let env: NodeJS.ProcessEnv;
  let baseSha: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const bash = (script: string, extra: NodeJS.ProcessEnv = {}): Ran => {
    const r = spawnSync('bash', ['-e', '-c', script], { cwd: repo, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(() => {
    const dir = tempDir('recipes');
    repo = path.join(dir, 'repo');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(path.join(repo, 'rules'), { recursive: true });
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'attack-lens'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`, { mode: 0o755 });
    env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, ATTACK_LENS_STIX: undefined };
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'rules', 'a.yml'), sigma('1', ['attack.execution', 'attack.t1059.001']));
    fs.writeFileSync(path.join(repo, 'rules', 'b.yml'), sigma('2', ['attack.credential-access', 'attack.t1003.001']));
    git('add', '-A');
    git('commit', '-qm', 'base');
    baseSha = git('rev-parse', 'HEAD');
    fs.writeFileSync(path.join(repo, 'rules', 'a.yml'), sigma('1', ['attack.execution', 'attack.t1059.001', 'attack.defense-evasion', 'attack.t1027']));
    fs.rmSync(path.join(repo, 'rules', 'b.yml'));
    // A revoked technique: a warning, so the gates (errors) pass and the reports have a finding.
    fs.writeFileSync(path.join(repo, 'rules', 'c.yml'), sigma('3', ['attack.execution', 'attack.t1086']));
    git('add', '-A');
    git('commit', '-qm', 'head');
    git('update-ref', 'refs/remotes/origin/main', baseSha);
  });
  after(() => fs.rmSync(path.dirname(repo), { recursive: true, force: true }));

  it('GitHub Actions: every run step, on a pull request and on the default branch', () => {
    const workflow = readmeYaml('# .github/workflows/attack-lens.yml') as { jobs: Record<string, { steps: { run?: string; if?: string }[] }> };
    const steps = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.run);
    const summary = path.join(repo, '..', 'step-summary.md');
    fs.writeFileSync(summary, '');
    const ghEnv = { GITHUB_BASE_REF: 'main', GITHUB_STEP_SUMMARY: summary };
    let ran = 0;
    for (const step of steps) {
      const run = step.run!;
      if (run.startsWith('npm install -g')) {
        assert.match(run, /^npm install -g \.\/tools\/attack-lens-\d+\.\d+\.\d+\.tgz$/);
        continue;
      }
      const r = bash(run, ghEnv);
      ran++;
      if (run.includes('--fail-under 60')) {
        // The fixture covers two techniques: the default-branch gate fails, after writing its reports.
        assert.strictEqual(r.code, 1, r.stderr);
        assert.match(r.stderr, /below --fail-under 60%/);
      } else assert.strictEqual(r.code, 0, `${run}\n${r.stderr}`);
    }
    assert.strictEqual(ran, 4);
    const sarif = JSON.parse(fs.readFileSync(path.join(repo, 'attack-lens.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    assert.deepStrictEqual(
      sarif.runs[0].results.map((r) => r.ruleId),
      ['attack-lens/revoked'],
    );
    const markdown = fs.readFileSync(summary, 'utf8');
    assert.match(markdown, /T1027/);
    assert.match(markdown, /rules\/b\.yml/);
    for (const layer of ['coverage-diff-layer.json', 'coverage-layer.json']) {
      const j = JSON.parse(fs.readFileSync(path.join(repo, layer), 'utf8')) as { techniques: unknown[] };
      assert.ok(j.techniques.length > 0, layer);
    }
    assert.match(fs.readFileSync(path.join(repo, 'coverage.md'), 'utf8'), /T1059/);
    assert.ok(fs.readdirSync(path.join(repo, '.attack-lens-cache')).includes('attack-lens-cache.json'));
  });

  it('GitLab CI: every script line, in a merge request', () => {
    const ci = readmeYaml('# .gitlab-ci.yml') as Record<string, { script: string[]; artifacts: { reports: { codequality: string }; paths: string[] } }>;
    const job = ci['attack-lens'];
    for (const line of job.script) {
      if (line.startsWith('npm install -g')) {
        assert.match(line, /^npm install -g \.\/tools\/attack-lens-\d+\.\d+\.\d+\.tgz$/);
        continue;
      }
      const r = bash(line, { CI_MERGE_REQUEST_DIFF_BASE_SHA: baseSha });
      assert.strictEqual(r.code, 0, `${line}\n${r.stderr}`);
    }
    const quality = JSON.parse(fs.readFileSync(path.join(repo, job.artifacts.reports.codequality), 'utf8')) as {
      check_name: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
      fingerprint: string;
    }[];
    assert.strictEqual(quality.length, 1);
    assert.deepStrictEqual([quality[0].check_name, quality[0].severity, quality[0].location.path], ['attack-lens/revoked', 'minor', 'rules/c.yml']);
    assert.match(quality[0].fingerprint, /^[0-9a-f]{32}$/);
    for (const artifact of job.artifacts.paths) assert.ok(fs.existsSync(path.join(repo, artifact)), artifact);
    const diffLayer = JSON.parse(fs.readFileSync(path.join(repo, 'coverage-diff-layer.json'), 'utf8')) as { techniques: { techniqueID: string }[] };
    assert.ok(diffLayer.techniques.some((t) => t.techniqueID === 'T1027'));
  });

  describe('pre-commit hooks, run as pre-commit runs them (entry, args, then the matching changed files)', () => {
    interface Hook {
      id: string;
      entry: string;
      files?: string;
      args?: string[];
      pass_filenames?: boolean;
    }
    const hooks = () => parse(fs.readFileSync(path.join(projectRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
    const config = () => (readmeYaml('repos:') as { repos: { hooks: { id: string; files?: string; args?: string[] }[] }[] }).repos[0].hooks;
    const runHook = (id: string, changed: readonly string[]): Ran => {
      const hook = hooks().find((h) => h.id === id)!;
      const configured = config().find((h) => h.id === id)!;
      assert.ok(hook && configured, id);
      const args = configured.args ?? hook.args ?? [];
      const files = hook.pass_filenames === false ? [] : changed.filter((f) => new RegExp(hook.files ?? '').test(f) && new RegExp(configured.files ?? '').test(f));
      const [command, ...entryArgs] = hook.entry.split(' ');
      const r = spawnSync(command, [...entryArgs, ...args, ...files], { cwd: repo, env, encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const changedFiles = () => git('diff', '--name-only', '--diff-filter=d', 'HEAD~1', 'HEAD').split('\n');

    it('attack-lens-check checks the changed rule files: passes on a warning, fails on an error', () => {
      const passing = runHook('attack-lens-check', [...changedFiles(), 'README.md']);
      assert.strictEqual(passing.code, 0, passing.stderr);
      assert.match(passing.stdout, /rules\/c\.yml[\s\S]*attack-lens\/revoked/);
      assert.doesNotMatch(passing.stdout, /README/);
      fs.writeFileSync(path.join(repo, 'rules', 'd.yml'), sigma('4', ['attack.execution', 'attack.t1999']));
      try {
        const failing = runHook('attack-lens-check', ['rules/d.yml']);
        assert.strictEqual(failing.code, 1, failing.stderr);
        assert.match(failing.stdout, /rules\/d\.yml[\s\S]*attack-lens\/unknown-id/);
        assert.doesNotMatch(failing.stdout, /c\.yml/, 'only the files passed are checked');
      } finally {
        fs.rmSync(path.join(repo, 'rules', 'd.yml'));
      }
    });

    it('attack-lens-coverage gates the whole rule set with --fail-under', () => {
      const gated = runHook('attack-lens-coverage', changedFiles());
      assert.strictEqual(gated.code, 1, gated.stderr);
      assert.match(gated.stderr, /below --fail-under 60%/);
      const hook = hooks().find((h) => h.id === 'attack-lens-coverage')!;
      const defaults = spawnSync(hook.entry.split(' ')[0], [...hook.entry.split(' ').slice(1), ...hook.args!], { cwd: repo, env, encoding: 'utf8' });
      assert.strictEqual(defaults.status, 0, defaults.stderr);
      assert.match(defaults.stdout, /execution/i);
    });
  });
});
