import * as assert from 'assert';
import * as vscode from 'vscode';
import { extensionApi, openFixture, positionOf, removeScratch, typing } from './helpers';

// Document links, Search ATT&CK (driven with an ID argument: the picker's item → insertion path
// is the same function) and Open technique (the virtual attack-lens: document it renders).

describe('ATT&CK links and commands', () => {
  before(async () => {
    await extensionApi();
  });
  after(removeScratch);

  it('document links point every known reference at the ATT&CK site', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
    const ours = links.filter((l) => l.target?.authority === 'attack.mitre.org');
    const byText = new Map(ours.map((l) => [doc.getText(l.range), l.target!.toString(true)]));
    assert.strictEqual(byText.get('attack.t1059.001'), 'https://attack.mitre.org/techniques/T1059/001/');
    assert.strictEqual(byText.get('attack.execution'), 'https://attack.mitre.org/tactics/TA0002/');
    assert.strictEqual(byText.get('attack.g0016'), 'https://attack.mitre.org/groups/G0016/');
    assert.strictEqual(byText.get('attack.t1086'), 'https://attack.mitre.org/techniques/T1086/');
    const notes = await openFixture('notes/threat-notes.md');
    const noteLinks = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', notes.uri);
    assert.deepStrictEqual(
      noteLinks.filter((l) => l.target?.authority === 'attack.mitre.org').map((l) => notes.getText(l.range)),
      ['G0016', 'T1059.001', 'T1027', 'TA0002', 'T1086', 'M1049', 'S0154'],
    );
  });

  it('document links follow attackLens.siteBaseUrl', async () => {
    const config = vscode.workspace.getConfiguration('attackLens');
    await config.update('siteBaseUrl', 'https://attack.internal.example/mirror', vscode.ConfigurationTarget.Workspace);
    try {
      const doc = await openFixture('splunk/windows_powershell_encoded_command.yml');
      const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
      const mirror = links.filter((l) => l.target?.authority === 'attack.internal.example');
      assert.deepStrictEqual(mirror.map((l) => l.target!.toString(true)), ['https://attack.internal.example/mirror/techniques/T1059/001/', 'https://attack.internal.example/mirror/techniques/T1027/']);
    } finally {
      await config.update('siteBaseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Search ATT&CK inserts the Sigma tag form in Sigma tags and the plain ID elsewhere', async () => {
    const { doc, at } = await typing('search.yml', 'title: t\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: b\n    condition: sel\ntags:\n    - |\n');
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('attackLens.searchAttack', 'T1059.001');
    assert.strictEqual(doc.lineAt(at.line).text, '    - attack.t1059.001');
    editor.selection = new vscode.Selection(doc.lineAt(at.line).range.end, doc.lineAt(at.line).range.end);
    await vscode.commands.executeCommand('attackLens.searchAttack', { id: 'G0016' });
    assert.strictEqual(doc.lineAt(at.line + 1).text, '    - attack.g0016', 'a new item below the filled one');
    const title = positionOf(doc, 'title: t');
    editor.selection = new vscode.Selection(title, title);
    await vscode.commands.executeCommand('attackLens.searchAttack', 'T1027');
    assert.strictEqual(doc.lineAt(0).text, 'title: tT1027', 'plain ID outside tags');
    await doc.save();
  });

  it('Search ATT&CK in an Elastic technique table fills id, name and reference', async () => {
    const { doc, at } = await typing('search.toml', '[rule]\nname = "x"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n\n[[rule.threat.technique]]\nid = "|"\n\n[rule.threat.tactic]\nid = "TA0002"\n');
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('attackLens.searchAttack', 'T1059');
    assert.deepStrictEqual([7, 8, 9].map((l) => doc.lineAt(l).text), ['id = "T1059"', 'name = "Command and Scripting Interpreter"', 'reference = "https://attack.mitre.org/techniques/T1059/"']);
    await doc.save();
  });

  it('Open technique renders the entry as a read-only attack-lens: document', async () => {
    const uri = await vscode.commands.executeCommand<string>('attackLens.openTechnique', 'T1059.001');
    assert.strictEqual(uri, 'attack-lens:/T1059.001.md');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const text = doc.getText();
    assert.ok(text.includes('T1059\\.001 PowerShell'));
    assert.ok(text.includes('PSAttack'), 'the full description');
    assert.ok(text.includes('Detection strategies:'));
    const unknown = await vscode.commands.executeCommand('attackLens.openTechnique', 'T9999');
    assert.strictEqual(unknown, undefined);
  });

  it('Search ATT&CK without an editor opens the entry', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('attackLens.searchAttack', 'G0016');
    const deadline = Date.now() + 10_000;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      labels = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
      if (labels.some((l) => l.includes('G0016'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(labels.some((l) => l.includes('G0016')), labels.join());
  });
});
