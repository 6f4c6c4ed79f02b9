import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateApi, cliCoverage, readFloor, workspaceUri, yamlFilesUnder } from '../coverage/helpers';

// The first scan a user waits for: the test runner copied SigmaHQ's rules into this suite's
// workspace before the host opened it, so the extension's own scan at activation read them, with
// the code never run before and the workbench starting beside it. Leaves the time, the walk and
// the I/O floor in the same host in test-results/firstscan-host.json for `npm run bench` (the
// budget lives there). Asserts that it was that scan, and that it read what the CLI reads.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');

describe('first scan: the extension\'s own scan of SigmaHQ at activation', function () {
  this.timeout(180_000);

  it('reads every SigmaHQ rule file once, counts what the CLI counts, and records the time', async () => {
    const api = await activateApi();
    const store = api.rules;
    await store.ready;
    const scan = store.lastScan;
    assert.ok(scan, 'a scan finished');
    assert.strictEqual(scan.first, true, 'the figure is the scan at activation, not a rescan');
    assert.strictEqual(scan.cancelled, false);
    const sigma = workspaceUri('sigma');
    const names = yamlFilesUnder(sigma.fsPath);
    assert.ok(names.length > 3000, `${names.length} rule files copied in`);
    assert.strictEqual(scan.files, names.length, 'every rule file read, nothing else');
    assert.strictEqual(scan.skipped, 0);
    assert.strictEqual(store.model.ruleCount, cliCoverage(sigma.fsPath).rules, 'the same rules as attack-lens coverage');

    // The floor a scan through workspace.fs cannot go below here, measured after it in the same
    // host, once the Problems panel has the findings of the files the scan read.
    await api.diagnostics.workspaceIdle();
    const ioFloorMs = await readFloor(store.files().map((f) => vscode.Uri.parse(f.path, true)));
    const out = path.join(projectRoot, 'test-results');
    fs.mkdirSync(out, { recursive: true });
    const figures = { files: scan.files, activationScanMs: scan.durationMs, walkMs: scan.discoveredMs, ioFloorMs, measuredAt: new Date().toISOString(), vscode: vscode.version };
    fs.writeFileSync(path.join(out, 'firstscan-host.json'), JSON.stringify(figures));
    console.log(`      first scan at activation ${scan.durationMs} ms (walk ${scan.discoveredMs} ms), floor ${ioFloorMs} ms, ${scan.files} files`);
  });
});
