import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, EXTENSION_ID, workspaceUri } from '../../host/inHost';
import type { CheckRulesResult } from '../../../src/commands/checkRulesAgainstAttack';
import type { CoverageNode } from '../../../src/views/coverageNodes';

// The explorer and editor context menus: Show coverage for this folder, Check rules, Export
// layer for this folder, each run with the Uri (and the selection) VS Code passes from a menu.

/** Technique IDs the Coverage view's tactic rows show as covered. */
function coveredInTree(roots: readonly CoverageNode[]): Set<string> {
  const ids = new Set<string>();
  for (const n of roots) {
    if (n.kind !== 'tactic') continue;
    for (const item of n.coverage.items) {
      if (item.covered) ids.add(item.technique.id);
      for (const s of item.subtechniques) if (s.covered) ids.add(s.technique.id);
    }
  }
  return ids;
}

describe('context menus: rule files and folders', function () {
  this.timeout(60_000);
  const sigma = () => workspaceUri('sigma');
  const elastic = () => workspaceUri('elastic');
  const sigmaRule = () => workspaceUri('sigma/powershell_download.yml');
  const elasticRule = () => workspaceUri('elastic/credential_access_sam_registry_dump.toml');

  afterEach(async () => {
    await vscode.commands.executeCommand('attackLens.showWorkspaceCoverage');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('are contributed to the explorer and the editor for the three commands', () => {
    const menus = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.menus as Record<string, { command: string; when?: string }[]>;
    for (const menu of ['explorer/context', 'editor/context']) {
      const commands = menus[menu].map((m) => m.command);
      for (const c of ['attackLens.showFolderCoverage', 'attackLens.checkRulesAgainstAttack', 'attackLens.exportFolderLayer']) assert.ok(commands.includes(c), `${c} in ${menu}`);
    }
    assert.ok(menus['explorer/context'].some((m) => m.command === 'attackLens.chooseThreatProfile' && m.when === 'resourceExtname == .json'), 'a layer file can become the threat profile');
  });

  it('Show coverage for this folder: the Coverage view counts only that folder\'s rules; a rule file stands for its folder', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    const whole = coveredInTree(tree.getChildren());
    assert.ok(whole.has('T1059.001') && whole.has('T1003.002'), [...whole].join(', '));

    const shown = await vscode.commands.executeCommand<string[]>('attackLens.showFolderCoverage', sigma(), [sigma()]);
    assert.deepStrictEqual(shown, [sigma().toString()]);
    const inSigma = coveredInTree(tree.getChildren());
    assert.ok(inSigma.has('T1059.001') && inSigma.has('T1059'), [...inSigma].join(', '));
    assert.ok(!inSigma.has('T1003') && !inSigma.has('T1003.002'), 'the Elastic rule is outside the folder');
    assert.match(tree.viewState.message ?? '', /Coverage of sigma only/);

    await vscode.commands.executeCommand('attackLens.showFolderCoverage', elasticRule());
    assert.deepStrictEqual(tree.scope?.map(String), [elastic().toString()], 'the file\'s folder');
    const inElastic = coveredInTree(tree.getChildren());
    assert.ok(inElastic.has('T1003.002') && !inElastic.has('T1059.001'), [...inElastic].join(', '));

    await vscode.commands.executeCommand('attackLens.showWorkspaceCoverage');
    assert.strictEqual(tree.scope, undefined);
    assert.deepStrictEqual(coveredInTree(tree.getChildren()), whole);
  });

  it('Check rules: only the files picked, or those under the folder picked', async () => {
    await activateApi();
    const onFile = await vscode.commands.executeCommand<CheckRulesResult>('attackLens.checkRulesAgainstAttack', sigmaRule(), [sigmaRule()]);
    assert.strictEqual(onFile.scanned, 1);
    assert.ok(onFile.items.length > 0 && onFile.items.every((i) => i.uri === sigmaRule().toString()));
    assert.ok(onFile.items.some((i) => i.text === 'attack.t1086' && i.category === 'revoked'), JSON.stringify(onFile.items));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

    const onFolder = await vscode.commands.executeCommand<CheckRulesResult>('attackLens.checkRulesAgainstAttack', elastic());
    assert.strictEqual(onFolder.scanned, 1);
    assert.deepStrictEqual(onFolder.items, [], 'the revoked tag is in the Sigma folder');

    const both = await vscode.commands.executeCommand<CheckRulesResult>('attackLens.checkRulesAgainstAttack', elasticRule(), [elasticRule(), sigmaRule()]);
    assert.strictEqual(both.scanned, 2, 'the whole explorer selection');
  });

  it('Export layer for this folder: writes the layer of that folder\'s rules', async () => {
    await activateApi();
    const target = workspaceUri('elastic-layer.json');
    try {
      const written = await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportFolderLayer', elastic(), [elastic()], target);
      assert.strictEqual(written?.toString(), target.toString());
      const layer = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as { name: string; techniques: { techniqueID: string; score?: number }[] };
      const scored = new Set(layer.techniques.filter((t) => t.score !== undefined).map((t) => t.techniqueID));
      assert.ok(scored.has('T1003') && scored.has('T1003.002'), [...scored].join(', '));
      assert.ok(!scored.has('T1059.001'), 'the Sigma rule is outside the folder');
      assert.match(layer.name, /elastic coverage/);
    } finally {
      await vscode.workspace.fs.stat(target).then(() => vscode.workspace.fs.delete(target), () => undefined);
    }
  });
});
