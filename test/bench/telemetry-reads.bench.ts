import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { jsonReport } from '../../src/coverage/report';
import { shippedMappings } from '../../src/coverage/telemetry';
import { telemetrySummary } from '../../src/coverage/telemetryReport';
import { parseRuleFile } from '../../src/rules/index';
import { FileLimits } from '../../src/rules/limits';
import { RuleReads, sigmaReads } from '../../src/rules/logSources';
import { LineMap } from '../../src/rules/text';
import { get, parseYaml, YNode } from '../../src/rules/yamlTree';
import { BenchReport, median, projectRoot, sharedRoot, time } from './bench';

// Issue 12 budget: telemetry adds ≤ 15 % to the CLI's coverage of SigmaHQ (in process: parse,
// model, json report). What telemetry adds is the parsers' log-source readers (timed alone
// over the parsed YAML trees, since every parse runs them) and the summary the json report gains.
//   overhead = (readers + summary) / (parse + model + json − readers)

const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const RUNS = 7;

export function run(report: BenchReport): void {
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
  const files = fs.readdirSync(sigma, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yml')).map((f) => path.join(sigma, f)).sort();
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));

  let parsed = texts.map((t, i) => parseRuleFile(t, files[i], index));
  const coverage = time(RUNS, () => {
    parsed = texts.map((t, i) => parseRuleFile(t, files[i], index));
    void jsonReport(CoverageModel.build(parsed, index));
  }, 1);
  report.series('telemetry: SigmaHQ parse + model + json, readers included', coverage);

  const trees: YNode[] = [];
  for (const text of texts) {
    const lines = new LineMap(text);
    const limits = new FileLimits(lines);
    for (const doc of parseYaml(text, lines, limits).documents) if (doc.root?.kind === 'map') trees.push(doc.root);
  }
  const readers = time(RUNS, () => {
    for (const root of trees) sigmaReads(get(root, 'logsource'), get(root, 'detection'), new RuleReads('sigma', new FileLimits(new LineMap(''))));
  });
  report.series('telemetry: the Sigma log-source readers alone', readers);

  const model = CoverageModel.build(parsed, index);
  const mappings = shippedMappings();
  const summary = time(RUNS, () => {
    const t = telemetrySummary(parsed, model, mappings);
    for (const id of Object.keys(jsonReport(model).techniques)) t.techniqueComponents(model.forTechnique(id)!);
  });
  report.series('telemetry: summary + per-technique data components', summary);
  const added = median(readers) + median(summary);
  report.figure('telemetry: added to CLI coverage of SigmaHQ', (100 * added) / (median(coverage) - median(readers)), '%', 15);
}
