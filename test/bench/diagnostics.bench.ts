import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { parseRuleFile } from '../../src/rules/index';
import { BenchReport, projectRoot, sharedRoot, time } from './bench';

// Diagnostics cost per keystroke (parse + checks of one rule) and over the whole Sigma corpus.

const TAGS = ['attack.execution', 'attack.t1059.001', 'attack.t1086', 'attack.T1003.001', 'attack.t1685', 'attack.defence-evasion', 'attack.t1218.011', 'attack.t1053.005', 'attack.g0016', 'attack.s0154'];

/** A 300-line Sigma rule: a long detection and ATT&CK tags with every kind of problem. */
export function sigmaRule300(): string {
  const lines = ['title: Benchmark rule', 'id: 5b0a9f3c-1d2e-4a7b-9c11-0000000000ff', 'status: test', 'description: Synthetic rule for the diagnostics benchmark.', 'tags:'];
  for (const t of TAGS) lines.push(`    - ${t}`);
  lines.push('logsource:', '    category: process_creation', '    product: windows', 'detection:', '    selection:', '        CommandLine|contains:');
  while (lines.length < 296) lines.push(`            - ' -argument${lines.length} '`);
  lines.push('    condition: selection', 'falsepositives:', '    - Unknown', 'level: high');
  return lines.join('\n') + '\n';
}

function sigmaFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(dir, f));
}

export async function run(report: BenchReport): Promise<void> {
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
  const text = sigmaRule300();
  let findings = 0;
  const samples = time(200, () => {
    findings = checkRuleFile(parseRuleFile(text, 'bench.yml', index), text, index).length;
  }, 20);
  report.series(`parse + check a 300-line Sigma rule (${findings} findings), median`, samples, { max: 5, stat: 'median' });
  report.series('parse + check a 300-line Sigma rule, p95', samples, { max: 5, stat: 'p95' });

  const files = sigmaFiles(path.join(sharedRoot, 'corpora', 'sigma', 'rules')).map((f) => ({ f, text: fs.readFileSync(f, 'utf8') }));
  let total = 0;
  const corpus = time(3, () => {
    total = 0;
    for (const { f, text: t } of files) total += checkRuleFile(parseRuleFile(t, f, index), t, index).length;
  }, 1);
  report.series(`parse + check the Sigma corpus (${files.length} files, ${total} findings)`, corpus);
  const parsed = files.map(({ f, text: t }) => ({ parsed: parseRuleFile(t, f, index), text: t }));
  const checksOnly = time(5, () => {
    for (const p of parsed) checkRuleFile(p.parsed, p.text, index);
  }, 1);
  report.series(`checks only over the Sigma corpus (${files.length} files)`, checksOnly);
}
