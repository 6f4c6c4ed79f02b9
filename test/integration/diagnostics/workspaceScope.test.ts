import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, extensionApi, ours, waitFor, workspaceUri } from './helpers';

// attackLens.diagnostics.scope: the findings of rule files nobody opened are in the Problems
// panel ("workspace", the default), follow the file on disk, and go with "openFiles".

const setScope = (value: string | undefined) => vscode.workspace.getConfiguration('attackLens').update('diagnostics.scope', value, vscode.ConfigurationTarget.Workspace);
const isOpen = (uri: vscode.Uri) => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

describe('Problems for the workspace (attackLens.diagnostics.scope)', () => {
  before(async () => {
    await (await extensionApi()).rules.ready;
  });
  after(async () => {
    await setScope(undefined);
  });

  it('shows a broken rule nobody opened, follows it on disk, and clears it for openFiles', async () => {
    const broken = workspaceUri('unopened/broken_unopened.yml');
    assert.ok(!isOpen(broken), 'the test reads a file no editor has open');
    const ds = await waitFor('the unopened broken rule in the Problems panel', () => (ours(broken).length ? ours(broken) : undefined));
    assert.deepStrictEqual(ds.map(codeOf), ['attack-lens/parse-error']);
    assert.ok(!isOpen(broken), 'reading its diagnostics did not open it');

    // Live with the store: a new file on disk with a revoked tag, then fixed on disk.
    const written = workspaceUri('scratch/on_disk.yml');
    const rule = (tag: string) => new TextEncoder().encode(`title: On disk\nlogsource:\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\ntags:\n    - attack.execution\n    - ${tag}\n`);
    await vscode.workspace.fs.writeFile(written, rule('attack.t1086'));
    try {
      const revoked = await waitFor('the revoked tag of the new file', () => (ours(written).length ? ours(written) : undefined));
      assert.deepStrictEqual(revoked.map((d) => [codeOf(d), d.range.start.line]), [['attack-lens/revoked', 9]]);
      await vscode.workspace.fs.writeFile(written, rule('attack.t1059.001'));
      await waitFor('the fixed file to leave the Problems panel', () => ours(written).length === 0);
    } finally {
      await vscode.workspace.fs.delete(written);
    }

    await setScope('openFiles');
    await waitFor('openFiles to clear the unopened file', () => ours(broken).length === 0);
    await setScope('workspace');
    await waitFor('workspace to show it again', () => ours(broken).length === 1);
  });
});
