import * as fs from 'fs';
import * as path from 'path';
import { stripCitations } from '../../src/attack/compile';
import { AttackIndex } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { isLayerError, parseLayer } from '../../src/coverage/layerImport';
import { CoverageModel } from '../../src/coverage/model';
import { profileFromLayer } from '../../src/coverage/profile';
import { fuzzyEntries } from '../../src/editor/completionFuzzy';
import { detectRuleFormat, parseRuleFile } from '../../src/rules/index';
import { compileGlob } from '../../src/workspace/glob';
import { adversarialFile, ADVERSARIAL_FORMATS, AdversarialFile, clearAdversarialCache, INPUT_CLASSES, SIZES } from '../unit/helpers/adversarialCorpus';
import { BenchReport, median, projectRoot, time } from './bench';

// Hostile rule files (test/unit/helpers/adversarialCorpus.ts): for each format and input
// class, the median time to detect, parse, check (the editor's diagnostics, the CLI) and count
// (the scan's coverage model) one file at 100 KB and at 1 MB, and their ratio: about 10 when
// the cost is linear, about 100 when quadratic. Budget: 1 MB in ≤ 100 ms. Then the single
// findings of issue #10 §1. Run alone: `node out/test/bench/bench.js adversarial`
// (`ATTACK_LENS_BENCH_ONLY=sigma/blank` narrows it to matching cases).

const BUDGET_1MB_MS = 100;
/** A ratio above this is not linear whatever the noise. */
const RATIO_LIMIT = 20;

function parseAndCheck(file: AdversarialFile, index: AttackIndex): void {
  detectRuleFormat(file.text, file.path);
  const parsed = parseRuleFile(file.text, file.path, index, file.format === 'generic' ? { format: 'generic' } : {});
  checkRuleFile(parsed, file.text, index);
  CoverageModel.build([parsed], index);
}

function corpus(report: BenchReport, index: AttackIndex): void {
  const only = process.env.ATTACK_LENS_BENCH_ONLY;
  const ratios: number[] = [];
  const large: number[] = [];
  for (const format of ADVERSARIAL_FORMATS) {
    for (const inputClass of INPUT_CLASSES) {
      const name = `${format}/${inputClass}`;
      if (only && !name.includes(only)) continue;
      const small = adversarialFile(format, inputClass, SIZES.small);
      const big = adversarialFile(format, inputClass, SIZES.large);
      const s = time(7, () => parseAndCheck(small, index), 2);
      const b = time(5, () => parseAndCheck(big, index), 1);
      report.series(`adversarial ${name} 100 KB`, s);
      report.series(`adversarial ${name} 1 MB`, b, { max: BUDGET_1MB_MS, stat: 'median' });
      const ratio = median(b) / Math.max(median(s), 0.05);
      report.figure(`adversarial ${name} ratio 1 MB / 100 KB`, ratio, '×', RATIO_LIMIT);
      ratios.push(ratio);
      large.push(median(b));
      clearAdversarialCache();
    }
  }
  if (ratios.length) {
    report.figure('adversarial: largest ratio 1 MB / 100 KB (linear ≈ 10)', Math.max(...ratios), '×', RATIO_LIMIT);
    report.figure('adversarial: slowest 1 MB file (median)', Math.max(...large), 'ms', BUDGET_1MB_MS);
    report.figure('adversarial: 1 MB files over budget', large.filter((m) => m > BUDGET_1MB_MS).length, `of ${large.length}`);
  }
}

/** The findings of issue #10 §1 that are not rule files. */
function findings(report: BenchReport, index: AttackIndex): void {
  const techniques: unknown[] = [];
  for (let p = 1000; techniques.length < 40_000; p++) {
    techniques.push({ techniqueID: `T${p}`, showSubtechniques: true });
    for (let s = 1; s <= 9; s++) techniques.push({ techniqueID: `T${p}.00${s}`, score: s });
  }
  const layer = parseLayer({ name: 'big', versions: { layer: '4.5' }, domain: 'enterprise-attack', techniques });
  if (isLayerError(layer)) throw new Error(layer.message);
  report.series('adversarial: profile from a 40 000-entry layer (was 27 s)', time(5, () => profileFromLayer(layer), 1));

  const deepPath = Array.from({ length: 40 }, (_, i) => `d${i}`).join('/') + '/rule.yaml';
  const glob = `${'**/'.repeat(12)}*.yml`;
  report.series('adversarial: glob **/ × 12 vs a 40-level path (was 58 s)', time(50, () => compileGlob(glob).test(deepPath), 5), { max: 1, stat: 'median' });

  const search = new AttackSearch(index);
  const query = Array.from({ length: 10_240 }, (_, i) => 'powershell '[i % 11]).join('');
  report.series('adversarial: search, a one-word query, for comparison', time(10, () => search.search('powershell'), 2));
  report.series('adversarial: search, 10 KB query (was 17 s)', time(10, () => search.search(query), 2), { max: 100, stat: 'median' });
  report.series('adversarial: completion fuzzy, 10 KB query', time(10, () => fuzzyEntries(index, query, () => true, 50), 2), { max: 100, stat: 'median' });

  const blanks = ' '.repeat(50 * 1024);
  report.series('adversarial: stripCitations, 50 KB of spaces (was 2.4 s)', time(20, () => stripCitations(`a${blanks}b${blanks}(Citation: x)`), 2), { max: 5, stat: 'median' });
}

export function run(report: BenchReport): void {
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
  findings(report, index);
  corpus(report, index);
}
