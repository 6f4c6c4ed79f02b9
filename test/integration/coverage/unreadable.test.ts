import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, nextChange, workspaceUri, write } from './helpers';

// A rule whose ATT&CK tag cannot be read shows under "Unreadable references" and in the badge,
// so the workspace says so without the file being open.

describe('coverage: unreadable references', () => {
  it('lists a tag with a trailing dot under Unreadable references and counts it in the badge', async () => {
    const api = await activateApi();
    const store = api.rules;
    const tree = api.coverageTree;
    const uri = workspaceUri('rules', 'sigma', 'live_unreadable.yml');
    const text = ['title: Pasted Tag', 'status: test', 'tags:', '    - attack.t1110.001.', 'logsource:', '    product: windows', 'detection:', '    selection:', '        EventID: 4625', '    condition: selection', ''].join('\n');
    const badgeBefore = tree.viewState.badge?.value ?? 0;
    await nextChange(store, () => write(uri, text));
    try {
      assert.strictEqual(store.model.forTechnique('T1110.001')!.covered, false, 'an unreadable tag counts for nothing');
      const root = tree.getChildren().find((n) => n.kind === 'unreadableRoot');
      assert.ok(root, 'an Unreadable references node');
      const items = tree.getChildren(root).map((n) => tree.getTreeItem(n) as vscode.TreeItem);
      assert.deepStrictEqual(items.map((i) => [i.label, i.description]), [['Pasted Tag', 'rules/sigma/live_unreadable.yml:4']]);
      assert.strictEqual(tree.viewState.badge?.value, badgeBefore + 1);
      assert.match(tree.viewState.badge?.tooltip ?? '', /1 unreadable reference/);
    } finally {
      await nextChange(store, () => vscode.workspace.fs.delete(uri));
    }
    assert.strictEqual(tree.getChildren().find((n) => n.kind === 'unreadableRoot'), undefined, 'gone with the file');
  });
});
