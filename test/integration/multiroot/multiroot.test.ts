import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, waitFor } from '../../host/inHost';

// A multi-root workspace (test/fixtures/workspaces/multiroot/multiroot.code-workspace): the folder
// `hunting` has its own attackLens.files, attackLens.coverage.exclude and
// attackLens.diagnostics.severity in its .vscode/settings.json; `detections` has none. Each
// folder's values apply to its own files: in the coverage scan, the editor and diagnostics.

function inFolder(name: 'detections' | 'hunting', rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  assert.ok(folder, `the workspace has a folder named ${name}`);
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

const codes = (uri: vscode.Uri) =>
  vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'ATT&CK Lens')
    .map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));

describe('multi-root: per-folder settings', () => {
  it('opens the fixture as a workspace with two folders', async () => {
    await activateApi();
    assert.deepStrictEqual(
      vscode.workspace.workspaceFolders?.map((f) => f.name),
      ['detections', 'hunting'],
    );
    assert.deepStrictEqual(vscode.workspace.getConfiguration('attackLens', inFolder('hunting', 'notes/plan.md')).get('coverage.exclude'), ['**/drafts/**'], 'the folder setting is visible to VS Code');
  });

  it('scans each folder with its own attackLens.files and attackLens.coverage.exclude', async () => {
    const api = await activateApi();
    const store = api.rules;
    assert.ok(store.file(inFolder('hunting', 'notes/plan.md')), 'hunting treats Markdown as generic');
    assert.strictEqual(store.file(inFolder('detections', 'notes/plan.md')), undefined, 'detections keeps the default globs (no Markdown)');
    assert.ok(store.file(inFolder('detections', 'drafts/autostart.yml')), 'detections keeps the default exclusions');
    assert.strictEqual(store.file(inFolder('hunting', 'drafts/uac_bypass.yml')), undefined, 'hunting leaves out its drafts');
    assert.ok(store.file(inFolder('hunting', 'rules/proc_creation_revoked.yml')) && store.file(inFolder('detections', 'rules/proc_creation_revoked.yml')));
    assert.strictEqual(store.model.forTechnique('T1021.001')?.rules.length, 1);
    assert.strictEqual(store.model.forTechnique('T1021.002')?.covered, false);
    assert.strictEqual(store.model.forTechnique('T1547.001')?.rules.length, 1);
    assert.strictEqual(store.model.forTechnique('T1548.002')?.covered, false);
  });

  it('gives editor features by each folder’s attackLens.files', async () => {
    await activateApi();
    const hover = async (uri: vscode.Uri) => {
      const doc = await vscode.workspace.openTextDocument(uri);
      const at = doc.positionAt(doc.getText().indexOf('T1059.001') + 3);
      return (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)) ?? [];
    };
    const shown = await hover(inFolder('detections', 'notes/ideas.txt'));
    assert.ok(
      shown.some((h) => h.contents.some((c) => /PowerShell/.test(typeof c === 'string' ? c : c.value))),
      'plain text gets hovers where no glob turns it off',
    );
    assert.deepStrictEqual(await hover(inFolder('hunting', 'notes/ideas.txt')), [], 'hunting turns *.txt off');
  });

  it('applies each folder’s attackLens.diagnostics.severity to its files', async () => {
    await activateApi();
    const detections = inFolder('detections', 'rules/proc_creation_revoked.yml');
    const hunting = inFolder('hunting', 'rules/proc_creation_revoked.yml');
    await vscode.workspace.openTextDocument(detections);
    await vscode.workspace.openTextDocument(hunting);
    const inDetections = await waitFor('diagnostics of the detections rule', () => {
      const c = codes(detections);
      return c.includes('attack-lens/revoked') && c.includes('attack-lens/missing-tactic') && c;
    });
    assert.ok(inDetections.includes('attack-lens/revoked'));
    // The same rule in hunting: its other finding shows that diagnostics ran; the revoked one is off there.
    const inHunting = await waitFor('diagnostics of the hunting rule', () => {
      const c = codes(hunting);
      return c.includes('attack-lens/missing-tactic') && c;
    });
    assert.ok(!inHunting.includes('attack-lens/revoked'), inHunting.join(', '));
  });
});
