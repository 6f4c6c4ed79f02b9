import * as fs from 'fs';
import * as path from 'path';
import type MochaType = require('mocha');

// extensionTestsPath for VS Code: runs one integration suite with mocha inside the extension
// host. The host's stdout does not reliably reach the runner, so results go to a JSON file
// (ATTACK_LENS_RESULTS) that the runner reads and prints: spec-style lines and counts.

export interface SuiteResults {
  readonly suite: string;
  readonly done: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly lines: readonly string[];
  readonly failures: readonly string[];
}

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

// mocha 12 is an ES module: `require` hands back its namespace, whose default is the class.
function loadMocha(): typeof MochaType {
  const m = require('mocha') as typeof MochaType & { default?: typeof MochaType };
  return m.default ?? m;
}

export function run(): Promise<void> {
  const suite = process.env.ATTACK_LENS_SUITE ?? 'unknown';
  const dir = process.env.ATTACK_LENS_TESTS_DIR ?? path.resolve(__dirname, '..', 'integration', suite);
  const resultsFile = process.env.ATTACK_LENS_RESULTS;
  const Mocha = loadMocha();
  class SilentReporter extends Mocha.reporters.Base {}
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: SilentReporter });
  if (process.env.ATTACK_LENS_GREP) mocha.grep(process.env.ATTACK_LENS_GREP);
  const files = testFiles(dir);
  for (const f of files) mocha.addFile(f);

  const lines: string[] = [];
  const failures: string[] = [];
  let passed = 0;
  let failed = 0;
  let pending = 0;
  let depth = 0;
  const save = (done: boolean) => {
    if (!resultsFile) return;
    const results: SuiteResults = { suite, done, passed, failed, pending, lines, failures };
    fs.writeFileSync(resultsFile, JSON.stringify(results));
  };
  const indent = () => '  '.repeat(depth);
  if (files.length === 0) lines.push(`no *.test.js files under ${dir}`);
  save(false);

  return new Promise<void>((resolve, reject) => {
    let runner: MochaType.Runner;
    try {
      runner = mocha.run((failureCount) => {
        save(true);
        if (failureCount > 0) reject(new Error(`${failureCount} test(s) failed`));
        else resolve();
      });
    } catch (e) {
      failed++;
      failures.push(`loading the suite failed: ${(e as Error).stack ?? e}`);
      save(true);
      reject(e);
      return;
    }
    runner.on('suite', (s) => {
      if (s.title) lines.push(`${indent()}${s.title}`);
      if (s.title) depth++;
    });
    runner.on('suite end', (s) => {
      if (s.title) depth--;
    });
    runner.on('pass', (t) => {
      passed++;
      lines.push(`${indent()}✔ ${t.title} (${t.duration ?? 0} ms)`);
      save(false);
    });
    runner.on('pending', (t) => {
      pending++;
      lines.push(`${indent()}- ${t.title}`);
      save(false);
    });
    runner.on('fail', (t, err: Error) => {
      failed++;
      lines.push(`${indent()}${failures.length + 1}) ${t.title}`);
      failures.push(`${failures.length + 1}) ${t.fullTitle()}:\n${err?.stack ?? String(err)}`);
      save(false);
    });
  });
}
