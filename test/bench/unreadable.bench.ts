import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { parseRuleFile } from '../../src/rules/index';
import { BenchReport, median, projectRoot, time } from './bench';

// Unreadable references (section 7 of issue 10): parse + checks of files full of ATT&CK-shaped
// text that cannot be read, at 100 KB and 1 MB, and the ratio (linear ≈ 10). One long line of
// references is its own class: every reference's position is on the same line.

const sigma = (tags: string) => `title: t\nlogsource:\n  product: windows\ndetection:\n  sel:\n    a: b\n  condition: sel\ntags:\n${tags}`;

const CLASSES: [string, 'sigma' | 'splunk' | 'generic' | 'yaral', (size: number) => string][] = [
  ['Sigma tags with a trailing dot', 'sigma', (n) => sigma('  - attack.t1059.001.\n'.repeat(n / 22))],
  ['Sigma tags with a zero-width space', 'sigma', (n) => sigma('  - attack.t\u200b1059\n'.repeat(n / 20))],
  ['Sigma aliases as tags', 'sigma', (n) => 'x: &a attack.t1059\n' + sigma('  - *a\n'.repeat(n / 7))],
  ['Splunk mitre_attack_id mappings', 'splunk', (n) => 'name: r\ntags:\n  mitre_attack_id:\n' + '  - {id: T1059}\n'.repeat(n / 16)],
  ['generic full-width IDs on one line', 'generic', (n) => 'Ｔ１０５９ '.repeat(n / 6)],
  ['YARA-L spaced IDs on one line', 'yaral', (n) => `rule r {\n  meta:\n    mitre_attack_technique = "${'T1059 .001, '.repeat(n / 12)}"\n  condition:\n    $e\n}\n`],
];

export async function run(report: BenchReport): Promise<void> {
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
  for (const [name, format, make] of CLASSES) {
    const medians: number[] = [];
    for (const size of [100_000, 1_000_000]) {
      const text = make(size);
      const samples = time(size > 100_000 ? 3 : 10, () => checkRuleFile(parseRuleFile(text, 'x', index, { format }), text, index), 1);
      report.series(`unreadable: ${name}, ${size / 1000} KB`, samples);
      medians.push(median(samples));
    }
    report.figure(`unreadable: ${name}, 1 MB / 100 KB`, medians[1] / medians[0], '×');
  }
}
