import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, diagnosticsSettled, workspaceUri } from '../../host/inHost';

// .toml files open as the toml language ATT&CK Lens contributes (no other extension is
// installed in the test host), and the extension's features work in them.

describe('TOML language', function () {
  this.timeout(60_000);

  it('an Elastic rule opens with languageId toml, with hover, completion and diagnostics', async () => {
    await activateApi();
    const doc = await vscode.workspace.openTextDocument(workspaceUri('elastic/credential_access_sam_registry_dump.toml'));
    assert.strictEqual(doc.languageId, 'toml');
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('toml'));

    const id = doc.positionAt(doc.getText().indexOf('id = "T1003.002"') + 'id = "T1'.length);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, id);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Security Account Manager/);

    // A scratch copy with a revoked technique and an id being typed.
    const scratch = workspaceUri('elastic/scratch-revoked.toml');
    const source = doc.getText().replace('id = "T1003.002"', 'id = "T1086"');
    await vscode.workspace.fs.writeFile(scratch, new TextEncoder().encode(source));
    try {
      const edited = await vscode.workspace.openTextDocument(scratch);
      assert.strictEqual(edited.languageId, 'toml');
      await vscode.window.showTextDocument(edited);
      await diagnosticsSettled(edited);
      const codes = vscode.languages.getDiagnostics(scratch).map((d) => (typeof d.code === 'object' ? d.code.value : d.code));
      assert.ok(codes.includes('attack-lens/revoked'), JSON.stringify(codes));

      const at = edited.positionAt(source.indexOf('id = "T1003"') + 'id = "T100'.length);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', scratch, at);
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert.ok(labels.includes('T1003'), labels.slice(0, 10).join(', '));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(scratch);
    }
  });
});
