import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { ParsedRuleFile } from '../../src/rules/types';
import { BenchReport, projectRoot, sharedRoot, time } from './bench';

// Coverage budgets:
//   CLI over the whole SigmaHQ corpus, whole process        ≤ 0.8 s (median)
//   heap for index + parsed corpus + model (after gc)        ≤ 150 MB
//   re-parse one changed file + rebuild the model            ≤ 20 ms (median)
//   first scan in the real host, at activation (SigmaHQ)    ≤ 1.2 s   test-results/firstscan-host.json
//   full rescan in the real host (3 140 files)               ≤ 3 s   } written by the coverage
//   one changed file in the host (re-read, parse, tree)      ≤ 20 ms } integration suite to
//   10 000 rule files: scan, longest event-loop stall ≤ 100 ms       } test-results/coverage-host-scan.json
//     (responsiveness), one changed file                              } and reported here when present.
//   1 MB and 120 KB adversarial files + a FIFO: longest stall ≤ 100 ms } test-results/coverage-host-adversarial.json

const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const cli = path.join(projectRoot, 'dist', 'cli.js');

function loadIndex(): AttackIndex {
  return AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
}

async function parseCorpus(index: AttackIndex): Promise<ParsedRuleFile[]> {
  const walked = walkRuleFiles([sigma]);
  const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index), batchSize: 256 });
  return scanned.files;
}

export async function run(report: BenchReport): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, 'coverage', sigma, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`attack-lens coverage failed: ${r.stderr}`);
    if (i > 0) samples.push(ms);
  }
  report.series(`coverage: CLI over SigmaHQ (${walkRuleFiles([sigma]).files.length} files), whole process`, samples, { max: 800, stat: 'median' });

  const heap = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'coverage-heap.js'), projectRoot, sigma], { encoding: 'utf8' });
  if (heap.status !== 0) throw new Error(heap.stderr);
  const { heapUsed } = JSON.parse(heap.stdout) as { heapUsed: number };
  report.figure('coverage: heap, index + SigmaHQ parsed + model (after gc)', heapUsed / 1024 / 1024, 'MB', 150);

  const index = loadIndex();
  const files = await parseCorpus(index);
  const texts = files.map((f) => fs.readFileSync(f.path, 'utf8'));
  const current = [...files];
  const changed = time(40, (i) => {
    const k = (i * 97) % files.length;
    current[k] = parseRuleFile(texts[k], files[k].path, index);
    const model = CoverageModel.build(current, index);
    model.tactics();
    void model.total;
  });
  report.series('coverage: one file changed → re-parse + model rebuild', changed, { max: 20, stat: 'median' });

  const model = CoverageModel.build(files, index);
  report.series('coverage: model build only (SigmaHQ)', time(20, () => void CoverageModel.build(files, index).tactics()));
  void model;

  reportActivationScan(report);
  const hostFile = path.join(projectRoot, 'test-results', 'coverage-host-scan.json');
  if (fs.existsSync(hostFile)) {
    const host = JSON.parse(fs.readFileSync(hostFile, 'utf8')) as HostFigures & { measuredAt: string; large?: HostFigures };
    console.log(`coverage: host figures from the coverage integration suite, ${host.measuredAt}`);
    // A second store's first scan once the host is quiet: cold code, without the workbench's start beside it.
    if (host.firstScanMs !== undefined) report.figure(`coverage: a second store's first scan in a quiet host, cold code (${host.files} files)`, host.firstScanMs, 'ms');
    if (host.firstScanWalkMs !== undefined) report.figure('coverage: of which finding the files (the walk)', host.firstScanWalkMs, 'ms');
    if (host.ioFloorMs !== undefined) {
      report.figure('coverage: floor in the same host: stat and read those files through workspace.fs as the scan does (a batch\'s stats, then its reads), nothing parsed', host.ioFloorMs, 'ms');
      if (host.firstScanMs !== undefined) report.figure('coverage: that first scan / that floor', host.firstScanMs / host.ioFloorMs, '×');
    }
    report.series(`coverage: full rescan in the real host (${host.files} files)`, host.durationsMs, { max: 3000, stat: 'median' });
    if (host.longestStallsMs) report.series('coverage: longest event-loop stall during that scan', host.longestStallsMs, { max: 100, stat: 'median' });
    if (host.updateMs) report.series('coverage: host, one file changed → re-read, re-parse, tree', host.updateMs, { max: 20, stat: 'median' });
    if (host.large) {
      report.series(`coverage: host scan of ${host.large.files} rule files`, host.large.durationsMs);
      report.series(`coverage: longest event-loop stall, ${host.large.files} files`, host.large.longestStallsMs, { max: 100, stat: 'median' });
      report.series(`coverage: host, one file changed among ${host.large.files}`, host.large.updateMs ?? []);
    }
  } else {
    console.log('coverage: no host figures yet (run `node out/test/host/runCodeServer.js coverage` to measure them)');
  }
  reportAdversarialHost(report);
}

