import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { parseRuleFile } from '../../src/rules/index';
import { BenchReport, projectRoot, sharedRoot, time } from './bench';

// Rule parsing speed. Budget: the CLI covers the 3 134 SigmaHQ files in ≤ 0.8 s as a whole
// process, so parsing must stay near 0.1 ms per rule.

function ruleFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|toml|yaral)$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** A realistic 300-line Sigma rule: many selections and a long tag list. */
function longSigmaRule(): string {
  const lines = ['title: Long Rule For Benchmarks', 'id: 00000000-0000-4000-8000-000000000300', 'status: test', 'level: high', 'tags:'];
  for (let i = 0; i < 40; i++) lines.push(i % 4 === 0 ? '    - attack.execution' : `    - attack.t${1000 + i}.${String(i).padStart(3, '0')}`);
  lines.push('logsource:', '    category: process_creation', '    product: windows', 'detection:');
  let n = 0;
  while (lines.length < 296) {
    lines.push(`    selection_${n}:`, `        Image|endswith: '\\tool${n}.exe'`, `        CommandLine|contains|all:`, `            - ' -flag${n} '`, `            - 'value ${n}'`);
    n++;
  }
  lines.push('    condition: 1 of selection_*', 'falsepositives:', '    - Unknown');
  return lines.slice(0, 300).join('\n') + '\n';
}

/** Parses each file (cycling through small sets until 300 samples), after one warm-up pass. */
function perFileSeries(report: BenchReport, name: string, files: string[], index: AttackIndex, budgetMs?: number): void {
  if (files.length === 0) return;
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const n = Math.max(texts.length, 300);
  const samples = time(n, (i) => parseRuleFile(texts[i % texts.length], files[i % texts.length], index), texts.length);
  report.series(`rules: parse one ${name} file (warm)`, samples, budgetMs === undefined ? undefined : { max: budgetMs, stat: 'median' });
}

export async function run(report: BenchReport): Promise<void> {
  const indexFile = path.join(projectRoot, 'dist', 'attack-index.json');
  const index = AttackIndex.fromJson(fs.readFileSync(indexFile, 'utf8'));
  const sigmaDir = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
  const splunkDir = path.join(sharedRoot, 'corpora', 'splunk', 'detections');
  const fixtures = path.join(projectRoot, 'test', 'fixtures', 'rules');
  const sigma = ruleFiles(sigmaDir);
  const splunk = ruleFiles(splunkDir);

  perFileSeries(report, 'SigmaHQ', sigma, index, 0.1);
  perFileSeries(report, 'Splunk ESCU', splunk, index, 0.2);
  for (const folder of ['elastic', 'sentinel', 'yaral']) perFileSeries(report, `${folder} fixture`, ruleFiles(path.join(fixtures, folder)), index);

  for (const [name, files] of [['SigmaHQ', sigma], ['Splunk ESCU', splunk]] as const) {
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    const samples = time(5, () => texts.forEach((t, i) => parseRuleFile(t, files[i], index)), 2);
    report.series(`rules: parse whole ${name} corpus, ${files.length} files (warm)`, samples);
  }

  const long = longSigmaRule();
  report.series('rules: parse a 300-line Sigma rule (warm)', time(200, () => parseRuleFile(long, 'long.yml', index), 50), { max: 1, stat: 'median' });

  // Cold, as the CLI runs: a fresh process reads the index and every file once.
  const script = path.join(projectRoot, 'out', 'test', 'bench', 'rulesColdRun.js');
  for (const [name, dir, budget] of [['SigmaHQ', sigmaDir, 800], ['Splunk ESCU', splunkDir, undefined]] as const) {
    const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(process.execPath, [script, dir, indexFile], { encoding: 'utf8' })) as { files: number; indexMs: number; readMs: number; parseMs: number; totalMs: number });
    const best = runs.sort((a, b) => a.totalMs - b.totalMs)[1];
    report.figure(`rules: fresh process, ${name} ${best.files} files: parse (cold)`, best.parseMs, 'ms');
    report.figure(`rules: fresh process, ${name}: index load + read + parse`, best.totalMs, 'ms', budget);
  }
}
