import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateApi, waitFor, workspaceUri } from './helpers';

// Measures the RuleStore's full scan in the real host over the SigmaHQ corpus copied into the
// workspace, and leaves the figures in test-results/coverage-host-scan.json for `npm run bench`.
// Runs last in the suite (file name) and removes the corpus again. Asserts correctness, not time.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
const sigma = path.join(process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared'), 'corpora', 'sigma', 'rules');

describe('coverage: scan of the SigmaHQ corpus in the host', function () {
  this.timeout(240_000);

  it('scans 3 000+ files and records how long the scan took', async () => {
    assert.ok(fs.existsSync(sigma), `the SigmaHQ corpus at ${sigma}`);
    const api = await activateApi();
    const store = api.rules;
    const target = workspaceUri('sigma-corpus');
    fs.cpSync(sigma, target.fsPath, { recursive: true });
    const expected = fs.readdirSync(target.fsPath, { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f)).length;
    const base = store.files().length;
    try {
      await waitFor('the watcher to settle', () => store.files().length >= base + expected, 120_000);
      const durations: number[] = [];
      const stalls: number[] = [];
      for (let i = 0; i < 3; i++) {
        // The longest the extension host's event loop was blocked during the scan.
        let last = Date.now();
        let worst = 0;
        const ticker = setInterval(() => {
          const now = Date.now();
          worst = Math.max(worst, now - last);
          last = now;
        }, 5);
        await store.rescan();
        clearInterval(ticker);
        assert.strictEqual(store.lastScan?.cancelled, false);
        durations.push(store.lastScan!.durationMs);
        stalls.push(worst);
      }
      assert.strictEqual(store.lastScan?.files, base + expected);
      assert.ok(store.model.ruleCount > 2900, `${store.model.ruleCount} rules`);
      const results = path.join(projectRoot, 'test-results');
      fs.mkdirSync(results, { recursive: true });
      fs.writeFileSync(path.join(results, 'coverage-host-scan.json'), JSON.stringify({ files: store.lastScan!.files, durationsMs: durations, longestStallsMs: stalls, measuredAt: new Date().toISOString(), vscode: vscode.version }));
    } finally {
      fs.rmSync(target.fsPath, { recursive: true, force: true });
      await store.rescan();
    }
  });
});