/** The first scan a user waits for: the extension's own, at activation, over SigmaHQ (the firstscan suite). */
function reportActivationScan(report: BenchReport): void {
  const file = path.join(projectRoot, 'test-results', 'firstscan-host.json');
  if (!fs.existsSync(file)) {
    console.log(`coverage: MISSING ${path.relative(projectRoot, file)}: no figure for the first scan at activation; run the integration suite first (node out/test/host/runCodeServer.js firstscan)`);
    return;
  }
  const host = JSON.parse(fs.readFileSync(file, 'utf8')) as { files: number; activationScanMs: number; walkMs: number; ioFloorMs: number; measuredAt: string };
  console.log(`coverage: first-scan figures from the firstscan integration suite, ${host.measuredAt}`);
  report.figure(`coverage: first scan in the real host, at activation (${host.files} SigmaHQ files)`, host.activationScanMs, 'ms', 1200);
  report.figure('coverage: of which finding the files (the walk, beside the workbench starting)', host.walkMs, 'ms');
  report.figure('coverage: floor in that host after it: stat and read the files through workspace.fs, nothing parsed', host.ioFloorMs, 'ms');
  report.figure('coverage: first scan at activation / that floor', host.activationScanMs / host.ioFloorMs, '×');
}

/** The coverage suite's scan of adversarial files, 1 MB and just below the worker's threshold (zy-host-adversarial-scan.test.ts). */
function reportAdversarialHost(report: BenchReport): void {
  const file = path.join(projectRoot, 'test-results', 'coverage-host-adversarial.json');
  if (!fs.existsSync(file)) {
    console.log(`coverage: MISSING ${path.relative(projectRoot, file)}: no host figures for the adversarial files; run the integration suite first (node out/test/host/runCodeServer.js coverage)`);
    return;
  }
  const host = JSON.parse(fs.readFileSync(file, 'utf8')) as { files: number; durationsMs: number[]; longestStallsMs: number[]; editorStallMs: number; slowestParse?: { ms: number; file: string }; modelBuildMs?: number; measuredAt: string };
  console.log(`coverage: adversarial host figures from the coverage integration suite, ${host.measuredAt}`);
  // The worst of the scans, not a median: one long stall is what the user feels.
  report.figure(`host: longest event-loop stall scanning adversarial files (${host.files} files of 1 MB and 120 KB + a FIFO, worst of ${host.longestStallsMs.length} scans)`, Math.max(...host.longestStallsMs), 'ms', 100);
  report.series(`host: scan time, ${host.files} adversarial files of 1 MB and 120 KB`, host.durationsMs);
  report.figure('host: longest event-loop stall opening one (diagnostics + hover)', host.editorStallMs, 'ms', 100);
  // Where the stall comes from: the scan yields between files, not inside one parse or the model build.
  if (host.slowestParse) report.figure(`host: slowest single parse among them (${host.slowestParse.file})`, host.slowestParse.ms, 'ms');
  if (host.modelBuildMs !== undefined) report.figure('host: coverage model build over them (one synchronous pass)', host.modelBuildMs, 'ms');
}

interface HostFigures {
  readonly files: number;
  readonly firstScanMs?: number;
  readonly ioFloorMs?: number;
  readonly firstScanWalkMs?: number;
  readonly durationsMs: number[];
  readonly longestStallsMs: number[];
  readonly updateMs?: number[];
}
