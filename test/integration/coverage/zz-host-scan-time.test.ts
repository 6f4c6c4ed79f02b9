import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CoverageModel } from '../../../src/coverage/model';
import { RuleParsing } from '../../../src/workspace/ruleParsing';
import { RuleStore } from '../../../src/workspace/ruleStore';
import { uiClick, waitForUiText } from '../../host/uiProbe';
import { activateApi, cliCoverage, longestStall, readFloor, waitFor, workspaceUri, yamlFilesUnder } from './helpers';

// Measures the RuleStore in the real host over the SigmaHQ corpus copied into the workspace
// (3 000+ files), then over 10 000 rule files (the corpus copied again), and leaves the figures
// in test-results/coverage-host-scan.json for `npm run bench`: full scan time, the longest
// event-loop stall while scanning, and the cost of one changed file (re-read, re-parse, model
// rebuild by the tree). Runs last in the suite (file name) and removes the copies again.
// Asserts correctness, not time: budgets live in the bench.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
const sigma = path.join(process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared'), 'corpora', 'sigma', 'rules');
const LARGE = 10_000;

interface Figures {
  files: number;
  durationsMs: number[];
  longestStallsMs: number[];
  updateMs: number[];
}

/** Full rescans with a 5 ms ticker: how long each took and the longest the event loop was blocked. */
async function measureScans(store: RuleStore, runs: number): Promise<Pick<Figures, 'durationsMs' | 'longestStallsMs'>> {
  const durationsMs: number[] = [];
  const longestStallsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    longestStallsMs.push(await longestStall(() => store.rescan()));
    assert.strictEqual(store.lastScan?.cancelled, false);
    durationsMs.push(store.lastScan!.durationMs);
  }
  return { durationsMs, longestStallsMs };
}

/**
 * Edits one rule file at a time and records what the update cost: re-read, re-parse, model
 * rebuild by the tree. The store is told directly (the watcher's path after its debounce), so a
 * watcher slowed down by the bulk copies cannot skew it; live.test.ts covers the watcher itself.
 */
async function measureUpdates(store: RuleStore, files: readonly vscode.Uri[], runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const uri = files[(i * 131) % files.length];
    fs.appendFileSync(uri.fsPath, `# edited ${i}\n`);
    await store.reread([uri]);
    assert.strictEqual(store.lastUpdate?.files, 1, 'only the changed file was read again');
    samples.push(Math.round(store.lastUpdate!.durationMs * 10) / 10);
    // Let the watcher's own report of the edit come and go before the next sample.
    await new Promise((r) => setTimeout(r, 400));
  }
  return samples;
}

/** Waits for the watcher to pick up a bulk copy: a watcher that drops events fails here, it is not covered up by a rescan. */
async function settle(store: RuleStore, expected: number): Promise<void> {
  await waitFor(`the watcher to pick up the copy (${expected} files)`, () => store.files().length >= expected, 90_000);
  await store.flush();
  assert.strictEqual(store.files().length, expected);
}

/** The figures so far, for `npm run bench` (written after each test: a run of one test leaves its own). */
function writeFigures(results: object): void {
  const dir = path.join(projectRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'coverage-host-scan.json'), JSON.stringify({ ...results, measuredAt: new Date().toISOString(), vscode: vscode.version }));
}

