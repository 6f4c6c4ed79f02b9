import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { AttackIndex } from '../../src/attack/index';
import { buildMatrix, MatrixViewModel } from '../../src/coverage/matrixData';
import { renderMatrixHtml, renderMatrixSvg } from '../../src/coverage/matrixReport';
import { CoverageModel } from '../../src/coverage/model';
import { ruleTelemetryLookup, shippedMappings } from '../../src/coverage/telemetry';
import { readTelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, telemetryStates } from '../../src/coverage/telemetryStates';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { CHROMIUM_ARGS, chromiumPath } from '../host/codeServer';
import { BenchReport, median, projectRoot, sharedRoot, time } from './bench';

// Coverage matrix first paint, Enterprise with the SigmaHQ corpus (~3 100 rules): budget ≤ 300 ms.
//   node: coverage model + matrix view model + its JSON (what postMessage carries), from parsed rules
//   node: the HTML report and the SVG export
//   browser: headless Chromium loads media/matrix/matrix.{js,css} in a page shaped like the
//     webview; from the model's arrival (window message, as VS Code delivers it) to the first
//     frame painted with the matrix (rAF + task), fresh page per sample.
//   first paint = median(model build) + median(browser)
//   node: the telemetry colour mode's extra (states on the same model, the view model with them)

const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const BUDGET_MS = 300;

function pageHtml(): string {
  const asset = (f: string) => 'file://' + path.join(projectRoot, 'media', 'matrix', f);
  // The webview's markup (src/views/matrixPanel.ts webviewHtml), with file URLs for the assets.
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src file: data:; style-src file:; script-src 'nonce-bench'">
<link rel="stylesheet" href="${asset('matrix.css')}"><title>bench</title></head>
<body class="vscode-dark"><main id="app"></main><script nonce="bench" src="${asset('matrix.js')}"></script></body></html>`;
}

async function browserFirstPaint(vm: MatrixViewModel, runs: number): Promise<number[]> {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-matrix-bench-'));
  const file = path.join(dir, 'matrix.html');
  fs.writeFileSync(file, pageHtml());
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  try {
    const page: Page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const samples: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      await page.goto('file://' + file);
      await page.waitForSelector('.side', { state: 'attached' });
      // Runs in the page (no DOM types in this node project: reach the window through globalThis).
      const ms = await page.evaluate((model) => {
        const w = globalThis as unknown as { addEventListener(t: string, f: () => void, o: object): void; postMessage(m: unknown, o: string): void; performance: { now(): number } };
        return new Promise<number>((resolve) => {
          const start = w.performance.now();
          w.addEventListener('matrix-rendered', () => resolve(w.performance.now() - start), { once: true });
          w.postMessage({ type: 'model', model }, '*');
        });
      }, vm as unknown as Record<string, unknown>);
      const cells = await page.locator('.cell').count();
      if (cells < 200) throw new Error(`the page rendered ${cells} cells`);
      if (i >= 2) samples.push(ms);
    }
    return samples;
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(report: BenchReport): Promise<void> {
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
  const walked = walkRuleFiles([sigma]);
  const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index), batchSize: 256 });
  const files = scanned.files;
  const rules = files.reduce((n, f) => n + f.rules.length, 0);
  report.figure('matrix: Sigma rules in the model', rules, 'rules');

  let vm!: MatrixViewModel;
  const build = time(15, () => {
    vm = buildMatrix(CoverageModel.build(files, index));
    JSON.stringify(vm);
  });
  report.series('matrix: coverage model + view model + JSON (node)', build);
  report.figure('matrix: view model JSON size', JSON.stringify(vm).length / 1024, 'KB');
  const model = CoverageModel.build(files, index);
  const profile = readTelemetryProfile({ dataComponents: ['DC0032'], logSources: ['WinEventLog:Sysmon'] }, index).profile!;
  const readsOf = ruleTelemetryLookup(files, shippedMappings());
  let states = telemetryStates(model, profile, componentsReadByCoveringRules(model, readsOf));
  // The states are CoverageTelemetry's, cached per model: the Coverage tree and the matrix share one computation.
  report.series('matrix: telemetry states of the model (node, shared with the tree)', time(15, () => (states = telemetryStates(model, profile, componentsReadByCoveringRules(model, readsOf)))));
  let withStates!: MatrixViewModel;
  const plain = time(15, () => JSON.stringify(buildMatrix(model)));
  const telemetryBuild = time(15, () => {
    withStates = buildMatrix(model, { telemetry: { states } });
    JSON.stringify(withStates);
  });
  report.series('matrix: view model + JSON on a built model (node)', plain);
  report.series('matrix: the same with the telemetry states (node)', telemetryBuild);
  report.figure('matrix: view model JSON size with telemetry states', JSON.stringify(withStates).length / 1024, 'KB');
  report.series('matrix: HTML report (node)', time(15, () => renderMatrixHtml(vm)));
  report.series('matrix: SVG export (node)', time(15, () => renderMatrixSvg(vm)));

  let paint: number[];
  try {
    paint = await browserFirstPaint(vm, 15);
  } catch (e) {
    report.figure(`matrix: browser first paint FAILED (${(e as Error).message.split('\n')[0]})`, NaN, 'ms');
    return;
  }
  report.series('matrix: browser, model arrives → first painted frame', paint);
  report.figure('matrix: first paint (model build + browser), medians', median(build) + median(paint), 'ms', BUDGET_MS);
}
