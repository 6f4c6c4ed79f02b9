import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AttackLensApi } from '../../../src/extension';

// Runs in a code-server whose only copy of ATT&CK Lens is the one installed from
// dist/attack-lens.vsix (runCodeServer --vsix): the packaged extension must work on its own.

const EXTENSION_ID = 'attack-lens.attack-lens';

async function installed(): Promise<{ ext: vscode.Extension<AttackLensApi>; api: AttackLensApi }> {
  const ext = vscode.extensions.getExtension<AttackLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  await api.ready;
  return { ext, api };
}

describe('packaged extension (.vsix)', () => {
  it('is the copy installed from the .vsix, not the repository', async () => {
    const { ext } = await installed();
    const extensionsDir = process.env.ATTACK_LENS_EXPECT_INSTALLED;
    assert.ok(extensionsDir, 'the runner names the extensions folder');
    assert.ok(ext.extensionPath.startsWith(extensionsDir), `${ext.extensionPath} is under ${extensionsDir}`);
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'src')), 'sources are not packaged');
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'node_modules')), 'node_modules are not packaged');
    assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'dist', 'extension.js.map')), 'source maps are not packaged');
  });

  it('is at most 5 MB', () => {
    const file = process.env.ATTACK_LENS_VSIX_FILE;
    assert.ok(file && fs.existsSync(file), 'the runner names the .vsix');
    const mb = fs.statSync(file).size / 1e6;
    assert.ok(mb <= 5, `${path.basename(file)} is ${mb.toFixed(2)} MB`);
  });

  it('runs in the workspace trust state the runner chose (vsix-restricted: Restricted Mode)', async () => {
    await installed();
    assert.strictEqual(vscode.workspace.isTrusted, !process.env.ATTACK_LENS_UNTRUSTED);
  });

  it('activates with its bundled ATT&CK v18.1 index', async () => {
    const { ext, api } = await installed();
    assert.strictEqual(ext.isActive, true);
    assert.strictEqual(api.lens.index.versionLabel, 'ATT&CK v18.1');
    assert.strictEqual(api.lens.indexSource, 'built-in data');
    assert.strictEqual(api.lens.index.technique('T1059.001')?.name, 'PowerShell');
  });

  it('answers "Show loaded ATT&CK data"', async () => {
    await installed();
    const info = await vscode.commands.executeCommand<{ versionLabel: string; domains: { domain: string }[] }>('attackLens.showAttackInfo', { quiet: true });
    assert.strictEqual(info?.versionLabel, 'ATT&CK v18.1');
    assert.deepStrictEqual(info.domains.map((d) => d.domain), ['enterprise-attack', 'mobile-attack', 'ics-attack']);
  });

  it('hovers T1059.001 in a Sigma rule (when the packaged build registers a hover provider)', async () => {
    const { ext } = await installed();
    // Judged on the build under test: once it registers a hover provider, the hover must answer.
    const hoverInBuild = fs.readFileSync(path.join(ext.extensionPath, 'dist', 'extension.js'), 'utf8').includes('registerHoverProvider');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'workspace folder');
    const uri = vscode.Uri.joinPath(folder.uri, 'rules', 'proc_creation_win_powershell_encoded.yml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const offset = doc.getText().indexOf('attack.t1059.001');
    assert.ok(offset > 0, 'fixture rule carries attack.t1059.001');
    const position = doc.positionAt(offset + 'attack.t10'.length);
    let text = '';
    for (let attempt = 0; attempt < 50 && !/PowerShell/.test(text); attempt++) {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
      text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      if (!hoverInBuild) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (hoverInBuild) assert.match(text, /PowerShell/, `hover text was: ${text}`);
  });
});