describe('coverage: the SigmaHQ corpus and 10 000 rule files in the host', function () {
  this.timeout(240_000);
  const copies: string[] = [];
  const results: Partial<Figures> & { firstScanMs?: number; firstScanWalkMs?: number; ioFloorMs?: number; large?: Figures } = {};

  after(async () => {
    for (const c of copies) fs.rmSync(c, { recursive: true, force: true });
    const api = await activateApi();
    await api.rules.rescan();
  });

  it('scans 3 000+ files, re-reads only a changed file, and records the times', async () => {
    assert.ok(fs.existsSync(sigma), `the SigmaHQ corpus at ${sigma}`);
    const api = await activateApi();
    const store = api.rules;
    const target = workspaceUri('sigma-corpus');
    copies.push(target.fsPath);
    fs.cpSync(sigma, target.fsPath, { recursive: true });
    const names = yamlFilesUnder(target.fsPath);
    const base = store.files().length;
    await settle(store, base + names.length);
    // Measured on a quiet host: the extension's own store has published what the copy brought.
    await api.diagnostics!.workspaceIdle();
    // A first scan with cold code: a second store built from this test bundle's own copy of the
    // parsers and the store (never run before in this host), as activation would.
    const parsing = new RuleParsing(api.lens);
    const fresh = new RuleStore(api.lens, parsing);
    await fresh.ready;
    assert.strictEqual(fresh.lastScan?.files, base + names.length);
    assert.strictEqual(fresh.lastScan?.first, true, 'the second store\'s first scan');
    assert.strictEqual(fresh.model.ruleCount, store.model.ruleCount, 'the same coverage as the extension\'s store');
    const firstScanMs = fresh.lastScan!.durationMs;
    const firstScanWalkMs = fresh.lastScan!.discoveredMs;
    const scanned = fresh.files().map((f) => vscode.Uri.parse(f.path, true));
    fresh.dispose();
    parsing.dispose();
    // The floor a scan through workspace.fs cannot go below here: the same files, stat and read in
    // batches as the scan reads them, nothing parsed (the bench sets the first scan against it).
    const ioFloorMs = await readFloor(scanned);
    const scans = await measureScans(store, 3);
    assert.strictEqual(store.lastScan?.first, false, 'a rescan is not a first scan');
    assert.strictEqual(store.lastScan?.files, base + names.length);
    assert.ok(store.model.ruleCount > 2900, `${store.model.ruleCount} rules`);
    // The same engine: the extension's counts for the corpus equal `attack-lens coverage --format json`.
    const cli = cliCoverage(target.fsPath);
    const corpus = CoverageModel.build(store.files().filter((f) => f.path.startsWith(target.toString() + '/')), api.lens.index);
    assert.strictEqual(corpus.ruleCount, cli.rules);
    const differences = Object.entries(cli.techniques).filter(([id, c]) => corpus.forTechnique(id)?.rules.length !== c.rules || corpus.forTechnique(id)?.viaSubtechniques.length !== c.viaSubtechniques);
    assert.deepStrictEqual(differences, []);
    assert.strictEqual(corpus.referencedTechniques().length, Object.values(cli.techniques).filter((c) => c.rules > 0).length);
    const updateMs = await measureUpdates(store, names.map((n) => vscode.Uri.joinPath(target, n)), 12);
    Object.assign(results, { files: store.lastScan!.files, firstScanMs, firstScanWalkMs, ioFloorMs, ...scans, updateMs });
    writeFigures(results);
  });

  it('shows the scan in the status bar and cancels it from there, keeping what was read', async () => {
    const api = await activateApi();
    const store = api.rules;
    const total = store.files().length;
    const scan = store.rescan();
    await waitFor('the scan to report progress', () => /^\$\(sync~spin\) ATT&CK rules [1-9]\d*\/\d+$/.test(store.statusText ?? ''), 30_000);
    assert.strictEqual(await vscode.commands.executeCommand('attackLens.cancelCoverageScan'), true);
    await scan;
    assert.strictEqual(store.lastScan?.cancelled, true);
    assert.ok(store.lastScan!.files < total, `${store.lastScan!.files} of ${total} read before the cancel`);
    assert.strictEqual(store.files().length, total, 'files not reached keep what the last full scan read');
    assert.strictEqual(store.statusText, undefined, 'the status bar item is gone');
    assert.match(api.coverageTree.viewState.message ?? '', /cancelled/);
    assert.strictEqual(await vscode.commands.executeCommand('attackLens.cancelCoverageScan'), false, 'nothing to cancel now');
    await store.rescan();
    assert.strictEqual(store.lastScan?.cancelled, false);
    assert.strictEqual(api.coverageTree.viewState.message, undefined);
  });

  it('stays responsive with 10 000 rule files', async () => {
    const api = await activateApi();
    const store = api.rules;
    const names = yamlFilesUnder(sigma);
    let need = LARGE - store.files().length;
    const added: vscode.Uri[] = [];
    for (let k = 2; need > 0; k++) {
      const target = workspaceUri(`sigma-corpus-${k}`);
      copies.push(target.fsPath);
      for (const n of names.slice(0, need)) {
        fs.mkdirSync(path.dirname(path.join(target.fsPath, n)), { recursive: true });
        fs.copyFileSync(path.join(sigma, n), path.join(target.fsPath, n));
        added.push(vscode.Uri.joinPath(target, n));
      }
      need -= Math.min(need, names.length);
    }
    await settle(store, LARGE);
    const scans = await measureScans(store, 2);
    assert.strictEqual(store.lastScan?.files, LARGE);
    const updateMs = await measureUpdates(store, added, 8);
    results.large = { files: LARGE, ...scans, updateMs };
    // In the page: the status bar item shows the progress, and a click on it cancels the scan.
    const scan = store.rescan();
    await waitForUiText('.part.statusbar .statusbar-item', /ATT&CK rules [1-9]\d*\/10000/, { timeoutMs: 20_000 });
    await uiClick('.part.statusbar .statusbar-item:has-text("ATT&CK rules")');
    await scan;
    assert.strictEqual(store.lastScan?.cancelled, true, 'cancelled by the click');
    await store.rescan();
    assert.strictEqual(store.lastScan?.cancelled, false);
    writeFigures(results);
  });
});
