import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readTelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, telemetryStates } from '../../src/coverage/telemetryStates';
import { ruleTelemetryLookup, shippedMappings } from '../../src/coverage/telemetry';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { BenchReport, median, projectRoot, sharedRoot } from './bench';

// Telemetry (issue #12) budgets:
//   the index grows by ≤ 1 MB for the analytics and log sources: the figure is what this branch's
//     data (data components' log source names and data source) adds to dist/attack-index.json,
//     with the analytics' log source references it already held, and the whole file's size;
//   telemetry adds ≤ 15 % to the CLI's coverage of SigmaHQ (whole process, with and without --telemetry);
//   telemetry adds ≤ 20 ms to the host's model build: the SigmaHQ model built with and without the
//     four states, in process (the host runs the same code on its scan's files).

const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const cli = path.join(projectRoot, 'dist', 'cli.js');
const indexFile = path.join(projectRoot, 'dist', 'attack-index.json');
const RUNS = 21;

function jsonBytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}

function cliRun(args: readonly string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'coverage', sigma, '--format', 'json', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`attack-lens coverage failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * `a` and `b` timed in turns after one warm-up each, so a machine whose load drifts weighs on both
 * alike: the samples of each and each turn's difference (b − a).
 */
function paired(runs: number, a: () => number, b: () => number): { a: number[]; b: number[]; diff: number[] } {
  a();
  b();
  const out = { a: [] as number[], b: [] as number[], diff: [] as number[] };
  for (let i = 0; i < runs; i++) {
    let x: number;
    let y: number;
    if (i % 2) {
      x = a();
      y = b();
    } else {
      y = b();
      x = a();
    }
    out.a.push(x);
    out.b.push(y);
    out.diff.push(y - x);
  }
  return out;
}

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
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
    const cliTimes = paired(8, () => cliRun([]), () => cliRun(['--telemetry', file]));
    const without = median(cliTimes.a);
    report.series('telemetry: CLI coverage of SigmaHQ, without --telemetry', cliTimes.a);
    report.series('telemetry: CLI coverage of SigmaHQ, with --telemetry', cliTimes.b);
    report.figure('telemetry: added by --telemetry (median of paired runs)', (median(cliTimes.diff) / without) * 100, '%', 15);
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
  // The host builds a model per scan and the states on top (src/state/coverageTelemetry.ts), with
  // what each rule reads from the shipped mappings: timed here in process over the SigmaHQ parse,
  // model build alone and model build + states, the difference against the ≤ 20 ms budget.
  const profile = readTelemetryProfile({ logSources: ['WinEventLog:Sysmon', 'WinEventLog:Security', 'auditd:SYSCALL'] }, index).profile!;
  const mappings = shippedMappings();
  // The model computes per tactic and technique on demand; the Coverage tree reads every tactic and
  // technique of it, so the build without states walks them too.
  const walk = (model: CoverageModel) => {
    for (const t of model.tactics()) for (const item of t.items) void item.subtechniques.length;
    return model;
  };
  const build = () => walk(CoverageModel.build(scanned.files, index));
  const model = paired(
    RUNS,
    () => timed(() => void build()),
    () =>
      timed(() => {
        const m = build();
        void telemetryStates(m, profile, componentsReadByCoveringRules(m, ruleTelemetryLookup(scanned.files, mappings)));
      }),
  );
  report.series('telemetry: SigmaHQ model build, tactics walked (in process)', model.a);
  report.series('telemetry: SigmaHQ model build + four states (in process)', model.b);
  report.series("telemetry: added to the host's model build (paired, in process)", model.diff, { max: 20, stat: 'median' });
}
