import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FixAllRevokedResult } from '../../../src/commands/fixAllRevoked';
import { extensionApi, workspaceUri } from './helpers';

async function disk(rel: string): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri(rel)));
}

describe('Fix all revoked references in workspace', () => {
  before(async () => {
    await extensionApi();
  });

  it('replaces every revoked reference in the workspace, file by file, and saves', async () => {
    const excludedBefore = await disk('excluded/excluded_rule.yml');
    const result = await vscode.commands.executeCommand<FixAllRevokedResult>('attackLens.fixAllRevoked', { confirm: false });
    const files = result.details.map((d) => vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri))).sort();
    assert.deepStrictEqual(files, ['elastic/execution_problems.toml', 'sentinel/tactic_names.yaml', 'sigma/proc_creation_win_problems.yml', 'splunk/malformed_ids.yml', 'yaral/powershell_encoded.yaral']);
    assert.strictEqual(result.references, 5);
    assert.strictEqual(result.files, 5);
    assert.deepStrictEqual(result.details.find((d) => d.uri.endsWith('proc_creation_win_problems.yml'))!.replacements, ['line 9: attack.t1086 → attack.t1059.001']);

    assert.strictEqual((await disk('sigma/proc_creation_win_problems.yml')).split('\n')[8], '    - attack.t1059.001');
    assert.strictEqual((await disk('splunk/malformed_ids.yml')).split('\n')[20], '  - T1059.001');
    assert.strictEqual((await disk('sentinel/tactic_names.yaml')).split('\n')[18], '  - T1059.001');
    assert.match(await disk('yaral/powershell_encoded.yaral'), /mitre_attack_technique = "T1059\.001"/);
    assert.ok(
      (await disk('elastic/execution_problems.toml')).includes(
        'id = "T1059"\nname = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"\n\n[[rule.threat.technique.subtechnique]]\nid = "T1059.001"\nname = "PowerShell"\nreference = "https://attack.mitre.org/techniques/T1059/001/"\n',
      ),
    );
    assert.strictEqual(await disk('excluded/excluded_rule.yml'), excludedBefore, 'files.exclude is honoured');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.path.includes('/sigma/')), 'changes are saved');

    const again = await vscode.commands.executeCommand<FixAllRevokedResult>('attackLens.fixAllRevoked', { confirm: false });
    assert.deepStrictEqual([again.references, again.files], [0, 0]);
  });

  it('leaves a file alone when attackLens.coverage.exclude covers it', async () => {
    const config = vscode.workspace.getConfiguration('attackLens');
    await vscode.workspace.fs.writeFile(workspaceUri('vendor/old_rule.yml'), new TextEncoder().encode('title: Old\nlogsource:\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1086\n'));
    try {
      await config.update('coverage.exclude', ['**/node_modules/**', '**/.git/**', 'vendor/**'], vscode.ConfigurationTarget.Workspace);
      const skipped = await vscode.commands.executeCommand<FixAllRevokedResult>('attackLens.fixAllRevoked', { confirm: false });
      assert.strictEqual(skipped.references, 0);
      await config.update('coverage.exclude', undefined, vscode.ConfigurationTarget.Workspace);
      const fixed = await vscode.commands.executeCommand<FixAllRevokedResult>('attackLens.fixAllRevoked', { confirm: false });
      assert.deepStrictEqual([fixed.references, fixed.files], [1, 1]);
      assert.match(await disk('vendor/old_rule.yml'), /- attack\.t1059\.001\n$/);
    } finally {
      await config.update('coverage.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
