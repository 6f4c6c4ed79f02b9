import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, diagnosticsSettled, waitFor, workspaceUri } from '../../host/inHost';
import { uiClick, waitForUiText } from '../../host/uiProbe';

// Issue 14 §1 in the editor: a SigmaHQ-style rule tagged for ATT&CK v19 (attack.stealth,
// attack.defense-impairment, attack.t1685) against the shipped 18.1 data gets information
// diagnostics under attack-lens/newer-than-data, no errors; the workspace gets one notification
// and a status bar warning, and the Coverage view lists the references.

const RULE = 'rules/win_defender_disabled_registry.yml';
const SEVERITY = ['error', 'warning', 'information', 'hint'];

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

describe('rules newer than the loaded ATT&CK data', function () {
  this.timeout(90_000);

  it('information diagnostics with their own code on each newer tag, and no error', async () => {
    const api = await activateApi();
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1', 'the shipped data');
    const doc = await vscode.workspace.openTextDocument(workspaceUri(RULE));
    await diagnosticsSettled(doc);
    const ours = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'ATT&CK Lens');
    const shown = ours.map((d) => `${doc.getText(d.range)} ${SEVERITY[d.severity]} ${codeOf(d)}`);
    assert.deepStrictEqual(shown, [
      'attack.stealth information attack-lens/newer-than-data',
      'attack.defense-impairment information attack-lens/newer-than-data',
      'attack.t1685 information attack-lens/newer-than-data',
    ]);
    assert.match(ours[2].message, /^T1685 looks newer than the loaded ATT&CK v18\.1/);
  });

  it('one notification and a status bar warning for the workspace; the Coverage view lists the references', async () => {
    const api = await activateApi();
    const notice = api.newerThanData;
    assert.ok(notice, 'the notice started');
    await waitFor('the status bar warning', () => notice.statusText === '$(warning) 3 newer than v18.1');
    assert.deepStrictEqual(notice.notifications, ['ATT&CK Lens: 3 references look newer than the loaded ATT&CK v18.1.']);
    // A toast hides after a while: the notification center holds it either way.
    await vscode.commands.executeCommand('notifications.showList');
    const center = await waitForUiText('.notifications-center', /ATT&CK Lens: 3 references look newer than the loaded ATT&CK v18\.1\./, { timeoutMs: 20_000 });
    assert.match(center, /Update ATT&CK data/);
    assert.match(center, /Show them/);
    await waitForUiText('.part.statusbar', /3 newer than v18\.1/);

    const root = api.coverageTree.getChildren().find((n) => n.kind === 'newerRoot');
    assert.ok(root, 'a "Newer than" node');
    const refs = api.coverageTree.getChildren(root).map((n) => (n.kind === 'newer' ? `${n.id} ${n.refs.length}` : n.kind));
    assert.deepStrictEqual(refs, ['T1685 1', 'attack.defense-impairment 1', 'attack.stealth 1']);
    assert.ok(!api.coverageTree.getChildren().some((n) => n.kind === 'unknownRoot'), 'no typos to list');

    await uiClick('.notifications-center .monaco-button:has-text("Show them")');
    await waitForUiText('.part.sidebar .monaco-list-row', /Newer than ATT&CK v18\.1[\s\S]*T1685/);
  });

  it('a new newer reference updates the count without a second notification', async () => {
    const api = await activateApi();
    const notice = api.newerThanData!;
    const extra = workspaceUri('rules/second.yml');
    const text = (await vscode.workspace.fs.readFile(workspaceUri(RULE))).toString().replace('attack.t1685', 'attack.t1686').replace(/^id: .*$/m, 'id: 3a1f0b7e-4c2d-4e6f-9a8b-1c2d3e4f5a6c');
    await vscode.workspace.fs.writeFile(extra, Buffer.from(text));
    try {
      await waitFor('the count with the second rule', () => notice.statusText === '$(warning) 6 newer than v18.1');
      assert.strictEqual(notice.notifications.length, 1, 'once per workspace');
    } finally {
      await vscode.workspace.fs.delete(extra);
    }
    await waitFor('the count without it', () => notice.statusText === '$(warning) 3 newer than v18.1');
  });
});
