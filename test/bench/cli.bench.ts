import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchReport, median, projectRoot, sharedRoot } from './bench';

// CI budgets of the CLI (issue #13 §5), whole processes, each against a floor measured in the
// same run: a Node process that walks and reads the same SigmaHQ files and does nothing else.
//   check over SigmaHQ, no cache                          ≤ 8 × the floor (median)
//   coverage --cache, warm (nothing changed)               ≤ 2 × the floor (median)
//   diff --git of two SigmaHQ revisions (cold, no cache)   ≤ 3 s (median)

const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const cli = path.join(projectRoot, 'dist', 'cli.js');
const RUNS = 6;

const FLOOR = `const fs = require('fs'), path = require('path'); let bytes = 0;
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
  const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (/\\.ya?ml$/.test(e.name)) bytes += fs.readFileSync(p, 'utf8').length; } };
walk(process.argv[1]); process.stdout.write(String(bytes));`;

/** Median wall time of a whole process (the first run, disk cache warm-up, is dropped). */
function timed(args: readonly string[], cwd = projectRoot, okCodes: readonly number[] = [0]): number[] {
  const samples: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status === null || !okCodes.includes(r.status)) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    if (i > 0) samples.push(ms);
  }
  return samples;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** A repository with SigmaHQ as its first commit and, second, 20 rules retagged and 10 removed. */
function twoRevisions(): string {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-bench-git-'));
  fs.cpSync(sigma, path.join(repo, 'rules'), { recursive: true });
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'SigmaHQ');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => p.endsWith('.yml') && files.push(p))(path.join(d, e.name));
  };
  walk(path.join(repo, 'rules'));
  files.sort();
  for (let i = 0; i < 20; i++) {
    const f = files[i * 97];
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/attack\.t\d{4}(\.\d{3})?/, 'attack.t1027'));
  }
  for (let i = 0; i < 10; i++) fs.rmSync(files[i * 101 + 50]);
  git(repo, 'commit', '-qam', 'retag 20, remove 10');
  return repo;
}

export function run(report: BenchReport): void {
  const floor = median(timed(['-e', FLOOR, sigma]));
  report.figure('cli: floor, a Node process reading the SigmaHQ files', floor, 'ms');

  const check = timed([cli, 'check', sigma, '--format', 'sarif', '--fail-on', 'never']);
  report.series('cli: check over SigmaHQ, SARIF, whole process', check);
  report.figure('cli: check / floor', median(check) / floor, '×', 8);

  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-bench-cache-'));
  try {
    timed([cli, 'coverage', sigma, '--format', 'json', '--cache', cache]);
    const warm = timed([cli, 'coverage', sigma, '--format', 'json', '--cache', cache]);
    report.series('cli: coverage --cache over SigmaHQ, warm, whole process', warm);
    report.figure('cli: warm coverage --cache / floor', median(warm) / floor, '×', 2);
    const warmCheck = timed([cli, 'check', sigma, '--format', 'sarif', '--fail-on', 'never', '--cache', cache]);
    report.series('cli: check --cache over SigmaHQ, warm, whole process', warmCheck);
    report.figure('cli: warm check --cache / floor', median(warmCheck) / floor, '×');
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }

  const repo = twoRevisions();
  try {
    report.series('cli: diff --git of two SigmaHQ revisions, whole process', timed([cli, 'diff', '--git', 'HEAD~1', 'HEAD', '--format', 'markdown'], repo), { max: 3000, stat: 'median' });
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
}
